"""Skip logic conditions: evaluated, described in words, checked against earlier questions."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.conf import settings

from questionnaires.conditions import Target, check, describe, evaluate, referenced_keys

ANSWERS = {
    "a1": "yes",
    "a2": ["train", "bus"],
    "a3": Decimal("4.0000"),
    "a4": "",
    "a5": "3",  # a Likert scale point code
    "a6": dt.date(2026, 5, 1),
    "a7": {"text": "", "number": None, "date": None, "choice": "no", "choices": []},
}


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        (None, True),
        ({}, True),
        ({"question": "a1", "equals": "yes"}, True),
        ({"question": "a1", "equals": " yes "}, True),
        ({"question": "a1", "equals": "no"}, False),
        ({"question": "a3", "equals": 4}, True),
        ({"question": "a3", "equals": "4"}, True),
        ({"question": "a3", "equals": 4.0}, True),
        ({"question": "a2", "in": ["bus"]}, True),
        ({"question": "a2", "in": ["car"]}, False),
        ({"question": "a2", "not_in": ["car"]}, True),
        ({"question": "a2", "not_in": ["bus", "car"]}, False),
        ({"question": "a4", "not_in": ["x"]}, False),  # unanswered is in no list
        ({"question": "missing", "not_in": ["x"]}, False),
        ({"question": "a4", "answered": False}, True),
        ({"question": "a4", "answered": True}, False),
        ({"question": "a1", "answered": True}, True),
        ({"question": "a3", "gt": 3}, True),
        ({"question": "a3", "gt": 4}, False),
        ({"question": "a3", "gte": 4}, True),
        ({"question": "a3", "lt": 4.5}, True),
        ({"question": "a3", "lte": 3}, False),
        ({"question": "a5", "gte": 3}, True),
        ({"question": "a1", "gt": 3}, False),  # not a number: no comparison holds
        ({"question": "a4", "lt": 3}, False),
        ({"question": "a6", "equals": "2026-05-01"}, True),
        ({"question": "a7", "equals": "no"}, True),
        ({"all": [{"question": "a1", "equals": "yes"}, {"question": "a3", "gt": 3}]}, True),
        ({"all": [{"question": "a1", "equals": "yes"}, {"question": "a3", "gt": 9}]}, False),
        ({"any": [{"question": "a1", "equals": "no"}, {"question": "a3", "gt": 3}]}, True),
        ({"not": {"question": "a1", "equals": "no"}}, True),
        ({"not": {"question": "a4", "equals": "x"}}, True),
        ({"question": "a1", "bogus": 1}, False),
    ],
)
def test_evaluate(condition, expected):
    assert evaluate(condition, ANSWERS) is expected


def test_referenced_keys():
    condition = {
        "all": [
            {"question": "a1", "equals": "yes"},
            {"any": [{"question": "b2", "gt": 1}, {"not": {"question": "c3", "answered": True}}]},
        ]
    }
    assert referenced_keys(condition) == {"a1", "b2", "c3"}
    assert referenced_keys(None) == set()


def test_describe_in_words_with_labels():
    assert describe({"question": "a3", "equals": "y"}, labels={"a3": "A3", "a3:y": "Yes"}) == (
        "A3 is “Yes”"
    )
    both = {"all": [{"question": "a5", "gt": 3}, {"question": "b1", "answered": True}]}
    assert describe(both, labels={"a5": "A5", "b1": "B1"}) == "A5 is more than 3 and B1 is answered"
    nested = {
        "any": [
            {"question": "a", "in": ["x", "y", "z"]},
            {"all": [{"question": "b", "lte": 2}, {"not": {"question": "c", "not_in": ["n"]}}]},
        ]
    }
    assert describe(nested) == (
        "a is “x”, “y” or “z” or (b is at most 2 and not (c is answered and is not “n”))"
    )
    assert describe(None) == ""


@pytest.mark.skipif(
    not (settings.BASE_DIR / "locale" / "fr" / "LC_MESSAGES" / "django.mo").exists(),
    reason="translation catalogues not compiled (make messages)",
)
def test_describe_in_french_and_spanish():
    condition = {"all": [{"question": "A5", "gt": 3}, {"question": "B1", "answered": True}]}
    assert describe(condition, "fr") == "A5 est supérieur à 3 et B1 a une réponse"
    assert describe(condition, "es") == "A5 es mayor que 3 y B1 tiene respuesta"


EARLIER = {
    "q1": Target("single_choice", ("yes", "no")),
    "q2": Target("number"),
    "q3": Target("likert", ("1", "2", "3", "dk")),
    "note": Target("instruction"),
}


def test_check_accepts_and_returns_the_condition():
    value = {"any": [{"question": "q1", "in": ["yes"]}, {"question": "q3", "gte": 2}]}
    condition, problems = check(value, EARLIER)
    assert problems == []
    assert condition == value
    assert check(None, EARLIER) == (None, [])


@pytest.mark.parametrize(
    ("value", "path", "words"),
    [
        ({"question": "q9", "equals": "x"}, ("question",), "comes later"),
        ({"question": "zz", "equals": "x"}, ("question",), "unknown question “zz”"),
        ({"question": "q1", "equals": "maybe"}, ("equals",), "unknown code(s) maybe"),
        ({"question": "q1", "in": []}, ("in",), "non-empty list"),
        ({"question": "q1", "equals": True}, ("equals",), "put it in quotes"),
        ({"question": "q1", "gt": 3}, ("gt",), "compares numbers"),
        ({"question": "q2", "gt": "three"}, ("gt",), "expected a number"),
        ({"question": "q2", "answered": "yes"}, ("answered",), "true or false"),
        ({"question": "q2", "gt": 1, "lt": 5}, (), "exactly one of"),
        ({"question": "q2", "more": 1}, ("more",), "unknown field “more”"),
        ({"equals": 1}, (), "“question” is required"),
        ({"question": "note", "answered": True}, ("question",), "takes no answer"),
        ({"all": []}, ("all",), "non-empty list"),
        (
            {"all": [{"question": "q2", "gt": 1}, {"question": "zz", "gt": 1}]},
            ("all", 1, "question"),
            "unknown",
        ),
        ({"not": {"question": "q1", "equals": "x"}}, ("not", "equals"), "unknown code"),
        ({"any": [], "question": "q1"}, (), "stands alone"),
        ("q1 = yes", (), "expected a condition"),
    ],
)
def test_check_refuses_with_the_path(value, path, words):
    condition, problems = check(value, EARLIER, later={"q9"}, path=("show_if",))
    assert condition is None
    assert len(problems) == 1
    assert problems[0][0] == ("show_if", *path)
    assert words in problems[0][1]
