"""XLSForm `relevant` expressions ⇄ our answer conditions (the `show_if` of the skip-logic
contract). Pure functions: `relevant_to_condition` reads the subset of XPath that maps exactly,
`condition_to_relevant` writes it; anything else is refused with a RelevantError saying why.

    ${k} = 'v'  → {question: k, equals: v}        ${k} != 'v' → {not: {question: k, equals: v}}
    ${k} != ''  → {question: k, answered: true}   ${k} = ''   → {question: k, answered: false}
    ${k} > 3    → {question: k, gt: 3}  (and >=, <, <=: gte, lt, lte)
    selected(${k}, 'v') → {question: k, in: [v]}  (several `or`-ed on one key: one `in` list)
    ${k} != '' and not(selected(${k}, 'a') or …) → {question: k, not_in: [a, …]}
    a and b → {all: [a, b]}   a or b → {any: [a, b]}   not(a) → {not: a}
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

SUPPORTED = (
    "${key} = 'value', ${key} != '', ${key} > 3 (>=, <, <=), selected(${key}, 'value'), "
    "and, or, not(…), parentheses"
)
_TOKEN = re.compile(
    r"""\s*(?:
        (?P<ref>\$\{(?P<key>[^}]*)\})
      | (?P<string>'[^']*'|"[^"]*")
      | (?P<number>-?\d+(?:\.\d+)?)
      | (?P<op>!=|>=|<=|=|>|<)
      | (?P<punct>[(),])
      | (?P<word>[A-Za-z_][A-Za-z0-9_-]*)
    )""",
    re.VERBOSE,
)
_OPERATORS = {">": "gt", ">=": "gte", "<": "lt", "<=": "lte"}
_COMPARISONS = ("gt", "gte", "lt", "lte")


class RelevantError(ValueError):
    """The expression is outside what maps to a condition (the message says what)."""


def _number(text: str) -> int | float:
    return float(text) if "." in text else int(text)


def _tokens(expression: str) -> list[tuple[str, Any]]:
    tokens: list[tuple[str, Any]] = []
    position, text = 0, expression.strip()
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None or match.end() == position:
            raise RelevantError(f"cannot read “{text[position:].strip()[:30]}”")
        position = match.end()
        if match["ref"]:
            tokens.append(("ref", match["key"].strip()))
        elif match["string"]:
            tokens.append(("value", match["string"][1:-1]))
        elif match["number"]:
            tokens.append(("value", _number(match["number"])))
        elif match["op"]:
            tokens.append(("op", match["op"]))
        elif match["punct"]:
            tokens.append((match["punct"], match["punct"]))
        else:
            tokens.append(("word", match["word"]))
    return tokens


class _Reader:
    def __init__(self, expression: str):
        self.tokens = _tokens(expression)
        self.at = 0

    def peek(self) -> tuple[str, Any]:
        return self.tokens[self.at] if self.at < len(self.tokens) else ("end", None)

    def take(self, kind: str, value: Any = None) -> Any:
        token = self.peek()
        if token[0] != kind or (value is not None and token[1] != value):
            shown = "the end" if token[0] == "end" else f"“{token[1]}”"
            raise RelevantError(f"expected {value or kind} but found {shown}")
        self.at += 1
        return token[1]

    def expression(self) -> dict:
        parts = [self.conjunction()]
        while self.peek() == ("word", "or"):
            self.at += 1
            parts.append(self.conjunction())
        if len(parts) == 1:
            return parts[0]
        keys = {p.get("question") for p in parts if set(p) == {"question", "in"}}
        if len(keys) == 1 and all(set(p) == {"question", "in"} for p in parts):
            return {"question": keys.pop(), "in": [v for p in parts for v in p["in"]]}
        return {"any": parts}

    def conjunction(self) -> dict:
        parts = [self.unary()]
        while self.peek() == ("word", "and"):
            self.at += 1
            parts.append(self.unary())
        if len(parts) == 1:
            return parts[0]
        first, second = parts[0], parts[1] if len(parts) == 2 else None
        if (
            second is not None
            and first.get("answered") is True
            and set(second) == {"not"}
            and set(second["not"]) == {"question", "in"}
            and second["not"]["question"] == first["question"]
        ):
            return {"question": first["question"], "not_in": second["not"]["in"]}
        return {"all": parts}

    def unary(self) -> dict:
        kind, value = self.peek()
        if kind == "(":
            self.at += 1
            inner = self.expression()
            self.take(")")
            return inner
        if kind == "word" and value == "not":
            self.at += 1
            self.take("(")
            inner = self.expression()
            self.take(")")
            return {"not": inner}
        if kind == "word" and value == "selected":
            self.at += 1
            self.take("(")
            key = self.take("ref")
            self.take(",")
            choice = self.take("value")
            self.take(")")
            return {"question": key, "in": [str(choice)]}
        if kind == "ref":
            return self.comparison()
        if kind == "word":
            raise RelevantError(f"the function or word “{value}” has no counterpart")
        raise RelevantError(f"expected a comparison but found “{value}”")

    def comparison(self) -> dict:
        key = self.take("ref")
        if not key:
            raise RelevantError("an empty ${} reference")
        operator = self.take("op")
        value = self.take("value")
        if operator in ("=", "!="):
            if value == "":
                return {"question": key, "answered": operator == "!="}
            equals = {"question": key, "equals": value}
            return equals if operator == "=" else {"not": equals}
        if isinstance(value, str):
            raise RelevantError(f"“{operator}” compares numbers, not the text “{value}”")
        return {"question": key, _OPERATORS[operator]: value}


def relevant_to_condition(expression: str) -> dict | None:
    """The condition a `relevant` expression means; None when it is empty."""
    if not expression or not expression.strip():
        return None
    reader = _Reader(expression)
    condition = reader.expression()
    if reader.at != len(reader.tokens):
        raise RelevantError(f"unexpected “{reader.peek()[1]}” after a complete condition")
    return condition


def _literal(value: Any) -> str:
    if isinstance(value, bool):
        raise RelevantError("true/false is not a value an answer can equal")
    if isinstance(value, int | float | Decimal):
        return format(Decimal(str(value)), "f")
    text = str(value)
    if "'" not in text:
        return f"'{text}'"
    if '"' not in text:
        return f'"{text}"'
    raise RelevantError(f"the value “{text}” holds both kinds of quotes")


def _selected(key: str, values: list) -> str:
    if not values:
        raise RelevantError("an empty list of values")
    return " or ".join(f"selected(${{{key}}}, {_literal(str(v))})" for v in values)


def _grouped(condition: dict) -> str:
    text = condition_to_relevant(condition)
    compound = "all" in condition or "any" in condition or len(condition.get("in", [])) > 1
    return f"({text})" if compound or "not_in" in condition else text


def condition_to_relevant(condition: dict | None) -> str:
    """The `relevant` expression of a condition ('' for none)."""
    if not condition:
        return ""
    if "all" in condition:
        return " and ".join(_grouped(c) for c in condition["all"])
    if "any" in condition:
        return " or ".join(_grouped(c) for c in condition["any"])
    if "not" in condition:
        return f"not({condition_to_relevant(condition['not'])})"
    key = condition["question"]
    ref = f"${{{key}}}"
    if "equals" in condition:
        return f"{ref} = {_literal(condition['equals'])}"
    if "in" in condition:
        return _selected(key, condition["in"])
    if "not_in" in condition:
        return f"{ref} != '' and not({_selected(key, condition['not_in'])})"
    if "answered" in condition:
        return f"{ref} != ''" if condition["answered"] else f"{ref} = ''"
    for name in _COMPARISONS:
        if name in condition:
            symbol = {v: k for k, v in _OPERATORS.items()}[name]
            return f"{ref} {symbol} {_literal(condition[name])}"
    raise RelevantError(f"unknown condition {condition!r}")
