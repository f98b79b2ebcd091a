"""The respondent's form at /r/<token>/: a start page, one page per section, a review, a
receipt. Works without JavaScript; with it, htmx saves as the respondent types."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from common.errors import ValidationProblem
from common.ratelimit import over_limit
from questionnaires.consent import ConsentNeeded, needs_consent
from questionnaires.models import Answer, Distribution, Invitation, Response
from questionnaires.presentation import (
    Form,
    Page,
    answers_elsewhere,
    apply_skip_logic,
    build_form,
    fill_answers,
    fill_posted,
    form_progress,
    posted_answers,
)
from questionnaires.selectors.texts import respondent_values
from questionnaires.services.corrections import (
    correction_save,
    correction_submit,
    draft_answers,
    latest_correction,
    open_correction,
)
from questionnaires.services.distributions import form_is_closed
from questionnaires.services.invitations import (
    invitation_by_token,
    invitation_decline,
    invitation_opened,
)
from questionnaires.services.responses import (
    AlreadySubmitted,
    FormClosed,
    QuotaReached,
    StaleSave,
    response_save,
    response_submit,
)
from questionnaires.views.respondent_files import page_files, show_files

RespondentView = Callable[..., HttpResponse]


def _neutral(request: HttpRequest, status: int = 404) -> HttpResponse:
    return render(request, "questionnaires/respondent/invalid.html", status=status)


def _language(request: HttpRequest, invitation: Invitation) -> str:
    """?lang= switches among the distribution's languages; remembered for this link."""
    languages = invitation.distribution.languages or ["en"]
    key = f"respondent-lang-{invitation.pk}"
    wanted = request.GET.get("lang")
    if wanted in languages:
        request.session[key] = wanted
    language = request.session.get(key) or invitation.language
    return language if language in languages else languages[0]


def respondent_view(view: RespondentView) -> RespondentView:
    """Resolve the token (rate-limited, neutral page when unknown) and the language."""

    @never_cache
    @wraps(view)
    def wrapped(request: HttpRequest, token: str, *args: object, **kwargs: object) -> HttpResponse:
        if over_limit(request, "respondent", settings.RESPONDENT_RATE_LIMIT):
            return _neutral(request, status=429)
        invitation = invitation_by_token(token)
        if invitation is None:
            if over_limit(request, "respondent-bad-link", settings.RESPONDENT_BAD_LINK_LIMIT):
                return _neutral(request, status=429)
            return _neutral(request)
        language = _language(request, invitation)
        with translation.override(language):
            response = view(request, invitation, language, *args, **kwargs)
            if hasattr(response, "render"):
                response.render()
            return response

    return wrapped


def _context(invitation: Invitation, language: str, form: Form, **extra: object) -> dict:
    distribution = invitation.distribution
    return {
        "invitation": invitation,
        "distribution": distribution,
        "form": form,
        "language": language,
        "languages": distribution.languages,
        "closed": form_is_closed(distribution),
        **extra,
    }


def _form_with_answers(invitation: Invitation, language: str) -> tuple[Form, Response | None]:
    form = build_form(invitation.distribution.version, language, respondent_values(invitation))
    response = Response.objects.filter(invitation=invitation).first()
    answers: list[Answer] = []
    if response is not None:
        # Reopened for a correction: the corrected answers as last saved.
        correction = open_correction(invitation) if response.status == "submitted" else None
        answers = list(
            draft_answers(correction) if correction else Answer.objects.filter(response=response)
        )
    # With no answers yet too: skip logic decides what the first pages show.
    fill_answers(form, answers)
    return form, response


def _submitted(invitation: Invitation) -> bool:
    """Submitted, and not reopened for a correction (the link then shows the form again)."""
    return invitation.status in Invitation.RESPONDED and open_correction(invitation) is None


def _consent_first(invitation: Invitation, response: Response | None) -> HttpResponse | None:
    """The consent page, while the version asks for consent and it has not been given."""
    if needs_consent(invitation.distribution.version, response):
        return redirect("respondent:consent", token=invitation.token)
    return None


def _correcting(invitation: Invitation) -> bool:
    """Past _submitted's "no", a link that responded is one reopened for a correction."""
    return invitation.status in Invitation.RESPONDED


@respondent_view
def start(request: HttpRequest, invitation: Invitation, language: str) -> HttpResponse:
    if _submitted(invitation):
        return redirect("respondent:done", token=invitation.token)
    invitation_opened(invitation)
    form, response = _form_with_answers(invitation, language)
    if not form_is_closed(invitation.distribution) and (
        consent := _consent_first(invitation, response)
    ):
        return consent
    return render(
        request,
        "questionnaires/respondent/start.html",
        _context(invitation, language, form, response=response, progress=form_progress(form)),
    )


