"""Reads on corrections: the requests waiting for the lead, and a response's corrections as
the history keeps them, limited to what the user may read."""

from __future__ import annotations

from typing import TYPE_CHECKING

from evaluations.models import Membership
from evaluations.permissions import role_of
from history.selectors import entry_rows
from history.selectors.access import can_view_history
from history.selectors.entries import anchored_history
from history.selectors.rendering import EntryRow
from questionnaires.models import Correction, Distribution, Response

if TYPE_CHECKING:
    from accounts.models import User


def pending_requests(*, user: User, distribution: Distribution) -> list[Correction]:
    """The respondents' requests waiting for a decision: for the lead, who decides."""
    if role_of(user, distribution.evaluation) != Membership.Role.LEAD:
        return []
    return list(
        Correction.objects.filter(
            response__distribution=distribution, status=Correction.Status.REQUESTED
        )
        .select_related("response__invitation")
        .order_by("requested_at", "pk")
    )


def response_corrections(*, user: User, response: Response) -> list[EntryRow]:
    """What the history keeps of the response's corrections (who, when, what changed, why);
    empty for those who do not read the history, and without a lead-only response's entries
    for all but the lead (history.selectors.access)."""
    evaluation = response.distribution.evaluation
    if not can_view_history(user, evaluation):
        return []
    entries = anchored_history(
        user=user, evaluation=evaluation, anchors=[f"distribution:{response.distribution_id}"]
    ).filter(object_pk=response.pk)
    return entry_rows(entries, evaluation=evaluation)
