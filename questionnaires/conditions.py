"""Skip logic: conditions on earlier answers (`show_if`), evaluated, described and checked.

A condition is one of (see the shared contract and README, "Skip logic and piping"):

    {question: KEY, equals: VALUE}          answer code/text/number equals VALUE
    {question: KEY, in: [V1, V2]}            single choice in list; multiple choice: any selected
    {question: KEY, not_in: [V1, V2]}        answered and not in list (unanswered is false)
    {question: KEY, answered: true|false}
    {question: KEY, gt|gte|lt|lte: NUMBER}   number or Likert value comparisons
    {all: [COND, ...]}  {any: [COND, ...]}  {not: COND}

Values compare as trimmed text (choice codes, scale point codes); where both sides read as
numbers they compare as Decimal (so 3, "3" and 3.0 are one value). An unanswered question
meets no comparison: only `answered: false` and `not` are true of it. Pure functions: no
database, so the form, the API, data entry, validation and the reports share one rule.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any, NamedTuple

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from common.attributes import attribute_label

COMPARISONS = ("gt", "gte", "lt", "lte")
OPERATORS = ("equals", "in", "not_in", "answered", *COMPARISONS)
COMBINATORS = ("all", "any", "not")
NUMERIC_KINDS = frozenset({"number", "likert"})
NO_ANSWER_KINDS = frozenset({"instruction"})

Path = tuple[str | int, ...]
Problem = tuple[Path, str]


class Target(NamedTuple):
    """What the checker knows of a question a condition may name: its kind and its codes
    (choice codes, or a Likert item's scale point codes; empty for other kinds)."""

    kind: str
    codes: tuple[str, ...] = ()


# --- values ------------------------------------------------------------------------------


def answer_value(stored: Any) -> Any:
    """One answer as a condition reads it. Accepts a plain value (text, number, date, a list
    of codes) or a mapping of the Answer columns (text, number, date, choice, choices)."""
    if isinstance(stored, Mapping):
        if stored.get("choices"):
            return list(stored["choices"])
        if stored.get("choice"):
            return stored["choice"]
        if stored.get("number") is not None:
            return stored["number"]
        if stored.get("date"):
            return stored["date"]
        return stored.get("text") or None
    return stored


def _text(value: Any) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal | float):
        return _plain(Decimal(str(value)))
    return "" if value is None else str(value).strip()