def page_shown(
    invitation: Invitation, language: str, number: int
) -> HttpResponse | tuple[Form, Page, dict]:
    """Page `number` with the stored answers: (form, page, context); or where to go instead,
    the receipt once submitted, the start for a page the form does not have."""
    if _submitted(invitation):
        return redirect("respondent:done", token=invitation.token)
    form, response = _form_with_answers(invitation, language)
    if consent := _consent_first(invitation, response):
        return consent
    if not 1 <= number <= len(form.pages):
        return redirect("respondent:start", token=invitation.token)
    current = form.pages[number - 1]
    if current.hidden:  # the answers so far skip it
        return _go(invitation, _next_page(form, number))
    # Sent back by the page's autosaves: one that leaves late, after the page was saved with
    # its button, is then refused (it holds older answers than the save).
    shown_at = timezone.now().isoformat()
    shown = form.shown_pages
    context = _context(
        invitation,
        language,
        form,
        page=current,
        position=shown.index(current) + 1,
        total=len(shown),
        is_last=_next_page(form, number) is None,
        answers_elsewhere=answers_elsewhere(form, current),
        shown_at=shown_at,
    )
    # A page with file questions posts multipart; its autosaves leave the files out.
    context["file_fields"] = ",".join(q.name for q in current.questions if q.kind == "file")
    return form, current, context


def _next_page(form: Form, number: int, step: int = 1) -> int | None:
    """The number of the next (step 1) or previous (step -1) page the answers do not skip."""
    pages = form.shown_pages if step > 0 else reversed(form.shown_pages)
    return next((p.number for p in pages if (p.number - number) * step > 0), None)


def _go(invitation: Invitation, number: int | None, *, back: bool = False) -> HttpResponse:
    if number is None:
        return redirect("respondent:start" if back else "respondent:review", token=invitation.token)
    return redirect("respondent:page", token=invitation.token, number=number)


@respondent_view
def page(request: HttpRequest, invitation: Invitation, language: str, number: int) -> HttpResponse:
    shown = page_shown(invitation, language, number)
    if isinstance(shown, HttpResponse):
        return shown
    form, current, context = shown
    if request.method != "POST":
        return render(request, "questionnaires/respondent/page.html", context)
    if form_is_closed(invitation.distribution):
        return render(request, "questionnaires/respondent/page.html", context, status=403)
    posted = posted_answers(current.questions, request.POST)
    keys = list(posted)
    save = correction_save if _correcting(invitation) else response_save
    try:
        _saved, errors = save(
            invitation=invitation, answers=posted, keys=keys, language=language, page_save=True
        )
        file_errors = page_files(request, invitation, current, language)
    except AlreadySubmitted:
        return redirect("respondent:done", token=invitation.token)
    except FormClosed:
        return render(request, "questionnaires/respondent/page.html", context, status=403)
    action = request.POST.get("action", "next")
    errors |= file_errors
    # Going back leaves what does not check; a refused file is told, whatever the button.
    if errors and (action != "back" or file_errors):
        show_files(current, invitation)
        fill_posted(current, request.POST, errors)
        apply_skip_logic(form)
        context["answers_elsewhere"] = answers_elsewhere(form, current)
        context["has_errors"] = True
        return render(request, "questionnaires/respondent/page.html", context, status=400)
    if action == "review":
        return redirect("respondent:review", token=invitation.token)
    # Where to go depends on the answers just saved: skip logic may skip or bring back pages.
    form, _response = _form_with_answers(invitation, language)
    if action == "back":
        return _go(invitation, _next_page(form, number, -1), back=True)
    return _go(invitation, _next_page(form, number))


@require_POST
@respondent_view
def autosave(
    request: HttpRequest, invitation: Invitation, language: str, number: int
) -> HttpResponse:
    """htmx: save the page as typed; answers with a short status line."""
    form = build_form(invitation.distribution.version, language, invitation.attributes)
    if not 1 <= number <= len(form.pages) or _submitted(invitation):
        return HttpResponse(status=204)
    current = form.pages[number - 1]
    posted = posted_answers(current.questions, request.POST)
    keys = list(posted)
    save = correction_save if _correcting(invitation) else response_save
    try:
        save(
            invitation=invitation,
            answers=posted,
            keys=keys,
            language=language,
            shown_at=_shown_at(request.POST.get("shown_at", "")),
        )
    except (AlreadySubmitted, FormClosed, StaleSave, ConsentNeeded):
        return HttpResponse(status=204)
    return render(
        request,
        "questionnaires/respondent/_saved.html",
        {"saved_at": timezone.now(), "distribution": invitation.distribution},
    )


