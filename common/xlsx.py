"""Writing Excel workbooks: XlsxWriter in constant-memory mode, sheets written top to bottom
(each row goes to disk once the next starts, so memory stays flat at any size), every cell
through `write_cell`: text is never a formula, control characters are replaced and over-long
text is cut with a marker (common.spreadsheets). Every .xlsx the project writes goes through
here; openpyxl is for reading.

    out = io.BytesIO()
    with Book.open(out) as book:
        sheet = book.sheet(_("People"), (40, 36), freeze=1)
        sheet.line([_("Name"), _("Organisation")], style="header")
        for row in rows:
            sheet.line(row)
    data = out.getvalue()
"""

from __future__ import annotations

import datetime as dt
import math
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO, TYPE_CHECKING, Any, Self

import xlsxwriter
from django.utils import timezone
from django.utils.translation import gettext as _

from common.spreadsheets import safe_sheet_name, safe_text
from common.xlsx_stream import RowsXml, splice

if TYPE_CHECKING:
    from pathlib import Path

    from xlsxwriter.format import Format
    from xlsxwriter.worksheet import Worksheet


Progress = Callable[[int, int, str], None]

MAX_SHEET_ROWS = 1_048_576  # Excel's rows per sheet
Streamed = Callable[[int, int], None]  # told (rows written, rows left out) once streamed
PROGRESS_EVERY = 1000  # rows between progress calls within a sheet
FORMATS: dict[str, dict[str, Any]] = {
    "title": {"bold": True, "font_size": 13},
    "bold": {"bold": True},
    "header": {
        "bold": True,
        "text_wrap": True,
        "valign": "top",
        "bg_color": "#E7E6E6",
        "bottom": 1,
    },
    "date": {"num_format": "yyyy-mm-dd"},
    "datetime": {"num_format": "yyyy-mm-dd hh:mm"},
    "wrap": {"text_wrap": True, "valign": "top"},
    "note": {"italic": True, "font_color": "#555555"},
}


@dataclass
class BookStats:
    sheets: list[str] = field(default_factory=list)
    rows: int = 0  # rows written, every sheet


# --- the one safe-cell function ---------------------------------------------------------------


def write_cell(sheet: Worksheet, row: int, col: int, value: object, fmt: Format | None = None):
    """Write one value by its type; text always as text (never a formula), made safe."""
    if value is None or value == "":
        if fmt is not None:
            sheet.write_blank(row, col, None, fmt)
        return
    if isinstance(value, bool):
        sheet.write_boolean(row, col, value, fmt)
    elif isinstance(value, int | float | Decimal):
        number = float(value)
        if math.isfinite(number):
            sheet.write_number(row, col, number, fmt)
        else:
            sheet.write_string(row, col, safe_text(str(value)), fmt)
    elif isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value).replace(tzinfo=None)
        sheet.write_datetime(row, col, value, fmt)
    elif isinstance(value, dt.date):
        sheet.write_datetime(row, col, dt.datetime.combine(value, dt.time()), fmt)
    else:
        sheet.write_string(row, col, safe_text(str(value)), fmt)


# --- writing sheets top to bottom -------------------------------------------------------------


