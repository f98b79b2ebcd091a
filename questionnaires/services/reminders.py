"""Reminders: queued when a planned time has come, only to people still expected to answer,
never after the close nor while the responses are locked, at most `max_reminders` each, each
planned reminder once."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from questionnaires.models import Distribution, Invitation, Message
from questionnaires.selectors.distributions import reminder_times
from questionnaires.services.messaging import enqueue, message_create


def _reminder_slot(distribution: Distribution, now: dt.datetime) -> dt.datetime | None:
    """The latest planned time that has come (after the invitations went out), or None."""
    if distribution.sent_at is None or (distribution.closes_at and distribution.closes_at <= now):
        return None
    due = [t for t in reminder_times(distribution) if distribution.sent_at < t <= now]
    return due[-1] if due else None


def reminders_run(*, now: dt.datetime | None = None) -> int:
    """Queue the reminders that are due: only to people still expected to answer, never after
    the close, at most `max_reminders` each, each planned reminder once. Returns how many."""
    now = now or timezone.now()
    queued: list[int] = []
    # Locked responses close the form: nobody is reminded of it.
    candidates = Distribution.objects.filter(
        sent_at__isnull=False, deadline__isnull=False, responses_locked_at__isnull=True
    )
    for distribution in candidates.select_related("evaluation", "created_by"):
        slot = _reminder_slot(distribution, now)
        if slot is not None:
            with transaction.atomic():  # one distribution's trouble never holds up the others
                queued += _reminders_queue(distribution, slot, now)
    return len(queued)


def _reminders_queue(distribution: Distribution, slot: dt.datetime, now: dt.datetime) -> list[int]:
    """Queue one planned reminder of one distribution to those still expected to answer."""
    queued: list[int] = []
    suffix = f"reminder:{slot:%Y%m%dT%H%M}"
    waiting = (
        distribution.invitations.filter(
            status__in=Invitation.REMINDABLE,
            reminders_sent__lt=distribution.max_reminders,
        )
        .exclude(email="")
        .exclude(channel=Invitation.Channel.PHONE)
        .select_related("distribution__evaluation", "distribution__created_by")
    )
    for invitation in waiting:
        message = message_create(invitation, Message.Kind.REMINDER, f"inv:{invitation.pk}:{suffix}")
        if message is None:
            continue
        Invitation.objects.filter(pk=invitation.pk).update(
            reminders_sent=F("reminders_sent") + 1, last_reminder_at=now
        )
        queued.append(message.pk)
    enqueue(queued)
    return queued
