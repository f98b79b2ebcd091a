"""Checking (and repairing) that each response's answers document equals the document of its
answer rows (questionnaires.documents): `manage.py responses_check [--repair]`.

Responses are read in pages of their ids, and each page's answers streamed, so memory stays
bounded whatever the number of responses. A difference found is read again under the
response's row lock before it is reported: the services write the rows and then the response
row in one transaction, so a submission landing during the check is not a false alarm.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from evaluations.models import Evaluation
from questionnaires.documents import document_of
from questionnaires.models import Answer, Response

COLUMNS = ("text", "number", "date", "choice", "choices")
PAGE = 200  # responses read at a time


@dataclass(frozen=True)
class Mismatch:
    response_id: str
    keys: list[str]  # question keys whose value differs (empty: the document is not an object)


@dataclass
class DocumentsCheck:
    checked: int = 0
    mismatched: int = 0
    repaired: int = 0


def documents_of_rows(response_ids: Iterable[str]) -> dict[str, dict[str, Any]]:
    """The document of each response's answer rows (responses without answers left out)."""
    answers = (
        Answer.objects.filter(response_id__in=list(response_ids))
        .order_by("response_id")
        .values_list("response_id", "question__key", "question__kind", *COLUMNS)
        .iterator(chunk_size=5000)
    )
    rows: dict[str, list] = {}
    for response_id, key, kind, *values in answers:
        columns = dict(zip(COLUMNS, values, strict=True))
        rows.setdefault(response_id, []).append((key, kind, columns))
    return {response_id: document_of(triples) for response_id, triples in rows.items()}


def _differing(stored: Any, expected: dict[str, Any]) -> list[str] | None:
    """The keys whose values differ; None when the documents are equal."""
    if stored == expected:
        return None
    if not isinstance(stored, dict):
        return []
    missing = object()
    keys = stored.keys() | expected.keys()
    return sorted(k for k in keys if stored.get(k, missing) != expected.get(k, missing))


@transaction.atomic
def _confirm(response_id: str, *, repair: bool) -> Mismatch | None:
    """The difference read again under the response's row lock; repaired on request."""
    stored = (
        Response.objects.select_for_update()
        .filter(pk=response_id)
        .values_list("document", flat=True)
        .first()
    )
    if stored is None:  # gone meanwhile (erased, or an anonymous draft moved at submission)
        return None
    expected = documents_of_rows([response_id]).get(response_id, {})
    keys = _differing(stored, expected)
    if keys is None:
        return None
    if repair:
        Response.objects.filter(pk=response_id).update(document=expected)
    return Mismatch(response_id, keys)


def documents_check(
    *,
    evaluation: Evaluation | None = None,
    repair: bool = False,
    report: Callable[[Mismatch], None] | None = None,
) -> DocumentsCheck:
    """Compare every response's document (of one evaluation, or all) with its rows; each
    difference is passed to `report` and, with `repair`, the document rewritten from the rows
    (the rows are the source of truth)."""
    result = DocumentsCheck()
    responses = Response.objects.order_by("pk")
    if evaluation is not None:
        responses = responses.filter(distribution__evaluation=evaluation)
    last = None
    while True:
        page = responses if last is None else responses.filter(pk__gt=last)
        stored = list(page.values_list("pk", "document")[:PAGE])
        if not stored:
            return result
        last = stored[-1][0]
        expected = documents_of_rows(pk for pk, _document in stored)
        result.checked += len(stored)
        for pk, document in stored:
            if _differing(document, expected.get(pk, {})) is None:
                continue
            mismatch = _confirm(pk, repair=repair)
            if mismatch is None:
                continue
            result.mismatched += 1
            result.repaired += int(repair)
            if report is not None:
                report(mismatch)
