"""The page to lock and unlock a distribution's responses (lead only): a reason and a
confirmation."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from common.errors import ValidationProblem, form_add_problem
from evaluations.forms import LockForm
from evaluations.locks import ensure_can_lock
from evaluations.models import Evaluation
from evaluations.permissions import Action
from evaluations.views import evaluation_view
from questionnaires.models import Distribution
from questionnaires.services.distributions import (
    distribution_responses_lock,
    distribution_responses_unlock,
    responses_lock_state,
)


@evaluation_view(Action.VIEW_INSTRUMENTS)
def distribution_lock_page(request: HttpRequest, evaluation: Evaluation, pk: int) -> HttpResponse:
    distribution = get_object_or_404(Distribution, evaluation=evaluation, pk=pk)
    ensure_can_lock(request.user, evaluation)
    locked = distribution.responses_locked_at is not None
    form = LockForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        service = distribution_responses_unlock if locked else distribution_responses_lock
        try:
            service(distribution=distribution, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationProblem as problem:
            form_add_problem(form, problem)
        else:
            messages.success(
                request,
                _("The responses are open again.")
                if locked
                else _("The responses are locked: they can be read and exported, not changed."),
            )
            return redirect("questionnaires:distribution", slug=evaluation.slug, pk=pk)
    title = distribution.title
    return render(
        request,
        "common/lock_confirm.html",
        {
            "evaluation": evaluation,
            "form": form,
            "locked": locked,
            "state": responses_lock_state(distribution),
            "heading": (
                _("Unlock the responses to “%(title)s”")
                if locked
                else _("Lock the responses to “%(title)s”")
            )
            % {"title": title},
            "explain": _(
                "While locked, the form is closed to respondents, and no response can be "
                "entered and no recipient added, excluded or restored; the responses and their "
                "exports can still be read."
            ),
            "back": reverse("questionnaires:distribution", args=[evaluation.slug, pk]),
            "section": "questionnaires",
        },
        status=400 if request.method == "POST" else 200,
    )
