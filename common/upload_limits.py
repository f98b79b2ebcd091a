"""How much an uploaded spreadsheet may hold (settings SPREADSHEET_*, from the environment),
and the check of an XLSX before openpyxl parses it: a zip bomb (a small file that unpacks to
gigabytes, thousands of parts, one huge cell) or XML with a DTD (XXE, "billion laughs") is
refused with a message that says why, and nothing of it is parsed.

The check reads the zip's directory first — counts and sizes, no unpacking — then unpacks each
XML part in chunks, looking for a DTD and for text longer than a cell may hold. Unpacking
cannot run past the sizes the directory states: Python's zipfile stops a part at its stated
size (and a part that lies about it fails its CRC), so what the directory says is what the
checks limit. openpyxl itself parses through defusedxml, which refuses entities: a second
wall, should a DTD ever pass the first."""

from __future__ import annotations

import io
import zipfile
import zlib
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

from common.errors import ValidationProblem

MB = 1024 * 1024
# Below this a part's compression ratio says nothing (a small, regular part packs tightly).
RATIO_FROM_BYTES = 1 * MB
CHUNK = 1 * MB
# A cell's text in the XML: up to 4 bytes a character in UTF-8, or 6 as an escape (&quot;).
BYTES_PER_CHARACTER = 6
_DTD = (b"<!DOCTYPE", b"<!ENTITY")


@dataclass(frozen=True)
class Limits:
    max_bytes: int
    max_unpacked_bytes: int
    max_part_bytes: int
    max_ratio: int
    max_parts: int
    max_rows: int
    max_cells: int
    max_cell_characters: int


def limits() -> Limits:
    """The limits in force (read at each call, so a test's settings apply)."""
    return Limits(
        max_bytes=settings.SPREADSHEET_MAX_BYTES,
        max_unpacked_bytes=settings.SPREADSHEET_MAX_UNPACKED_BYTES,
        max_part_bytes=settings.SPREADSHEET_MAX_PART_BYTES,
        max_ratio=settings.SPREADSHEET_MAX_RATIO,
        max_parts=settings.SPREADSHEET_MAX_PARTS,
        max_rows=settings.SPREADSHEET_MAX_ROWS,
        max_cells=settings.SPREADSHEET_MAX_CELLS,
        max_cell_characters=settings.SPREADSHEET_MAX_CELL_CHARACTERS,
    )


def size_text(size: int) -> str:
    """1536 -> '1.5 KB', 419430400 -> '400 MB', 1.5 GiB -> '1.5 GB'."""
    for unit, scale in (("GB", 1024 * MB), ("MB", MB), ("KB", 1024)):
        if size >= scale:
            return f"{size / scale:.1f}".removesuffix(".0") + " " + unit
    return f"{size} B"


def too_large_message(size_limit: int) -> str:
    return _("The file is larger than %(limit)s. Split it into smaller files.") % {
        "limit": size_text(size_limit)
    }


def problem(message: str) -> ValidationProblem:
    return ValidationProblem(message, errors={"file": [message]})


def not_plain_problem(part: str = "") -> ValidationProblem:
    if part:
        message = _(
            "The file is not a plain spreadsheet: a part of it (%(part)s) declares XML entities "
            "or a DTD, which spreadsheets do not use. Save it again from Excel or LibreOffice."
        ) % {"part": part}
    else:
        message = _(
            "The file is not a plain spreadsheet: it declares XML entities or a DTD, which "
            "spreadsheets do not use. Save it again from Excel or LibreOffice."
        )
    return problem(message)


