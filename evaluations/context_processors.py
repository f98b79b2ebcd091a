from __future__ import annotations

from django.http import HttpRequest

from evaluations.permissions import actions_for, can_view_registry
from evaluations.selectors import evaluation_list

NAV_LIMIT = 12
# URL namespaces whose `slug` names the current evaluation.
EVALUATION_APPS = ("evaluations", "questionnaires")


def navigation(request: HttpRequest) -> dict[str, object]:
    """The evaluations the user can switch between, and the one the page belongs to."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    match = request.resolver_match
    in_evaluation = match and match.app_name in EVALUATION_APPS
    current_slug = match.kwargs.get("slug") if in_evaluation else None
    evaluations = evaluation_list(user=user)
    current = getattr(request, "evaluation", None)
    if current is None and current_slug:
        current = evaluations.filter(slug=current_slug).first()
    return {
        "nav_evaluations": evaluations.only("slug", "title")[:NAV_LIMIT],
        "nav_current_slug": current_slug,
        # What the user may do here, for the tabs of the evaluation's sub-navigation.
        "nav_allowed": actions_for(user, current) if current else frozenset(),
        # The stakeholder registry, shared by every evaluation, for its link in the header.
        "nav_registry": can_view_registry(user),
    }
