"""Reading tables that people keep in spreadsheets: CSV (any usual encoding and delimiter) or
XLSX, as a header row and data rows numbered as the spreadsheet shows them (header = row 1).
Writing them safely: text that a spreadsheet would run as a formula, control characters, text
past Excel's cell limit and impossible sheet names (`safe_text`, `safe_sheet_name`).

Every importer reads through `read_table`; an unreadable file raises a ValidationProblem that
says what is wrong, never a stack trace. What a file may hold (its size, an XLSX's size
unpacked, its cells, rows and the characters of a cell) is in `common.upload_limits`."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import IO, Any

from defusedxml import DefusedXmlException
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from common.errors import ValidationProblem
from common.names import normalise_text
from common.upload_limits import (
    Limits,
    limits,
    not_plain_problem,
    problem,
    too_large_message,
    xlsx_check,
)

MAX_COLUMNS = 200
CSV_EXTENSIONS = (".csv", ".tsv", ".txt")
XLSX_EXTENSIONS = (".xlsx", ".xlsm")
DELIMITERS = ",;\t"
# Text starting with one of these is a formula (or becomes one) when a spreadsheet opens it.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CELL_MAX_CHARS = 32_767  # Excel's limit for the text of one cell
SHEET_NAME_MAX = 31
# C0 controls but tab and newline, DEL and C1 controls, lone surrogates (no UTF-8 for them),
# and the two non-characters XML refuses.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_SHEET_NAME_RE = re.compile(r"[\[\]:*?/\\\x00-\x1f\x7f]")


@dataclass(frozen=True)
class TableRow:
    """One data row: its number in the spreadsheet and its cells as text, one per header."""

    number: int
    values: list[str]


@dataclass
class Table:
    headers: list[str]
    rows: list[TableRow]
    sheet: str = ""
    sheets: list[str] = field(default_factory=list)

    def column(self, index: int) -> Iterator[str]:
        return (row.values[index] for row in self.rows)


def header_signature(headers: Sequence[str], *, kind: str) -> str:
    """A key for a file layout: its normalised headers in order (case, accents, punctuation
    ignored), prefixed by what the file holds so two importers never share a layout."""
    text = "\n".join([kind, *(normalise_text(h) for h in headers)])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def read_table(
    file: IO[bytes] | bytes, filename: str, sheet: str | None = None, *, header: bool = True
) -> Table:
    """The header row and data rows of a CSV or XLSX file (the first sheet, or `sheet`);
    `header=False`: every row is a data row (see read_lines)."""
    found = limits()
    data = file if isinstance(file, bytes) else _read_limited(file, found.max_bytes)
    if len(data) > found.max_bytes:
        raise problem(too_large_message(found.max_bytes))
    if not data.strip():
        raise problem(_("The file is empty."))
    name = (filename or "").lower()
    if name.endswith(".xls"):
        raise problem(_("Old Excel files (.xls) cannot be read. Save it as .xlsx or .csv."))
    is_zip = data[:4] == b"PK\x03\x04"
    if name.endswith(XLSX_EXTENSIONS) or (is_zip and not name.endswith(CSV_EXTENSIONS)):
        xlsx_check(data)  # a zip bomb or XML entities are refused before openpyxl parses
        return _xlsx_table(data, sheet, header=header)
    if is_zip or _looks_binary(data):
        if name.endswith(CSV_EXTENSIONS):
            raise problem(_("“%(name)s” is not a CSV file.") % {"name": filename})
        raise problem(_("Only CSV and XLSX files can be read."))
    if not name.endswith(CSV_EXTENSIONS) and "." in name.rsplit("/", 1)[-1]:
        raise problem(
            _("Only CSV and XLSX files can be read, not “%(name)s”.") % {"name": filename}
        )
    return _csv_table(data, header=header)


def read_lines(file: IO[bytes] | bytes, filename: str, sheet: str | None = None) -> Table:
    """A one-column list (a report's annex printed without a table): every non-blank row is a
    line, the first one too. A plain text file gives its lines as they are; a CSV or XLSX row
    spread over several cells ("A. Person" | "UNDP") is joined with ", ". The lines come back
    as the rows of a Table with one column, numbered as the file shows them."""
    found = limits()
    data = file if isinstance(file, bytes) else _read_limited(file, found.max_bytes)
    name = (filename or "").lower()
    if name.endswith(".txt") and len(data) <= found.max_bytes and not _looks_binary(data):
        rows: Iterator[tuple[int, Sequence[Any]]] = (
            (number, [line]) for number, line in enumerate(decode(data).splitlines(), start=1)
        )
        if not data.strip():
            raise problem(_("The file is empty."))
        return _lines_table(_table(rows, header=False))
    return _lines_table(read_table(data, filename, sheet, header=False))


def _lines_table(table: Table) -> Table:
    for row in table.rows:
        row.values[:] = [", ".join(v for v in row.values if v)]
    table.headers = [_("Line")]
    return table


def _read_limited(file: IO[bytes], max_bytes: int) -> bytes:
    if hasattr(file, "seek"):
        file.seek(0)
    return file.read(max_bytes + 1)  # one byte over the limit tells "too large"


def _looks_binary(data: bytes) -> bool:
    sample = data[:4096]
    return b"\x00" in sample and not sample.startswith((b"\xff\xfe", b"\xfe\xff"))


# --- CSV -----------------------------------------------------------------------------------


def decode(data: bytes) -> str:
    """Text of a CSV file: UTF-8 (with or without BOM), UTF-16 with a BOM, else Windows-1252,
    else Latin-1 (which never fails)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def sniff_delimiter(text: str) -> str:
    """Comma, semicolon or tab: csv.Sniffer's guess when the header line contains it, else the
    one the header line has most of."""
    sample = text[: 64 * 1024]
    first_line = next(iter(sample.splitlines()), "")
    try:
        guess = csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        guess = ""
    if guess and guess in first_line:
        return guess
    counts = {d: first_line.count(d) for d in DELIMITERS}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _csv_table(data: bytes, *, header: bool = True) -> Table:
    text = decode(data)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(text))

    def numbered() -> Iterator[tuple[int, list[Any]]]:
        number = 0
        try:
            for cells in reader:
                # A quoted cell may span lines; the spreadsheet shows it as one row.
                number += 1
                yield number, cells
        except csv.Error as exc:
            if "field larger than field limit" in str(exc):
                raise problem(
                    _("Line %(line)s: a cell holds more than %(csv)s characters; the most "
                      "accepted is %(limit)s.")
                    % {"line": reader.line_num, "csv": f"{csv.field_size_limit():,}",
                       "limit": f"{limits().max_cell_characters:,}"}
                ) from exc  # fmt: skip
            raise problem(
                _("The CSV file could not be read near line %(line)s: %(error)s")
                % {"line": reader.line_num, "error": exc}
            ) from exc

    return _table(numbered(), header=header)