def _plain(number: Decimal) -> str:
    text = format(number, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _number(value: Any) -> Decimal | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        number = (
            Decimal(_text(value).replace(",", ".")) if not isinstance(value, Decimal) else value
        )
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def _items(value: Any) -> list[str]:
    """The answer as a list of trimmed texts: one for a single value, each for a list; empty
    when unanswered."""
    if isinstance(value, list | tuple | set | frozenset):
        return [t for t in (_text(v) for v in value) if t]
    text = _text(value)
    return [text] if text else []


def _same(left: str, right: Any) -> bool:
    right_text = _text(right)
    if left == right_text:
        return True
    a, b = _number(left), _number(right_text)
    return a is not None and b is not None and a == b


# --- evaluate ----------------------------------------------------------------------------


def evaluate(condition: dict | None, answers: Mapping[str, Any]) -> bool:
    """Whether the condition holds for these answers (keyed by question key, values as stored
    or as Answer column mappings). No condition always holds; a malformed one never does."""
    if not condition:
        return True
    if not isinstance(condition, Mapping):
        return False
    if "all" in condition:
        return all(evaluate(c, answers) for c in condition["all"] or [])
    if "any" in condition:
        return any(evaluate(c, answers) for c in condition["any"] or [])
    if "not" in condition:
        return not evaluate(condition["not"], answers)
    key = condition.get("question")
    items = _items(answer_value(answers.get(key))) if key is not None else []
    if "answered" in condition:
        return bool(items) == bool(condition["answered"])
    if not items:
        return False
    if "equals" in condition:
        return any(_same(item, condition["equals"]) for item in items)
    if "in" in condition:
        return any(_same(item, v) for item in items for v in condition["in"] or [])
    if "not_in" in condition:
        return not any(_same(item, v) for item in items for v in condition["not_in"] or [])
    for operator in COMPARISONS:
        if operator in condition:
            limit = _number(condition[operator])
            value = _number(items[0]) if len(items) == 1 else None
            if value is None or limit is None:
                return False
            return {
                "gt": value > limit,
                "gte": value >= limit,
                "lt": value < limit,
                "lte": value <= limit,
            }[operator]
    return False


def referenced_keys(condition: dict | None) -> set[str]:
    """The question keys a condition reads."""
    if not isinstance(condition, Mapping):
        return set()
    keys: set[str] = set()
    for name in ("all", "any"):
        for part in condition.get(name) or []:
            keys |= referenced_keys(part)
    if "not" in condition:
        keys |= referenced_keys(condition["not"])
    if condition.get("question") is not None:
        keys.add(str(condition["question"]))
    return keys


# --- describe ----------------------------------------------------------------------------


def attribute_condition_words(condition: dict | None) -> str:
    """A condition on the invitation's attributes (`applies_to`) in words: "Region is Africa /
    Asia", "Stakeholder group is not Government"; empty without one."""
    if not condition:
        return ""
    values = " / ".join(condition.get("in") or condition.get("not_in") or [])
    shown = (
        _("%(attribute)s is %(values)s")
        if "in" in condition
        else _("%(attribute)s is not %(values)s")
    )
    return shown % {"attribute": attribute_label(condition.get("attribute", "")), "values": values}


def describe(
    condition: dict | None, language: str = "en", labels: Mapping[str, str] | None = None
) -> str:
    """The condition in words, in `language`: “A3 is “Yes””, “A5 is more than 3 and B1 is
    answered”. `labels` names things as the team sees them: a question key maps to its name
    (its printed number, “A3”), and "KEY:CODE" to a choice's or scale point's label; what it
    lacks is shown as the key or the code. Empty for no condition."""
    if not condition:
        return ""
    with translation.override(language):
        return _describe(condition, labels or {}, top=True)


def _quoted(value: Any) -> str:
    return f"“{value}”"


def _value_label(key: str, value: Any, labels: Mapping[str, str]) -> str:
    code = _text(value)
    return _quoted(labels.get(f"{key}:{code}") or code)


def _or_list(values: Iterable[str]) -> str:
    values = list(values)
    if len(values) <= 1:
        return "".join(values)
    return _("%(first)s or %(last)s") % {"first": ", ".join(values[:-1]), "last": values[-1]}


def _describe(condition: Any, labels: Mapping[str, str], *, top: bool = False) -> str:
    if not isinstance(condition, Mapping):
        return _("(an unreadable condition)")
    for name, joiner in (
        ("all", pgettext("conditions", "and")),
        ("any", pgettext("conditions", "or")),
    ):
        if name in condition:
            parts = [_describe(c, labels) for c in condition[name] or []]
            text = f" {joiner} ".join(parts)
            return text if top or len(parts) <= 1 else f"({text})"
    if "not" in condition:
        return _("not (%(condition)s)") % {"condition": _describe(condition["not"], labels)}
    key = str(condition.get("question", ""))
    name = labels.get(key) or key
    if "equals" in condition:
        value = _value_label(key, condition["equals"], labels)
        return _("%(question)s is %(value)s") % {"question": name, "value": value}
    if "in" in condition:
        values = _or_list(_value_label(key, v, labels) for v in condition["in"] or [])
        return _("%(question)s is %(value)s") % {"question": name, "value": values}
    if "not_in" in condition:
        values = _or_list(_value_label(key, v, labels) for v in condition["not_in"] or [])
        return _("%(question)s is answered and is not %(values)s") % {
            "question": name,
            "values": values,
        }
    if "answered" in condition:
        if condition["answered"]:
            return _("%(question)s is answered") % {"question": name}
        return _("%(question)s is not answered") % {"question": name}
    words = {
        "gt": _("%(question)s is more than %(number)s"),
        "gte": _("%(question)s is at least %(number)s"),
        "lt": _("%(question)s is less than %(number)s"),
        "lte": _("%(question)s is at most %(number)s"),
    }
    for operator, template in words.items():
        if operator in condition:
            return template % {"question": name, "number": _text(condition[operator])}
    return _("(an unreadable condition)")


# --- checking (the instrument file's parser, the builder, imports) -------------------------


def _scalar_problem(value: Any) -> str | None:
    if isinstance(value, bool):
        return (
            "expected a code, a text or a number, got true/false "
            '(YAML reads a bare yes/no/on/off as true/false: put it in quotes, "No")'
        )
    if value is None or isinstance(value, dict | list):
        return "expected a code, a text or a number"
    if isinstance(value, str) and not value.strip():
        return "expected a code, a text or a number, not an empty text"
    return None


def check(
    value: Any,
    earlier: Mapping[str, Target],
    *,
    later: Iterable[str] = (),
    path: Path = (),
) -> tuple[dict | None, list[Problem]]:
    """A condition as written (in a file, a form, an import) checked against the questions
    that come before it: the condition to store (None for none) and the problems, each with
    its path below `path` for the file's line. `later` (the keys after this point) lets the
    message tell a later question from an unknown one. Problem messages are English, like the
    file parser's."""
    problems: list[Problem] = []
    later_keys = set(later)
    result = _check(value, earlier, later_keys, path, problems) if value is not None else None
    return (None if problems else result), problems


def _check(
    value: Any,
    earlier: Mapping[str, Target],
    later: set[str],
    path: Path,
    problems: list[Problem],
) -> dict | None:
    if not isinstance(value, dict) or not value:
        problems.append(
            (path, "expected a condition: {question: KEY, equals: VALUE} or all/any/not")
        )
        return None
    combinators = [name for name in COMBINATORS if name in value]
    if combinators:
        name = combinators[0]
        extra = [k for k in value if k != name]
        if extra:
            problems.append(
                (path, f"“{name}” stands alone in its condition; also given: {', '.join(extra)}")
            )
            return None
        if name == "not":
            inner = _check(value["not"], earlier, later, (*path, "not"), problems)
            return {"not": inner} if inner is not None else None
        parts = value[name]
        if not isinstance(parts, list) or not parts:
            problems.append(((*path, name), "expected a non-empty list of conditions"))
            return None
        checked = [
            _check(p, earlier, later, (*path, name, i), problems) for i, p in enumerate(parts)
        ]
        if any(c is None for c in checked):
            return None
        return {name: checked}
    allowed = {"question", *OPERATORS}
    unknown = [str(k) for k in value if k not in allowed]
    if unknown:
        problems.append(
            (
                (*path, unknown[0]),
                f"unknown field “{unknown[0]}” in a condition; expected “question” with one of: "
                f"{', '.join(OPERATORS)}, or one of: {', '.join(COMBINATORS)}",
            )
        )
        return None
    operators = [name for name in OPERATORS if name in value]
    if len(operators) != 1:
        problems.append(
            (path, f"give exactly one of: {', '.join(OPERATORS)} (given: {len(operators)})")
        )
        return None
    operator = operators[0]
    key = value.get("question")
    if key is None or isinstance(key, dict | list | bool):
        problems.append(
            ((*path, "question") if "question" in value else path, "“question” is required")
        )
        return None
    key = str(key)
    target = earlier.get(key)
    if target is None:
        where = (*path, "question")
        if key in later:
            problems.append(
                (
                    where,
                    f"question “{key}” comes later (or is this one): a condition can only "
                    "read an answer given before it",
                )
            )
        else:
            problems.append((where, f"unknown question “{key}”"))
        return None
    if target.kind in NO_ANSWER_KINDS:
        problems.append(((*path, "question"), f"question “{key}” takes no answer"))
        return None
    operand = value[operator]
    where = (*path, operator)
    if operator == "answered":
        if not isinstance(operand, bool):
            problems.append((where, "expected true or false"))
            return None
    elif operator in COMPARISONS:
        if isinstance(operand, bool) or not isinstance(operand, int | float):
            problems.append((where, f"expected a number, got “{operand}”"))
            return None
        if target.kind not in NUMERIC_KINDS:
            problems.append(
                (
                    where,
                    f"“{operator}” compares numbers: question “{key}” is a {target.kind} question",
                )
            )
            return None
    else:
        values = operand if operator != "equals" else [operand]
        if operator != "equals" and (not isinstance(operand, list) or not operand):
            problems.append((where, "expected a non-empty list of values"))
            return None
        for v in values:
            if (message := _scalar_problem(v)) is not None:
                problems.append((where, message))
                return None
        if target.codes:
            codes = {_text(c) for c in target.codes}
            wrong = [_text(v) for v in values if _text(v) not in codes]
            if wrong:
                problems.append(
                    (
                        where,
                        f"unknown code(s) {', '.join(wrong)} of question “{key}”; expected "
                        f"one of: {', '.join(_text(c) for c in target.codes)}",
                    )
                )
                return None
    return {"question": key, operator: operand}
