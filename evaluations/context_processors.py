from __future__ import annotations

from django.http import HttpRequest

from evaluations.selectors import evaluation_list

NAV_LIMIT = 12


def navigation(request: HttpRequest) -> dict[str, object]:
    """The evaluations the user can switch between, and the one the page belongs to."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    match = request.resolver_match
    current_slug = match.kwargs.get("slug") if match and match.app_name == "evaluations" else None
    return {
        "nav_evaluations": evaluation_list(user=user).only("slug", "title")[:NAV_LIMIT],
        "nav_current_slug": current_slug,
    }
