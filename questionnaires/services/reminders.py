"""Reminders: queued when a planned time has come, only to people still expected to answer,
never after the close nor while the responses are locked, at most `max_reminders` each, each
planned reminder once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from typing import NamedTuple

from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from common.errors import ValidationProblem
from evaluations.permissions import Action, Actor, ensure
from questionnaires.message_texts import message_texts
from questionnaires.models import Distribution, Invitation, Message
from questionnaires.selectors.distributions import reminder_times, reminding_refusal
from questionnaires.services.distributions import ensure_responses_unlocked
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
    return _queue(
        distribution, reminders_waiting(distribution), f"reminder:{slot:%Y%m%dT%H%M}", now
    )


def reminders_waiting(distribution: Distribution) -> QuerySet[Invitation]:
    """Who a reminder goes to: invited by e-mail, not answered, below `max_reminders`. Not
    the open link's visitors: they were never invited, an address they left is no consent."""
    return (
        distribution.invitations.filter(
            status__in=Invitation.REMINDABLE,
            reminders_sent__lt=distribution.max_reminders,
        )
        .exclude(email="")
        .exclude(channel__in=[Invitation.Channel.PHONE, Invitation.Channel.OPEN])
        .select_related(
            "distribution__evaluation", "distribution__created_by", "distribution__version"
        )
        .order_by("name", "pk")
    )


def _queue(
    distribution: Distribution, waiting: QuerySet[Invitation], suffix: str, now: dt.datetime
) -> list[int]:
    queued: list[int] = []
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


# --- reminders sent now, by a lead or evaluator ------------------------------------------------


class RemindPreview(NamedTuple):
    recipients: list[Invitation]
    subject: str
    body: str
    at: dt.datetime  # when it was made: a confirmation skips those reminded since


def _ensure_can_remind(distribution: Distribution, by: Actor, now: dt.datetime) -> None:
    ensure(by, Action.MANAGE_RESPONDENTS, distribution.evaluation)
    ensure_responses_unlocked(distribution)
    refusal = reminding_refusal(distribution, now)
    if refusal:
        raise ValidationProblem(refusal)


def reminders_preview(*, distribution: Distribution, by: Actor) -> RemindPreview:
    """Who a reminder sent now would reach, and the message (as the first of them gets it)."""
    now = timezone.now()
    _ensure_can_remind(distribution, by, now)
    recipients = list(reminders_waiting(distribution))
    first = recipients[0] if recipients else None
    subject, body = message_texts(distribution, first, Message.Kind.REMINDER)
    return RemindPreview(recipients, subject, body, now)


@transaction.atomic
def reminders_send_now(
    *,
    distribution: Distribution,
    by: Actor,
    recipients: Collection[int] | None = None,
    previewed_at: dt.datetime | None = None,
) -> int:
    """Queue a reminder now to everyone who has not answered (within `max_reminders`); with
    `recipients` (the invitations a preview listed), only to those of them still waiting, and
    with `previewed_at` not to those reminded since the preview: a second confirmation of the
    same preview sends nothing more. Returns how many."""
    now = timezone.now()
    distribution = Distribution.objects.select_for_update().get(pk=distribution.pk)
    _ensure_can_remind(distribution, by, now)
    waiting = reminders_waiting(distribution)
    if recipients is not None:
        waiting = waiting.filter(pk__in=list(recipients))
    if previewed_at is not None:
        waiting = waiting.exclude(last_reminder_at__gte=previewed_at)
    if not waiting.exists():
        if recipients is not None:
            raise ValidationProblem(
                _(
                    "Nobody of the preview is waiting for this reminder any more: it has "
                    "already gone out to them, or they have answered since."
                )
            )
        raise ValidationProblem(
            _(
                "Nobody is waiting for a reminder: everyone has answered, "
                "declined, or had the most reminders allowed."
            )
        )
    return len(_queue(distribution, waiting, f"reminder:now{now:%Y%m%dT%H%M}", now))
