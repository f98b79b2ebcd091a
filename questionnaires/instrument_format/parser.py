"""Reading an instrument file: YAML to the canonical spec, every error with its line."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.conf import settings

from common.errors import ValidationProblem
from questionnaires.instrument_format.file_limits import accept_parse, max_size_parse
from questionnaires.instrument_format.lines import Path, Problems, load_yaml
from questionnaires.instrument_format.skip_logic import check_skip_logic
from questionnaires.instrument_format.vocabulary import (
    CHOICE_KINDS,
    CONSENT_FIELDS,
    FORMAT_VERSION,
    KEY_RE,
    KINDS,
    QUESTION_FIELDS,
    QUESTION_KINDS,
    SCALE_FIELDS,
    SECTION_FIELDS,
    STANDARD_ATTRIBUTES,
    TOP_FIELDS,
)


class _Parser:
    def __init__(self, data: Any, lines: dict[Path, int]):
        self.data = data
        self.problems = Problems(lines)
        self.languages: list[str] = ["en"]
        self.known_languages = [code for code, _name in settings.LANGUAGES]

    # --- small readers -------------------------------------------------------------------

    def fields(self, value: Any, path: Path, allowed: set[str], required: Iterable[str]) -> dict:
        if not isinstance(value, dict):
            self.problems.add(path, "expected a mapping of fields")
            return {}
        for name in value:
            if name not in allowed:
                self.problems.add(
                    (*path, name),
                    f"unknown field “{name}”; expected one of: {', '.join(sorted(allowed))}",
                )
        for name in required:
            if value.get(name) in (None, "", [], {}):
                self.problems.add((*path, name) if name in value else path, f"“{name}” is required")
        return value

    def key(self, value: Any, path: Path) -> str:
        if value is None:
            return ""
        value = str(value)
        if not KEY_RE.match(value):
            self.problems.add(path, f"“{value}” is not a key: use letters, digits, - _ .")
        return value

    def text(self, value: Any, path: Path, *, required: bool = False) -> dict[str, str]:
        """A per-language text: a string (English) or {en: …, fr: …} with every language."""
        if value is None or value == "":
            if required:
                self.problems.add(path, "a text is required")
            return {}
        if isinstance(value, str):
            texts = {"en": value}
        elif isinstance(value, dict) and all(isinstance(v, str) for v in value.values()):
            texts = {str(k): v for k, v in value.items()}
        else:
            hint = ' (YAML reads a bare yes/no/on/off as true/false: put it in quotes, "No")'
            has_bool = isinstance(value, bool) or (
                isinstance(value, dict) and any(isinstance(v, bool) for v in value.values())
            )
            self.problems.add(
                path,
                "expected a text, or a mapping of language code to text"
                + (hint if has_bool else ""),
            )
            return {}
        unknown = [code for code in texts if code not in self.languages]
        if unknown:
            self.problems.add(
                path,
                f"language(s) {', '.join(unknown)} not declared in “languages” "
                f"({', '.join(self.languages)})",
            )
        missing = [code for code in self.languages if not texts.get(code)]
        if missing:
            self.problems.add(path, f"missing translation: {', '.join(missing)}")
        return {code: texts[code] for code in self.languages if code in texts}

    def number(self, value: Any, path: Path) -> int | float | None:
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.problems.add(path, f"expected a number, got “{value}”")
            return None
        return value

    def listing(self, value: Any, path: Path) -> list:
        if value is None:
            return []
        if not isinstance(value, list):
            self.problems.add(path, "expected a list")
            return []
        return value

    # --- the document --------------------------------------------------------------------

    def parse(self) -> dict:
        doc = self.fields(
            self.data, (), TOP_FIELDS, ("consulta_instrument", "key", "kind", "title")
        )
        if doc.get("consulta_instrument") not in (None, FORMAT_VERSION):
            self.problems.add(
                ("consulta_instrument",),
                f"unsupported format version “{doc['consulta_instrument']}”; "
                f"expected {FORMAT_VERSION}",
            )
        kind = doc.get("kind")
        if kind is not None and kind not in KINDS:
            self.problems.add(
                ("kind",), f"unknown kind “{kind}”; expected one of: {', '.join(KINDS)}"
            )
        self.languages = self.parse_languages(doc.get("languages"))
        attributes = self.parse_attributes(doc.get("attributes"))
        scales = [
            self.parse_scale(s, ("scales", i))
            for i, s in enumerate(self.listing(doc.get("scales"), ("scales",)))
        ]
        self.check_unique([s["key"] for s in scales], ("scales",), "scale key")
        spec = {
            "consulta_instrument": FORMAT_VERSION,
            "key": self.key(doc.get("key"), ("key",)),
            "kind": kind,
            "languages": self.languages,
            "title": self.text(doc.get("title"), ("title",), required=True),
            "subtitle": self.text(doc.get("subtitle"), ("subtitle",)),
            "source": str(doc.get("source") or ""),
            "introduction": self.text(doc.get("introduction"), ("introduction",)),
            "closing": self.text(doc.get("closing"), ("closing",)),
            "consent": self.parse_consent(doc.get("consent")),
            "deadline": self.parse_deadline(doc.get("deadline")),
            "confidentiality": self.text(doc.get("confidentiality"), ("confidentiality",)),
            "attributes": attributes,
            "details": self.parse_details(doc.get("details"), ("details",)),
            "scales": scales,
            "sections": [],
        }
        scale_keys = {s["key"] for s in scales}
        sections = self.listing(doc.get("sections"), ("sections",))
        if not sections and isinstance(self.data, dict):
            self.problems.add(("sections",), "at least one section is required")
        for i, section in enumerate(sections):
            spec["sections"].append(
                self.parse_section(section, ("sections", i), scale_keys, attributes)
            )
        self.check_unique([s["key"] for s in spec["sections"]], ("sections",), "section key")
        question_keys = [q["key"] for s in spec["sections"] for q in s["questions"]]
        self.check_unique(question_keys, ("sections",), "question key")
        self.check_blocks(spec)
        check_skip_logic(spec, self.problems)
        self.problems.raise_if_any()
        return spec

    def parse_languages(self, value: Any) -> list[str]:
        if value is None:
            return ["en"]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.problems.add(("languages",), "expected a list of language codes, e.g. [en, fr]")
            return ["en"]
        unknown = [v for v in value if v not in self.known_languages]
        if unknown:
            self.problems.add(
                ("languages",),
                f"unknown language(s) {', '.join(unknown)}; expected among "
                f"{', '.join(self.known_languages)}",
            )
        if "en" not in value:
            self.problems.add(("languages",), "English (en) must be one of the languages")
        return ["en", *[v for v in value if v != "en" and v in self.known_languages]]

    def parse_deadline(self, value: Any) -> dict:
        if value is None:
            return {"date": None, "text": {}}
        fields = self.fields(value, ("deadline",), {"date", "text"}, ())
        date = fields.get("date")
        if isinstance(date, dt.datetime):
            date = date.date()
        if isinstance(date, str):
            try:
                date = dt.date.fromisoformat(date)
            except ValueError:
                self.problems.add(("deadline", "date"), f"“{date}” is not a date (YYYY-MM-DD)")
                date = None
        elif date is not None and not isinstance(date, dt.date):
            self.problems.add(("deadline", "date"), "expected a date (YYYY-MM-DD)")
            date = None
        return {
            "date": date.isoformat() if date else None,
            "text": self.text(fields.get("text"), ("deadline", "text")),
        }

    def parse_consent(self, value: Any) -> dict:
        """{notice, checkbox}, both texts required; absent: no consent page ({})."""
        if value is None:
            return {}
        fields = self.fields(value, ("consent",), CONSENT_FIELDS, ())
        return {
            "notice": self.text(fields.get("notice"), ("consent", "notice"), required=True),
            "checkbox": self.text(fields.get("checkbox"), ("consent", "checkbox"), required=True),
        }

    def parse_details(self, value: Any, path: Path) -> dict:
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.problems.add(path, "expected a mapping")
            return {}
        return value

    def parse_attributes(self, value: Any) -> dict:
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.problems.add(("attributes",), "expected a mapping of attribute name to its values")
            return {}
        attributes = {}
        for name, spec in value.items():
            path = ("attributes", name)
            name = self.key(name, path)
            fields = self.fields(spec, path, {"label", "values"}, ("values",))
            values = fields.get("values") or {}
            if not isinstance(values, dict):
                self.problems.add((*path, "values"), "expected a mapping of value code to label")
                values = {}
            attributes[name] = {
                "label": self.text(fields.get("label"), (*path, "label")),
                "values": {
                    self.key(code, (*path, "values", code)): self.text(
                        label, (*path, "values", code), required=True
                    )
                    for code, label in values.items()
                },
            }
        return attributes

    def parse_scale(self, value: Any, path: Path) -> dict:
        fields = self.fields(value, path, SCALE_FIELDS, ("key", "points"))
        points = []
        for i, point in enumerate(self.listing(fields.get("points"), (*path, "points"))):
            p = self.fields(point, (*path, "points", i), {"code", "label"}, ("code", "label"))
            code = p.get("code")
            if code is not None and (isinstance(code, bool) or not isinstance(code, int)):
                self.problems.add(
                    (*path, "points", i, "code"),
                    f"a point in the scale needs a whole-number code, got “{code}”",
                )
            points.append(
                {
                    "code": code,
                    "label": self.text(
                        p.get("label"), (*path, "points", i, "label"), required=True
                    ),
                }
            )
        outside = []
        for i, point in enumerate(self.listing(fields.get("outside"), (*path, "outside"))):
            p = self.fields(point, (*path, "outside", i), {"code", "label"}, ("code", "label"))
            outside.append(
                {
                    "code": str(p.get("code", "")),
                    "label": self.text(
                        p.get("label"), (*path, "outside", i, "label"), required=True
                    ),
                }
            )
        seen: set[str] = set()
        located = [((*path, "points", i, "code"), str(p["code"])) for i, p in enumerate(points)]
        located += [((*path, "outside", i, "code"), p["code"]) for i, p in enumerate(outside)]
        for where, code in located:
            if code in seen:
                self.problems.add(where, f"duplicate scale code “{code}”: each point needs its own")
            seen.add(code)
        return {
            "key": self.key(fields.get("key"), (*path, "key")),
            "name": self.text(fields.get("name"), (*path, "name")),
            "points": points,
            "outside": outside,
        }

    def parse_section(self, value: Any, path: Path, scale_keys: set[str], attributes: dict) -> dict:
        fields = self.fields(value, path, SECTION_FIELDS, ("key",))
        questions = self.listing(fields.get("questions"), (*path, "questions"))
        return {
            "key": self.key(fields.get("key"), (*path, "key")),
            "label": str(fields.get("label") or ""),
            "title": self.text(fields.get("title"), (*path, "title")),
            "introduction": self.text(fields.get("introduction"), (*path, "introduction")),
            "show_if": fields.get("show_if"),  # checked once every question is read
            "questions": [
                self.parse_question(q, (*path, "questions", i), scale_keys, attributes)
                for i, q in enumerate(questions)
            ],
        }

    def parse_question(
        self, value: Any, path: Path, scale_keys: set[str], attributes: dict
    ) -> dict:
        fields = self.fields(value, path, QUESTION_FIELDS, ("key", "kind", "text"))
        kind = fields.get("kind")
        if kind is not None and kind not in QUESTION_KINDS:
            self.problems.add(
                (*path, "kind"),
                f"unknown kind “{kind}”; expected one of: {', '.join(QUESTION_KINDS)}",
            )
        required = fields.get("required", False)
        if not isinstance(required, bool):
            self.problems.add((*path, "required"), "expected true or false")
            required = False
        question = {
            "key": self.key(fields.get("key"), (*path, "key")),
            "label": str(fields.get("label") or ""),
            "kind": kind,
            "text": self.text(fields.get("text"), (*path, "text"), required=True),
            "help": self.text(fields.get("help"), (*path, "help")),
            "prompt": self.text(fields.get("prompt"), (*path, "prompt")),
            "required": required,
            "min": self.number(fields.get("min"), (*path, "min")),
            "max": self.number(fields.get("max"), (*path, "max")),
            "scale": fields.get("scale"),
            "block": fields.get("block"),
            "choices": self.parse_choices(fields.get("choices"), (*path, "choices")),
            "applies_to": self.parse_condition(
                fields.get("applies_to"), (*path, "applies_to"), attributes
            ),
            "show_if": fields.get("show_if"),  # checked once every question is read
            "notes": self.parse_notes(fields.get("notes"), (*path, "notes")),
            "details": self.parse_details(fields.get("details"), (*path, "details")),
            "accept": accept_parse(
                self.listing(fields.get("accept"), (*path, "accept")),
                (*path, "accept"),
                self.problems,
            ),
            "max_size": max_size_parse(fields.get("max_size"), (*path, "max_size"), self.problems),
        }
        self.check_question_kind(question, path, scale_keys)
        return question

    def check_question_kind(self, q: dict, path: Path, scale_keys: set[str]) -> None:
        kind = q["kind"]
        if kind not in QUESTION_KINDS:
            return  # already reported; what else applies depends on the kind
        if kind == "likert":
            if not q["scale"]:
                self.problems.add(path, "a likert item needs a “scale”")
            elif q["scale"] not in scale_keys:
                self.problems.add(
                    (*path, "scale"),
                    f"unknown scale “{q['scale']}”; declared: "
                    + (", ".join(sorted(scale_keys)) or "none"),
                )
            if not q["block"]:
                self.problems.add(path, "a likert item needs a “block” (the matrix it is shown in)")
        else:
            for name in ("scale", "block"):
                if q[name]:
                    self.problems.add((*path, name), f"only likert items take a “{name}”")
        if kind in CHOICE_KINDS and not q["choices"]:
            self.problems.add(path, f"a {kind} question needs “choices”")
        if kind not in CHOICE_KINDS and q["choices"]:
            self.problems.add((*path, "choices"), "only choice questions take “choices”")
        if kind != "number" and (q["min"] is not None or q["max"] is not None):
            self.problems.add(path, "only number questions take “min” and “max”")
        if q["min"] is not None and q["max"] is not None and q["min"] > q["max"]:
            self.problems.add((*path, "max"), "“max” is below “min”")
        if kind != "file" and (q["accept"] or q["max_size"] is not None):
            self.problems.add(path, "only file questions take “accept” and “max_size”")

    def parse_choices(self, value: Any, path: Path) -> list[dict]:
        choices = []
        for i, choice in enumerate(self.listing(value, path)):
            c = self.fields(choice, (*path, i), {"code", "label", "other"}, ("code", "label"))
            choices.append(
                {
                    "code": self.key(c.get("code"), (*path, i, "code")),
                    "label": self.text(c.get("label"), (*path, i, "label"), required=True),
                    "other": bool(c.get("other", False)),
                }
            )
        self.check_unique([c["code"] for c in choices], path, "choice code")
        return choices

    def parse_condition(self, value: Any, path: Path, attributes: dict) -> dict | None:
        if value is None:
            return None
        c = self.fields(value, path, {"attribute", "in", "not_in"}, ("attribute",))
        attribute = c.get("attribute")
        known = set(STANDARD_ATTRIBUTES) | set(attributes)
        if attribute is not None and attribute not in known:
            self.problems.add(
                (*path, "attribute"),
                f"unknown attribute “{attribute}”; expected one of: {', '.join(sorted(known))} "
                "(declare others under “attributes”)",
            )
        if ("in" in c) == ("not_in" in c):
            self.problems.add(path, "give exactly one of “in” or “not_in”")
        operator = "in" if "in" in c else "not_in"
        values = c.get(operator) or []
        if not isinstance(values, list) or not values:
            self.problems.add((*path, operator), "expected a non-empty list of values")
            values = []
        declared = attributes.get(attribute, {}).get("values")
        if declared:
            for v in values:
                if v not in declared:
                    self.problems.add(
                        (*path, operator),
                        f"unknown value “{v}” of {attribute}; expected one of: "
                        + ", ".join(declared),
                    )
        return {"attribute": attribute, operator: [str(v) for v in values]}

    def parse_notes(self, value: Any, path: Path) -> list[dict]:
        notes = []
        for i, note in enumerate(self.listing(value, path)):
            n = self.fields(note, (*path, i), {"marker", "text"}, ("text",))
            notes.append(
                {
                    "marker": str(n.get("marker") or ""),
                    "text": self.text(n.get("text"), (*path, i, "text"), required=True),
                }
            )
        return notes

    def check_unique(self, keys: list[str], path: Path, what: str) -> None:
        duplicates = sorted({k for k in keys if k and keys.count(k) > 1})
        if duplicates:
            self.problems.add(path, f"duplicate {what}(s): {', '.join(duplicates)}")

    def check_blocks(self, spec: dict) -> None:
        block_scale: dict[str, tuple[str, str]] = {}
        for si, section in enumerate(spec["sections"]):
            for qi, q in enumerate(section["questions"]):
                if q["kind"] != "likert" or not q["block"]:
                    continue
                seen = block_scale.setdefault(q["block"], (q["scale"], section["key"]))
                path = ("sections", si, "questions", qi, "block")
                if seen[0] != q["scale"]:
                    self.problems.add(
                        path, f"every item of block “{q['block']}” must use scale “{seen[0]}”"
                    )
                if seen[1] != section["key"]:
                    self.problems.add(
                        path, f"block “{q['block']}” is already used in section “{seen[1]}”"
                    )


def instrument_parse(text: str) -> dict:
    """Parse and check an instrument file; raise ValidationProblem naming lines on any error."""
    data, lines = load_yaml(text)
    if data is None:
        raise ValidationProblem(
            "line 1: the file is empty", errors={"line 1": ["the file is empty"]}
        )
    return _Parser(data, lines).parse()


def instrument_check(document: dict, problems: Problems) -> dict:
    """Check a document read from elsewhere than YAML (an XLSForm workbook): the same rules,
    every error reported through `problems`, which knows where each path came from."""
    parser = _Parser(document, {})
    parser.problems = problems
    return parser.parse()