def xlsx_check(data: bytes) -> None:
    """Refuse a workbook that unpacks to too much, or holds XML a spreadsheet never holds,
    before anything parses it. A file that is not a zip at all is left to openpyxl's message."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError):
        return
    with archive:
        found = limits()
        infos = archive.infolist()
        _directory_check(infos, found)
        for info in infos:  # by content, not by name: a workbook may name its sheet "x.bin"
            _part_check(archive, info, found)


def _directory_check(infos: list[zipfile.ZipInfo], found: Limits) -> None:
    if len(infos) > found.max_parts:
        raise problem(
            _("The file holds %(count)s parts; the most accepted is %(limit)s.")
            % {"count": f"{len(infos):,}", "limit": f"{found.max_parts:,}"}
        )
    total = sum(info.file_size for info in infos)
    if total > found.max_unpacked_bytes:
        raise problem(
            _("The file expands to %(size)s; the most accepted is %(limit)s.")
            % {"size": size_text(total), "limit": size_text(found.max_unpacked_bytes)}
        )
    for info in infos:
        if info.file_size > found.max_part_bytes:
            raise problem(
                _("A part of the file (%(part)s) expands to %(size)s; the most accepted is "
                  "%(limit)s.")
                % {"part": info.filename, "size": size_text(info.file_size),
                   "limit": size_text(found.max_part_bytes)}
            )  # fmt: skip
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size >= RATIO_FROM_BYTES and ratio > found.max_ratio:
            raise problem(
                _("A part of the file (%(part)s) is packed %(ratio)s to 1; the most accepted "
                  "is %(limit)s to 1. It is not a plain spreadsheet.")
                % {"part": info.filename, "ratio": f"{ratio:,.0f}",
                   "limit": f"{found.max_ratio:,}"}
            )  # fmt: skip


def _part_check(archive: zipfile.ZipFile, info: zipfile.ZipInfo, found: Limits) -> None:
    """Unpack one part in chunks; if it is XML, refuse a DTD, and a run of text (between two
    of < >) longer than the longest cell can be written."""
    longest = found.max_cell_characters * BYTES_PER_CHARACTER
    run, tail = 0, b""  # the run of text open at the end of the last chunk; its last bytes
    try:
        with archive.open(info) as part:
            while chunk := part.read(CHUNK):
                if not tail and not chunk.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
                    return  # not XML (an image); openpyxl parses only XML
                if any(marker in tail + chunk[:16] or marker in chunk for marker in _DTD):
                    raise not_plain_problem(info.filename)
                run = _text_run(chunk, run, longest)
                if run > longest:
                    raise _text_too_long(info.filename, found)
                tail = chunk[-16:]
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, RuntimeError, NotImplementedError):
        return  # damaged or encrypted: openpyxl says so in its own words


def _text_run(chunk: bytes, carry: int, longest: int) -> int:
    """The run of text (no < nor >) left open at the chunk's end, given the one open before
    it (`carry`); more than `longest` as soon as any run in the chunk is longer.

    A run longer than `longest` covers a whole block of `longest // 2` bytes, so only blocks
    are searched (memchr, C speed), never every run: typical XML has one every few bytes."""

    def after(i: int) -> int:
        hits = [j for j in (chunk.find(b"<", i), chunk.find(b">", i)) if j >= 0]
        return min(hits, default=len(chunk))

    def before(i: int) -> int:
        return max(chunk.rfind(b"<", 0, i), chunk.rfind(b">", 0, i))

    first = after(0)
    if first == len(chunk) or carry + first > longest:
        return carry + first
    step = max(longest // 2, 1)
    for start in range(first, len(chunk), step):
        end = start + step
        blank = chunk.find(b"<", start, end) < 0 and chunk.find(b">", start, end) < 0
        if blank and after(start) - before(start) - 1 > longest:
            return longest + 1
    return len(chunk) - 1 - before(len(chunk))


def _text_too_long(part: str, found: Limits) -> ValidationProblem:
    longest = found.max_cell_characters * BYTES_PER_CHARACTER
    return problem(
        _("A part of the file (%(part)s) holds a text of more than %(bytes)s bytes: no cell "
          "may hold more than %(limit)s characters.")
        % {"part": part, "bytes": f"{longest:,}", "limit": f"{found.max_cell_characters:,}"}
    )  # fmt: skip
