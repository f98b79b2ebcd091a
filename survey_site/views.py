"""The project's own views: what a POST refused by the CSRF check shows
(settings.CSRF_FAILURE_VIEW), and Django's error handlers (handler400/404/500 in urls.py):
under /api/ they answer JSON in the API's one error shape (common.api), elsewhere pages."""

from __future__ import annotations

import sys

from django.core.exceptions import TooManyFieldsSent
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import Resolver404, ResolverMatch, resolve
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.csrf import csrf_exempt

from common.problems import BAD_REQUEST, NOT_FOUND, is_api, problem_response, server_error_response
from questionnaires.views.respondent_overflow import OVERFLOW
from questionnaires.views.respondent_resend import RESEND


def _match(request: HttpRequest) -> ResolverMatch | None:
    if request.resolver_match is not None:
        return request.resolver_match
    try:
        return resolve(request.path_info)
    except Resolver404:
        return None


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """On the respondent form, the page again with what was typed and a fresh token (nothing
    saved); elsewhere a 403 in the site's layout. Django logs the reason (django.security.csrf)."""
    match = _match(request)
    if match is not None and match.namespace == "respondent" and match.url_name in RESEND:
        return RESEND[match.url_name](request, **match.kwargs)
    message = _(
        "The page was open too long or your session changed, so what you sent was not "
        "accepted. Go back, reload the page and send it again."
    )
    if is_api(request):
        return problem_response(message, 403)
    return render(request, "403.html", {"exception": message}, status=403)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """A respondent's page with more fields than DATA_UPLOAD_MAX_NUMBER_FIELDS comes back with
    what was typed (413); any other refused request gets Django's 400 page."""
    match = _match(request)
    if (
        isinstance(exception, TooManyFieldsSent)
        and match is not None
        and match.namespace == "respondent"
        and match.url_name in OVERFLOW
    ):
        return OVERFLOW[match.url_name](request, **match.kwargs)
    if is_api(request):
        return problem_response(BAD_REQUEST, 400)
    return defaults.bad_request(request, exception)


@csrf_exempt  # a POST to an address that does not exist is a 404, not a refused CSRF check
def api_not_found(request: HttpRequest) -> HttpResponse:
    """Any address under /api/ that no route takes, with DEBUG on as off (with DEBUG on Django
    would answer its HTML page listing the routes instead of calling handler404)."""
    return problem_response(NOT_FOUND, 404)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """A 404 raised outside DRF's views (most often by the URL routing)."""
    if is_api(request):
        return problem_response(NOT_FOUND, 404)
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    """An unexpected failure (DEBUG off; Django has logged it). Django calls this while handling
    the exception, so it is at hand: a database that cannot be reached is a 503 under /api/."""
    if is_api(request):
        return server_error_response(sys.exc_info()[1])
    return defaults.server_error(request)
