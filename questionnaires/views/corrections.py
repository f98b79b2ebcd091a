"""The team's pages for corrections: reopening a response with a reason, the lead's decision
on a respondent's request, and the team typing the corrected answers of a response it keyed
in (or an anonymous one)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from common.errors import ValidationProblem
from evaluations.models import Evaluation
from evaluations.permissions import Action
from evaluations.views import evaluation_view
from questionnaires.answers import version_meta
from questionnaires.models import Correction, Response
from questionnaires.presentation import build_form, fill_answers, fill_posted, posted_answers
from questionnaires.selectors.responses import response_answers
from questionnaires.services.corrections import (
    corrected_by_team,
    correction_approve,
    correction_decline,
    correction_enter,
    draft_answers,
    response_reopen,
)


def _response(evaluation: Evaluation, pk: int, response_id: str) -> Response:
    return get_object_or_404(
        Response.objects.select_related("distribution__evaluation", "invitation"),
        distribution__evaluation=evaluation,
        distribution_id=pk,
        pk=response_id,
    )


@require_POST
@evaluation_view(Action.VIEW_RESPONSES)
def reopen(request: HttpRequest, evaluation: Evaluation, pk: int, response_id: str) -> HttpResponse:
    response = _response(evaluation, pk, response_id)
    try:
        response_reopen(response=response, by=request.user, reason=request.POST.get("reason", ""))
    except ValidationProblem as problem:
        messages.error(request, problem.message)
    else:
        if corrected_by_team(response):
            messages.success(request, _("Reopened: type the corrected answers below."))
            return redirect("questionnaires:correction_entry", evaluation.slug, pk, response.pk)
        messages.success(
            request,
            _(
                "Reopened: the respondent's link shows their answers again until they send "
                "them anew. Until then the answers sent before are counted."
            ),
        )
    return redirect("questionnaires:response", evaluation.slug, pk, response.pk)


@require_POST
@evaluation_view(Action.VIEW_RESPONSES)
def decide(
    request: HttpRequest, evaluation: Evaluation, pk: int, correction_id: int
) -> HttpResponse:
    """The lead approves or declines a respondent's request (the service checks the role)."""
    correction = get_object_or_404(
        Correction, pk=correction_id, response__distribution_id=pk,
        response__distribution__evaluation=evaluation,
    )  # fmt: skip
    approve = request.POST.get("decision") == "approve"
    decide_with = correction_approve if approve else correction_decline
    try:
        decide_with(correction=correction, by=request.user, reason=request.POST.get("reason", ""))
    except ValidationProblem as problem:
        messages.error(request, problem.message)
    else:
        messages.success(
            request,
            _("Approved: the respondent's link shows their answers again.")
            if approve
            else _("Declined: the submitted answers stay."),
        )
    return redirect("questionnaires:distribution", evaluation.slug, pk)


@evaluation_view(Action.ENTER_RESPONSES)
def entry(request: HttpRequest, evaluation: Evaluation, pk: int, response_id: str) -> HttpResponse:
    """The corrected answers of a reopened response the team corrects, typed in full."""
    response = _response(evaluation, pk, response_id)
    response_answers(user=request.user, response=response)  # PermissionDenied if not allowed
    correction = get_object_or_404(Correction, response=response, status=Correction.Status.OPEN)
    attributes = response.invitation.attributes if response.invitation else response.attributes
    form = build_form(response.distribution.version, "en", attributes)
    fill_answers(form, draft_answers(correction))
    status = 200
    if request.method == "POST":
        answers = posted_answers(
            version_meta(response.distribution.version).questions, request.POST
        )
        try:
            correction_enter(correction=correction, by=request.user, answers=answers)
        except ValidationProblem as problem:
            messages.error(request, problem.message)
            for page in form.pages:
                fill_posted(page, request.POST, problem.errors)
            status = 400
        else:
            messages.success(request, _("Corrected answers saved; the history keeps the change."))
            return redirect("questionnaires:response", evaluation.slug, pk, response.pk)
    return render(
        request,
        "questionnaires/correction_entry.html",
        {
            "evaluation": evaluation,
            "distribution": response.distribution,
            "response": response,
            "correction": correction,
            "form": form,
            "team_corrects": corrected_by_team(response),
        },
        status=status,
    )