class Book:
    """The workbook being written, its formats, the sheet names taken and the progress."""

    def __init__(
        self,
        target: str | Path | IO[bytes],
        *,
        progress: Progress | None = None,
        total: int = 0,
        formats: Mapping[str, dict[str, Any]] = FORMATS,
        tmpdir: str | Path | None = None,
    ) -> None:
        # The sheets' temporary files, under `tmpdir` when given (a job's own folder, which a
        # sweeper can remove when the process writing it was killed).
        self._tmpdir = tempfile.mkdtemp(prefix="consulta-xlsx-", dir=tmpdir)
        options = {
            "constant_memory": True,
            "tmpdir": self._tmpdir,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        }
        self.workbook = xlsxwriter.Workbook(target, options)
        self.workbook.use_zip64()  # sheets past 4 GiB of XML (the biggest raw exports)
        self.formats = {name: self.workbook.add_format(spec) for name, spec in formats.items()}
        self.taken: set[str] = set()
        self.progress, self.total, self.step_name = progress, total, ""
        self._reported = 0
        self.stats = BookStats()
        self._streams: list[tuple[Worksheet, Callable[[RowsXml], None]]] = []

    @classmethod
    @contextmanager
    def open(
        cls,
        target: str | Path | IO[bytes],
        *,
        progress: Progress | None = None,
        total: int = 0,
        tmpdir: str | Path | None = None,
    ) -> Iterator[Self]:
        """A book to a path or a binary file (io.BytesIO for bytes), closed at the end of the
        block; an exception in the block leaves nothing written to `target`."""
        book = cls(target, progress=progress, total=total, tmpdir=tmpdir)
        try:
            yield book
        except BaseException:
            book.abandon()
            raise
        book.close()

    def sheet(self, name: str, widths: Sequence[float] = (), *, freeze: int = 0) -> Sheet:
        """A new sheet under a name Excel accepts (made unique), columns this wide, the first
        `freeze` rows frozen."""
        worksheet = self.workbook.add_worksheet(safe_sheet_name(name, self.taken))
        for col, width in enumerate(widths):
            worksheet.set_column(col, col, width)
        if freeze:
            worksheet.freeze_panes(freeze, 0)
        self.stats.sheets.append(worksheet.name)
        return Sheet(self, worksheet)

    def streamed_sheets(
        self,
        name: str,
        widths: Sequence[float],
        *,
        header: Sequence[object],
        rows: Iterable[Sequence[object]],
        parts: int = 1,
        step: str = "",
        streamed: Streamed | None = None,
    ) -> None:
        """`parts` sheets named after `name`, each with `header` frozen on top and up to Excel's
        row limit of `rows`, which are read only when the book is closed, and streamed into the
        file (common.xlsx_stream) rather than through XlsxWriter: for millions of cells. Rows
        past the last part's room (more than were counted to size them) are left out and
        told to `streamed`."""
        rows = iter(rows)
        room = MAX_SHEET_ROWS - 1
        written = [0]
        for part in range(parts):
            sheet = self.sheet(name, widths, freeze=1)
            sheet.line(header, style="header")
            # The date formats used on the rows, so the book holds them: a placeholder row,
            # cut with the others when the rows are streamed in.
            sheet.ws.write_datetime(1, 0, dt.datetime(2000, 1, 1), self.formats["date"])
            sheet.ws.write_datetime(1, 1, dt.datetime(2000, 1, 1), self.formats["datetime"])

            def stream(out: RowsXml, last: bool = part == parts - 1) -> None:
                self.step(step or name)
                written[0] += out.write(self._ticking(rows), limit=room)
                if last and streamed is not None:
                    streamed(written[0], sum(1 for _row in rows))

            self._streams.append((sheet.ws, stream))

    def _ticking(self, rows: Iterator[Sequence[object]]) -> Iterator[Sequence[object]]:
        for row in rows:
            yield row
            self.tick()

    def step(self, name: str) -> None:
        self.step_name = name
        self._report()

    @property
    def done(self) -> int:
        """Rows written so far, every sheet."""
        return self.stats.rows

    def tick(self, rows: int = 1) -> None:
        self.stats.rows += rows
        if self.done - self._reported >= PROGRESS_EVERY:
            self._report()

    def _report(self) -> None:
        self._reported = self.done
        if self.progress is not None:
            self.progress(self.done, max(self.total, self.done), self.step_name)

    def close(self) -> BookStats:
        try:
            if self._streams:
                self._close_streamed()
            else:
                self.workbook.close()
        finally:
            shutil.rmtree(self._tmpdir, ignore_errors=True)
        self.total = self.done  # the estimate made way for the count
        self.step_name = _("Done")
        self._report()
        return self.stats

    def _close_streamed(self) -> None:
        """XlsxWriter writes the book with placeholders into the temporary folder; the streamed
        rows then go into the target with the rest copied (into a path: whole or not at all)."""
        target = self.workbook.filename
        self.workbook.filename = os.path.join(self._tmpdir, "placeholders.xlsx")
        self.workbook.close()
        sheets = [ws for ws in self.workbook.worksheets() if not ws.is_chartsheet]
        streams = {f"xl/worksheets/sheet{sheets.index(ws) + 1}.xml": s for ws, s in self._streams}
        styles = {
            "date_style": self.formats["date"]._get_xf_index(),
            "datetime_style": self.formats["datetime"]._get_xf_index(),
        }
        if not isinstance(target, str | os.PathLike):
            splice(self.workbook.filename, target, streams, first_row=2, **styles)
            return
        partial = f"{os.fspath(target)}.part"
        try:
            splice(self.workbook.filename, partial, streams, first_row=2, **styles)
            os.replace(partial, target)
        finally:
            if os.path.exists(partial):
                os.unlink(partial)

    def abandon(self) -> None:
        """Stop without writing the file: close and remove the sheets' temporary files."""
        for worksheet in self.workbook.worksheets():
            handle = getattr(worksheet, "row_data_fh", None)
            if handle is not None and not handle.closed:
                handle.close()
        shutil.rmtree(self._tmpdir, ignore_errors=True)


class Sheet:
    """One worksheet, written row after row (`row` is the next one)."""

    def __init__(self, book: Book, worksheet: Worksheet) -> None:
        self.book, self.ws, self.row = book, worksheet, 0

    def fmt(self, name: str | None) -> Format | None:
        return None if name is None else self.book.formats[name]

    def line(
        self,
        values: Sequence[object],
        formats: Sequence[str | None] = (),
        style: str | None = None,
    ) -> None:
        """One row: each cell in its column's format, else `style`, else by its type."""
        for col, value in enumerate(values):
            name = formats[col] if col < len(formats) and formats[col] else style
            if name is None and isinstance(value, dt.datetime):
                name = "datetime"
            elif name is None and isinstance(value, dt.date):
                name = "date"
            write_cell(self.ws, self.row, col, value, self.fmt(name))
        self.row += 1
        self.book.tick()

    def skip(self, rows: int = 1) -> None:
        self.row += rows

    def table(self, rows: Sequence[Sequence[object]], formats: Sequence[str | None] = ()) -> None:
        """A header row, then the rows in the columns' formats."""
        if not rows:
            return
        self.line(rows[0], style="header")
        for values in rows[1:]:
            self.line(values, formats)
