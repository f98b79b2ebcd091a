"""What a user may see of an evaluation's reports: the one place pages, the API, exports and
commands ask (built on evaluations.permissions).

Members of the evaluation see the aggregates. Viewers see them with small cells suppressed and
never see names, raw responses or open answers. Lead members may ask for the unsuppressed view,
which is marked as such wherever it is shown."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from evaluations.permissions import Action, Role, can, role_of
from reports.tables import ReportAccess

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User
    from evaluations.models import Evaluation


def report_access(
    user: User | AnonymousUser, evaluation: Evaluation, *, unsuppressed: bool = False
) -> ReportAccess:
    """The user's view of the reports; PermissionDenied for non-members, and for anyone but a
    lead member asking for the unsuppressed view."""
    if not can(user, Action.VIEW_EVALUATION, evaluation):
        raise PermissionDenied(_("You are not a member of this evaluation."))
    role = role_of(user, evaluation)
    is_lead = role == Role.LEAD
    if unsuppressed and not is_lead:
        raise PermissionDenied(_("Only the lead evaluator can see the unsuppressed figures."))
    reads = can(user, Action.VIEW_RESPONSES, evaluation)
    return ReportAccess(
        role=role,
        suppressed=not unsuppressed,
        threshold=evaluation.small_cell_threshold,
        names=reads,
        raw_answers=reads,
        can_unsuppress=is_lead,
    )
