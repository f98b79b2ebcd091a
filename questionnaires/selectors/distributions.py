"""Reads on distributions: the evaluation's list with its counts, and the planned reminders."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TypedDict

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from evaluations.models import Evaluation
from questionnaires.models import Distribution, Message


def distribution_list(*, evaluation: Evaluation) -> QuerySet[Distribution]:
    return (
        Distribution.objects.filter(evaluation=evaluation)
        .select_related("version__instrument")
        .annotate(
            invited=Count("invitations", distinct=True),
            submitted=Count(
                "invitations", filter=Q(invitations__status="submitted"), distinct=True
            ),
        )
        .order_by("-created_at", "-pk")  # Meta.ordering is not applied to a GROUP BY query
    )


def reminder_times(distribution: Distribution) -> list[dt.datetime]:
    """When reminders are planned: so many days before the deadline, earliest first."""
    if distribution.deadline is None:
        return []
    days = sorted({int(d) for d in distribution.reminder_days}, reverse=True)
    return [distribution.deadline - dt.timedelta(days=d) for d in days]


class ReminderSlot(TypedDict):
    at: dt.datetime
    days: int
    problem: str  # "", or why this reminder is never sent


def reminder_slots(distribution: Distribution) -> list[ReminderSlot]:
    """Each planned reminder with what keeps it from going out: planned before the invitations
    were sent, or at or after the close (the scheduler skips both)."""
    if distribution.deadline is None:
        return []
    slots: list[ReminderSlot] = []
    for days in sorted({int(d) for d in distribution.reminder_days}, reverse=True):
        at = distribution.deadline - dt.timedelta(days=days)
        problem = ""
        if distribution.sent_at is not None and at <= distribution.sent_at:
            problem = _("before the invitations went out: not sent")
        elif distribution.closes_at is not None and at >= distribution.closes_at:
            problem = _("after the form closes: not sent")
        slots.append({"at": at, "days": days, "problem": problem})
    return slots


def next_reminder(distribution: Distribution, now: dt.datetime | None = None) -> dt.datetime | None:
    """When the next planned reminder goes out; None when none will (not sent yet, locked,
    closed, or every planned time passed)."""
    now = now or timezone.now()
    if distribution.sent_at is None or distribution.responses_locked_at is not None:
        return None
    if distribution.max_reminders == 0:
        return None
    upcoming = [s["at"] for s in reminder_slots(distribution) if not s["problem"] and s["at"] > now]
    return min(upcoming, default=None)


class PlannedReminder(TypedDict):
    at: dt.datetime
    sent: int


def reminder_plan(distribution: Distribution) -> list[PlannedReminder]:
    """Each planned reminder: when ("at"), and how many went out for it ("sent")."""
    sent: dict[str, int] = {}
    prefetched = getattr(distribution, "sent_reminders", None)  # by the list API
    keys: Iterable[str]
    if prefetched is not None:
        keys = [m.key for m in prefetched]
    else:
        keys = distribution.messages.filter(
            kind=Message.Kind.REMINDER, status=Message.Status.SENT
        ).values_list("key", flat=True)
    for key in keys:
        slot = key.rsplit(":", 1)[-1]
        sent[slot] = sent.get(slot, 0) + 1
    return [
        {"at": at, "sent": sent.get(f"{at:%Y%m%dT%H%M}", 0)} for at in reminder_times(distribution)
    ]


def closed_refusal(distribution: Distribution, now: dt.datetime | None = None) -> str:
    """Why nothing can be sent to respondents now ("" when it can): the form has closed."""
    if distribution.closes_at and distribution.closes_at <= (now or timezone.now()):
        return _("This questionnaire is closed; move its close date first.")
    return ""


def sending_refusal(distribution: Distribution, now: dt.datetime | None = None) -> str:
    """Why the invitations cannot go out now ("" when they can): the page shows it beside a
    disabled button, and the service refuses with it."""
    now = now or timezone.now()
    closed = closed_refusal(distribution, now)
    if closed:
        return closed
    if distribution.deadline and distribution.deadline <= now:
        return _("The deadline has passed; set a new deadline before sending.")
    return ""


def reminding_refusal(distribution: Distribution, now: dt.datetime | None = None) -> str:
    """Why nobody can be reminded now ("" when they can)."""
    if distribution.sent_at is None:
        return _("The invitations have not been sent yet: send them first.")
    return closed_refusal(distribution, now)
