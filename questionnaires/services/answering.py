"""Answers of a response checked against the questions asked: cleaned, refused where the
question does not apply (invitation attributes, skip logic), stored, and re-checked at
submission. Used by services.responses."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _

from questionnaires.answers import (
    OTHER_SUFFIX,
    QuestionMeta,
    VersionMeta,
    answer_values,
    applies,
    applying,
    is_empty,
    not_asked_message,
    stored_answers,
    version_meta,
)
from questionnaires.documents import document_of
from questionnaires.models import Answer, Response
from questionnaires.services.documents import COLUMNS
from questionnaires.services.stored_files import delete_files_after_commit, stored_file_names


def clean_answers(
    questions: list[QuestionMeta], answers: Mapping[str, Any]
) -> tuple[list[tuple[QuestionMeta, dict]], dict[str, list[str]]]:
    cleaned, errors = [], {}
    for question in questions:
        values, error = answer_values(
            question, answers.get(question.key), answers.get(question.key + OTHER_SUFFIX)
        )
        cleaned.append((question, values))
        if error:
            errors[question.key] = [error]
    return cleaned, errors


def asked_questions(
    questions: list[QuestionMeta],
    answers: Mapping[str, Any],
    attributes: dict,
    keys: set[str] | None = None,
    labels: Mapping[str, str] | None = None,
) -> tuple[list[QuestionMeta], dict[str, list[str]]]:
    """The questions asked of a respondent with these attributes (questionnaires.answers.
    applies) and, given `keys` (answers.applying), these answers; and an error naming each
    other one that was given an answer, with its condition in words: such an answer is
    refused, never stored. An empty value for it is no answer and passes."""
    asked, refused = [], {}
    for question in questions:
        if applies(question, attributes) and (keys is None or question.key in keys):
            asked.append(question)
        elif question.key in answers or question.key + OTHER_SUFFIX in answers:
            values, error = answer_values(
                question, answers.get(question.key), answers.get(question.key + OTHER_SUFFIX)
            )
            if error or not is_empty(values):
                refused[question.key] = [not_asked_message(question, attributes, labels)]
    return asked, refused


def skipped_keys(response: Response, meta: VersionMeta, attributes: dict) -> set[str]:
    """The keys of the questions that the draft's stored answers leave out by skip logic."""
    if not meta.has_skip_logic:
        return set()
    given = stored_answers(Answer.objects.filter(response=response), meta)
    return set(meta.by_key) - applying(meta.questions, attributes, given)


def answer_rows(response: Response, cleaned: list[tuple[QuestionMeta, dict]]) -> list[Answer]:
    """The rows of the non-empty answers."""
    return [
        Answer(response=response, question_id=q.id, **values)
        for q, values in cleaned
        if not is_empty(values)
    ]


def answers_document(cleaned: list[tuple[QuestionMeta, dict]]) -> dict[str, Any]:
    """The document of the non-empty answers: what document_of gives for their rows."""
    return document_of((q.key, q.kind, values) for q, values in cleaned if not is_empty(values))


def store_answers(response: Response, cleaned: list[tuple[QuestionMeta, dict]]) -> None:
    """Replace the answers to these questions: one delete, one insert."""
    Answer.objects.filter(response=response, question_id__in=[q.id for q, _v in cleaned]).delete()
    Answer.objects.bulk_create(answer_rows(response, cleaned))


def stored_errors(response: Response, attributes: dict) -> dict[str, list[str]]:
    """Re-check stored answers (a draft may hold what was typed but is not valid), and the
    required questions. Answers to questions no longer asked of the respondent (their
    attributes changed since they were typed, or an earlier answer changed so that skip logic
    leaves them out; the form no longer shows them) are removed, so a summary never counts
    them; the response's document becomes that of the answers kept."""
    meta = version_meta(response.version)
    by_id = {q.id: q for q in meta.questions}
    rows = list(Answer.objects.filter(response=response))
    keys = applying(meta.questions, attributes, stored_answers(rows, meta))
    errors, not_asked, kept = {}, [], []
    for answer in rows:
        question = by_id[answer.question_id]
        if question.key not in keys:
            not_asked.append(answer.pk)
            continue
        kept.append((question, {c: getattr(answer, c) for c in COLUMNS}))
        raw = (
            answer.choices if question.kind == "multiple_choice" else (answer.choice or answer.text)
        )
        _values, error = answer_values(question, raw, answer.text)
        if error:
            errors[question.key] = [error]
    if not_asked:
        delete_files_after_commit(stored_file_names(Answer.objects.filter(pk__in=not_asked)))
        Answer.objects.filter(pk__in=not_asked).delete()
    response.document = document_of((q.key, q.kind, values) for q, values in kept)
    answered = {q.id for q, _values in kept}
    for q in meta.questions:
        if q.required and q.key in keys and q.id not in answered:
            errors.setdefault(q.key, [_("This question needs an answer.")])
    return errors
