"""Forms of the instrument builder. Shapes only; the rules are the instrument format's."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.conf import settings
from django.core.validators import RegexValidator
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from common.upload_limits import size_text
from questionnaires.conditions import describe
from questionnaires.files import FILE_TYPES, size_parse, size_write
from questionnaires.instrument_format.vocabulary import KEY_RE, QUESTION_KINDS, STANDARD_ATTRIBUTES
from questionnaires.models import Instrument

SHOW_IF_OPERATORS = [
    ("equals", _("is")),
    ("in", _("is one of")),
    ("not_in", _("is answered, and none of")),
    ("answered", _("is answered")),
    ("not_answered", _("is not answered")),
    ("gt", _("is more than")),
    ("gte", _("is at least")),
    ("lt", _("is less than")),
    ("lte", _("is at most")),
]
LANGUAGE_NAMES = {"en": _("English"), "fr": _("French"), "es": _("Spanish")}
CHOICE_LINE = re.compile(r"^\s*(\*?)\s*([^=]+?)\s*=\s*(.+?)\s*$")


def key_field(label: str = "Key") -> forms.CharField:
    return forms.CharField(
        label=_(label),
        max_length=40,
        validators=[RegexValidator(KEY_RE, _("Letters, digits, - _ . only."))],
        help_text=_("Stable: answers are stored against it."),
    )


class TextsForm(forms.Form):
    """Adds one field per language for each name in `texts` (English first)."""

    texts: tuple[tuple[str, str, bool, bool], ...] = ()  # name, label, required, long

    def __init__(self, *args: object, languages: list[str], **kwargs: object) -> None:
        self.languages = languages
        super().__init__(*args, **kwargs)
        for name, label, required, long in self.texts:
            for code in languages:
                self.fields[f"{name}_{code}"] = forms.CharField(
                    label=f"{label} ({LANGUAGE_NAMES.get(code, code)})",
                    required=required,
                    strip=False,
                    widget=forms.Textarea(attrs={"rows": 4 if long else 2}),
                )

    def text(self, name: str) -> dict[str, str]:
        # Browsers send textarea line breaks as CRLF; the instrument keeps LF.
        return {
            code: self.cleaned_data[f"{name}_{code}"].replace("\r\n", "\n")
            for code in self.languages
            if self.cleaned_data.get(f"{name}_{code}")
        }

    @classmethod
    def initial_texts(cls, values: dict[str, dict[str, str]]) -> dict[str, str]:
        return {
            f"{name}_{code}": text for name, texts in values.items() for code, text in texts.items()
        }


class NewInstrumentForm(forms.Form):
    key = forms.SlugField(label=_("Key"), max_length=80, help_text=_("e.g. staff-survey-2026"))
    kind = forms.ChoiceField(label=_("Kind"), choices=Instrument.Kind.choices)
    title = forms.CharField(label=_("Title (English)"), max_length=300)


class InstrumentTextsForm(TextsForm):
    """The texts around the questions: title, introduction, deadline wording, closing."""

    texts = (
        ("title", _("Title"), True, False),
        ("subtitle", _("Subtitle"), False, False),
        ("introduction", _("Introduction"), False, True),
        ("deadline_text", _("Deadline as printed"), False, False),
        ("confidentiality", _("Confidentiality statement"), False, False),
        ("closing", _("Closing text"), False, True),
        ("consent_notice", _("Privacy notice (first page; empty: none)"), False, True),
        ("consent_checkbox", _("Consent checkbox"), False, False),
    )
    deadline_date = forms.DateField(
        label=_("Deadline date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def spec_fields(self) -> dict:
        date = self.cleaned_data.get("deadline_date")
        return {
            "title": self.text("title"),
            "subtitle": self.text("subtitle"),
            "introduction": self.text("introduction"),
            "closing": self.text("closing"),
            "confidentiality": self.text("confidentiality"),
            "consent": self.consent(),
            "deadline": {
                "date": date.isoformat() if date else None,
                "text": self.text("deadline_text"),
            },
        }

    def consent(self) -> dict:
        """The consent page's texts; none given: no consent page (one alone is refused by
        the format's check, naming the missing one)."""
        notice, checkbox = self.text("consent_notice"), self.text("consent_checkbox")
        return {"notice": notice, "checkbox": checkbox} if notice or checkbox else {}

    @classmethod
    def initial_from(cls, spec: dict) -> dict:
        texts = {
            n: spec[n] for n in ("title", "subtitle", "introduction", "closing", "confidentiality")
        }
        consent = spec.get("consent") or {}
        texts["consent_notice"] = consent.get("notice") or {}
        texts["consent_checkbox"] = consent.get("checkbox") or {}
        texts["deadline_text"] = spec["deadline"]["text"]
        return {"deadline_date": spec["deadline"]["date"], **cls.initial_texts(texts)}


