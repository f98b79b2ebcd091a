"""Sets who acts for the history entries a request writes: the signed-in user, or the respondent
door for personal links (the form at /r/…, the respondent API at /api/v1/respond/…) and open
links (/o/…). Sits after AuthenticationMiddleware."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from history.context import for_request

RESPONDENT_PREFIXES = ("/r/", "/o/", "/api/v1/respond/")


class HistoryMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with for_request(request, respondent=request.path.startswith(RESPONDENT_PREFIXES)):
            return self.get_response(request)
