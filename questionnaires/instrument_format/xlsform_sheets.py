"""XLSForm workbooks read cell by cell: the sheets as rows of {(column, language): text}, the
languages of the headers, and problems reported by sheet, row and column."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from typing import Any

from django.conf import settings
from django.utils import translation

from common.errors import ValidationProblem
from common.upload_limits import xlsx_check
from questionnaires.instrument_format.lines import Path, Problems

XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_ROWS = 5000
MAX_COLUMNS = 200  # columns read; an XLSForm has a few dozen
EMAIL_CONSTRAINT = r"regex(., '^[^@\s]+@[^@\s]+\.[^@\s]+$')"
# Rows ODK fills in by itself: not questions, read past.
METADATA_TYPES = {
    "start", "end", "today", "deviceid", "imei", "subscriberid", "simserial", "phonenumber",
    "username", "email", "audit", "start-geopoint", "background-audio",
}  # fmt: skip
# The `consulta` column (a file question's limits too: XLSForm's `file` type has none).
QUESTION_EXTRAS = ("label", "notes", "applies_to", "details", "accept", "max_size")
TOP_EXTRAS = (
    "kind", "title", "subtitle", "source", "introduction", "closing", "deadline",
    "confidentiality", "attributes", "details", "scales", "consent",
)  # fmt: skip
# Which column holds each field of a question, for the problems the parser finds.
QUESTION_COLUMNS = {
    "key": "name", "kind": "type", "text": "label", "help": "hint", "prompt": "guidance_hint",
    "required": "required", "min": "constraint", "max": "constraint", "scale": "type",
    "choices": "type", "show_if": "relevant", "label": "consulta", "notes": "consulta",
    "applies_to": "consulta", "details": "consulta", "accept": "consulta", "max_size": "consulta",
}  # fmt: skip
TRANSLATED = ("label", "hint", "guidance_hint")  # columns per language, texts kept exact
Location = tuple[str, int, str | None]  # sheet, row, column


def language_names() -> dict[str, str]:
    """Each language code with its English name, as XLSForm headers write it."""
    with translation.override("en"):
        return {code: str(name) for code, name in settings.LANGUAGES}


def language_header(code: str) -> str:
    return f"{language_names().get(code, code)} ({code})"


def location_text(location: Location) -> str:
    sheet, row, column = location
    return f"sheet {sheet}, row {row}" + (f", column {column}" if column else "")


class SheetProblems(Problems):
    """Problems reported by sheet, row and column (the parser's paths are mapped to cells)."""

    def __init__(self) -> None:
        super().__init__({})
        self.locations: dict[Path, Location] = {}
        self.located: list[tuple[Location, str]] = []

    def place(self, path: Path, location: Location) -> None:
        self.locations[path] = location

    def at(self, location: Location, message: str) -> None:
        self.located.append((location, message))

    def add(self, path: Path, message: str) -> None:
        required = re.fullmatch(r"“(\w+)” is required", message)
        if required and required[1] in QUESTION_COLUMNS and len(path) > 1:
            message = f"“{QUESTION_COLUMNS[required[1]]}” is required"
        while path not in self.locations and path:
            path = path[:-1]
        self.at(self.locations.get(path, ("survey", 1, None)), message)

    def raise_if_any(self) -> None:
        if not self.located:
            return
        order = {"settings": 0, "survey": 1, "choices": 2, "consulta": 3}
        items = sorted(
            set(self.located), key=lambda i: (order.get(i[0][0], 9), i[0][1], i[0][2] or "", i[1])
        )
        errors: dict[str, list[str]] = {}
        required = {location for location, message in items if message.endswith("is required")}
        items = [
            (location, message)
            for location, message in items
            if not (message == "a text is required" and location in required)
        ]
        for location, message in items:
            errors.setdefault(location_text(location), []).append(message)
        where, message = location_text(items[0][0]), items[0][1]
        more = f" (and {len(items) - 1} more)" if len(items) > 1 else ""
        raise ValidationProblem(f"{where}: {message}{more}", errors=errors)


def _cell(value: Any, *, exact: bool = False) -> str:
    """A cell as text: stripped, except a label's or hint's text (kept exact when it has any
    other character than white space)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()[:10]
    text = str(value)
    return text if exact and text.strip() else text.strip()


class Sheet:
    """One sheet's rows as {column: text}, with the header parsed into (field, language)."""

    def __init__(self, name: str, worksheet: Any, reader: WorkbookReader):
        self.name = name
        self.rows: list[tuple[int, dict[tuple[str, str | None], str]]] = []
        self.headers: dict[tuple[str, str | None], str] = {}
        rows = worksheet.iter_rows(values_only=True, max_col=MAX_COLUMNS)
        header = [_cell(v) for v in next(rows, ())]
        columns: list[tuple[str, str | None] | None] = []
        for title in header:
            if not title:
                columns.append(None)
                continue
            field, _sep, language = title.partition("::")
            field = re.sub(r"[\s_]+", "_", field.strip().lower())
            code = reader.language(language, (name, 1, title)) if language else None
            columns.append((field, code))
            self.headers[(field, code)] = title
        for number, values in enumerate(rows, start=2):
            if number > MAX_ROWS + 1:
                reader.problems.at((name, number, None), f"more than {MAX_ROWS} rows")
                break
            cells = {
                column: _cell(value, exact=column[0] in TRANSLATED)
                for column, value in zip(columns, values, strict=False)
                if column is not None and _cell(value)
            }
            if cells:
                self.rows.append((number, cells))


class WorkbookReader:
    def __init__(self, data: bytes):
        self.problems = SheetProblems()
        self.names = {name.lower(): code for code, name in language_names().items()}
        self.known = set(language_names())
        self.languages: set[str] = set()
        self.default = "en"
        self.data = data

    def language(self, text: str, location: Location) -> str | None:
        match = re.match(r"^(.*?)\s*\(([^()]+)\)\s*$", text.strip())
        code = (match[2] if match else text).strip().lower()
        code = code if code in self.known else self.names.get(code, code)
        if code not in self.known:
            self.problems.at(
                location,
                f"unknown language “{text.strip()}”; write one of: "
                + ", ".join(language_header(c) for c in language_names()),
            )
            return None
        self.languages.add(code)
        return code

    def texts(self, cells: dict, field: str) -> dict[str, str] | None:
        texts = {
            (language or self.default): value
            for (name, language), value in cells.items()
            if name == field and value
        }
        return texts or None

    def json_cell(self, text: str, location: Location) -> Any:
        try:
            return json.loads(text)
        except ValueError as exc:
            self.problems.at(location, f"not valid JSON ({exc.msg})")
            return None

    def workbook(self) -> dict[str, Sheet]:
        import openpyxl  # imported here: only the XLSForm doors need it

        xlsx_check(self.data)  # sizes, ratios and XML entities, before anything parses it
        try:
            book = openpyxl.load_workbook(io.BytesIO(self.data), read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds for a damaged file
            raise ValidationProblem(
                f"The workbook cannot be read ({type(exc).__name__}).",
                errors={"file": ["not a readable .xlsx workbook"]},
            ) from exc
        sheets = {name.strip().lower(): name for name in book.sheetnames}
        if "survey" not in sheets:
            raise ValidationProblem(
                "The workbook has no “survey” sheet: it is not an XLSForm.",
                errors={"file": ["no “survey” sheet"]},
            )
        # settings first: default_language says which language plain “label” columns are in
        read: dict[str, Sheet] = {}
        if "settings" in sheets:
            read["settings"] = Sheet("settings", book[sheets["settings"]], self)
            row, cells = next(iter(read["settings"].rows), (2, {}))
            if cells.get(("default_language", None)):
                where = ("settings", row, "default_language")
                self.default = self.language(cells[("default_language", None)], where) or "en"
        for name in ("survey", "choices", "consulta"):
            if name in sheets:
                read[name] = Sheet(name, book[sheets[name]], self)
        book.close()
        return read
