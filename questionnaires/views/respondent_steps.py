"""Two steps of the respondent's link beside the form: the consent page before the first
answer, and asking to correct submitted answers from the receipt."""

from __future__ import annotations

import contextlib

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from common.errors import ValidationProblem
from questionnaires.consent import consent_texts, needs_consent
from questionnaires.models import Invitation, Response
from questionnaires.presentation import build_form
from questionnaires.selectors.texts import respondent_values
from questionnaires.services.consent import response_consent
from questionnaires.services.corrections import correction_request
from questionnaires.services.distributions import form_is_closed
from questionnaires.services.responses import FormClosed
from questionnaires.views.respondent import _context, respondent_view


@respondent_view
def consent(request: HttpRequest, invitation: Invitation, language: str) -> HttpResponse:
    """The privacy notice and its box: ticked, the form opens; until then nothing is saved."""
    version = invitation.distribution.version
    response = Response.objects.filter(invitation=invitation).first()
    texts = consent_texts(version, language)
    if texts is None or not needs_consent(version, response):
        return redirect("respondent:start", token=invitation.token)
    form = build_form(version, language, respondent_values(invitation))
    context = _context(invitation, language, form, consent=texts)
    if request.method != "POST":
        return render(request, "questionnaires/respondent/consent.html", context)
    if form_is_closed(invitation.distribution):
        return render(request, "questionnaires/respondent/consent.html", context, status=403)
    if request.POST.get("consent") != "yes":
        context["error"] = True
        return render(request, "questionnaires/respondent/consent.html", context, status=400)
    try:
        response_consent(invitation=invitation, language=language)
    except FormClosed:
        return render(request, "questionnaires/respondent/consent.html", context, status=403)
    return redirect("respondent:page", token=invitation.token, number=1)


@require_POST
@respondent_view
def correction_ask(request: HttpRequest, invitation: Invitation, language: str) -> HttpResponse:
    """From the receipt: ask the lead to reopen the answers, with an optional message."""
    # Refused (closed, nothing to correct): the receipt says what holds.
    with contextlib.suppress(ValidationProblem, FormClosed):
        correction_request(invitation=invitation, message=request.POST.get("message", ""))
    return redirect("respondent:done", token=invitation.token)
