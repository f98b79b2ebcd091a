"""Writes on the evaluation matrix: criteria (the six standard ones on demand), evaluation
questions, their planned sources, and a whole matrix from a file.

Text is kept as a spreadsheet cell reads it (common.spreadsheets.cell_text: runs of spaces as
one, trimmed lines), so a matrix exported and imported again is the same matrix."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from analysis.formats.matrix_format import MatrixCriterion, MatrixSource
from analysis.models import Criterion, EvaluationQuestion, PlannedSource
from common.errors import ValidationProblem
from common.spreadsheets import cell_text
from evaluations.models import Evaluation
from evaluations.permissions import Action, Actor, can, ensure, is_system
from questionnaires.models import Question
from stakeholders.models import StakeholderGroup
from stakeholders.selectors.groups import group_find

# The six criteria evaluation reports are organised by: short label, name, description.
STANDARD_CRITERIA = (
    (
        gettext_noop("Relevance"),
        gettext_noop("Relevance and strategic fit"),
        gettext_noop(
            "The extent to which the objectives and approach are consistent with the needs of "
            "the beneficiaries and constituents, the organisation's mandate and priorities, and "
            "the work of its partners; and whether they still are."
        ),
    ),
    (
        gettext_noop("Design"),
        gettext_noop("Validity of design"),
        gettext_noop(
            "The extent to which the design is logical and coherent: whether the planned "
            "outputs lead to the outcomes, the indicators and targets can show progress, and "
            "risks and assumptions were considered."
        ),
    ),
    (
        gettext_noop("Effectiveness"),
        gettext_noop("Progress and effectiveness"),
        gettext_noop(
            "The extent to which the intended results were achieved, or are expected to be, "
            "taking their relative importance into account, and what helped or hindered them."
        ),
    ),
    (
        gettext_noop("Efficiency"),
        gettext_noop("Efficiency of resource use"),
        gettext_noop(
            "How economically resources (funds, expertise, time) were turned into results, "
            "and whether they were allocated strategically."
        ),
    ),
    (
        gettext_noop("Management"),
        gettext_noop("Effectiveness of management arrangements"),
        gettext_noop(
            "The extent to which management capacities and arrangements, governance, "
            "monitoring and the support of the organisation's units and partners served the "
            "results."
        ),
    ),
    (
        gettext_noop("Impact"),
        gettext_noop("Impact orientation and sustainability"),
        gettext_noop(
            "The strategic orientation towards significant long-term change, and the "
            "likelihood that the results last once support ends: ownership by national "
            "partners, institutional capacity and the means to continue."
        ),
    ),
)


def _refused(field: str, message: str) -> ValidationProblem:
    return ValidationProblem(message, errors={field: [message]})


def ensure_can_edit_matrix(by: Actor, evaluation: Evaluation) -> None:
    """The lead evaluator and evaluators shape the matrix and the codebook."""
    ensure(by, Action.VIEW_EVALUATION, evaluation)
    if not is_system(by) and not can(by, Action.MANAGE_RESPONDENTS, evaluation):
        raise PermissionDenied(
            _("Only the lead evaluator and evaluators can change the analysis framework.")
        )


@transaction.atomic
def criteria_defaults(*, evaluation: Evaluation, by: Actor) -> list[Criterion]:
    """Add the six standard criteria that the evaluation does not have yet (by short label)."""
    ensure_can_edit_matrix(by, evaluation)
    taken = set(evaluation.criteria.values_list("label", flat=True))
    order = evaluation.criteria.count()
    made = []
    for label, name, description in STANDARD_CRITERIA:
        if _(label) in taken:
            continue
        made.append(
            Criterion.objects.create(
                evaluation=evaluation,
                order=order,
                label=_(label),
                name=_(name),
                description=_(description),
            )
        )
        order += 1
    return made


@transaction.atomic
def criterion_save(
    *,
    evaluation: Evaluation,
    by: Actor,
    criterion: Criterion | None = None,
    label: str,
    name: str,
    description: str = "",
    order: int | None = None,
) -> Criterion:
    """Create a criterion (criterion=None) or change one; short labels are unique."""
    ensure_can_edit_matrix(by, evaluation)
    label, name = cell_text(label), cell_text(name)
    if not label or not name:
        raise _refused("label" if not label else "name", _("This field is required."))
    clash = evaluation.criteria.filter(label=label)
    if criterion is not None:
        clash = clash.exclude(pk=criterion.pk)
    if clash.exists():
        raise _refused("label", _("There is already a criterion “%(label)s”.") % {"label": label})
    if criterion is None:
        criterion = Criterion(evaluation=evaluation, order=evaluation.criteria.count())
    criterion.label, criterion.name, criterion.description = label, name, cell_text(description)
    if order is not None:
        criterion.order = order
    criterion.save()
    return criterion


@transaction.atomic
def criterion_delete(*, criterion: Criterion, by: Actor) -> None:
    ensure_can_edit_matrix(by, criterion.evaluation)
    criterion.delete()


@transaction.atomic
def question_save(
    *,
    criterion: Criterion,
    by: Actor,
    question: EvaluationQuestion | None = None,
    number: str,
    text: str,
    order: int | None = None,
) -> EvaluationQuestion:
    """Create an evaluation question under the criterion, or change (or move) one."""
    evaluation = criterion.evaluation
    ensure_can_edit_matrix(by, evaluation)
    number, text = cell_text(number), cell_text(text)
    if not number or not text:
        raise _refused("number" if not number else "text", _("This field is required."))
    clash = EvaluationQuestion.objects.filter(evaluation=evaluation, number=number)
    if question is not None:
        clash = clash.exclude(pk=question.pk)
    if clash.exists():
        raise _refused(
            "number", _("There is already a question numbered %(number)s.") % {"number": number}
        )
    if question is None:
        question = EvaluationQuestion(evaluation=evaluation, order=criterion.questions.count())
    question.criterion, question.number, question.text = criterion, number, text
    if order is not None:
        question.order = order
    question.save()
    return question


@transaction.atomic
def question_delete(*, question: EvaluationQuestion, by: Actor) -> None:
    ensure_can_edit_matrix(by, question.evaluation)
    question.delete()


def source_ref(source: PlannedSource) -> str:
    """A planned source as the matrix files write it."""
    if source.kind == PlannedSource.Kind.QUESTION and source.instrument_question is not None:
        asked = source.instrument_question
        return f"{asked.version.instrument.key}:{asked.version.number}:{asked.key}"
    if source.kind == PlannedSource.Kind.GROUP and source.stakeholder_group is not None:
        return source.stakeholder_group.name
    return source.document


def _resolve(evaluation: Evaluation, source: MatrixSource) -> PlannedSource:
    """An unsaved PlannedSource for a file's source; a ValidationProblem naming it otherwise."""
    where = f"{source.where}: " if source.where else ""
    if source.kind == PlannedSource.Kind.QUESTION:
        parts = source.ref.split(":")
        found = None
        if len(parts) == 3 and parts[1].isdigit():
            found = (
                Question.objects.filter(
                    version__instrument__evaluation=evaluation,
                    version__instrument__key=parts[0],
                    version__number=int(parts[1]),
                    key=parts[2],
                )
                .select_related("version__instrument")
                .first()
            )
        if found is None:
            raise _refused(
                "sources",
                where
                + _(
                    "no instrument question “%(ref)s” in this evaluation (write "
                    "INSTRUMENT:VERSION:QUESTION, e.g. staff-2008:1:B3)."
                )
                % {"ref": source.ref},
            )
        return PlannedSource(kind=source.kind, instrument_question=found)
    if source.kind == PlannedSource.Kind.GROUP:
        group = (
            group_find(source.ref)
            or StakeholderGroup.objects.filter(code__iexact=source.ref).first()
        )
        if group is None:
            known = ", ".join(
                StakeholderGroup.objects.order_by("order").values_list("name", flat=True)
            )
            raise _refused(
                "sources",
                where
                + _("no stakeholder group “%(ref)s”. Known groups: %(known)s.")
                % {"ref": source.ref, "known": known},
            )
        return PlannedSource(kind=source.kind, stakeholder_group=group)
    return PlannedSource(kind=PlannedSource.Kind.DOCUMENT, document=cell_text(source.ref))


