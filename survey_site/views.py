"""The project's own views: what a POST refused by the CSRF check shows
(settings.CSRF_FAILURE_VIEW), and a refused request (handler400 in urls.py)."""

from __future__ import annotations

from django.core.exceptions import TooManyFieldsSent
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import Resolver404, ResolverMatch, resolve
from django.utils.translation import gettext as _
from django.views import defaults

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
    return defaults.bad_request(request, exception)
