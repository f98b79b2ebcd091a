"""Pages to lock and unlock the interview log, and to set or lift the evaluation's legal hold
(from the evaluation's settings page). Lead only; the services say why anything is refused."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from common.errors import ValidationProblem
from evaluations.forms import LegalHoldForm
from evaluations.locks import ensure_can_lock, log_lock_state
from evaluations.models import Evaluation
from evaluations.permissions import Action
from evaluations.views import evaluation_view, lock_confirm_page
from interviews.services.locks import interview_log_lock, interview_log_unlock, legal_hold_set


@evaluation_view(Action.VIEW_EVALUATION)
def log_lock_page(request: HttpRequest, evaluation: Evaluation) -> HttpResponse:
    """Lock the interview log, or unlock it when it is locked: a reason and a confirmation."""
    ensure_can_lock(request.user, evaluation)
    locked = evaluation.interview_log_locked_at is not None
    service = interview_log_unlock if locked else interview_log_lock
    return lock_confirm_page(
        request,
        evaluation,
        locked=locked,
        switch=lambda reason: service(evaluation=evaluation, by=request.user, reason=reason),
        done=_("The interview log is open again.")
        if locked
        else _("The interview log is locked: it can be read and exported, not changed."),
        back=reverse("interviews:log", args=[evaluation.slug]),
        context={
            "state": log_lock_state(evaluation),
            "heading": _("Unlock the interview log") if locked else _("Lock the interview log"),
            "explain": _(
                "While locked, the log and its exports can be read, but no interview, "
                "participant, interviewer, note, category or import can be added or changed. "
                "The coverage plan is not part of the log: it stays open."
            ),
            "section": "interviews",
        },
    )


@require_POST
@evaluation_view(Action.VIEW_EVALUATION)
def legal_hold_page(request: HttpRequest, evaluation: Evaluation) -> HttpResponse:
    """Set or lift the legal hold (the form is on the evaluation's settings page)."""
    form = LegalHoldForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the legal hold is set or lifted."))
        return redirect("evaluations:edit", evaluation.slug)
    on = form.cleaned_data["legal_hold"]
    try:
        legal_hold_set(
            evaluation=evaluation, by=request.user, on=on, reason=form.cleaned_data["reason"]
        )
    except ValidationProblem as problem:
        messages.error(request, problem.message)
    else:
        messages.success(
            request,
            _("The evaluation is on legal hold: nobody in it can be erased.")
            if on
            else _("The legal hold is lifted."),
        )
    return redirect("evaluations:edit", evaluation.slug)
