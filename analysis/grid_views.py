"""The criteria grid's page, under /evaluations/<slug>/analysis/grid/: per assessed unit a
table as reports print it (Criteria | Assessment), every member reading it; the lead evaluator
and evaluators add units, set the rating scale and edit one cell at a time (?edit=UNIT-CRITERION),
through the services (analysis.services.grid), recorded in the history."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from analysis.models import AssessedUnit, Assessment, Criterion
from analysis.selectors.codings import attribution_of, codings_of
from analysis.selectors.grid import grid_of
from analysis.services.grid import assessment_set, scale_set, unit_delete, unit_save
from analysis.views import analysis_context
from common.errors import ValidationProblem
from evaluations.models import Evaluation
from evaluations.permissions import Action, can
from evaluations.views import evaluation_view
from interviews.models import Interview
from reports.views.base import refused

EXCERPT_SHOWN = 90


def _ids(request: HttpRequest, name: str) -> list[int]:
    try:
        return [int(value) for value in request.POST.getlist(name) if value]
    except ValueError as exc:
        raise ValidationProblem(_("A chosen source is not a number.")) from exc


def _editing(
    request: HttpRequest, evaluation: Evaluation, key: str, posted: bool = False
) -> dict[str, object]:
    """What the edit form of one cell needs: the cell's values (those just posted, when they
    were refused, so nothing typed is lost), and the sources one may link."""
    unit_id, _sep, criterion_id = key.partition("-")
    if not (unit_id.isdigit() and criterion_id.isdigit()):
        return {}
    unit = get_object_or_404(AssessedUnit, pk=unit_id, evaluation=evaluation)
    criterion = get_object_or_404(Criterion, pk=criterion_id, evaluation=evaluation)
    current = Assessment.objects.filter(unit=unit, criterion=criterion).first()
    if posted:
        values = {
            name: request.POST.get(name, "") for name in ("state", "text", "rating", "documents")
        }
        linked_codings, linked_interviews = (
            {int(v) for v in request.POST.getlist("codings") if v.isdigit()},
            {int(v) for v in request.POST.getlist("interviews") if v.isdigit()},
        )
    else:
        values = {
            "state": current.state if current else Assessment.State.PENDING,
            "text": current.text if current else "",
            "rating": current.rating if current else "",
            "documents": current.documents if current else "",
        }
        linked_codings = set(current.codings.values_list("pk", flat=True)) if current else set()
        linked_interviews = (
            set(current.interviews.values_list("pk", flat=True)) if current else set()
        )
    codings = [
        (c.pk, f"{', '.join(code.name for code in c.codes.all())}: “{c.text[:EXCERPT_SHOWN]}” "
               f"({attribution_of(c)})")
        for c in codings_of(user=request.user, evaluation=evaluation)
    ]  # fmt: skip
    interviews = [(i.pk, str(i)) for i in Interview.objects.filter(evaluation=evaluation)]
    return {
        "edit_key": f"{unit.pk}-{criterion.pk}",
        "edit_unit": unit,
        "edit_criterion": criterion,
        "edit": values,
        "linked_codings": linked_codings,
        "linked_interviews": linked_interviews,
        "coding_choices": codings,
        "interview_choices": interviews,
        "states": Assessment.State.choices,
    }


def _post(request: HttpRequest, evaluation: Evaluation) -> str:
    """Carry out the form's action; the message to show."""
    action = request.POST.get("action")
    if action == "unit":
        unit = unit_save(
            evaluation=evaluation,
            by=request.user,
            name=request.POST.get("name", ""),
            kind=request.POST.get("kind", AssessedUnit.Kind.CASE_STUDY),
            description=request.POST.get("description", ""),
        )
        return _("Unit “%(name)s” added.") % {"name": unit.name}
    if action == "delete-unit":
        unit = get_object_or_404(AssessedUnit, pk=request.POST.get("unit"), evaluation=evaluation)
        unit_delete(unit=unit, by=request.user)
        return _("Unit “%(name)s” removed, with its assessments.") % {"name": unit.name}
    if action == "scale":
        levels = [line for line in request.POST.get("levels", "").splitlines() if line.strip()]
        scale_set(evaluation=evaluation, by=request.user, levels=levels)
        return _("Rating scale saved.") if levels else _("The grid is text only (no rating).")
    if action == "assessment":
        unit = get_object_or_404(AssessedUnit, pk=request.POST.get("unit"), evaluation=evaluation)
        criterion = get_object_or_404(
            Criterion, pk=request.POST.get("criterion"), evaluation=evaluation
        )
        assessment_set(
            unit=unit,
            criterion=criterion,
            by=request.user,
            state=request.POST.get("state", ""),
            text=request.POST.get("text", ""),
            rating=request.POST.get("rating", ""),
            documents=request.POST.get("documents", ""),
            codings=_ids(request, "codings"),
            interviews=_ids(request, "interviews"),
        )
        return _("Assessment of “%(unit)s” against “%(criterion)s” saved.") % {
            "unit": unit.name,
            "criterion": criterion.name,
        }
    raise ValidationProblem(_("Unknown action."))


@evaluation_view(Action.VIEW_EVALUATION)
def grid_page(request: HttpRequest, evaluation: Evaluation) -> HttpResponse:
    may_edit = can(request.user, Action.MANAGE_RESPONDENTS, evaluation)
    key, posted = request.GET.get("edit", ""), False
    if request.method == "POST":
        try:
            messages.success(request, _post(request, evaluation))
            return redirect("analysis:grid", evaluation.slug)
        except ValidationProblem as problem:
            refused(request, problem)
            if request.POST.get("action") != "assessment":
                return redirect("analysis:grid", evaluation.slug)
            key, posted = f"{request.POST.get('unit')}-{request.POST.get('criterion')}", True
    grid = grid_of(user=request.user, evaluation=evaluation)
    context = analysis_context(
        request,
        evaluation,
        "grid",
        grid=grid,
        may_edit=may_edit,
        kinds=AssessedUnit.Kind.choices,
        pending=Assessment.State.PENDING,
        assessed=Assessment.State.ASSESSED,
    )
    if may_edit:
        context.update(_editing(request, evaluation, key, posted))
    return render(request, "analysis/grid.html", context)
