"""The respondent's page again after a refused CSRF check (a cleared, expired or rotated cookie).

survey_site.views.csrf_failure sends a refused POST to /r/<token>/... here: the page comes back
in the form's own layout, status 403, with what was posted in its fields and a fresh token (the
template's {% csrf_token %} sets a new cookie when there was none). Nothing is saved: the POST
may be forged. Only the browser that sent the answers sees them again, and they are stored when
it sends the page again with the fresh token.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from questionnaires.models import Invitation
from questionnaires.presentation import build_form, fill_posted
from questionnaires.selectors.texts import respondent_values
from questionnaires.views.respondent import (
    RespondentView,
    _context,
    _form_with_answers,
    _submitted,
    page_shown,
    respondent_view,
)

STALE = 403


def page_again(
    request: HttpRequest,
    invitation: Invitation,
    language: str,
    number: int,
    *,
    posted: QueryDict,
    status: int,
    **context: object,
) -> HttpResponse:
    """Page `number` of the form with what was posted in its fields, saving nothing; the
    receipt when the questionnaire was submitted meanwhile, the start for a page not there."""
    shown = page_shown(invitation, language, number)
    if isinstance(shown, HttpResponse):
        return shown
    _form, current, page_context = shown
    fill_posted(current, posted, {})
    return render(
        request, "questionnaires/respondent/page.html", page_context | context, status=status
    )


@respondent_view
def page(request: HttpRequest, invitation: Invitation, language: str, number: int) -> HttpResponse:
    return page_again(
        request, invitation, language, number, posted=request.POST, status=STALE, stale=True
    )


@respondent_view
def autosave(
    request: HttpRequest, invitation: Invitation, language: str, number: int
) -> HttpResponse:
    """htmx does not swap a 403: the typed answers stay on the page, sent with the page."""
    return HttpResponse(
        _("Not saved: your session had expired."), status=STALE, content_type="text/plain"
    )


@respondent_view
def review(request: HttpRequest, invitation: Invitation, language: str) -> HttpResponse:
    if _submitted(invitation):
        return redirect("respondent:done", token=invitation.token)
    form, response = _form_with_answers(invitation, language)
    context = _context(invitation, language, form, response=response, stale=True)
    return render(request, "questionnaires/respondent/review.html", context, status=STALE)


@respondent_view
def decline(request: HttpRequest, invitation: Invitation, language: str) -> HttpResponse:
    if _submitted(invitation):
        return redirect("respondent:done", token=invitation.token)
    form = build_form(invitation.distribution.version, language, respondent_values(invitation))
    context = _context(
        invitation, language, form, stale=True, reason=request.POST.get("reason", "")
    )
    return render(request, "questionnaires/respondent/decline.html", context, status=STALE)


# By the URL name of the refused page (questionnaires/respondent_urls.py).
RESEND: dict[str, RespondentView] = {
    "page": page,
    "autosave": autosave,
    "review": review,
    "decline": decline,
}
