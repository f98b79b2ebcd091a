"""Streaming the rows of a worksheet straight into an .xlsx file, for sheets of millions of cells.

XlsxWriter (common.xlsx) writes every sheet with its formats, widths and frozen panes, the big
ones as placeholders (their header row only). When it has closed, `splice` copies its file into
the target and, in place of each placeholder's rows, writes the rows streamed from an iterator
(`RowsXml`): inline strings, numbers and dates as Excel serials at full precision, each text
made safe by common.spreadsheets.safe_text like every other cell. Memory stays flat, ZIP64 is
on, and the deflate level is 1: the XML of a raw export is repetitive, so level 1 keeps most of
the gain at a fraction of the time.

Measured in bench/exports.py against XlsxWriter's own constant-memory writer (see README,
Benchmarks): several times faster, and the file is about half the size (no shared strings)."""

from __future__ import annotations

import datetime as dt
import math
import queue
import re
import threading
import zipfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import IO, Protocol

from django.utils import timezone

from common.spreadsheets import CELL_MAX_CHARS, safe_text

COMPRESS_LEVEL = 1
FLUSH_CHARS = 1 << 18  # characters of XML gathered before they go to the compressor
# Text written as is only when it holds none of these: XML's specials, carriage returns and the
# characters safe_text replaces (the same set as common.spreadsheets' control characters).
_SPECIAL = re.compile(r"[&<>\r\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_DIMENSION = re.compile(rb"<dimension ref=\"[^\"]*\"/>")
_EPOCH = dt.datetime(1899, 12, 31)
_DAY = dt.timedelta(days=1)

Stream = Callable[["RowsXml"], None]


class Writable(Protocol):
    def write(self, data: bytes, /) -> object: ...


def column_letters(count: int) -> list[str]:
    """A, B, … Z, AA, AB … for the first `count` columns."""
    letters = []
    for index in range(count):
        name, n = "", index + 1
        while n:
            n, rest = divmod(n - 1, 26)
            name = chr(65 + rest) + name
        letters.append(name)
    return letters


def excel_serial(value: dt.datetime) -> float:
    """Days since Excel's epoch, with Excel's (and XlsxWriter's) 29 February 1900."""
    serial = (value - _EPOCH) / _DAY
    return serial + 1 if serial > 59 else serial


