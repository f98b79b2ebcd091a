"""The open link's public address, /o/<token>/: a start page that gives each visitor a
personal link of their own (questionnaires.services.open_links), then the usual form.

Bots meet a honeypot field and rate limits (the respondent form's own, and one on starts);
no third-party CAPTCHA. One response per browser rests on a signed cookie: a convenience
that brings a visitor back to their answers, not a security boundary."""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from common.errors import ValidationProblem
from common.ratelimit import over_limit
from questionnaires import links
from questionnaires.models import Invitation, OpenLink
from questionnaires.presentation import build_form
from questionnaires.selectors.texts import distribution_variables
from questionnaires.services.invitations import invitation_by_token
from questionnaires.services.open_links import OpenLinkRefused, open_link_enter, open_link_refusal

COOKIE_SALT = "questionnaires.open-link"
COOKIE_AGE = 365 * 24 * 60 * 60
HONEYPOT = "website"  # a field people never see; bots that fill every field fill it


def cookie_name(link: OpenLink) -> str:
    """One cookie per distribution: rotating its link keeps a visitor's way back."""
    return f"consulta-open-{link.distribution_id}"


def _neutral(request: HttpRequest, status: int) -> HttpResponse:
    return render(request, "questionnaires/respondent/invalid.html", status=status)


def _language(request: HttpRequest, link: OpenLink) -> str:
    languages = link.distribution.languages or ["en"]
    for wanted in (request.GET.get("lang"), request.POST.get("lang"), request.LANGUAGE_CODE):
        if wanted in languages:
            return wanted
    return languages[0]


def _own_invitation(request: HttpRequest, link: OpenLink) -> Invitation | None:
    """The invitation this browser started through the link, from its signed cookie."""
    try:
        token = request.get_signed_cookie(cookie_name(link), salt=COOKIE_SALT)
    except (KeyError, signing.BadSignature):
        return None
    invitation = invitation_by_token(token)
    if invitation is None or invitation.distribution_id != link.distribution_id:
        return None
    return invitation


def _started(request: HttpRequest, link: OpenLink, invitation: Invitation) -> HttpResponse:
    response = redirect("respondent:start", token=invitation.token)
    response.set_signed_cookie(
        cookie_name(link),
        invitation.token,
        salt=COOKIE_SALT,
        max_age=COOKIE_AGE,
        httponly=True,
        samesite="Lax",
        secure=request.is_secure(),
    )
    return response


@never_cache
def entry(request: HttpRequest, token: str) -> HttpResponse:
    if over_limit(request, "respondent", settings.RESPONDENT_RATE_LIMIT):
        return _neutral(request, 429)
    found = OpenLink.objects.select_related("distribution__version", "distribution__evaluation")
    link = links.open_link_of(found, token)
    if link is None:
        if over_limit(request, "respondent-bad-link", settings.RESPONDENT_BAD_LINK_LIMIT):
            return _neutral(request, 429)
        return _neutral(request, 404)
    language = _language(request, link)
    with translation.override(language):
        response = _entry(request, link, language)
        if hasattr(response, "render"):
            response.render()
        return response


def _entry(request: HttpRequest, link: OpenLink, language: str) -> HttpResponse:
    distribution = link.distribution
    mine = _own_invitation(request, link)
    if mine is not None and link.one_per_browser and link.replaced_at is None:
        return redirect("respondent:start", token=mine.token)
    context = {
        "link": link,
        "distribution": distribution,
        "form": build_form(distribution.version, language, distribution_variables(distribution)),
        "language": language,
        "languages": distribution.languages,
        "mine": mine,
        "honeypot": HONEYPOT,
        "email": "",
    }
    refusal = open_link_refusal(link)
    if refusal is not None:
        context["refusal"] = refusal.message
        return render(
            request, "questionnaires/respondent/open_closed.html", context, status=refusal.status
        )
    if request.method != "POST":
        return render(request, "questionnaires/respondent/open_entry.html", context)
    if over_limit(request, "open-link-start", settings.OPEN_LINK_START_LIMIT):
        context["error"] = _(
            "Too many people started from your network just now; try again in a minute."
        )
        return render(request, "questionnaires/respondent/open_entry.html", context, status=429)
    context["email"] = request.POST.get("email", "")[:254]
    if request.POST.get(HONEYPOT):  # a bot: nothing is made, and nothing says why
        context["error"] = _("Your answers could not be started. Try again.")
        return render(request, "questionnaires/respondent/open_entry.html", context, status=400)
    try:
        invitation = open_link_enter(link=link, email=context["email"], language=language)
    except OpenLinkRefused as refused:
        context["refusal"] = refused.message
        return render(
            request, "questionnaires/respondent/open_closed.html", context, status=refused.status
        )
    except ValidationProblem as problem:
        context["error"] = problem.message
        return render(request, "questionnaires/respondent/open_entry.html", context, status=400)
    return _started(request, link, invitation)
