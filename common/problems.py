"""The API's one error shape, `{"detail": "<a sentence>", "errors": {"<field>": ["…"]}}`, and
the answers Django's own error handlers give under /api/ (survey_site.views): a 404 from the
URL routing, a refused request, a failure outside DRF's views, a database that cannot be
reached. Apart from common.api, which DRF's settings load while its views are being built, so
that the handlers and tests can import it first."""

from __future__ import annotations

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext, gettext_noop

DATABASE_DOWN = gettext_noop(
    "The database cannot be reached just now, so nothing was stored. Try again in a minute."
)
SERVER_ERROR = gettext_noop(
    "Something went wrong on our side; it was logged. Try again, or tell the team."
)
NOT_FOUND = gettext_noop(
    "Not found: nothing answers at this address (ids in addresses are numbers)."
)
BAD_REQUEST = gettext_noop(
    "Bad request: it could not be read (too large, too many fields, or malformed)."
)


def problem_body(message: str, errors: dict[str, list[str]]) -> dict[str, object]:
    return {"detail": message, "errors": errors}


def is_api(request: HttpRequest) -> bool:
    """Under /api/ errors answer JSON in the one shape, never a page."""
    return request.path_info.startswith("/api/")


def problem_response(message: str, status: int) -> JsonResponse:
    """An API error answered outside DRF's views (URL routing, Django's error handlers), in
    the request's language."""
    return JsonResponse(problem_body(gettext(message), {}), status=status)


def server_error_response(exc: BaseException | None) -> JsonResponse:
    """An API request that failed outside DRF's views (a middleware, the routing): 503 if the
    database cannot be reached, else 500; the trace is in the log, never in the answer."""
    if isinstance(exc, OperationalError | InterfaceError):
        response = problem_response(DATABASE_DOWN, 503)
        response["Retry-After"] = "30"
        return response
    return problem_response(SERVER_ERROR, 500)
