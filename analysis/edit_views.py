"""Editing pages of the analysis framework: the evaluation matrix (criteria, evaluation
questions, planned sources) and the codebook (codes, their links, .qdc import). Server-rendered
forms; every write goes through the services (analysis.services.matrix and .codebook), so the
role rules are the API's: every member reads, the lead evaluator and evaluators change."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from analysis.formats.matrix_format import MatrixSource
from analysis.formats.qdc import read_qdc
from analysis.models import Code, Criterion, EvaluationQuestion, PlannedSource
from analysis.selectors.codebook import codes_of
from analysis.selectors.matrix import criteria_of
from analysis.services.codebook import code_delete, code_save, codebook_import
from analysis.services.matrix import (
    criteria_defaults,
    criterion_delete,
    criterion_save,
    ensure_can_edit_matrix,
    question_delete,
    question_save,
    source_ref,
    sources_set,
)
from analysis.views import analysis_context
from common.errors import ValidationProblem
from evaluations.models import Evaluation
from evaluations.permissions import Action, Actor, can
from evaluations.views import evaluation_view
from questionnaires.models import Question, localized
from reports.selectors.likert import language
from reports.views.base import refused
from stakeholders.models import StakeholderGroup


def _number(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def _instrument_questions(evaluation: Evaluation) -> list[tuple[str, str]]:
    """Every question of the evaluation's instruments, any version, as (reference, label)."""
    found = (
        Question.objects.filter(version__instrument__evaluation=evaluation)
        .select_related("version__instrument")
        .order_by("version__instrument__key", "version__number", "section__order", "order")
    )
    lang = language()
    choices = []
    for asked in found:
        instrument = asked.version.instrument
        ref = f"{instrument.key}:{asked.version.number}:{asked.key}"
        text = localized(asked.text, lang) or asked.key
        choices.append((ref, f"{instrument.key} v{asked.version.number} {asked.key}: {text}"))
    return choices


def _run(request: HttpRequest, write: Callable[[], object], done: str) -> None:
    """Run one write; its refusal shown as messages, its success as `done`."""
    try:
        with transaction.atomic():
            write()
    except ValidationProblem as problem:
        refused(request, problem)
    else:
        messages.success(request, done)


def _reorder(evaluation: Evaluation, by: Actor, criterion: Criterion, step: int) -> None:
    ordered = list(evaluation.criteria.order_by("order", "pk"))
    at = ordered.index(criterion)
    to = at + step
    if not 0 <= to < len(ordered):
        return
    ordered[at], ordered[to] = ordered[to], ordered[at]
    for order, item in enumerate(ordered):
        criterion_save(
            evaluation=evaluation,
            by=by,
            criterion=item,
            label=item.label,
            name=item.name,
            description=item.description,
            order=order,
        )


def _source_action(request: HttpRequest, question: EvaluationQuestion, action: str) -> None:
    by = request.user
    current = [MatrixSource(kind=s.kind, ref=source_ref(s)) for s in question.sources.all()]
    if action == "source-remove":
        at = _number(request.POST.get("index"))
        kept = [s for i, s in enumerate(current) if i != at]
        _run(request, lambda: sources_set(question=question, by=by, sources=kept), _("Removed."))
        return
    kind = request.POST.get("kind", "")
    ref = {
        PlannedSource.Kind.QUESTION: request.POST.get("instrument_question", ""),
        PlannedSource.Kind.GROUP: request.POST.get("stakeholder_group", ""),
        PlannedSource.Kind.DOCUMENT: request.POST.get("document", ""),
    }.get(kind, "")
    if not ref.strip():
        messages.error(
            request,
            _(
                "Question %(number)s: choose a source "
                "(an instrument question, a group or a document)."
            )
            % {"number": question.number},
        )
        return
    added = [*current, MatrixSource(kind=kind, ref=ref.strip())]
    _run(
        request,
        lambda: sources_set(question=question, by=by, sources=added),
        _("Source added to %(number)s.") % {"number": question.number},
    )


def _matrix_action(request: HttpRequest, evaluation: Evaluation) -> None:
    by, post = request.user, request.POST
    action = post.get("action", "")
    criterion = None
    if post.get("criterion"):
        criterion = get_object_or_404(Criterion, evaluation=evaluation, pk=post.get("criterion"))
    question = None
    if post.get("question"):
        question = get_object_or_404(
            EvaluationQuestion, evaluation=evaluation, pk=post.get("question")
        )
    fields = {"label": post.get("label", ""), "name": post.get("name", "")}
    if action == "defaults":
        _run(
            request,
            lambda: criteria_defaults(evaluation=evaluation, by=by),
            _("The standard criteria are in the matrix."),
        )
    elif action == "criterion-save":
        _run(
            request,
            lambda: criterion_save(
                evaluation=evaluation,
                by=by,
                criterion=criterion,
                description=post.get("description", ""),
                **fields,
            ),
            _("Criterion saved."),
        )
    elif action in ("criterion-up", "criterion-down") and criterion is not None:
        step = -1 if action == "criterion-up" else 1
        _run(request, lambda: _reorder(evaluation, by, criterion, step), _("Criteria reordered."))
    elif action == "criterion-delete" and criterion is not None:
        _run(request, lambda: criterion_delete(criterion=criterion, by=by), _("Criterion deleted."))
    elif action == "question-save" and criterion is not None:
        _run(
            request,
            lambda: question_save(
                criterion=criterion,
                by=by,
                question=question,
                number=post.get("number", ""),
                text=post.get("text", ""),
            ),
            _("Evaluation question saved."),
        )
    elif action == "question-delete" and question is not None:
        _run(request, lambda: question_delete(question=question, by=by), _("Question deleted."))
    elif action in ("source-add", "source-remove") and question is not None:
        _source_action(request, question, action)


