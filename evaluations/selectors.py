"""Reads on evaluations and memberships, already limited to what the user may see."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypedDict, cast

from django.db.models import Case, Count, IntegerField, OuterRef, QuerySet, Subquery, Value, When
from django.http import Http404
from django.utils.translation import gettext as _

from evaluations.models import Evaluation, Membership
from evaluations.permissions import Action, ensure

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser
    from django_stubs_ext import WithAnnotations

    from accounts.models import User


class EvaluationListAnnotations(TypedDict):
    my_role: str | None  # None for a superuser who is not a member
    member_count: int


if TYPE_CHECKING:
    ListedEvaluation = WithAnnotations[Evaluation, EvaluationListAnnotations]

ROLE_ORDER = Case(
    *(When(role=role, then=Value(i)) for i, role in enumerate(Membership.Role.values)),
    output_field=IntegerField(),
)


def evaluation_list(*, user: User | AnonymousUser) -> QuerySet[ListedEvaluation]:
    """Evaluations the user belongs to (all of them for a superuser), with `my_role` annotated."""
    if not user.is_authenticated or not user.is_active:
        # No rows, so nothing to annotate (and no user to annotate with).
        return cast("QuerySet[ListedEvaluation]", Evaluation.objects.none())
    my_role = Membership.objects.filter(evaluation=OuterRef("pk"), user=user).values("role")[:1]
    evaluations = Evaluation.objects.annotate(
        my_role=Subquery(my_role), member_count=Count("memberships", distinct=True)
    )
    if not user.is_superuser:
        evaluations = evaluations.filter(memberships__user=user)
    return evaluations.order_by("-created_at", "title")


def evaluation_get(*, user: User | AnonymousUser, slug: str, action: Action) -> Evaluation:
    """The evaluation the user may act on; 404 if it is unknown or not theirs, 403 if the role
    does not allow `action`."""
    evaluation = evaluation_list(user=user).filter(slug=slug).first()
    if evaluation is None:
        raise Http404(
            _(
                "There is no evaluation “%(slug)s” that you can open. Check the address, "
                "or ask its lead evaluator to add you."
            )
            % {"slug": slug}
        )
    # The role came with the row: spare the permission check its own query.
    user.__dict__.setdefault("_evaluation_roles", {})[evaluation.pk] = evaluation.my_role
    ensure(user, action, evaluation)
    return evaluation


def membership_list(*, evaluation: Evaluation) -> QuerySet[Membership]:
    """The team, leads first, then by name."""
    return (
        Membership.objects.filter(evaluation=evaluation)
        .select_related("user")
        .annotate(role_order=ROLE_ORDER)
        .order_by("role_order", "user__name", "user__email")
    )


# The evaluation's first page shows panels (questionnaires, interviews, coverage, downloads,
# activity) that apps above this one hold: the reports app registers the reader at start-up.
DashboardReader = Callable[..., tuple[str, dict[str, Any]]]
_dashboard: list[DashboardReader] = []


def dashboard_register(reader: DashboardReader) -> DashboardReader:
    """Make `reader(user=, evaluation=) -> (template, context)` the first page's dashboard."""
    _dashboard[:] = [reader]
    return reader


def evaluation_dashboard(
    *, user: User | AnonymousUser, evaluation: Evaluation
) -> tuple[str, dict[str, Any]] | None:
    """The dashboard's template and context, or None when no app registered one."""
    if not _dashboard:
        return None
    return _dashboard[0](user=user, evaluation=evaluation)
