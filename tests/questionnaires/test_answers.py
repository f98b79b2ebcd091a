"""Answers checked and typed for storage (questionnaires/answers.py)."""

from __future__ import annotations

from questionnaires.answers import QuestionMeta, answer_values


def test_numbers_beyond_the_column_are_refused() -> None:
    question = QuestionMeta(id=1, key="n", kind="number", required=False, section="S")
    assert answer_values(question, "1e20")[1] == "The number is too large."
    assert answer_values(question, "9999999999.5")[1] is None