def _text(value: str) -> str:
    if len(value) > CELL_MAX_CHARS or _SPECIAL.search(value):
        value = safe_text(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return value


class RowsXml:
    """Rows of one sheet's <sheetData>, written as XML into a binary stream."""

    def __init__(
        self, out: Writable, *, first_row: int, date_style: int, datetime_style: int
    ) -> None:
        self.out, self.row = out, first_row
        self.date_style, self.datetime_style = date_style, datetime_style
        self._letters: list[str] = []
        self._parts: list[str] = []
        self._size = 0

    def write(self, rows: Iterable[Sequence[object]], limit: int | None = None) -> int:
        """Write rows (at most `limit`), one cell per value by its type: None and "" leave the
        cell empty. Returns the number of rows written."""
        written = 0
        for values in rows:
            self.line(values)
            written += 1
            if limit is not None and written >= limit:
                break
        return written

    def line(self, values: Sequence[object]) -> None:
        letters = self._letters
        if len(values) > len(letters):
            letters = self._letters = column_letters(len(values))
        row = str(self.row)
        special, other = _SPECIAL.search, self._other
        cells = [
            (
                f'<c r="{letter}{row}"><v>{value}</v></c>'
                if value.__class__ is int
                else (
                    (
                        f'<c r="{letter}{row}" t="inlineStr"><is><t>{value}</t></is></c>'
                        if value[0] > " " < value[-1]
                        and len(value) <= CELL_MAX_CHARS
                        and not special(value)
                        else other(letter + row, value)
                    )
                    if value
                    else ""
                )
                if value.__class__ is str
                else other(letter + row, value)
            )
            for letter, value in zip(letters, values, strict=False)
            if value is not None
        ]
        text = f'<row r="{row}">{"".join(cells)}</row>'
        self._parts.append(text)
        self._size += len(text)
        self.row += 1
        if self._size >= FLUSH_CHARS:
            self.flush()

    def _other(self, ref: str, value: object) -> str:
        if isinstance(value, str):  # spaces at either end kept (Excel drops them otherwise)
            text = _text(value)
            return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'
        if isinstance(value, bool):
            return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
        if isinstance(value, float | Decimal):
            if math.isfinite(value):
                return (
                    f'<c r="{ref}"><v>{value!r}</v></c>'
                    if isinstance(value, float)
                    else (f'<c r="{ref}"><v>{value}</v></c>')
                )
            return f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>'
        if isinstance(value, dt.datetime):
            if timezone.is_aware(value):
                value = timezone.localtime(value).replace(tzinfo=None)
            return f'<c r="{ref}" s="{self.datetime_style}"><v>{excel_serial(value)!r}</v></c>'
        if isinstance(value, dt.date):
            serial = excel_serial(dt.datetime.combine(value, dt.time()))
            return f'<c r="{ref}" s="{self.date_style}"><v>{serial:.0f}</v></c>'
        text = _text(str(value))
        return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'

    def flush(self) -> None:
        if self._parts:
            self.out.write("".join(self._parts).encode("utf-8", "surrogatepass"))
            self._parts, self._size = [], 0


def splice(
    source: str | Path,
    target: str | Path | IO[bytes],
    streams: Mapping[str, Stream],
    *,
    first_row: int,
    date_style: int,
    datetime_style: int,
) -> None:
    """Copy the workbook `source` into `target`, writing into each placeholder sheet named in
    `streams` (its entry, e.g. "xl/worksheets/sheet5.xml") the rows its stream writes, from row
    `first_row` on, in place of the placeholder's own rows from that row on."""
    with (
        zipfile.ZipFile(source) as book,
        zipfile.ZipFile(
            target, "w", zipfile.ZIP_DEFLATED, compresslevel=COMPRESS_LEVEL, allowZip64=True
        ) as out,
    ):
        for info in book.infolist():
            data = book.read(info)
            stream = streams.get(info.filename)
            if stream is None:
                out.writestr(_info(info), data)
                continue
            head, tail = _cut(data, first_row)
            with out.open(_info(info), "w", force_zip64=True) as entry, _Behind(entry) as behind:
                behind.write(head)
                rows = RowsXml(
                    behind,
                    first_row=first_row,
                    date_style=date_style,
                    datetime_style=datetime_style,
                )
                stream(rows)
                rows.flush()
                behind.write(tail)


class _Behind:
    """Writes into `out` from a second thread: zlib and the file work without the GIL, so the
    compression runs beside the Python that makes the XML. At most QUEUED chunks wait."""

    QUEUED = 8

    def __init__(self, out: IO[bytes]) -> None:
        self.out = out
        self.chunks: queue.Queue[bytes | None] = queue.Queue(self.QUEUED)
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="xlsx-deflate", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while (chunk := self.chunks.get()) is not None:
            if self.error is None:
                try:
                    self.out.write(chunk)
                except BaseException as error:  # raised again in the writing thread
                    self.error = error

    def write(self, chunk: bytes) -> None:
        if self.error is not None:
            raise self.error
        self.chunks.put(chunk)

    def __enter__(self) -> _Behind:
        return self

    def __exit__(self, *exc: object) -> None:
        self.chunks.put(None)
        self.thread.join()
        if self.error is not None and exc[0] is None:
            raise self.error


def _info(info: zipfile.ZipInfo) -> zipfile.ZipInfo:
    copy = zipfile.ZipInfo(info.filename, date_time=info.date_time)
    copy.compress_type = zipfile.ZIP_DEFLATED
    copy.external_attr = info.external_attr
    return copy


def _cut(xml: bytes, first_row: int) -> tuple[bytes, bytes]:
    """The placeholder's XML before its row `first_row` (without its dimension, which the
    streamed rows make wrong; it is optional), and from the end of its rows on."""
    xml = _DIMENSION.sub(b"", xml, count=1).replace(b"<sheetData/>", b"<sheetData></sheetData>", 1)
    end = xml.index(b"</sheetData>")
    start = xml.find(f'<row r="{first_row}"'.encode(), 0, end)
    return xml[: end if start < 0 else start], xml[end:]
