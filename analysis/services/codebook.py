"""Writes on the codebook: codes under an optional parent (three levels at most), linked to
evaluation questions, and a whole codebook imported (a REFI-QDA .qdc file, read by
analysis.formats.qdc) — matched by GUID, so importing twice changes nothing."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from analysis.models import MAX_CODE_DEPTH, Code, Coding, EvaluationQuestion
from analysis.services.matrix import ensure_can_edit_matrix
from common.errors import ValidationProblem
from common.spreadsheets import cell_text
from evaluations.models import Evaluation
from evaluations.permissions import Actor


@dataclass
class CodeEntry:
    """A code as files carry it: its children nested, its questions by number."""

    guid: uuid.UUID
    name: str
    description: str = ""
    color: str = ""
    questions: list[str] = field(default_factory=list)
    children: list[CodeEntry] = field(default_factory=list)


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    warnings: list[str] = field(default_factory=list)


def _refused(field_name: str, message: str) -> ValidationProblem:
    return ValidationProblem(message, errors={field_name: [message]})


def depth_of(code: Code | None) -> int:
    """1 for a top-level code, 2 under it …; 0 for no code."""
    depth = 0
    while code is not None:
        depth += 1
        code = code.parent
    return depth


def _subtree_height(code: Code) -> int:
    children = list(code.children.all())
    return 1 + max((_subtree_height(child) for child in children), default=0)


def _questions(evaluation: Evaluation, numbers: Sequence[str]) -> list[EvaluationQuestion]:
    wanted = [cell_text(n) for n in numbers if cell_text(n)]
    found = {q.number: q for q in evaluation.evaluation_questions.filter(number__in=wanted)}
    missing = [n for n in wanted if n not in found]
    if missing:
        raise _refused(
            "questions",
            _("No evaluation question %(numbers)s in this evaluation.")
            % {"numbers": ", ".join(missing)},
        )
    return [found[n] for n in wanted]


@transaction.atomic
def code_save(
    *,
    evaluation: Evaluation,
    by: Actor,
    code: Code | None = None,
    name: str,
    parent: Code | None = None,
    description: str = "",
    color: str = "",
    questions: Sequence[str] | None = None,
    guid: uuid.UUID | None = None,
) -> Code:
    """Create a code (code=None) or change one; a name is unique among its siblings, and a
    code sits at most three levels deep (its own children counted when it moves)."""
    ensure_can_edit_matrix(by, evaluation)
    name = cell_text(name)
    if not name:
        raise _refused("name", _("This field is required."))
    if parent is not None and parent.evaluation_id != evaluation.pk:
        raise _refused("parent", _("The parent code belongs to another evaluation."))
    ancestor = parent
    while code is not None and ancestor is not None:
        if ancestor.pk == code.pk:
            raise _refused("parent", _("A code cannot sit under itself or its own sub-codes."))
        ancestor = ancestor.parent
    height = _subtree_height(code) if code is not None and code.pk else 1
    if depth_of(parent) + height > MAX_CODE_DEPTH:
        raise _refused(
            "parent",
            _("Codes go three levels deep at most; “%(name)s” would be deeper.") % {"name": name},
        )
    siblings = Code.objects.filter(evaluation=evaluation, parent=parent, name=name)
    if code is not None:
        siblings = siblings.exclude(pk=code.pk)
    if siblings.exists():
        raise _refused(
            "name", _("There is already a code “%(name)s” at this place.") % {"name": name}
        )
    if color and (len(color) != 7 or not color.startswith("#")):
        raise _refused("color", _("Write the colour as #RRGGBB."))
    if code is None:
        code = Code(
            evaluation=evaluation,
            order=Code.objects.filter(evaluation=evaluation, parent=parent).count(),
        )
        if guid is not None:
            code.guid = guid
    code.parent, code.name = parent, name
    code.description, code.color = cell_text(description), color.upper()
    code.save()
    if questions is not None:
        code.questions.set(_questions(evaluation, questions))
    return code


@transaction.atomic
def code_delete(*, code: Code, by: Actor) -> None:
    """Remove a code and its sub-codes; codings left with no code go too (an excerpt with no
    code says nothing), the others keep their other codes."""
    ensure_can_edit_matrix(by, code.evaluation)
    touched = list(
        Coding.objects.filter(
            Q(codes=code) | Q(codes__parent=code) | Q(codes__parent__parent=code)
        ).values_list("pk", flat=True)
    )
    code.delete()
    for coding in Coding.objects.filter(pk__in=touched, codes=None):
        coding.delete()  # one by one: each leaves its history entry


def _state(code: Code) -> tuple[object, ...]:
    numbers = sorted(code.questions.values_list("number", flat=True))
    return (code.parent_id, code.name, code.description, code.color, code.order, numbers)


@transaction.atomic
def codebook_import(
    *, evaluation: Evaluation, by: Actor, codes: Sequence[CodeEntry]
) -> ImportReport:
    """Add or update the file's codes, matched by GUID, in the file's order and nesting; codes
    the file does not hold stay. Links to evaluation questions the evaluation lacks are left
    out with a warning. All or nothing."""
    ensure_can_edit_matrix(by, evaluation)
    report = ImportReport()
    known = set(evaluation.evaluation_questions.values_list("number", flat=True))

    def walk(entries: Sequence[CodeEntry], parent: Code | None) -> None:
        for order, entry in enumerate(entries):
            numbers = [n for n in entry.questions if n in known]
            for number in entry.questions:
                if number not in known:
                    report.warnings.append(
                        _("“%(code)s”: no evaluation question %(number)s here; link left out.")
                        % {"code": entry.name, "number": number}
                    )
            code = Code.objects.filter(evaluation=evaluation, guid=entry.guid).first()
            before = _state(code) if code is not None else None
            code = code_save(
                evaluation=evaluation,
                by=by,
                code=code,
                name=entry.name,
                parent=parent,
                description=entry.description,
                color=entry.color,
                questions=numbers,
                guid=entry.guid,
            )
            if code.order != order:
                code.order = order
                code.save(update_fields=["order"])
            if before is None:
                report.created.append(code.name)
            elif before != _state(code):
                report.updated.append(code.name)
            else:
                report.unchanged += 1
            walk(entry.children, code)

    walk(codes, None)
    return report