def _shown_at(value: str) -> dt.datetime | None:
    """When the page was shown, as it sent it back (None when missing or not a time: the
    autosave is then taken, as before pages sent it)."""
    try:
        shown = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    return shown if timezone.is_aware(shown) else None


READERS = {
    Distribution.Confidentiality.LEAD: _lazy("the lead evaluator only"),
    Distribution.Confidentiality.TEAM: _lazy("the whole evaluation team"),
    Distribution.Confidentiality.ANONYMOUS: _lazy("the evaluation team, without your name"),
}


def _readers(invitation: Invitation, response: Response | None) -> str:
    """Who reads the submitted answers: the respondent's choice where they had one."""
    mode = response.confidentiality if response else invitation.distribution.confidentiality
    return str(READERS.get(mode, READERS[Distribution.Confidentiality.LEAD]))


def _already_sent(request: HttpRequest, invitation: Invitation) -> HttpResponse:
    """A submit after the answers went (a second tab, a replay): the receipt, saying what was
    kept when this one asked for another reader."""
    response = Response.objects.filter(invitation=invitation).first()
    asked = request.POST.get("route", "")
    if response is not None and response.route and asked in READERS and asked != response.route:
        messages.warning(
            request,
            _(
                "Your answers had already been sent, for %(kept)s. This second sending, for "
                "%(asked)s, was not applied: nothing was changed."
            )
            % {"kept": _readers(invitation, response), "asked": READERS[asked]},
        )
    return redirect("respondent:done", token=invitation.token)


@respondent_view
def review(request: HttpRequest, invitation: Invitation, language: str) -> HttpResponse:
    if _submitted(invitation):
        if request.method == "POST":
            return _already_sent(request, invitation)
        return redirect("respondent:done", token=invitation.token)
    form, response = _form_with_answers(invitation, language)
    if consent := _consent_first(invitation, response):
        return consent
    context = _context(invitation, language, form, response=response)
    if request.method != "POST":
        return render(request, "questionnaires/respondent/review.html", context)
    submit = correction_submit if _correcting(invitation) else response_submit
    try:
        submission = submit(
            invitation=invitation, language=language, route=request.POST.get("route", "")
        )
    except AlreadySubmitted:
        return _already_sent(request, invitation)
    except QuotaReached:
        context["quota_reached"] = True
        return render(request, "questionnaires/respondent/review.html", context, status=403)
    except FormClosed:
        return render(request, "questionnaires/respondent/review.html", context, status=403)
    except ValidationProblem as problem:
        for page in form.pages:
            for q in page.questions:
                q.error = " ".join(problem.errors.get(q.key, []))
        context["problem"] = problem
        context["route_error"] = " ".join(problem.errors.get("route", []))
        return render(request, "questionnaires/respondent/review.html", context, status=400)
    if not submission.created:  # a race lost to another tab
        return _already_sent(request, invitation)
    return redirect("respondent:done", token=invitation.token)


@respondent_view
def done(request: HttpRequest, invitation: Invitation, language: str) -> HttpResponse:
    if not _submitted(invitation):
        return redirect("respondent:start", token=invitation.token)
    form, response = _form_with_answers(invitation, language)
    anonymous = invitation.distribution.confidentiality == Distribution.Confidentiality.ANONYMOUS
    return render(
        request,
        "questionnaires/respondent/done.html",
        _context(
            invitation,
            language,
            form,
            response=response,
            show_copy=not anonymous and response,
            readers=_readers(invitation, response),
            correction=latest_correction(response) if not anonymous else None,
        ),
    )


@respondent_view
def decline(request: HttpRequest, invitation: Invitation, language: str) -> HttpResponse:
    """ "I will not take part", with an optional reason; the link keeps working."""
    if _submitted(invitation):
        return redirect("respondent:done", token=invitation.token)
    form = build_form(invitation.distribution.version, language, respondent_values(invitation))
    context = _context(invitation, language, form)
    if request.method == "POST":
        try:
            invitation = invitation_decline(
                invitation=invitation, reason=request.POST.get("reason", "")
            )
        except ValidationProblem as problem:
            context["error"] = problem.message
            return render(request, "questionnaires/respondent/decline.html", context, status=400)
        context["invitation"] = invitation
        context["declined"] = True
    return render(request, "questionnaires/respondent/decline.html", context)
