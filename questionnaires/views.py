"""The team's pages for questionnaires: instruments, previews, sending, links, responses."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from common.errors import ValidationProblem, form_add_problem
from evaluations.models import Evaluation
from evaluations.permissions import Action, actions_for, can_see_links, ensure
from evaluations.views import evaluation_view
from questionnaires.forms import DistributionForm, EntryForm, InstrumentUploadForm, InvitationForm
from questionnaires.instrument_format import instrument_dump
from questionnaires.models import Distribution, InstrumentVersion, Invitation, Response
from questionnaires.presentation import build_form, fill_answers, fill_posted, posted_answers
from questionnaires.selectors import (
    distribution_list,
    instrument_list,
    response_answers,
    response_rows,
    version_spec,
)
from questionnaires.services import (
    distribution_create,
    instrument_load,
    invitation_create,
    response_enter,
)
from questionnaires.services.messaging import reminder_times


def _version(evaluation: Evaluation, key: str, number: int) -> InstrumentVersion:
    return get_object_or_404(
        InstrumentVersion.objects.select_related("instrument"),
        instrument__evaluation=evaluation,
        instrument__key=key,
        number=number,
    )


def _distribution(evaluation: Evaluation, pk: int) -> Distribution:
    return get_object_or_404(
        Distribution.objects.select_related("version__instrument", "evaluation"),
        evaluation=evaluation,
        pk=pk,
    )


@evaluation_view(Action.VIEW_INSTRUMENTS)
def instrument_list_page(request: HttpRequest, evaluation: Evaluation) -> HttpResponse:
    allowed = actions_for(request.user, evaluation)
    form = InstrumentUploadForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        ensure(request.user, Action.MANAGE_INSTRUMENTS, evaluation)
        if form.is_valid():
            try:
                result = instrument_load(
                    evaluation=evaluation, text=form.cleaned_data["file"], by=request.user
                )
            except ValidationProblem as problem:
                form_add_problem(form, problem)
            else:
                messages.success(request, _("Loaded %(summary)s.") % {"summary": result.summary()})
                return redirect("questionnaires:instruments", slug=evaluation.slug)
        status = 400
    return render(
        request,
        "questionnaires/instruments.html",
        {
            "evaluation": evaluation,
            "instruments": instrument_list(evaluation=evaluation),
            "distributions": distribution_list(evaluation=evaluation),
            "form": form,
            "allowed": allowed,
        },
        status=status,
    )


@evaluation_view(Action.VIEW_INSTRUMENTS)
def version_page(
    request: HttpRequest, evaluation: Evaluation, key: str, number: int
) -> HttpResponse:
    """The preview, exactly as a respondent sees it; and sending the version out."""
    version = _version(evaluation, key, number)
    language = request.GET.get("lang") if request.GET.get("lang") in version.languages else "en"
    form = DistributionForm(
        request.POST or None,
        initial={"title": build_form(version, "en").title, "confidentiality": "team"},
    )
    if request.method == "POST":
        ensure(request.user, Action.MANAGE_INSTRUMENTS, evaluation)
        if form.is_valid():
            try:
                distribution = distribution_create(
                    evaluation=evaluation, by=request.user, version=version, **form.cleaned_data
                )
            except ValidationProblem as problem:
                form_add_problem(form, problem)
            else:
                messages.success(
                    request,
                    _("Version %(n)d is frozen and ready: add respondents to get their links.")
                    % {"n": version.number},
                )
                return redirect(
                    "questionnaires:distribution", slug=evaluation.slug, pk=distribution.pk
                )
    return render(
        request,
        "questionnaires/version.html",
        {
            "evaluation": evaluation,
            "version": version,
            "preview": build_form(version, language),
            "language": language,
            "form": form,
            "allowed": actions_for(request.user, evaluation),
            "versions": version.instrument.versions.order_by("number"),
        },
    )


@evaluation_view(Action.VIEW_INSTRUMENTS)
def version_yaml(
    request: HttpRequest, evaluation: Evaluation, key: str, number: int
) -> HttpResponse:
    version = _version(evaluation, key, number)
    response = HttpResponse(
        instrument_dump(version_spec(version)), content_type="application/yaml; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{key}-v{number}.yaml"'
    return response


@evaluation_view(Action.VIEW_INSTRUMENTS)
def distribution_page(request: HttpRequest, evaluation: Evaluation, pk: int) -> HttpResponse:
    distribution = _distribution(evaluation, pk)
    allowed = actions_for(request.user, evaluation)
    form = InvitationForm(request.POST or None, languages=distribution.languages)
    status = 200
    if request.method == "POST":
        ensure(request.user, Action.MANAGE_RESPONDENTS, evaluation)
        if form.is_valid():
            try:
                invitation = invitation_create(
                    distribution=distribution,
                    by=request.user,
                    name=form.cleaned_data["name"],
                    email=form.cleaned_data["email"],
                    language=form.cleaned_data["language"],
                    channel=form.cleaned_data["channel"] or Invitation.Channel.WEB,
                    attributes=form.attributes,
                )
            except ValidationProblem as problem:
                form_add_problem(form, problem)
            else:
                messages.success(request, _("%(name)s added.") % {"name": invitation.name})
                return redirect("questionnaires:distribution", slug=evaluation.slug, pk=pk)
        status = 400
    invitations = distribution.invitations.select_related("person").order_by("name")
    return render(
        request,
        "questionnaires/distribution.html",
        {
            "evaluation": evaluation,
            "distribution": distribution,
            "invitations": invitations,
            "form": form,
            "allowed": allowed,
            "rows": response_rows(user=request.user, distribution=distribution)
            if Action.VIEW_RESPONSES in allowed
            else [],
            "site_url": request.build_absolute_uri("/").rstrip("/"),
            "show_links": can_see_links(
                request.user, evaluation, confidentiality=distribution.confidentiality
            ),
            "waiting": sum(
                1 for i in invitations if i.status == "created" and i.channel != "phone"
            ),
            "planned": reminder_times(distribution),
        },
        status=status,
    )


@evaluation_view(Action.VIEW_RESPONSES)
def response_page(
    request: HttpRequest, evaluation: Evaluation, pk: int, response_id: str
) -> HttpResponse:
    distribution = _distribution(evaluation, pk)
    response = get_object_or_404(
        Response.objects.select_related("invitation", "entered_by", "distribution__evaluation"),
        distribution=distribution,
        pk=response_id,
    )
    answers = response_answers(user=request.user, response=response)
    form = build_form(distribution.version, "en", response.attributes)
    fill_answers(form, answers)
    return render(
        request,
        "questionnaires/response.html",
        {
            "evaluation": evaluation,
            "distribution": distribution,
            "response": response,
            "form": form,
        },
    )


@evaluation_view(Action.VIEW_RESPONSES)
def response_file(
    request: HttpRequest, evaluation: Evaluation, pk: int, response_id: str
) -> FileResponse:
    """The returned file of a response, for those who may read its answers (media files are
    never served directly: they hold answers)."""
    distribution = _distribution(evaluation, pk)
    response = get_object_or_404(
        Response.objects.select_related("distribution__evaluation"),
        distribution=distribution,
        pk=response_id,
    )
    response_answers(user=request.user, response=response)  # PermissionDenied if not allowed
    if not response.returned_file:
        raise Http404(_("This response has no returned file."))
    return FileResponse(
        response.returned_file.open("rb"),
        as_attachment=True,
        filename=response.returned_file.name.rsplit("/", 1)[-1],
    )


@evaluation_view(Action.ENTER_RESPONSES)
def entry_page(request: HttpRequest, evaluation: Evaluation, pk: int) -> HttpResponse:
    """Key in a questionnaire returned by e-mail, on paper or taken by phone."""
    distribution = _distribution(evaluation, pk)
    open_invitations = distribution.invitations.exclude(
        status__in=[*Invitation.RESPONDED, Invitation.Status.REVOKED]
    )
    choices = [(i.pk, i.name) for i in open_invitations.order_by("name")]
    envelope = EntryForm(request.POST or None, request.FILES or None, invitations=choices)
    if distribution.confidentiality != Distribution.Confidentiality.RESPONDENT:
        del envelope.fields["route"]
    form = build_form(distribution.version, "en")
    status = 200
    if request.method == "POST":
        answers = posted_answers([q for p in form.pages for q in p.questions], request.POST)
        if envelope.is_valid():
            invitation = (
                open_invitations.filter(pk=envelope.cleaned_data["invitation"]).first()
                if envelope.cleaned_data["invitation"]
                else None
            )
            try:
                response_enter(
                    distribution=distribution,
                    by=request.user,
                    invitation=invitation,
                    name=envelope.cleaned_data["name"],
                    answers=answers,
                    channel=envelope.cleaned_data["channel"],
                    returned_file=envelope.cleaned_data["returned_file"],
                    route=envelope.cleaned_data.get("route", ""),
                )
            except ValidationProblem as problem:
                form_add_problem(envelope, problem)
                for page in form.pages:
                    fill_posted(page, request.POST, problem.errors)
            else:
                messages.success(request, _("Response saved, marked as entered on behalf."))
                return redirect("questionnaires:distribution", slug=evaluation.slug, pk=pk)
        else:
            for page in form.pages:
                fill_posted(page, request.POST, {})
        status = 400
    return render(
        request,
        "questionnaires/entry.html",
        {
            "evaluation": evaluation,
            "distribution": distribution,
            "envelope": envelope,
            "form": form,
        },
        status=status,
    )
