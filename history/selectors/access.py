"""Who may read which history entries: the one place pages, the API and the tabs ask.

An evaluation's entries are for its lead evaluators and evaluators (viewers and data entry see
none); entries marked lead-only (a lead's note) for its leads alone. Registry entries (no
evaluation: people, aliases, affiliations, organisations, groups, merges) are for those who may
manage the registry; a site superuser reads those, not an evaluation's, unless a member.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils.translation import gettext as _

from evaluations.models import Evaluation, Membership
from evaluations.permissions import can_manage_registry, role_of

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User

Role = Membership.Role
HISTORY_ROLES = frozenset({Role.LEAD, Role.EVALUATOR})


def can_view_history(user: User | AnonymousUser, evaluation: Evaluation) -> bool:
    """Lead evaluators and evaluators of the evaluation."""
    return role_of(user, evaluation) in HISTORY_ROLES


def ensure_history(user: User | AnonymousUser, evaluation: Evaluation) -> None:
    if not can_view_history(user, evaluation):
        raise PermissionDenied(
            _("Only the lead evaluator and evaluators can read the history of this evaluation.")
        )


def ensure_registry_history(user: User | AnonymousUser) -> None:
    if not can_manage_registry(user):
        raise PermissionDenied(
            _(
                "The history of the stakeholder registry is open to lead evaluators and "
                "evaluators only."
            )
        )


def evaluation_scope(user: User | AnonymousUser, evaluation: Evaluation) -> Q:
    """The entries of one evaluation the user may read (after ensure_history)."""
    scope = Q(evaluation_id=evaluation.pk)
    if role_of(user, evaluation) != Role.LEAD:
        scope &= Q(lead_only=False)
    return scope


def registry_scope(user: User | AnonymousUser) -> Q:
    """Every entry the user may read on a registry page: registry entries, and the entries of
    the evaluations where the user is a lead (all) or an evaluator (not lead-only)."""
    if not user.is_authenticated:
        return Q(pk__in=[])
    scope = Q(evaluation_id__isnull=True) if can_manage_registry(user) else Q(pk__in=[])
    roles = dict(
        Membership.objects.filter(user=user, role__in=HISTORY_ROLES).values_list(
            "evaluation_id", "role"
        )
    )
    leads = [pk for pk, role in roles.items() if role == Role.LEAD]
    evaluators = [pk for pk, role in roles.items() if role != Role.LEAD]
    if leads:
        scope |= Q(evaluation_id__in=leads)
    if evaluators:
        scope |= Q(evaluation_id__in=evaluators, lead_only=False)
    return scope
