"""The steps of an invitation's history: recording one, and moving the status forward."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from questionnaires.models import Invitation, InvitationEvent

if TYPE_CHECKING:
    from accounts.models import User


def invitation_event(
    invitation: Invitation,
    status: str,
    *,
    by: User | None = None,
    note: str = "",
    at: dt.datetime | None = None,
) -> None:
    """Record a step, now or (an anonymous submission: its day only) at `at`."""
    InvitationEvent.objects.create(
        invitation=invitation, status=status, by=by, note=note[:2000], at=at or timezone.now()
    )


def invitation_advance(
    invitation: Invitation, to: str, since: Iterable[str], **fields: Any
) -> bool:
    """Move the status forward only from the given ones; record the step when it moved."""
    moved = Invitation.objects.filter(pk=invitation.pk, status__in=list(since)).update(
        status=to, **fields
    )
    if moved:
        invitation.status = to
        invitation_event(invitation, to)
    return bool(moved)
