"""The steps of an invitation's history: recording one, and moving the status forward."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from history.services import record
from questionnaires.models import Invitation, InvitationEvent
from questionnaires.selectors.responses import RESPONDENT_STEPS, day_only

if TYPE_CHECKING:
    from accounts.models import User


def invitation_event(
    invitation: Invitation,
    status: str,
    *,
    by: User | None = None,
    note: str = "",
) -> None:
    """Record a step, now. The respondent's own steps (opened, started, submitted …) of an
    anonymous distribution are stored as their day only."""
    invitation_event_row(invitation, status, by=by, note=note).save(force_insert=True)


def invitation_event_row(
    invitation: Invitation,
    status: str,
    *,
    by: User | None = None,
    note: str = "",
) -> InvitationEvent:
    """The step invitation_event records, not saved yet (for a caller that inserts it with
    other rows in one statement)."""
    when = timezone.now()
    if status in RESPONDENT_STEPS:
        when = respondent_time(invitation, when)
    return InvitationEvent(invitation=invitation, status=status, by=by, note=note[:2000], at=when)


def day_start(value: dt.datetime) -> dt.datetime:
    """00:00 UTC of the time's UTC day: how anonymous respondents' times are stored
    (migration 0004_anonymous_times_to_the_day applies the same rule to older rows)."""
    return dt.datetime.combine(value.astimezone(dt.UTC).date(), dt.time(), tzinfo=dt.UTC)


def respondent_time(invitation: Invitation, at: dt.datetime | None = None) -> dt.datetime:
    """When a respondent did something (now by default) as stored: the time, or its day
    where the distribution is anonymous, so no stored time orders its respondents."""
    when = at or timezone.now()
    return day_start(when) if day_only(invitation.distribution) else when


def invitation_advance(
    invitation: Invitation, to: str, since: Iterable[str], **fields: Any
) -> bool:
    """Move the status forward only from the given ones; record the step when it moved."""
    was = invitation.status
    moved = Invitation.objects.filter(pk=invitation.pk, status__in=list(since)).update(
        status=to, **fields
    )
    if moved:
        invitation.status = to
        invitation_event(invitation, to)
        if to not in RESPONDENT_STEPS:
            # Sending steps (sent, failed) by the team or the system land in the history; the
            # respondent's own steps stay in the events only, where an anonymous one keeps
            # its day (an exact time could tie the invitation to its response).
            times = {k: [None, str(v) if v else v] for k, v in fields.items()}
            record(invitation, verb="", changes={"status": [was, to], **times})
    return bool(moved)