# --- XLSX ----------------------------------------------------------------------------------


def _xlsx_table(data: bytes, sheet: str | None, *, header: bool = True) -> Table:
    try:
        # data_only: a formula cell gives the value Excel last computed, never the formula.
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # zipfile, XML and openpyxl's own errors for damaged files
        if _refused_entities(exc):
            raise not_plain_problem() from exc
        raise problem(_("The file could not be read as an Excel workbook (.xlsx).")) from exc
    try:
        sheets = list(book.sheetnames)
        if sheet and sheet not in sheets:
            raise ValidationProblem(
                _("The workbook has no sheet “%(sheet)s”. Its sheets: %(sheets)s.")
                % {"sheet": sheet, "sheets": ", ".join(sheets)},
                errors={"sheet": [_("No such sheet.")]},
            )
        worksheet = book[sheet] if sheet else book.worksheets[0]
        rows = enumerate(worksheet.iter_rows(values_only=True), start=1)
        try:  # read-only sheets are parsed while iterating: damage shows up here
            table = _table(rows, header=header)
        except ValidationProblem:
            raise
        except Exception as exc:
            if _refused_entities(exc):
                raise not_plain_problem() from exc
            raise problem(
                _("The sheet “%(sheet)s” is damaged and could not be read.")
                % {"sheet": worksheet.title}
            ) from exc
        table.sheet, table.sheets = worksheet.title, sheets
        return table
    finally:
        book.close()


