"""The variables of one questionnaire's data file, as SPSS, Stata and R see them: names valid
in all three, labels, value labels, missing-value codes, and what each one holds.

Names come from the question keys, so the same question keeps its variable name from one
version to the next. A key that SPSS or Stata would refuse is renamed the same way every time
(invalid characters to "_", a leading letter, at most 32 characters, no reserved word, unique
whatever the case: "_2", "_3" …), and the codebook says from what.

One variable per answerable question, except: a multiple-choice question gives one 0/1
variable per choice (`KEY_CODE`), and a question with an "other, please specify" choice a
text variable beside it (`KEY_other`). Codes are numbers where the choices' codes are whole
numbers (Likert 4..1); other codes are numbered 1, 2, … in their order, the codebook keeping
the code. Scale points outside the scale (Don't know, Not applicable) are missing-value codes:
their own number when it is one, else 97, 98, … (997 … past a scale reaching 90)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from questionnaires import conditions
from questionnaires.models import Question, localized
from questionnaires.selectors.responses import day_only
from reports.selectors.raw import raw_columns

if TYPE_CHECKING:
    from questionnaires.models import Distribution

NAME_MAX = 32  # Stata's limit (SPSS allows 64 bytes): one name for both
# SPSS's reserved words and Stata's (the names Stata keeps for itself), compared in lower case.
SPSS_RESERVED = "all and by eq ge gt le lt ne not or to with"
STATA_RESERVED = (
    "_all _b _coef _cons _n _pi _pred _rc _skip b byte coef cons double float if in int long "
    "n pi pred rc skip strl using"
)
RESERVED = frozenset(f"{SPSS_RESERVED} {STATA_RESERVED}".split(" "))
_STR_TYPE = re.compile(r"str\d+", re.IGNORECASE)  # str1 … str2045 are Stata type names
_INVALID = re.compile(r"[^A-Za-z0-9_]+")
META = {
    "response": "string",
    "submitted_at": "datetime",
    "channel": "string",
    "consented_at": "datetime",
}  # SPSS holds three missing values, or a range and one value


@dataclass
class Value:
    """One value of a coded variable: its number in the file, the code it stands for, its
    label per language, and whether it is a missing-value code (a point outside the scale)."""

    number: int
    code: str
    labels: dict[str, str]
    missing: bool = False

    def label(self, language: str) -> str:
        return localized(self.labels, language) or self.code


@dataclass
class Variable:
    """One column of the data file."""

    name: str
    source: str  # the key it was named after: a question key, "KEY_CODE", "KEY_other", …
    kind: str  # "number", "string", "date", "datetime"
    measure: str  # "nominal", "ordinal", "scale" (SPSS's measurement level)
    texts: dict[str, str]  # the full label per language
    question: str = ""  # the question's key (empty for the response's own columns)
    question_kind: str = ""
    values: list[Value] = field(default_factory=list)
    applies_when: str = ""
    renamed_from: str = ""  # the key, when it is not a valid name as it is
    choice: str = ""  # a multiple-choice variable's choice code
    other: bool = False  # the text of an "other, please specify" answer

    def label(self, language: str) -> str:
        return localized(self.texts, language) or self.source

    @property
    def missing(self) -> list[Value]:
        return [v for v in self.values if v.missing]

    def number_of(self, code: str) -> int | None:
        for value in self.values:
            if value.code == code:
                return value.number
        return None


class Namer:
    """Valid, unique variable names, in the order asked (case-insensitively unique, as SPSS)."""

    def __init__(self) -> None:
        self.taken: set[str] = set()

    def name(self, source: str) -> tuple[str, str]:
        """(the name, the source when renamed else "")."""
        base = _INVALID.sub("_", source.strip()).strip("_") or "v"
        if not base[0].isalpha():
            base = f"v{base}"
        if base.lower() in RESERVED or _STR_TYPE.fullmatch(base):
            base = f"{base}_"
        base = base[:NAME_MAX]
        name, number = base, 1
        while name.lower() in self.taken:
            number += 1
            suffix = f"_{number}"
            name = base[: NAME_MAX - len(suffix)] + suffix
        self.taken.add(name.lower())
        return name, "" if name == source else source


def _whole(code: str) -> int | None:
    text = code.strip()
    if re.fullmatch(r"-?\d{1,9}", text):
        return int(text)
    return None


def coded_values(points: list[tuple[str, dict, bool]]) -> list[Value]:
    """Numbers for (code, labels, in scale) in order: the codes themselves when every code in
    the scale is a whole number, else 1, 2, …; points outside the scale keep a whole-number
    code, others get 97, 98, … (997, … when the scale reaches 90)."""
    inside = [(c, lab) for c, lab, in_scale in points if in_scale]
    numeric = all(_whole(c) is not None for c, _lab in inside)
    values = [
        Value(_whole(c) if numeric else i, c, lab)  # type: ignore[arg-type]
        for i, (c, lab) in enumerate(inside, 1)
    ]
    used = {v.number for v in values}
    outside = [(c, lab) for c, lab, in_scale in points if not in_scale]
    top = max([abs(n) for n in used] or [0])
    digits = 2
    while top >= 10**digits - 10:  # 97 unless the scale reaches 90: then 997, 9997 …
        digits += 1
    base = 10**digits - 3
    for code, labels in outside:
        number = _whole(code)
        if number is None or number in used:
            number = base
            while number in used:
                number += 1
        used.add(number)
        values.append(Value(number, code, labels, missing=True))
    return values


def _applies_when(question: Question, language: str, names: dict[str, str]) -> str:
    """When the question is asked, in words: its attribute condition (applies_to) and its
    conditions on earlier answers (show_if: its section's, its Likert block's, its own)."""
    parts = [conditions.attribute_condition_words(question.applies_to)]
    for owner in (question.section, question):
        if owner.show_if:
            parts.append(conditions.describe(owner.show_if, language, names))
    return "; ".join(part for part in parts if part)


def variables(distribution: Distribution, *, language: str = "en") -> list[Variable]:
    """The variables of the distribution's data file, in the file's order: the response's id,
    submission time and channel, its attributes, then its questions' variables."""
    languages = list(distribution.version.languages or ["en"])
    namer = Namer()
    found = []
    # The response's own columns, as the raw sheet names them (reports.selectors.raw).
    for code, label in raw_columns(distribution):
        if code not in META and not code.startswith("attribute:"):
            break
        kind = META.get(code, "string")
        if kind == "datetime" and day_only(distribution):
            kind = "date"
        name, renamed = namer.name(code.removeprefix("attribute:"))
        found.append(
            Variable(name, code, kind, "nominal", {"en": str(label)}, renamed_from=renamed)
        )
    questions = list(
        Question.objects.filter(version_id=distribution.version_id)
        .exclude(kind=Question.Kind.INSTRUCTION)
        .select_related("section", "block__scale")
        .prefetch_related("choices", "block__scale__points")
        .order_by("section__order", "order")
    )
    names = {q.key: q.ref for q in questions}
    for q in questions:
        for point in _points(q):
            names[f"{q.key}:{point[0]}"] = localized(point[1], language)
    for q in questions:
        found += _question_variables(q, namer, languages, _applies_when(q, language, names))
    return found