@transaction.atomic
def sources_set(
    *, question: EvaluationQuestion, by: Actor, sources: Sequence[MatrixSource]
) -> list[PlannedSource]:
    """Replace the question's planned sources by `sources`, in that order."""
    ensure_can_edit_matrix(by, question.evaluation)
    made = [_resolve(question.evaluation, source) for source in sources]
    question.sources.all().delete()
    for order, source in enumerate(made):
        source.question, source.order = question, order
        source.save()
    return made


@transaction.atomic
def matrix_replace(
    *, evaluation: Evaluation, by: Actor, criteria: Sequence[MatrixCriterion]
) -> dict[str, int]:
    """Make the evaluation's matrix the given one: criteria matched by short label and
    questions by number are updated in place (codes linked to them stay linked), the others
    created, and what the file no longer holds removed. All or nothing."""
    ensure_can_edit_matrix(by, evaluation)
    numbers = [q.number for c in criteria for q in c.questions]
    twice = sorted({n for n in numbers if numbers.count(n) > 1})
    if twice:
        raise _refused("file", _("Question %(number)s appears twice.") % {"number": twice[0]})
    kept_criteria, kept_questions = [], []
    for order, item in enumerate(criteria):
        criterion = evaluation.criteria.filter(label=cell_text(item.label)).first()
        criterion = criterion_save(
            evaluation=evaluation,
            by=by,
            criterion=criterion,
            label=item.label,
            name=item.name,
            description=item.description,
            order=order,
        )
        kept_criteria.append(criterion.pk)
        for position, entry in enumerate(item.questions):
            found = evaluation.evaluation_questions.filter(number=cell_text(entry.number)).first()
            question = question_save(
                criterion=criterion,
                by=by,
                question=found,
                number=entry.number,
                text=entry.text,
                order=position,
            )
            sources_set(question=question, by=by, sources=entry.sources)
            kept_questions.append(question.pk)
    evaluation.evaluation_questions.exclude(pk__in=kept_questions).delete()
    evaluation.criteria.exclude(pk__in=kept_criteria).delete()
    return {
        "criteria": len(kept_criteria),
        "questions": len(kept_questions),
        "sources": PlannedSource.objects.filter(question__evaluation=evaluation).count(),
    }
