"""A response's answers as one document: Response.document, keyed by question key.

The typed Answer rows stay the source of truth (summaries GROUP BY them); the document is the
same answers in the shape the raw export reads in one pass. It is written by the same services
in the same transaction as the rows (questionnaires.services.responses), copied with them when
a response moves to a new id, swept with them on erasure, and checked against them by
`manage.py responses_check`. Pure functions.

One entry per stored answer, by question key; the value by the question's kind:

  text, e-mail           "what was typed"
  number                 "12.5"         (the stored decimal, 4 places at most, no trailing zeros)
  date                   "2026-05-01"
  single choice, Likert  "3"            or ["3", "the other text"] when text was given with it
  multiple choice        [["a", "c"], "the other text or empty"]

so a string is the whole answer and a list is [choice or choices, text].
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

MULTIPLE = "multiple_choice"
CHOICE_KINDS = frozenset({"single_choice", "likert"})
NUMBER_PLACES = Decimal("0.0001")  # Answer.number's decimal places


def number_text(number: Decimal | float | int | str) -> str:
    """The number as stored (rounded to Answer.number's places as PostgreSQL rounds), without
    trailing zeros or an exponent: what the document and the raw export hold."""
    value = Decimal(str(number)).quantize(NUMBER_PLACES, rounding=ROUND_HALF_UP)
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def document_value(
    kind: str,
    *,
    text: str = "",
    number: Decimal | None = None,
    date: dt.date | str | None = None,
    choice: str = "",
    choices: list[str] | None = None,
) -> Any:
    """The document's value for one answer's columns (None: nothing is stored for it)."""
    if kind == MULTIPLE:
        return [list(choices or []), text or ""] if (choices or text) else None
    if kind in CHOICE_KINDS:
        if text:
            return [choice or "", text]
        return choice or None
    if kind == "number" and number is not None:
        return number_text(number)
    if kind == "date" and date:
        return date if isinstance(date, str) else date.isoformat()
    return text or None


def document_of(answers: Iterable[tuple[str, str, dict[str, Any]]]) -> dict[str, Any]:
    """The document of (question key, kind, Answer columns) triples; empty answers left out."""
    document = {}
    for key, kind, values in answers:
        value = document_value(kind, **values)
        if value is not None:
            document[key] = value
    return document


def parts(value: Any) -> tuple[Any, str]:
    """(choice, choices, or the whole answer; the text beside a choice) of a document value."""
    if isinstance(value, list):
        return value[0], value[1] if len(value) > 1 else ""
    return value, ""