def _points(q: Question) -> list[tuple[str, dict, bool]]:
    if q.block is not None:
        return [(p.code, p.label, p.in_scale) for p in q.block.scale.points.all()]
    return [(c.code, c.label, True) for c in q.choices.all()]


def _question_variables(
    q: Question, namer: Namer, languages: list[str], applies_when: str
) -> list[Variable]:
    texts = {lang: localized(q.text, lang) for lang in languages}
    texts = {lang: text for lang, text in texts.items() if text} or {"en": q.key}
    kind = str(q.kind)
    made: list[Variable] = []

    def variable(
        source: str, shape: str, measure: str, labels: dict[str, str], **more: Any
    ) -> None:
        name, renamed = namer.name(source)
        made.append(
            Variable(
                name,
                source,
                shape,
                measure,
                labels,
                question=q.key,
                question_kind=kind,
                applies_when=applies_when,
                renamed_from=renamed,
                **more,
            )
        )

    if kind == Question.Kind.MULTIPLE_CHOICE:
        yes_no = [Value(0, "0", {"en": _("Not selected")}), Value(1, "1", {"en": _("Selected")})]
        for choice in q.choices.all():
            labels = {
                lang: f"{texts.get(lang) or q.key}: {localized(choice.label, lang)}"
                for lang in languages
            }
            variable(
                f"{q.key}_{choice.code}",
                "number",
                "nominal",
                labels,
                values=list(yes_no),
                choice=choice.code,
            )
    elif kind in (Question.Kind.SINGLE_CHOICE, Question.Kind.LIKERT):
        measure = "ordinal" if kind == Question.Kind.LIKERT else "nominal"
        variable(q.key, "number", measure, texts, values=coded_values(_points(q)))
    else:
        shapes = {"number": ("number", "scale"), "date": ("date", "scale")}
        shape, measure = shapes.get(kind, ("string", "nominal"))
        variable(q.key, shape, measure, texts)
    if kind != Question.Kind.LIKERT and any(c.is_other for c in q.choices.all()):
        labels = {lang: f"{text} ({_('other, specified')})" for lang, text in texts.items()}
        variable(f"{q.key}_other", "string", "nominal", labels, other=True)
    return made
