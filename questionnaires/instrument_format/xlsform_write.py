"""Writing an instrument version as an XLSForm workbook (read back by xlsform.xlsform_read).

Sections are groups; a Likert block is a group (appearance field-list) inside its section whose
items are `select_one SCALE` rows with appearance `likert`, all on the scale's one choice list.
Kinds XLSForm lacks are written as text with an appearance (long_text: multiline) or a
constraint (email: a regex), which the reader recognises.
"""

from __future__ import annotations

import io
import json
from typing import Any

from common.xlsx import Book
from questionnaires.instrument_format.dumper import instrument_document
from questionnaires.instrument_format.xlsform_relevant import condition_to_relevant
from questionnaires.instrument_format.xlsform_sheets import (
    EMAIL_CONSTRAINT,
    QUESTION_EXTRAS,
    TOP_EXTRAS,
    language_header,
)

TYPES = {
    "short_text": "text",
    "long_text": "text",
    "email": "text",
    "number": "decimal",
    "date": "date",
    "instruction": "note",
    "file": "file",
}
TRANSLATED = ("label", "hint", "guidance_hint")


def _number(value: int | float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _constraint(q: dict) -> str:
    if q["kind"] == "email":
        return EMAIL_CONSTRAINT
    parts = []
    if q["min"] is not None:
        parts.append(f". >= {_number(q['min'])}")
    if q["max"] is not None:
        parts.append(f". <= {_number(q['max'])}")
    return " and ".join(parts)


class _Writer:
    def __init__(self, spec: dict):
        self.spec = spec
        self.languages: list[str] = spec["languages"]
        self.document = instrument_document(spec)
        self.survey: list[dict[str, Any]] = []
        self.choices: list[dict[str, Any]] = []
        self.list_names: set[str] = {s["key"] for s in spec["scales"]}

    def texts(self, row: dict, field: str, value: dict[str, str]) -> None:
        for code in self.languages:
            if value.get(code):
                row[(field, code)] = value[code]

    def question_row(self, q: dict, document: dict) -> dict:
        row: dict[Any, Any] = {"name": q["key"]}
        self.texts(row, "label", q["text"])
        self.texts(row, "hint", q["help"])
        self.texts(row, "guidance_hint", q["prompt"])
        if q["required"]:
            row["required"] = "yes"
        if q.get("show_if"):
            row["relevant"] = condition_to_relevant(q["show_if"])
        extras = {k: document[k] for k in QUESTION_EXTRAS if k in document}
        if extras:
            row["consulta"] = json.dumps(extras, ensure_ascii=False, sort_keys=True)
        if q["kind"] == "likert":
            row.update(type=f"select_one {q['scale']}", appearance="likert")
        elif q["kind"] in ("single_choice", "multiple_choice"):
            name = q["key"] if q["key"] not in self.list_names else f"{q['key']}_choices"
            self.list_names.add(name)
            select = "select_one" if q["kind"] == "single_choice" else "select_multiple"
            row["type"] = f"{select} {name}"
            for c in q["choices"]:
                choice: dict[Any, Any] = {"list_name": name, "name": c["code"]}
                self.texts(choice, "label", c["label"])
                if c["other"]:
                    choice["other"] = "yes"
                self.choices.append(choice)
        else:
            row["type"] = TYPES[q["kind"]]
            if q["kind"] == "long_text":
                row["appearance"] = "multiline"
            if constraint := _constraint(q):
                row["constraint"] = constraint
        return row

    def section_rows(self, s: dict, document: dict) -> None:
        begin: dict[Any, Any] = {"type": "begin group", "name": s["key"]}
        self.texts(begin, "label", s["title"])
        self.texts(begin, "hint", s["introduction"])
        if s["label"]:
            begin["consulta"] = json.dumps({"label": s["label"]}, ensure_ascii=False)
        if s.get("show_if"):
            begin["relevant"] = condition_to_relevant(s["show_if"])
        self.survey.append(begin)
        block = None
        for q, qdoc in zip(s["questions"], document.get("questions", []), strict=True):
            if q["block"] != block:
                if block is not None:
                    self.survey.append({"type": "end group"})
                if q["block"]:
                    self.survey.append(
                        {"type": "begin group", "name": q["block"], "appearance": "field-list"}
                    )
                block = q["block"]
            self.survey.append(self.question_row(q, qdoc))
        if block is not None:
            self.survey.append({"type": "end group"})
        self.survey.append({"type": "end group"})

    def rows(self) -> None:
        for scale in self.spec["scales"]:
            for point in scale["points"]:
                choice: dict[Any, Any] = {"list_name": scale["key"], "name": str(point["code"])}
                self.texts(choice, "label", point["label"])
                self.choices.append(choice)
            for point in scale["outside"]:
                choice = {"list_name": scale["key"], "name": point["code"], "outside": "yes"}
                self.texts(choice, "label", point["label"])
                self.choices.append(choice)
        for s, sdoc in zip(self.spec["sections"], self.document["sections"], strict=True):
            self.section_rows(s, sdoc)

    def columns(self, rows: list[dict], first: list[str], last: list[str]) -> list[Any]:
        present = {column for row in rows for column in row}
        columns: list[Any] = [c for c in first if c in present or c in ("type", "list_name")]
        for field in TRANSLATED:
            if any(isinstance(c, tuple) and c[0] == field for c in present):
                columns += [(field, code) for code in self.languages]
        return columns + [c for c in last if c in present]

    def workbook(self, version: int | None) -> bytes:
        self.rows()
        survey_columns = self.columns(
            self.survey,
            ["type", "name"],
            ["required", "relevant", "constraint", "appearance", "consulta"],
        )
        choice_columns = self.columns(self.choices, ["list_name", "name"], ["other", "outside"])
        document = dict(self.document)
        names = {s["key"]: s["name"] for s in self.document.get("scales", []) if "name" in s}
        document["scales"] = names or None
        if set(self.spec["title"]) == {"en"}:
            document.pop("title", None)  # the settings' form_title says it all
        extras = [
            [field, json.dumps(document[field], ensure_ascii=False)]
            for field in TOP_EXTRAS
            if document.get(field) not in (None, {}, "")
        ]
        out = io.BytesIO()
        with Book.open(out) as book:
            for title, rows, columns in (
                ("survey", self.survey, survey_columns),
                ("choices", self.choices, choice_columns),
            ):
                sheet = book.sheet(title, [16, 18] + [40] * (len(columns) - 2), freeze=1)
                sheet.line([self.header(c) for c in columns], style="header")
                for row in rows:
                    sheet.line([row.get(c) for c in columns])
            sheet = book.sheet("settings", [30, 30, 10, 18], freeze=1)
            sheet.line(["form_title", "form_id", "version", "default_language"], style="header")
            sheet.line(
                [self.spec["title"]["en"], self.spec["key"], str(version or 1),
                 language_header("en")]
            )  # fmt: skip
            sheet = book.sheet("consulta", [18, 80], freeze=1)
            sheet.line(["field", "value"], style="header")
            for line in extras:
                sheet.line(line)
        return out.getvalue()

    def header(self, column: Any) -> str:
        if isinstance(column, tuple):
            return f"{column[0]}::{language_header(column[1])}"
        return column


def xlsform_write(spec: dict, *, version: int | None = None) -> bytes:
    """The spec as an XLSForm workbook (.xlsx bytes); `version` goes in the settings sheet."""
    return _Writer(spec).workbook(version)
