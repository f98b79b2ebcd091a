"""XLSForm `relevant` ⇄ the skip-logic conditions, on their own (pure functions)."""

from __future__ import annotations

import pytest

from questionnaires.conditions import evaluate
from questionnaires.instrument_format.xlsform_relevant import (
    RelevantError,
    condition_to_relevant,
    relevant_to_condition,
)

READ = [
    ("${A3} = 'yes'", {"question": "A3", "equals": "yes"}),
    ('${A3} = "it\'s"', {"question": "A3", "equals": "it's"}),
    ("${A5} > 3", {"question": "A5", "gt": 3}),
    ("${A5} >= 2.5", {"question": "A5", "gte": 2.5}),
    ("${A5} < 3", {"question": "A5", "lt": 3}),
    ("${A5} <= 3", {"question": "A5", "lte": 3}),
    ("${B1} != ''", {"question": "B1", "answered": True}),
    ("${B1} = ''", {"question": "B1", "answered": False}),
    ("${A3} != 'no'", {"not": {"question": "A3", "equals": "no"}}),
    ("selected(${A2}, 'x')", {"question": "A2", "in": ["x"]}),
    ("selected(${A2}, 'x') or selected(${A2}, 'y')", {"question": "A2", "in": ["x", "y"]}),
    (
        "${A2} != '' and not(selected(${A2}, 'x') or selected(${A2}, 'y'))",
        {"question": "A2", "not_in": ["x", "y"]},
    ),
    (
        "${A5} > 3 and ${B1} != ''",
        {"all": [{"question": "A5", "gt": 3}, {"question": "B1", "answered": True}]},
    ),
    (
        "${A5} > 3 or (${B1} = 'a' and not(${C} = 'b'))",
        {
            "any": [
                {"question": "A5", "gt": 3},
                {
                    "all": [
                        {"question": "B1", "equals": "a"},
                        {"not": {"question": "C", "equals": "b"}},
                    ]
                },
            ]
        },
    ),
]


@pytest.mark.parametrize(("expression", "condition"), READ)
def test_relevant_reads_as_the_condition_and_writes_back(expression, condition) -> None:
    assert relevant_to_condition(expression) == condition
    assert relevant_to_condition(condition_to_relevant(condition)) == condition


def test_what_is_written_means_the_same_to_the_evaluator() -> None:
    condition = {"question": "A2", "not_in": ["x", "y"]}
    written = condition_to_relevant(condition)
    assert written == "${A2} != '' and not(selected(${A2}, 'x') or selected(${A2}, 'y'))"
    for answers in ({"A2": "x"}, {"A2": "z"}, {}):
        assert evaluate(relevant_to_condition(written), answers) == evaluate(condition, answers)


def test_empty_relevant_is_no_condition() -> None:
    assert relevant_to_condition("  ") is None
    assert condition_to_relevant(None) == ""


@pytest.mark.parametrize(
    ("expression", "says"),
    [
        ("count-selected(${A2}) > 1", "“count-selected” has no counterpart"),
        ("${A5} > 'x'", "compares numbers"),
        ("${A5} = ", "expected value but found the end"),
        ("${A5} = 1 2", "unexpected “2” after a complete condition"),
        (". > 3", "cannot read"),
        ("selected(${A2} 'x')", "expected , but found"),
    ],
)
def test_what_has_no_counterpart_is_refused_saying_why(expression, says) -> None:
    with pytest.raises(RelevantError, match=says):
        relevant_to_condition(expression)
