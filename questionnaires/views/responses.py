"""The team's pages for responses: one response's answers, its returned file, and keying in
a questionnaire returned by e-mail, on paper or by phone."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from common.errors import ValidationProblem, form_add_problem
from evaluations.models import Evaluation
from evaluations.permissions import Action
from evaluations.views import evaluation_view
from history.services import record_download
from questionnaires.answers import version_meta
from questionnaires.forms.responses import EntryForm
from questionnaires.models import Distribution, Invitation, Response
from questionnaires.presentation import build_form, fill_answers, fill_posted, posted_answers
from questionnaires.selectors.corrections import response_corrections
from questionnaires.selectors.responses import response_answers
from questionnaires.services.corrections import active_correction, corrected_by_team, may_reopen
from questionnaires.services.responses import response_enter


def _distribution(evaluation: Evaluation, pk: int) -> Distribution:
    return get_object_or_404(
        Distribution.objects.select_related("version__instrument", "evaluation"),
        evaluation=evaluation,
        pk=pk,
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
    correction = active_correction(response)
    return render(
        request,
        "questionnaires/response.html",
        {
            "evaluation": evaluation,
            "distribution": distribution,
            "response": response,
            "form": form,
            "correction": correction,
            "may_reopen": correction is None and may_reopen(request.user, response),
            "team_corrects": corrected_by_team(response),
            "rows": response_corrections(user=request.user, response=response),
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
    filename = response.returned_file.name.rsplit("/", 1)[-1]
    # The history names the file only where the whole team reads the answers: an anonymous
    # or lead-only response is not tied to a file name (which may carry a name) in it.
    shared = distribution.confidentiality == Distribution.Confidentiality.TEAM
    what = f"{filename} ({response})" if shared else "returned questionnaire file"
    try:  # from the storage of settings.STORAGES (the local disk or a private bucket)
        opened = response.returned_file.open("rb")
    except OSError:
        raise Http404(_("This response's returned file is no longer kept.")) from None
    record_download(distribution, what=what, evaluation_id=evaluation.pk)
    return FileResponse(opened, as_attachment=True, filename=filename)


@evaluation_view(Action.ENTER_RESPONSES)
def entry_page(request: HttpRequest, evaluation: Evaluation, pk: int) -> HttpResponse:
    """Key in a questionnaire returned by e-mail, on paper or taken by phone."""
    distribution = _distribution(evaluation, pk)
    open_invitations = distribution.invitations.exclude(
        status__in=[*Invitation.RESPONDED, Invitation.Status.REVOKED]
    )
    choices = [(i.pk, i.name) for i in open_invitations.order_by("name")]
    # The form shows the questions asked of the chosen respondent (questionnaires.answers.
    # applies on their attributes; a new respondent has none): chosen on the page (GET) first,
    # or the one posted.
    chosen_id = request.POST.get("invitation") or request.GET.get("invitation") or ""
    chosen = open_invitations.filter(pk=int(chosen_id)).first() if chosen_id.isdigit() else None
    envelope = EntryForm(
        request.POST or None,
        request.FILES or None,
        invitations=choices,
        initial={"invitation": chosen.pk if chosen else ""},
    )
    if distribution.confidentiality != Distribution.Confidentiality.RESPONDENT:
        del envelope.fields["route"]
    form = build_form(distribution.version, "en", chosen.attributes if chosen else {})
    status = 200
    if request.method == "POST":
        # Every question of the version is read, so an answer typed for one not asked of the
        # chosen respondent is refused by the service with its name, not silently dropped.
        answers = posted_answers(version_meta(distribution.version).questions, request.POST)
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
            "respondents": choices,
            "chosen": chosen,
        },
        status=status,
    )