@evaluation_view(Action.VIEW_EVALUATION)
def matrix_edit_page(request: HttpRequest, evaluation: Evaluation) -> HttpResponse:
    """Criteria (the six standard ones on offer), their questions and planned sources."""
    if request.method == "POST":
        ensure_can_edit_matrix(request.user, evaluation)
        _matrix_action(request, evaluation)
        anchor = (
            f"#criterion-edit-{request.POST['criterion']}" if request.POST.get("criterion") else ""
        )
        return redirect(f"{request.path}{anchor}")
    if not can(request.user, Action.MANAGE_RESPONDENTS, evaluation):
        raise PermissionDenied(
            _("Only the lead evaluator and evaluators can change the analysis framework.")
        )
    criteria = [
        (
            criterion,
            [
                (question, [(s, source_ref(s)) for s in question.sources.all()])
                for question in criterion.questions.all()
            ],
        )
        for criterion in criteria_of(user=request.user, evaluation=evaluation)
    ]
    return render(
        request,
        "analysis/matrix_edit.html",
        analysis_context(
            request,
            evaluation,
            "matrix",
            criteria=criteria,
            instrument_questions=_instrument_questions(evaluation),
            groups=StakeholderGroup.objects.order_by("order", "name"),
            kinds=PlannedSource.Kind.choices,
        ),
    )


def _code_fields(request: HttpRequest, evaluation: Evaluation) -> dict[str, object]:
    post = request.POST
    parent = None
    if post.get("parent"):
        parent = get_object_or_404(Code, evaluation=evaluation, pk=post.get("parent"))
    return {
        "name": post.get("name", ""),
        "parent": parent,
        "description": post.get("description", ""),
        "color": post.get("color", ""),
        "questions": post.getlist("questions"),
    }


def _codebook_import(request: HttpRequest, evaluation: Evaluation) -> None:
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("Choose a .qdc file to import."))
        return
    dry_run = bool(request.POST.get("dry_run"))
    try:
        codes = read_qdc(upload.read())
        with transaction.atomic():
            report = codebook_import(evaluation=evaluation, by=request.user, codes=codes)
            if dry_run:
                transaction.set_rollback(True)
    except ValidationProblem as problem:
        refused(request, problem)
        return
    summary = _("%(created)s codes added, %(updated)s changed, %(unchanged)s unchanged.") % {
        "created": len(report.created),
        "updated": len(report.updated),
        "unchanged": report.unchanged,
    }
    if dry_run:
        summary = _("Trial run, nothing saved: %(summary)s") % {"summary": summary}
    messages.success(request, summary)
    for warning in report.warnings:
        messages.warning(request, warning)


@evaluation_view(Action.VIEW_EVALUATION)
def codebook_page(request: HttpRequest, evaluation: Evaluation) -> HttpResponse:
    """The codebook: every member reads it; the lead and evaluators add, change, remove and
    import codes."""
    if request.method == "POST":
        ensure_can_edit_matrix(request.user, evaluation)
        action = request.POST.get("action", "")
        code = None
        if request.POST.get("code"):
            code = get_object_or_404(Code, evaluation=evaluation, pk=request.POST.get("code"))
        if action == "import":
            _codebook_import(request, evaluation)
        elif action == "delete" and code is not None:
            _run(request, lambda: code_delete(code=code, by=request.user), _("Code deleted."))
        elif action == "save":
            fields = _code_fields(request, evaluation)
            _run(
                request,
                lambda: code_save(evaluation=evaluation, by=request.user, code=code, **fields),
                _("Code saved."),
            )
        return redirect(request.path)
    codes = list(codes_of(user=request.user, evaluation=evaluation))
    by_parent: dict[int | None, list[Code]] = {}
    for code in codes:
        by_parent.setdefault(code.parent_id, []).append(code)
    tree: list[dict[str, object]] = []
    levels: list[tuple[Code, int]] = []

    def walk(parent_id: int | None, depth: int) -> None:
        for code in by_parent.get(parent_id, []):
            linked = sorted(q.number for q in code.questions.all())
            tree.append({"code": code, "depth": depth, "linked": linked})
            levels.append((code, depth))
            walk(code.pk, depth + 1)

    walk(None, 1)
    questions = EvaluationQuestion.objects.filter(evaluation=evaluation).order_by(
        "criterion__order", "order", "pk"
    )
    return render(
        request,
        "analysis/codebook.html",
        analysis_context(
            request,
            evaluation,
            "codebook",
            codes=tree,
            parents=[code for code, depth in levels if depth < 3],
            questions=questions,
        ),
    )
