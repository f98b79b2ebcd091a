"""Answer values: what a question accepts, cleaned from form or API input. Pure functions.

Question metadata of a frozen version never changes, so it is built once per process.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from common.text import has_lone_surrogate
from questionnaires.conditions import answer_value, attribute_condition_words, describe, evaluate
from questionnaires.models import InstrumentVersion, Question, localized
from questionnaires.models.instruments import question_ref

SHORT_TEXT_MAX = 1000
OTHER_SUFFIX = "__other"  # key of the "please specify" text beside a choice answer
NUMBER_LIMIT = Decimal(10) ** 10  # Answer.number holds 10 digits before the point
NO_ANSWER_KINDS = frozenset({"instruction"})
FILE_KIND = "file"  # answered by an upload (questionnaires.services.answer_files), not a value


@dataclass(frozen=True)
class QuestionMeta:
    id: int
    key: str
    kind: str
    required: bool
    section: str
    min: Decimal | None = None
    max: Decimal | None = None
    codes: tuple[str, ...] = ()
    other_codes: frozenset[str] = frozenset()
    applies_to: dict | None = None
    accept: tuple[str, ...] = ()  # file questions: the accepted types, and the largest file
    max_size: int | None = None
    show_if: dict | None = None  # skip logic on earlier answers (questionnaires.conditions)
    section_show_if: dict | None = None  # its section's
    ref: str = ""  # "A3", as the team names it


@dataclass(frozen=True)
class VersionMeta:
    version_id: int
    questions: tuple[QuestionMeta, ...]
    by_key: dict[str, QuestionMeta] = field(default_factory=dict)
    sections: tuple[str, ...] = ()
    # How conditions name questions and answers in words (conditions.describe), in English.
    labels: dict[str, str] = field(default_factory=dict)

    @property
    def has_skip_logic(self) -> bool:
        return any(q.show_if or q.section_show_if for q in self.questions)


# Keyed by (id, frozen_at): a frozen version never changes, and an id reused after a
# rollback (tests) comes with another freezing time.
_CACHE: dict[tuple[int, object], VersionMeta] = {}


def version_meta(version: InstrumentVersion) -> VersionMeta:
    """The answerable shape of a version; cached for frozen versions."""
    cache_key = (version.pk, version.frozen_at)
    if version.is_frozen and cache_key in _CACHE:
        return _CACHE[cache_key]
    questions = []
    labels: dict[str, str] = {}
    for q in (
        Question.objects.filter(version=version)
        .select_related("section", "block__scale")
        .prefetch_related("choices", "block__scale__points")
        .order_by("section__order", "order")
    ):
        points: list[Any] = list(q.block.scale.points.all() if q.block else q.choices.all())
        codes = tuple(p.code for p in points)
        ref = question_ref(section_label=q.section.label, label=q.label, key=q.key)
        labels[q.key] = ref
        labels |= {f"{q.key}:{p.code}": localized(p.label, "en") for p in points}
        questions.append(
            QuestionMeta(
                id=q.pk,
                key=q.key,
                kind=q.kind,
                required=q.required,
                section=q.section.key,
                min=q.min_value,
                max=q.max_value,
                codes=codes,
                other_codes=frozenset(c.code for c in q.choices.all() if c.is_other),
                applies_to=q.applies_to,
                accept=tuple(q.accept or ()),
                max_size=q.max_size,
                show_if=q.show_if,
                section_show_if=q.section.show_if,
                ref=ref,
            )
        )
    sections = tuple(dict.fromkeys(q.section for q in questions))
    meta = VersionMeta(
        version.pk, tuple(questions), {q.key: q for q in questions}, sections, labels
    )
    if version.is_frozen:
        _CACHE[cache_key] = meta
    return meta


def applies(
    question: QuestionMeta,
    attributes: dict[str, Any] | None,
    answers: Mapping[str, Any] | None = None,
) -> bool:
    """Whether a question is asked of a respondent with these attributes and, given `answers`
    (the answers so far to the earlier questions that apply, keyed by question key), whether
    its section's and its own `show_if` hold: the one rule of the respondent form, the
    respondent API, the team's data entry, the required questions and the summaries. Without
    `answers`, only the attributes are read. Use `applying` for a whole response: a question
    hidden by skip logic counts as unanswered in the conditions of later ones.

    Attribute values compare as trimmed text (5 and "5" in JSON are one value, as in
    tracking); a missing attribute is no value, so it is in no list. `attributes` None: the
    attributes are not read (the summaries: a stored answer was asked)."""
    if attributes is not None and not _attributes_apply(question, attributes):
        return False
    if answers is None:
        return True
    return evaluate(question.section_show_if, answers) and evaluate(question.show_if, answers)


def _attributes_apply(question: QuestionMeta, attributes: dict[str, Any]) -> bool:
    condition = question.applies_to
    if not condition:
        return True
    raw = attributes.get(condition["attribute"]) if isinstance(attributes, dict) else None
    value = None if raw is None else str(raw).strip()
    if "in" in condition:
        return value in condition["in"]
    return value not in condition["not_in"]


def applying(
    questions: Iterable[QuestionMeta],
    attributes: dict[str, Any] | None,
    answers: Mapping[str, Any],
) -> set[str]:
    """The keys of the questions (in the instrument's order) that apply to a respondent with
    these attributes and answers. A question that does not apply counts as unanswered in the
    conditions of later ones, whatever is stored for it. `answers` map question keys to values
    as stored or posted (conditions.answer_value)."""
    given: dict[str, Any] = {}
    keys: set[str] = set()
    for question in questions:
        if applies(question, attributes, given):
            keys.add(question.key)
            if question.key in answers:
                given[question.key] = answers[question.key]
    return keys


def stored_answers(rows: Iterable[Any], meta: VersionMeta) -> dict[str, Any]:
    """Answer rows (or anything with the Answer columns and question_id) as a condition reads
    them, keyed by question key."""
    by_id = {q.id: q.key for q in meta.questions}
    return {
        by_id[row.question_id]: answer_value(
            {c: getattr(row, c) for c in ("text", "number", "date", "choice", "choices")}
        )
        for row in rows
        if row.question_id in by_id
    }


def not_asked_message(
    question: QuestionMeta,
    attributes: dict[str, Any] | None = None,
    labels: Mapping[str, str] | None = None,
) -> str:
    """Why an answer to a question that does not apply is refused, with its condition: the
    invitation's attributes when they rule it out (or are not given), else its section's and
    its own conditions on earlier answers, in words (`labels` name questions and choices)."""
    ruled_out = question.applies_to and (
        attributes is None or not _attributes_apply(question, attributes)
    )
    if not ruled_out and (question.show_if or question.section_show_if):
        parts = [c for c in (question.section_show_if, question.show_if) if c]
        condition = parts[0] if len(parts) == 1 else {"all": parts}
        return _(
            "This question is not asked of this respondent: it applies only where %(condition)s."
        ) % {"condition": describe(condition, get_language() or "en", labels)}
    return _(
        "This question is not asked of this respondent: it applies only where %(condition)s."
    ) % {"condition": attribute_condition_words(question.applies_to)}


def _plain(number: Decimal) -> str:
    """120.0000 -> '120', 2.5000 -> '2.5' (never '1.2E+2')."""
    text = format(number, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _one(raw: Any) -> str:
    """One value as text. NUL characters are dropped: no database text column holds them; an
    object or a nested list is no value (never stored as its Python text)."""
    if isinstance(raw, list | tuple):
        raw = raw[0] if raw else ""
    if isinstance(raw, dict | list | tuple):
        return ""
    text = "" if raw is None else raw if isinstance(raw, str) else str(raw).strip()
    return text.replace("\x00", "")


def _not_one_value(raw: Any, *, many: bool) -> bool:
    """An object, a nested list, or (where one value is asked for) several values."""
    items = raw if isinstance(raw, list | tuple) else [raw]
    if not many and len(items) > 1:
        return True
    return any(isinstance(item, dict | list | tuple) for item in items)


def _nothing() -> dict[str, Any]:
    return {"text": "", "number": None, "date": None, "choice": "", "choices": []}


def answer_values(question: QuestionMeta, raw: Any, other: Any = None) -> tuple[dict, str | None]:
    """The Answer columns for what was given, and an error message or None.

    What was typed is always kept (in `text` for kinds that are not text) so a draft never
    loses it, even when it is not valid yet — except text no database can hold: a lone
    surrogate refuses the answer, NUL characters are removed (said in the API's schema).
    Texts longer than ANSWER_TEXT_MAX are kept in a draft but refused at submission.
    """
    if has_lone_surrogate(raw) or has_lone_surrogate(other):
        return _nothing(), _(
            "This answer holds a character that is not valid text (a lone surrogate); "
            "please type it again."
        )
    values, error = _values(question, raw, other)
    limit = settings.ANSWER_TEXT_MAX
    if error is None and len(values["text"]) > limit:
        error = _("At most %(n)s characters; this answer has %(length)s. Please shorten it.") % {
            "n": format(limit, ","),
            "length": format(len(values["text"]), ","),
        }
    return values, error


def _values(question: QuestionMeta, raw: Any, other: Any) -> tuple[dict, str | None]:
    kind = question.kind
    values = _nothing()
    if _not_one_value(raw, many=kind == "multiple_choice"):
        if kind == "multiple_choice":
            return values, _("Give a list of choice codes.")
        return values, _("Give one answer: a text, a number or a code, not a list or an object.")
    if kind == "multiple_choice":
        chosen = [_one(v) for v in (raw if isinstance(raw, list | tuple) else [raw] if raw else [])]
        values["choices"] = chosen
        unknown = [c for c in chosen if c not in question.codes]
        if unknown:
            return values, _("Not one of the choices: %(codes)s.") % {"codes": ", ".join(unknown)}
        if set(chosen) & question.other_codes:
            values["text"] = _one(other)
        return values, None
    value = _one(raw)
    if kind in ("single_choice", "likert"):
        values["choice"] = value
        if value and value not in question.codes:
            return values, _("Not one of the choices.")
        if value in question.other_codes:
            values["text"] = _one(other)
        return values, None
    values["text"] = value
    if not value.strip():
        return values, None
    if kind == "short_text" and len(value) > SHORT_TEXT_MAX:
        return values, _("At most %(n)d characters.") % {"n": SHORT_TEXT_MAX}
    if kind == "number":
        try:
            number = Decimal(value.strip().replace(",", "."))
        except InvalidOperation:
            return values, _("Enter a number, like 12 or 3.5.")
        if not number.is_finite():
            return values, _("Enter a number, like 12 or 3.5.")
        if abs(number) >= NUMBER_LIMIT:
            return values, _("The number is too large.")
        if question.min is not None and number < question.min:
            return values, _("The smallest accepted is %(min)s.") % {"min": _plain(question.min)}
        if question.max is not None and number > question.max:
            return values, _("The largest accepted is %(max)s.") % {"max": _plain(question.max)}
        values["number"] = number
    elif kind == "date":
        try:
            values["date"] = dt.date.fromisoformat(value.strip())
        except ValueError:
            return values, _("Enter a date as YYYY-MM-DD, e.g. 2026-05-23.")
    elif kind == "email":
        try:
            validate_email(value.strip())
        except ValidationError:
            return values, _("Enter an e-mail address, like name@example.org.")
    return values, None


def is_empty(values: dict) -> bool:
    return not (
        values["text"].strip()
        or values["number"] is not None
        or values["date"]
        or values["choice"]
        or values["choices"]
    )
