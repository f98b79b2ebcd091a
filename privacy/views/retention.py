"""The retention page of an evaluation: who would be erased now, and erasing them on the
lead's typed confirmation."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from common.errors import ValidationProblem, form_add_problem
from evaluations.models import Evaluation
from evaluations.permissions import Action
from evaluations.views import evaluation_view
from privacy.forms.erase import RetentionForm, confirmation_word
from privacy.selectors.retention import retention_plan
from privacy.services.retention import retention_erase


@evaluation_view(Action.CHANGE_EVALUATION)
def retention_page(request: HttpRequest, evaluation: Evaluation) -> HttpResponse:
    plan = retention_plan(evaluation=evaluation)
    listed = ",".join(str(d.person.pk) for d in plan.due)
    form = RetentionForm(request.POST or None, initial={"people": listed})
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                done = retention_erase(
                    by=request.user, evaluation=evaluation, people=form.cleaned_data["people"]
                )
            except ValidationProblem as problem:
                form_add_problem(form, problem)
            else:
                messages.success(
                    request,
                    ngettext("%(n)d person erased.", "%(n)d people erased.", done.people)
                    % {"n": done.people},
                )
                return redirect(reverse("privacy:retention", args=[evaluation.slug]))
    context = {
        "evaluation": evaluation,
        "plan": plan,
        "form": form,
        "word": confirmation_word(),
        "title": _("Retention of personal data"),
    }
    return render(request, "privacy/retention.html", context, status=status)