def _refused_entities(exc: BaseException | None) -> bool:
    """Whether defusedxml refused the XML (openpyxl wraps its errors in a ValueError)."""
    while exc is not None:
        if isinstance(exc, DefusedXmlException):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def cell_text(value: Any) -> str:
    """A cell as the text a person sees: dates as ISO dates, whole numbers without '.0',
    runs of spaces as one, letters in their composed Unicode form."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    text = unicodedata.normalize("NFC", str(value)).replace("\x00", "").replace("\r\n", "\n")
    return "\n".join(" ".join(line.split()) for line in text.strip().split("\n"))


# --- both ----------------------------------------------------------------------------------


def _table(rows: Iterator[tuple[int, Sequence[Any]]], *, header: bool = True) -> Table:
    """Header (the first row with any text: blank rows above it are skipped) and data rows;
    without `header`, every row with text is a data row."""
    found = limits()
    headers: list[str] | None = None if header else []
    kept: list[TableRow] = []
    cells_read = 0
    for number, cells in rows:
        # A sheet may claim a million empty rows of 16,384 cells: they count too.
        cells_read += max(len(cells), 1)
        if cells_read > found.max_cells:
            raise problem(
                _("The sheet has more than %(limit)s cells (empty ones included); the most "
                  "accepted is %(limit)s. Delete the empty rows and columns, or split the file.")
                % {"limit": f"{found.max_cells:,}"}
            )  # fmt: skip
        _check_cells(number, cells, found)
        values = [cell_text(c) for c in cells]
        if not any(values):
            continue
        if headers is None:
            headers = values
            continue
        if len(kept) >= found.max_rows:
            raise problem(
                _("The file has more than %(limit)s rows. Split it into smaller files.")
                % {"limit": f"{found.max_rows:,}"}
            )
        kept.append(TableRow(number=number, values=values))
    if headers is None:
        raise problem(_("The file is empty: it has no header row."))
    if not kept and not header:
        raise problem(_("The file is empty."))
    if not kept:
        raise problem(_("The file has a header row but no data rows."))
    # Trailing columns with neither header nor data are dropped; a column with data but no
    # header is named after its letter, so a message can point at it.
    used = max(
        [i + 1 for i, h in enumerate(headers) if h]
        + [i + 1 for row in kept for i, v in enumerate(row.values) if v]
    )
    if used > MAX_COLUMNS:
        raise problem(_("The file has more than %(limit)s columns.") % {"limit": MAX_COLUMNS})
    headers = [
        (headers[i] if i < len(headers) else "") or _("Column %(letter)s") % {"letter": letter(i)}
        for i in range(used)
    ]
    for row in kept:
        row.values[:] = (row.values + [""] * used)[:used]
    return Table(headers=headers, rows=kept)


def _check_cells(number: int, cells: Sequence[Any], found: Limits) -> None:
    for index, cell in enumerate(cells):
        if isinstance(cell, str) and len(cell) > found.max_cell_characters:
            raise problem(
                _("Row %(row)s, column %(letter)s: the cell holds %(count)s characters; the "
                  "most accepted is %(limit)s.")
                % {"row": number, "letter": letter(index), "count": f"{len(cell):,}",
                   "limit": f"{found.max_cell_characters:,}"}
            )  # fmt: skip


def letter(index: int) -> str:
    """The spreadsheet letter of a 0-based column index: 0 -> A, 27 -> AB."""
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


# --- writing -------------------------------------------------------------------------------


def safe_cell(value: object) -> object:
    """For CSV: text that a spreadsheet would take for a formula is kept as text (a leading
    quote); other values as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_text(value: str) -> str:
    """Text a cell can hold as it is: line breaks as "\\n", other control characters replaced by
    U+FFFD, and text past Excel's 32,767 characters cut, with a visible marker saying so."""
    text = value.replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL_RE.sub("\ufffd", text)
    if len(text) <= CELL_MAX_CHARS:
        return text
    marker = " " + _("… [cut: %(count)s characters]") % {"count": f"{len(text):,}"}
    return text[: CELL_MAX_CHARS - len(marker)] + marker


def safe_sheet_name(name: str, taken: set[str] | None = None) -> str:
    """A sheet name Excel accepts: no []:*?/\\ nor control characters, no quote at either end,
    at most 31 characters, never empty, and (case-insensitively) not one of `taken`, by a
    suffix " (2)", " (3)" …. The name returned is added to `taken`."""
    base = " ".join(_SHEET_NAME_RE.sub(" ", name).split()).strip("'").strip()
    base = base[:SHEET_NAME_MAX].strip() or _("Sheet")
    used = {t.casefold() for t in taken} if taken else set()
    candidate, number = base, 1
    # "History" is reserved by Excel for its own use.
    while candidate.casefold() in used or candidate.casefold() == "history":
        number += 1
        suffix = f" ({number})"
        candidate = base[: SHEET_NAME_MAX - len(suffix)].rstrip() + suffix
    if taken is not None:
        taken.add(candidate)
    return candidate
