"""Skip logic in the instrument file: `show_if` and `{answer:KEY}` read back exactly, and a
condition or a quote on a later or unknown question is refused with its line."""

from __future__ import annotations

import pytest

from common.errors import ValidationProblem
from evaluations.permissions import SYSTEM
from questionnaires.instrument_format import instrument_dump, instrument_parse
from questionnaires.models import Instrument, Question, Section
from questionnaires.selectors import version_spec
from questionnaires.services import instrument_load
from tests.questionnaires.skip_form import SKIP_FORM


def test_show_if_round_trips_exactly() -> None:
    spec = instrument_parse(SKIP_FORM)
    assert spec["sections"][0]["questions"][1]["show_if"] == {"question": "travel", "equals": "yes"}
    assert spec["sections"][1]["show_if"] == {"question": "travel", "equals": "yes"}
    assert spec["sections"][0]["show_if"] is None
    text = instrument_dump(spec)
    assert "show_if:\n      question: travel\n      equals: 'yes'" in text
    assert instrument_parse(text) == spec
    assert instrument_dump(instrument_parse(text)) == text


@pytest.mark.django_db
def test_show_if_is_stored_and_read_back(evaluation) -> None:
    version = instrument_load(evaluation=evaluation, text=SKIP_FORM, by=SYSTEM).version
    assert Section.objects.get(version=version, key="B").show_if == {
        "question": "travel",
        "equals": "yes",
    }
    assert Question.objects.get(version=version, key="b2").show_if == {"question": "trips", "gt": 2}
    assert version_spec(version) == instrument_parse(SKIP_FORM)
    again = instrument_load(evaluation=evaluation, text=SKIP_FORM, by=SYSTEM)
    assert again.outcome == "unchanged"


def _problem(text: str) -> ValidationProblem:
    with pytest.raises(ValidationProblem) as caught:
        instrument_parse(text)
    return caught.value


@pytest.mark.parametrize(
    ("old", "new", "line", "words"),
    [
        # a condition on a later question
        (
            'show_if: {question: travel, equals: "yes"}\n  - key: B',
            "show_if: {question: c1, answered: true}\n  - key: B",
            32,
            "sections[0].questions[1].show_if.question: question “c1” comes later",
        ),
        # on itself
        (
            "show_if: {question: trips, gt: 2}",
            "show_if: {question: b2, gt: 2}",
            51,
            "question “b2” comes later (or is this one)",
        ),
        # on an unknown question
        (
            "show_if: {question: trips, gt: 2}",
            "show_if: {question: nowhere, gt: 2}",
            51,
            "unknown question “nowhere”",
        ),
        # an unknown choice code
        (
            'show_if: {question: travel, equals: "yes"}\n  - key: B',
            'show_if: {question: travel, equals: "maybe"}\n  - key: B',
            32,
            "unknown code(s) maybe of question “travel”; expected one of: yes, no",
        ),
        # a section's condition on a question of its own section
        (
            '    show_if: {question: travel, equals: "yes"}\n    questions:',
            "    show_if: {question: b1, answered: true}\n    questions:",
            36,
            "sections[1].show_if.question: question “b1” comes later",
        ),
        # a bare yes read as true
        (
            "show_if: {question: trips, gt: 2}",
            "show_if: {question: travel, equals: yes}",
            51,
            "put it in quotes",
        ),
        # a quote of a later answer
        ("{answer:trips} trips: what", "{answer:c1} trips: what", 56, "{answer:c1} (en)"),
        ("{answer:trips} voyages", "{answer:zzz} voyages", 57, "unknown question “zzz”"),
    ],
)
def test_a_condition_or_quote_on_a_later_or_unknown_question_is_refused_with_the_line(
    old: str, new: str, line: int, words: str
) -> None:
    assert old in SKIP_FORM
    problem = _problem(SKIP_FORM.replace(old, new, 1))
    assert list(problem.errors) == [f"line {line}"], problem.errors
    assert words in " ".join(problem.errors[f"line {line}"])


@pytest.mark.django_db
def test_nothing_is_saved_when_a_condition_is_refused(evaluation) -> None:
    text = SKIP_FORM.replace("{question: trips, gt: 2}", "{question: nowhere, gt: 2}")
    with pytest.raises(ValidationProblem):
        instrument_load(evaluation=evaluation, text=text, by=SYSTEM)
    assert not Instrument.objects.exists()