class SectionForm(TextsForm):
    texts = (("title", _("Title"), False, False), ("introduction", _("Instructions"), False, True))
    key = key_field()
    label = forms.CharField(
        label=_("Label as printed"), max_length=40, required=False, help_text=_("e.g. A)")
    )


class QuestionForm(TextsForm):
    texts = (
        ("text", _("Question"), True, True),
        ("help", _("Help"), False, False),
        ("prompt", _("Interviewer prompt"), False, False),
    )
    section = forms.ChoiceField(label=_("Section"))
    key = key_field()
    label = forms.CharField(
        label=_("Label as printed"), max_length=40, required=False, help_text=_("1), 5., (a), Q12")
    )
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[(k, k.replace("_", " ")) for k in QUESTION_KINDS]
    )
    required = forms.BooleanField(label=_("Answer required"), required=False)
    scale = forms.ChoiceField(label=_("Scale (Likert items)"), required=False)
    block = forms.CharField(
        label=_("Matrix (Likert items)"),
        max_length=40,
        required=False,
        help_text=_("Items with the same matrix name are shown together; default: the section."),
    )
    choices = forms.CharField(
        label=_("Choices"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "One per line: code = label. With several languages: code = English | French. "
            "Start with * for “other, please specify”."
        ),
    )
    min = forms.DecimalField(label=_("Smallest number"), required=False)
    max = forms.DecimalField(label=_("Largest number"), required=False)
    condition_attribute = forms.ChoiceField(label=_("Asked only if"), required=False)
    condition_operator = forms.ChoiceField(
        label=_("is"), required=False, choices=[("in", _("one of")), ("not_in", _("none of"))]
    )
    condition_values = forms.CharField(label=_("values (comma-separated)"), required=False)
    accept = forms.MultipleChoiceField(
        label=_("Accepted file types (file questions)"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[(t.code, t.label) for t in FILE_TYPES.values()],
        help_text=_("Decided by each file's content, not its name. None ticked: all of them."),
    )
    max_size = forms.CharField(
        label=_("Largest file (file questions)"),
        required=False,
        max_length=20,
        help_text=_("e.g. 10MB or 500KB; empty: the site's limit."),
    )
    show_if_question = forms.ChoiceField(label=_("Shown only if the answer to"), required=False)
    show_if_operator = forms.ChoiceField(
        label=_("condition"), required=False, choices=SHOW_IF_OPERATORS
    )
    show_if_value = forms.CharField(
        label=_("value"),
        required=False,
        help_text=_(
            "A choice code or a number; several codes separated by commas for “is one of”. "
            "Only questions before this one can be chosen."
        ),
    )

    def __init__(
        self,
        *args: object,
        sections: list[str],
        scales: list[str],
        attributes: list[str],
        questions: list[tuple[str, str]] | None = None,
        current_show_if: dict | None = None,
        **kwargs: object,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.current_show_if = current_show_if
        self.fields["show_if_question"].choices = [("", _("always shown")), *(questions or [])]
        if current_show_if and not _simple(current_show_if):
            self.fields["show_if_question"].help_text = _(
                "Now shown only if %(condition)s. Kept unless you choose a question here "
                "(conditions combining several are written in the instrument file)."
            ) % {"condition": describe(current_show_if, get_language() or "en")}
        self.fields["section"].choices = [(s, s) for s in sections]
        self.fields["scale"].choices = [("", "—"), *[(s, s) for s in scales]]
        self.fields["condition_attribute"].choices = [
            ("", _("always asked")),
            *[(a, a) for a in sorted(set(STANDARD_ATTRIBUTES) | set(attributes))],
        ]

    def clean(self) -> dict:
        data = super().clean()
        self._show_if = self._clean_show_if(data)
        kind = data.get("kind")
        if kind == "likert" and not data.get("scale"):
            self.add_error("scale", _("A Likert item needs a scale."))
        if kind in ("single_choice", "multiple_choice") and not self.choice_list():
            self.add_error("choices", _("Give at least one choice."))
        for line in (data.get("choices") or "").splitlines():
            if line.strip() and not CHOICE_LINE.match(line):
                self.add_error("choices", _("“%(line)s” is not “code = label”.") % {"line": line})
        if kind == "file" and (data.get("max_size") or "").strip():
            size = size_parse(data["max_size"])
            if size is None:
                self.add_error("max_size", _("Write a size like 10MB or 500KB."))
            elif size > settings.FILE_ANSWER_MAX_BYTES:
                self.add_error(
                    "max_size",
                    _("At most %(limit)s.") % {"limit": size_text(settings.FILE_ANSWER_MAX_BYTES)},
                )
        return data

    def _clean_show_if(self, data: dict) -> dict | None:
        """The condition the three show_if fields give; a complex condition (all/any/not) is
        kept while no question is chosen."""
        key = data.get("show_if_question")
        if not key:
            current = self.current_show_if
            return current if current and not _simple(current) else None
        operator = data.get("show_if_operator") or "equals"
        value = (data.get("show_if_value") or "").strip()
        if operator in ("answered", "not_answered"):
            return {"question": key, "answered": operator == "answered"}
        if not value:
            self.add_error("show_if_value", _("Give the value the answer is compared with."))
            return None
        if operator in ("in", "not_in"):
            return {"question": key, operator: [v.strip() for v in value.split(",") if v.strip()]}
        if operator == "equals":
            return {"question": key, "equals": value}
        try:
            number = Decimal(value.replace(",", "."))
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite():
            self.add_error("show_if_value", _("Give a number, like 3 or 2.5."))
            return None
        return {"question": key, operator: int(number) if number == int(number) else float(number)}

    def choice_list(self) -> list[dict]:
        choices = []
        for line in (self.cleaned_data.get("choices") or "").splitlines():
            match = CHOICE_LINE.match(line)
            if not match:
                continue
            labels = [part.strip() for part in match.group(3).split("|")]
            choices.append(
                {
                    "code": match.group(2),
                    "label": dict(zip(self.languages, labels, strict=False)),
                    "other": bool(match.group(1)),
                }
            )
        return choices

    def spec_fields(self) -> dict:
        data = self.cleaned_data
        kind = data["kind"]
        condition = None
        if data.get("condition_attribute"):
            values = [
                v.strip() for v in (data.get("condition_values") or "").split(",") if v.strip()
            ]
            condition = {
                "attribute": data["condition_attribute"],
                data["condition_operator"] or "in": values,
            }

        def number(value: object) -> int | float | None:
            if value is None:
                return None
            return int(value) if value == int(value) else float(value)

        return {
            "key": data["key"],
            "label": data["label"],
            "kind": kind,
            "text": self.text("text"),
            "help": self.text("help"),
            "prompt": self.text("prompt"),
            "required": data["required"],
            "min": number(data.get("min")) if kind == "number" else None,
            "max": number(data.get("max")) if kind == "number" else None,
            "scale": (data.get("scale") or None) if kind == "likert" else None,
            "block": (data.get("block") or data["section"]) if kind == "likert" else None,
            "choices": self.choice_list() if kind in ("single_choice", "multiple_choice") else [],
            "applies_to": condition,
            "accept": list(data.get("accept") or []) if kind == "file" else [],
            "max_size": size_parse(data.get("max_size") or "") if kind == "file" else None,
            "show_if": self._show_if,
        }

    @classmethod
    def initial_from(cls, question: dict, section_key: str, languages: list[str]) -> dict:
        condition = question.get("applies_to") or {}
        operator = "not_in" if "not_in" in condition else "in"
        lines = []
        for c in question["choices"]:
            labels = " | ".join(c["label"].get(code, "") for code in languages)
            lines.append(f"{'*' if c['other'] else ''}{c['code']} = {labels}")
        return {
            "section": section_key,
            "key": question["key"],
            "label": question["label"],
            "kind": question["kind"],
            "required": question["required"],
            "scale": question["scale"] or "",
            "block": question["block"] or "",
            "choices": "\n".join(lines),
            "min": question["min"],
            "max": question["max"],
            "condition_attribute": condition.get("attribute", ""),
            "condition_operator": operator,
            "condition_values": ", ".join(condition.get(operator, [])),
            "accept": question.get("accept") or [],
            "max_size": size_write(question["max_size"]) if question.get("max_size") else "",
            **_show_if_initial(question.get("show_if")),
            **cls.initial_texts({n: question[n] for n in ("text", "help", "prompt")}),
        }


def _simple(condition: dict) -> bool:
    return "question" in condition


def _show_if_initial(condition: dict | None) -> dict:
    if not condition or not _simple(condition):
        return {}
    if "answered" in condition:
        operator = "answered" if condition["answered"] else "not_answered"
        return {"show_if_question": condition["question"], "show_if_operator": operator}
    operator = next(k for k in condition if k != "question")
    value = condition[operator]
    shown = ", ".join(str(v) for v in value) if isinstance(value, list) else str(value)
    return {
        "show_if_question": condition["question"],
        "show_if_operator": operator,
        "show_if_value": shown,
    }


class ScaleForm(forms.Form):
    key = forms.SlugField(label=_("Key"), max_length=80, help_text=_("e.g. agree4"))
    name = forms.CharField(label=_("Name"), max_length=200, required=False)
    points = forms.CharField(
        label=_("Points, in display order"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("One per line: whole-number code = label, e.g. 4 = Strongly agree."),
    )
    outside = forms.CharField(
        label=_("Points outside the scale"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Never counted in the base, e.g. DK = Don't know."),
    )

    def _lines(self, name: str, *, numeric: bool) -> list[dict]:
        points = []
        for line in (self.cleaned_data.get(name) or "").splitlines():
            if not line.strip():
                continue
            match = CHOICE_LINE.match(line)
            if not match or (numeric and not re.fullmatch(r"-?\d+", match.group(2))):
                expected = _("a whole number = label") if numeric else _("code = label")
                raise forms.ValidationError(
                    _("“%(line)s”: expected %(expected)s.") % {"line": line, "expected": expected}
                )
            code = int(match.group(2)) if numeric else match.group(2)
            points.append({"code": code, "label": {"en": match.group(3)}})
        return points

    def clean_points(self) -> str:
        if not self._lines("points", numeric=True):
            raise forms.ValidationError(_("Give at least one point."))
        return self.cleaned_data["points"]

    def clean_outside(self) -> str:
        self._lines("outside", numeric=False)
        return self.cleaned_data["outside"]

    def spec(self) -> dict:
        name = self.cleaned_data.get("name")
        return {
            "key": self.cleaned_data["key"],
            "name": {"en": name} if name else {},
            "points": self._lines("points", numeric=True),
            "outside": self._lines("outside", numeric=False),
        }
