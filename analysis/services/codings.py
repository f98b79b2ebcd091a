"""Coding: an excerpt of an open answer or of an interview note, with one or more codes and an
optional memo. Who may code a text is who may read it (questionnaires' answers_refusal, the
interview notes' rule), except that a source for the lead only is coded by the lead only.

Offsets count characters (Unicode code points) of the answer's or note's text, end excluded;
the excerpt is kept with them. A coding of an anonymous answer links to the answer only, whose
response has no invitation: nothing leads from it to a person. Every write leaves a history
entry (history/tracked.py: the excerpt's text left out, lead-only codings marked so)."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from analysis.models import Code, Coding
from common.errors import ValidationProblem
from evaluations.models import Evaluation
from evaluations.permissions import Actor, Role, author_of, is_system, role_of
from interviews.models import InterviewNote
from interviews.selectors.log import ensure_can_read
from questionnaires.models import Answer, Question, Response
from questionnaires.selectors.responses import answers_refusal

OPEN_KINDS = (Question.Kind.SHORT_TEXT, Question.Kind.LONG_TEXT)


def _refused(field: str, message: str) -> ValidationProblem:
    return ValidationProblem(message, errors={field: [message]})


def answer_is_lead_only(answer: Answer) -> bool:
    return answer.response.confidentiality == "lead"


def note_is_lead_only(note: InterviewNote) -> bool:
    return note.visibility == InterviewNote.Visibility.LEAD


def ensure_can_code(
    by: Actor, evaluation: Evaluation, *, answer: Answer | None, note: InterviewNote | None
) -> bool:
    """Raise PermissionDenied unless `by` may code the source; whether it is for the lead only.
    A source of another evaluation is a ValidationProblem."""
    if answer is not None:
        if answer.response.distribution.evaluation_id != evaluation.pk:
            raise _refused("answer", _("This answer belongs to another evaluation."))
        if answer.question.kind not in OPEN_KINDS:
            raise _refused("answer", _("Only answers to open (text) questions can be coded."))
        if answer.response.status != Response.Status.SUBMITTED:
            raise _refused("answer", _("This response is a draft: it stays with its respondent."))
        lead_only = answer_is_lead_only(answer)
    elif note is not None:
        if note.interview.evaluation_id != evaluation.pk:
            raise _refused("note", _("This note belongs to another evaluation."))
        lead_only = note_is_lead_only(note)
    else:
        raise _refused("answer", _("Choose an answer or an interview note to code."))
    if is_system(by):
        return lead_only
    if lead_only and role_of(by, evaluation) != Role.LEAD:
        raise PermissionDenied(
            _("This text is for the lead evaluator only: only the lead can code it.")
        )
    if answer is not None:
        refusal = answers_refusal(user=by, response=answer.response)
        if refusal:
            raise PermissionDenied(refusal)
    else:
        ensure_can_read(by, evaluation)
    return lead_only


def _codes(evaluation: Evaluation, codes: Sequence[Code]) -> list[Code]:
    if not codes:
        raise _refused("codes", _("Apply at least one code."))
    if any(code.evaluation_id != evaluation.pk for code in codes):
        raise _refused("codes", _("A code belongs to another evaluation's codebook."))
    return list(codes)


def source_text(*, answer: Answer | None, note: InterviewNote | None) -> str:
    if answer is not None:
        return answer.text
    return note.text if note is not None else ""


@transaction.atomic
def coding_create(
    *,
    evaluation: Evaluation,
    by: Actor,
    start: int,
    end: int,
    codes: Sequence[Code],
    answer: Answer | None = None,
    note: InterviewNote | None = None,
    memo: str = "",
) -> Coding:
    """Code the excerpt [start, end) of an open answer or an interview note."""
    if answer is not None and note is not None:
        raise _refused("note", _("Code an answer or a note, not both at once."))
    lead_only = ensure_can_code(by, evaluation, answer=answer, note=note)
    text = source_text(answer=answer, note=note)
    if not 0 <= start < end <= len(text):
        raise _refused(
            "start",
            _(
                "The excerpt must lie within the text: from 0 to %(length)s characters, start "
                "before end (got %(start)s to %(end)s)."
            )
            % {"length": len(text), "start": start, "end": end},
        )
    excerpt = text[start:end]
    if not excerpt.strip():
        raise _refused("start", _("The excerpt holds only spaces."))
    chosen = _codes(evaluation, codes)
    coding = Coding.objects.create(
        evaluation=evaluation,
        answer=answer,
        note=note,
        start=start,
        end=end,
        text=excerpt,
        memo=(memo or "").strip(),
        lead_only=lead_only,
        coder=author_of(by),
    )
    coding.codes.set(chosen)
    return coding


def _ensure_can_change(coding: Coding, by: Actor) -> None:
    ensure_can_code(by, coding.evaluation, answer=coding.answer, note=coding.note)


@transaction.atomic
def coding_update(
    *,
    coding: Coding,
    by: Actor,
    codes: Sequence[Code] | None = None,
    memo: str | None = None,
) -> Coding:
    """Change a coding's codes or memo (its excerpt stays: code another one instead)."""
    _ensure_can_change(coding, by)
    if memo is not None:
        coding.memo = memo.strip()
        coding.save(update_fields=["memo"])
    if codes is not None:
        coding.codes.set(_codes(coding.evaluation, codes))
    return coding


@transaction.atomic
def coding_delete(*, coding: Coding, by: Actor) -> None:
    _ensure_can_change(coding, by)
    coding.delete()
