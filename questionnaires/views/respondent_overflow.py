"""The respondent's page again when it sent more fields than the server accepts at once
(DATA_UPLOAD_MAX_NUMBER_FIELDS, 10,000 by default): Django refuses such a POST before any view
runs; survey_site.views.bad_request sends it here. The page comes back (413) with every answer
that was posted still in its field and a message; nothing is saved (the POST was not checked
for CSRF), and nothing typed is lost."""

from __future__ import annotations

from urllib.parse import parse_qsl

from django.conf import settings
from django.http import HttpRequest, HttpResponse, QueryDict
from django.http.request import RawPostDataException
from django.utils.translation import gettext as _

from questionnaires.models import Invitation
from questionnaires.views.respondent import RespondentView, respondent_view
from questionnaires.views.respondent_resend import page_again

TOO_LARGE = 413


def posted_without_limit(request: HttpRequest) -> QueryDict:
    """The form's fields however many they are (the body itself is bounded by
    DATA_UPLOAD_MAX_MEMORY_SIZE); empty when they cannot be read again."""
    data = QueryDict(mutable=True)
    if request.content_type != "application/x-www-form-urlencoded":
        return data
    try:
        body = request.body.decode(request.encoding or settings.DEFAULT_CHARSET, "replace")
    except RawPostDataException:
        return data
    for key, value in parse_qsl(body, keep_blank_values=True):
        data.appendlist(key, value)
    return data


@respondent_view
def page(request: HttpRequest, invitation: Invitation, language: str, number: int) -> HttpResponse:
    posted = posted_without_limit(request)
    overflow = {
        "sent": format(sum(len(values) for _key, values in posted.lists()), ","),
        "limit": format(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS, ","),
    }
    return page_again(
        request, invitation, language, number, posted=posted, status=TOO_LARGE, overflow=overflow
    )


@respondent_view
def autosave(
    request: HttpRequest, invitation: Invitation, language: str, number: int
) -> HttpResponse:
    """htmx does not swap a 413: the answers stay on the page."""
    message = _("Not saved: this page has more answers than the server accepts at once.")
    return HttpResponse(message, status=TOO_LARGE, content_type="text/plain")


# By the URL name of the refused page (questionnaires/respondent_urls.py).
OVERFLOW: dict[str, RespondentView] = {"page": page, "autosave": autosave}
