"""The sheets of an XLSForm made into an instrument document (the mapping a YAML file holds):
groups into sections and Likert blocks, types into kinds, `relevant` into conditions."""

from __future__ import annotations

import re
from typing import Any

from questionnaires.instrument_format.lines import Path
from questionnaires.instrument_format.vocabulary import FORMAT_VERSION
from questionnaires.instrument_format.xlsform_relevant import (
    SUPPORTED,
    RelevantError,
    relevant_to_condition,
)
from questionnaires.instrument_format.xlsform_sheets import (
    METADATA_TYPES,
    QUESTION_COLUMNS,
    QUESTION_EXTRAS,
    TOP_EXTRAS,
    Location,
    Sheet,
    WorkbookReader,
    language_names,
)


class SheetDocument:
    """The survey, choices, settings and consulta sheets made into an instrument document."""

    def __init__(self, reader: WorkbookReader, sheets: dict[str, Sheet]):
        self.reader = reader
        self.problems = reader.problems
        self.sheets = sheets
        self.lists: dict[str, list[tuple[int, dict]]] = {}
        self.scales: dict[str, dict] = {}
        self.sections: list[dict] = []
        self.section: dict | None = None
        self.block: dict | None = None

    # --- choices ---------------------------------------------------------------------------

    def read_choices(self) -> None:
        sheet = self.sheets.get("choices")
        for row, cells in sheet.rows if sheet else ():
            name = cells.get(("list_name", None), "")
            if not name:
                self.problems.at(("choices", row, "list_name"), "“list_name” is required")
                continue
            self.lists.setdefault(name, []).append((row, cells))

    def choices(self, list_name: str, path: Path) -> list[dict]:
        choices = []
        for index, (row, cells) in enumerate(self.lists[list_name]):
            self.problems.place((*path, index), ("choices", row, None))
            self.problems.place((*path, index, "code"), ("choices", row, "name"))
            self.problems.place((*path, index, "label"), ("choices", row, "label"))
            choice = {"code": cells.get(("name", None)), "label": self.reader.texts(cells, "label")}
            if _yes(cells.get(("other", None), "")):
                choice["other"] = True
            choices.append(choice)
        return choices

    def scale(self, list_name: str) -> None:
        if list_name in self.scales:
            return
        index = len(self.scales)
        path: Path = ("scales", index)
        rows = self.lists[list_name]
        self.problems.place(path, ("choices", rows[0][0], "list_name"))
        scale: dict[str, Any] = {"key": list_name, "points": [], "outside": []}
        for row, cells in rows:
            code = cells.get(("name", None), "")
            outside = _yes(cells.get(("outside", None), "")) or not re.fullmatch(r"-?\d+", code)
            group = "outside" if outside else "points"
            at = (*path, group, len(scale[group]))
            self.problems.place(at, ("choices", row, None))
            self.problems.place((*at, "code"), ("choices", row, "name"))
            self.problems.place((*at, "label"), ("choices", row, "label"))
            label = self.reader.texts(cells, "label")
            scale[group].append({"code": code if outside else int(code), "label": label})
        self.scales[list_name] = scale

    # --- survey ----------------------------------------------------------------------------

    def read_survey(self) -> None:
        for row, cells in self.sheets["survey"].rows:
            kind = _type(cells.get(("type", None), ""))
            if kind in ("begin group", "begin repeat", "end group", "end repeat"):
                self.group(kind, row, cells)
            elif not kind:
                self.problems.at(("survey", row, "type"), "“type” is empty")
            elif kind in METADATA_TYPES:
                continue
            else:
                self.question(kind, row, cells)
        if self.block is not None:
            self.problems.at(("survey", self.block["row"], "type"), "“begin group” never ends")
        if self.section is not None and not self.section.get("implicit"):
            self.problems.at(("survey", self.section["row"], "type"), "“begin group” never ends")

    def group(self, kind: str, row: int, cells: dict) -> None:
        where: Location = ("survey", row, "type")
        if "repeat" in kind:
            self.problems.at(where, "repeats have no counterpart: ask the questions once")
        elif kind == "end group":
            if self.block is not None:
                self.block = None
            elif self.section is not None and not self.section.get("implicit"):
                self.section = None
            else:
                self.problems.at(where, "“end group” without its “begin group”")
        elif self.section is None or self.section.get("implicit"):
            self.open_section(row, cells, cells.get(("name", None), ""))
        elif self.block is None:
            if cells.get(("relevant", None)):
                self.problems.at(
                    ("survey", row, "relevant"),
                    "a Likert block (a group in a section) takes no “relevant”: "
                    "put the condition on each of its rows",
                )
            self.block = {"key": cells.get(("name", None), ""), "row": row, "list": None}
        else:
            self.problems.at(
                where, "groups nest two deep at most: a section, and a Likert block in it"
            )

    def open_section(self, row: int, cells: dict, key: str, *, implicit: bool = False) -> None:
        path: Path = ("sections", len(self.sections))
        self.problems.place(path, ("survey", row, None))
        self.problems.place((*path, "key"), ("survey", row, "name"))
        self.problems.place((*path, "title"), ("survey", row, "label"))
        self.problems.place((*path, "introduction"), ("survey", row, "hint"))
        self.problems.place((*path, "label"), ("survey", row, "consulta"))
        self.problems.place((*path, "show_if"), ("survey", row, "relevant"))
        section: dict[str, Any] = {"key": key, "questions": []}
        if not implicit:
            section["title"] = self.reader.texts(cells, "label")
            section["introduction"] = self.reader.texts(cells, "hint")
            extras = self.extras(row, cells, ("label",))
            section.update(extras)
            condition = self.condition(row, cells)
            if condition is not None:
                section["show_if"] = condition
        self.sections.append(section)
        self.section = {"row": row, "implicit": implicit, "spec": section}

    def question(self, kind: str, row: int, cells: dict) -> None:
        if self.section is None:  # questions before any group: a section of their own
            self.open_section(row, cells, f"section{len(self.sections) + 1}", implicit=True)
        section = self.sections[-1]
        path: Path = ("sections", len(self.sections) - 1, "questions", len(section["questions"]))
        self.problems.place(path, ("survey", row, None))
        for field, column in QUESTION_COLUMNS.items():
            self.problems.place((*path, field), ("survey", row, column))
        question: dict[str, Any] = {
            "key": cells.get(("name", None), ""),
            "text": self.reader.texts(cells, "label"),
            "help": self.reader.texts(cells, "hint"),
            "prompt": self.reader.texts(cells, "guidance_hint"),
        }
        required = cells.get(("required", None), "")
        if required and not _yes(required) and required.lower() not in ("no", "false", "false()"):
            self.problems.at(("survey", row, "required"), f"expected yes or no, got “{required}”")
        question["required"] = _yes(required)
        if not self.question_kind(question, kind, row, cells, path):
            return
        question.update(self.extras(row, cells, QUESTION_EXTRAS))
        condition = self.condition(row, cells)
        if condition is not None:
            question["show_if"] = condition
        if question["kind"] == "instruction":
            question["required"] = False
        kept = ("key", "kind", "text")  # a missing one is then reported at its column
        section["questions"].append(
            {k: v for k, v in question.items() if k in kept or v not in (None, {})}
        )

    def question_kind(self, question: dict, kind: str, row: int, cells: dict, path: Path) -> bool:
        appearance = cells.get(("appearance", None), "").lower()
        constraint = cells.get(("constraint", None), "")
        base, _sep, rest = kind.partition(" ")
        list_name, _sep, suffix = rest.strip().partition(" ")
        if self.block is not None:
            if base != "select_one" or suffix:
                self.problems.at(
                    ("survey", row, "type"),
                    "a group inside a section is a Likert block: its rows are select_one "
                    "questions of one choice list",
                )
                return False
            if self.block["list"] not in (None, list_name):
                self.problems.at(
                    ("survey", row, "type"),
                    f"every row of the Likert block “{self.block['key']}” uses the list "
                    f"“{self.block['list']}”",
                )
                return False
        simple = {"text": "short_text", "integer": "number", "decimal": "number",
                  "date": "date", "note": "instruction", "file": "file"}  # fmt: skip
        if base in simple:
            question["kind"] = simple[base]
            if base == "text" and "multiline" in appearance:
                question["kind"] = "long_text"
            if base == "text" and constraint and "@" in constraint and "regex(" in constraint:
                question["kind"], constraint = "email", ""
            if base in ("integer", "decimal") and constraint:
                bounds = _bounds(constraint)
                if bounds is None:
                    self.problems.at(
                        ("survey", row, "constraint"),
                        f"the constraint “{constraint}” is not a minimum and maximum "
                        "(write . >= 1 and . <= 10)",
                    )
                    return False
                question.update(bounds)
                constraint = ""
        elif base in ("select_one", "select_multiple") and list_name:
            if list_name not in self.lists:
                self.problems.at(
                    ("survey", row, "type"), f"no list “{list_name}” in the choices sheet"
                )
                return False
            if self.block is not None:
                question.update(kind="likert", scale=list_name, block=self.block["key"])
                self.block["list"] = list_name
                self.scale(list_name)
                return True
            question["kind"] = "single_choice" if base == "select_one" else "multiple_choice"
            question["choices"] = self.choices(list_name, (*path, "choices"))
            if suffix == "or_other":
                label = {code: "Other" for code in self.reader.languages or {"en"}}
                question["choices"].append({"code": "other", "label": label, "other": True})
            elif suffix:
                self.problems.at(("survey", row, "type"), f"cannot read “{suffix}” in the type")
                return False
        else:
            self.problems.at(
                ("survey", row, "type"),
                f"the type “{kind}” has no counterpart; expected text, integer, decimal, date, "
                "select_one, select_multiple, note, begin group or end group",
            )
            return False
        if constraint:
            self.problems.at(
                ("survey", row, "constraint"),
                f"the constraint “{constraint}” has no counterpart for this type",
            )
            return False
        return True

    def condition(self, row: int, cells: dict) -> dict | None:
        try:
            return relevant_to_condition(cells.get(("relevant", None), ""))
        except RelevantError as exc:
            self.problems.at(
                ("survey", row, "relevant"),
                f"cannot be read as a condition: {exc}; what can be: {SUPPORTED}",
            )
            return None

    def extras(self, row: int, cells: dict, allowed: tuple[str, ...]) -> dict:
        text = cells.get(("consulta", None))
        if not text:
            return {}
        value = self.reader.json_cell(text, ("survey", row, "consulta"))
        if not isinstance(value, dict) or set(value) - set(allowed):
            self.problems.at(
                ("survey", row, "consulta"),
                "expected a JSON object with some of: " + ", ".join(allowed),
            )
            return {}
        return value

    # --- the whole --------------------------------------------------------------------------

    def document(self) -> dict:
        self.read_choices()
        self.read_survey()
        settings_rows = self.sheets["settings"].rows if "settings" in self.sheets else []
        row, top = settings_rows[0] if settings_rows else (2, {})
        self.problems.place(("key",), ("settings", row, "form_id"))
        self.problems.place(("title",), ("settings", row, "form_title"))
        self.problems.place(("languages",), ("survey", 1, None))
        languages = sorted(self.reader.languages | {self.reader.default})
        order = list(language_names())
        languages.sort(key=lambda c: order.index(c) if c in order else len(order))
        if "en" not in languages:
            self.problems.at(
                ("survey", 1, None),
                "the form has no English texts: add label::English (en) columns (an instrument "
                "is in English, and in other languages beside it)",
            )
        title = top.get(("form_title", None), "")
        document: dict[str, Any] = {
            "consulta_instrument": FORMAT_VERSION,
            "key": top.get(("form_id", None)),
            "kind": "questionnaire",
            "languages": languages,
            "title": {code: title for code in languages} if title else None,
        }
        for crow, cells in self.sheets["consulta"].rows if "consulta" in self.sheets else ():
            field = cells.get(("field", None), "")
            where: Location = ("consulta", crow, "value")
            if field not in TOP_EXTRAS:
                self.problems.at(
                    ("consulta", crow, "field"), f"expected one of: {', '.join(TOP_EXTRAS)}"
                )
                continue
            self.problems.place((field,), where)
            document[field] = self.reader.json_cell(cells.get(("value", None), "null"), where)
        names = document.pop("scales", None) or {}
        if not isinstance(names, dict):
            names = {}
        document["scales"] = [
            {**scale, "name": names.get(key)} for key, scale in self.scales.items()
        ]
        if not document["key"]:
            self.problems.at(
                ("settings", row, "form_id"), "“form_id” is required: it is the instrument's key"
            )
        document["sections"] = self.sections
        return {k: v for k, v in document.items() if v is not None}


def _type(text: str) -> str:
    """The type with its keyword lower-cased (a list name keeps its case); begin_group and
    begin group alike."""
    base, _sep, rest = re.sub(r"\s+", " ", text).strip().partition(" ")
    base = base.lower()
    if base in ("begin", "end"):
        return f"{base} {rest.lower()}"
    if base in ("begin_group", "begin_repeat", "end_group", "end_repeat"):
        return base.replace("_", " ")
    return f"{base} {rest}" if rest else base


def _yes(value: str) -> bool:
    return value.strip().lower() in ("yes", "true", "true()", "1")


def _bounds(constraint: str) -> dict | None:
    """{min, max} of `. >= a and . <= b` (either alone too); None when it is anything else."""
    number = r"(-?\d+(?:\.\d+)?)"
    bounds: dict[str, int | float] = {}
    for part in re.split(r"\s+and\s+", constraint.strip()):
        match = re.fullmatch(rf"\.\s*(>=|<=)\s*{number}", part.strip())
        if match is None:
            return None
        name = "min" if match[1] == ">=" else "max"
        if name in bounds:
            return None
        bounds[name] = float(match[2]) if "." in match[2] else int(match[2])
    return bounds
