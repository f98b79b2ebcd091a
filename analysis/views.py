"""Pages of the analysis, under /evaluations/<slug>/analysis/: the matrix with its evidence
(read-only) and the tallies of codes. Every member sees them; the numbers are those the API
gives (selectors), the tallies suppressed unless a lead asks otherwise."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from analysis.models import Code
from analysis.selectors.codings import attribution_of, codings_of
from analysis.selectors.evidence import matrix_evidence
from analysis.selectors.tallies import ATTRIBUTES, code_tallies
from common.downloads import query_flag
from common.errors import ValidationProblem
from evaluations.models import Evaluation
from evaluations.permissions import Action, can
from evaluations.views import evaluation_view
from reports.selectors.access import report_access
from reports.views.base import refused


def _context(evaluation: Evaluation, tab: str, **extra: object) -> dict[str, object]:
    """The page's tab alone (kept for pages that do not show the editing links)."""
    return {"evaluation": evaluation, "section": "analysis", "tab": tab, **extra}


def analysis_context(
    request: HttpRequest, evaluation: Evaluation, tab: str, **extra: object
) -> dict[str, object]:
    """What every analysis page renders with: its tab, and which tabs and edits the user has."""
    return {
        "evaluation": evaluation,
        "section": "analysis",
        "tab": tab,
        "can_edit": can(request.user, Action.MANAGE_RESPONDENTS, evaluation),
        "can_code": can(request.user, Action.VIEW_RESPONSES, evaluation),
        **extra,
    }


@evaluation_view(Action.VIEW_EVALUATION)
def matrix_page(request: HttpRequest, evaluation: Evaluation) -> HttpResponse:
    criteria = matrix_evidence(user=request.user, evaluation=evaluation)
    gaps = sum(question.gaps for criterion in criteria for question in criterion.questions)
    return render(
        request,
        "analysis/matrix.html",
        analysis_context(request, evaluation, "matrix", criteria=criteria, gaps=gaps),
    )


@evaluation_view(Action.VIEW_EVALUATION)
def tallies_page(request: HttpRequest, evaluation: Evaluation) -> HttpResponse:
    by = request.GET.get("by", "stakeholder_group")
    unsuppressed = query_flag(request, "unsuppressed")
    access = report_access(request.user, evaluation, unsuppressed=unsuppressed)
    try:
        table = code_tallies(
            user=request.user, evaluation=evaluation, by=by, unsuppressed=unsuppressed
        )
    except ValidationProblem as problem:
        refused(request, problem)
        return redirect("analysis:tallies", evaluation.slug)
    choices = [(key, str(label)) for key, label in ATTRIBUTES.items()]
    return render(
        request,
        "analysis/tallies.html",
        analysis_context(
            request, evaluation, "tallies", table=table, access=access, choices=choices, by=by
        ),
    )


@evaluation_view(Action.VIEW_RESPONSES)
def excerpts_page(request: HttpRequest, evaluation: Evaluation) -> HttpResponse:
    """Retrieval: every excerpt of a code (its sub-codes included), or of one tally cell (the
    code and a value of `by`), with the attribution a report may print — never a name. Only
    the excerpts the member may read (lead-only ones for the lead)."""
    code = Code.objects.filter(evaluation=evaluation, pk=_number(request.GET.get("code"))).first()
    if code is None:
        raise Http404(_("No such code in this evaluation."))
    by = request.GET.get("by", "")
    value = request.GET.get("value") if by in ATTRIBUTES else None
    found = codings_of(user=request.user, evaluation=evaluation, code=code.pk, by=by, value=value)
    excerpts = [(coding, attribution_of(coding)) for coding in found]
    where = f"{ATTRIBUTES[by]}: {value}" if value is not None else ""
    return render(
        request,
        "analysis/excerpts.html",
        analysis_context(
            request, evaluation, "tallies", code=code, excerpts=excerpts, where=where, by=by
        ),
    )


def _number(text: str | None) -> int | None:
    return int(text) if text and text.isascii() and text.isdigit() else None
