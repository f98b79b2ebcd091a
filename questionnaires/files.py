"""File questions: the types they may accept, sizes as the instrument format writes them, and
the check of an uploaded file — its size first (nothing is read of a file too large), then its
type by its content (magic bytes; for Office files the parts their zip holds), never by the
name or the content type the client sent.

A type's extension is the one the stored file gets (its stored name is random). Text types
(CSV, plain text) are UTF-8 text without NUL characters; CSV and plain text cannot be told
apart by content, so a text file is CSV where CSV is accepted and plain text is not, or where
its name says so.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from typing import IO

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from common.upload_limits import MB, size_text, xlsx_check
from common.upload_limits import problem as file_problem

KB = MB // 1024
HEAD_BYTES = 8 * KB  # what is read to tell a type by its content
TEXT_SAMPLE_BYTES = 64 * KB


@dataclass(frozen=True)
class FileType:
    code: str
    label: str  # translated when shown
    content_type: str


FILE_TYPES: dict[str, FileType] = {
    t.code: t
    for t in (
        FileType("pdf", "PDF", "application/pdf"),
        FileType(
            "docx",
            _lazy("Word (.docx)"),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        FileType(
            "xlsx",
            _lazy("Excel (.xlsx)"),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        FileType(
            "pptx",
            _lazy("PowerPoint (.pptx)"),
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        ),
        FileType(
            "odt", _lazy("OpenDocument text (.odt)"), "application/vnd.oasis.opendocument.text"
        ),
        FileType(
            "ods",
            _lazy("OpenDocument spreadsheet (.ods)"),
            "application/vnd.oasis.opendocument.spreadsheet",
        ),
        FileType("png", _lazy("PNG image"), "image/png"),
        FileType("jpg", _lazy("JPEG image"), "image/jpeg"),
        FileType("csv", "CSV", "text/csv"),
        FileType("txt", _lazy("Plain text"), "text/plain"),
    )
}
# The zip parts that make an Office Open XML file one type or the other.
OOXML_PARTS = {
    "docx": "word/document.xml",
    "xlsx": "xl/workbook.xml",
    "pptx": "ppt/presentation.xml",
}
ODF_MIMETYPES = {
    b"application/vnd.oasis.opendocument.text": "odt",
    b"application/vnd.oasis.opendocument.spreadsheet": "ods",
}
TEXT_TYPES = ("csv", "txt")

SIZE_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(B|KB|MB)?\s*$", re.IGNORECASE)


def size_parse(value: object) -> int | None:
    """ "10MB", "500 KB", "2048" (bytes) or a number of bytes -> bytes; None when not a size."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value > 0 else None
    match = SIZE_RE.match(str(value)) if isinstance(value, str) else None
    if match is None:
        return None
    scale = {"B": 1, "KB": KB, "MB": MB}[(match.group(2) or "B").upper()]
    size = int(float(match.group(1)) * scale)
    return size if size > 0 else None


def size_write(size: int) -> str | int:
    """How the instrument format writes a size: 10485760 -> "10MB", 512000 -> "500KB", else
    the bytes (size_parse reads each back to the same number)."""
    if size % MB == 0:
        return f"{size // MB}MB"
    if size % KB == 0:
        return f"{size // KB}KB"
    return size


def max_bytes(question_max: int | None) -> int:
    """The largest file a question takes: its own limit, never above the site's."""
    ceiling = settings.FILE_ANSWER_MAX_BYTES
    return min(question_max, ceiling) if question_max else ceiling


def accepted(accept: list[str] | tuple[str, ...]) -> list[str]:
    """The types a question takes (all known types when it names none)."""
    return list(accept) or list(FILE_TYPES)


def accepted_text(accept: list[str] | tuple[str, ...]) -> str:
    """ "PDF, Word (.docx), Excel (.xlsx)": for the form's hint and the error messages."""
    return ", ".join(str(FILE_TYPES[code].label) for code in accepted(accept) if code in FILE_TYPES)


def accept_attribute(accept: list[str] | tuple[str, ...]) -> str:
    """The file input's accept attribute: a hint to the browser; the server decides."""
    return ",".join(f".{code}" for code in accepted(accept))


def _zip_type(file: IO[bytes]) -> str | None:
    try:
        archive = zipfile.ZipFile(file)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return None
    with archive:
        names = set(archive.namelist())
        if "mimetype" in names:
            try:
                mimetype = archive.read("mimetype")[:100].strip()
            except (zipfile.BadZipFile, OSError, ValueError, RuntimeError, NotImplementedError):
                mimetype = b""
            if mimetype in ODF_MIMETYPES:
                return ODF_MIMETYPES[mimetype]
        if "[Content_Types].xml" in names:
            for code, part in OOXML_PARTS.items():
                if part in names:
                    return code
    return None


def _is_text(sample: bytes) -> bool:
    if b"\x00" in sample:
        return False
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError as error:  # a character cut at the sample's end is still text
        return error.start >= len(sample) - 3 and len(sample) == TEXT_SAMPLE_BYTES
    return True


def content_type_of(file: IO[bytes], *, name: str = "", accept: list[str] | None = None) -> str:
    """The type code of a file by its content ("" when it is none of FILE_TYPES). `name` and
    `accept` only choose between CSV and plain text, which content cannot tell apart."""
    file.seek(0)
    head = file.read(HEAD_BYTES)
    file.seek(0)
    found = ""
    if head.startswith(b"%PDF-"):
        found = "pdf"
    elif head.startswith(b"\x89PNG\r\n\x1a\n"):
        found = "png"
    elif head.startswith(b"\xff\xd8\xff"):
        found = "jpg"
    elif head.startswith(b"PK\x03\x04"):
        found = _zip_type(file) or ""
    else:
        sample = head + file.read(TEXT_SAMPLE_BYTES - len(head))
        if sample and _is_text(sample):
            wanted = accepted(accept or [])
            csv = "csv" in wanted and ("txt" not in wanted or name.lower().endswith(".csv"))
            found = "csv" if csv else "txt"
    file.seek(0)
    return found


@dataclass(frozen=True)
class CheckedFile:
    type: str
    size: int


def file_check(
    file: IO[bytes], *, size: int, name: str, accept: list[str], max_size: int | None
) -> CheckedFile:
    """The checked file's type and size, or a ValidationProblem saying what is wrong: empty,
    too large (told before anything of it is read), or not one of the accepted types."""
    limit = max_bytes(max_size)
    if size > limit:
        raise file_problem(
            _("The file is %(size)s; this question accepts files up to %(limit)s.")
            % {"size": size_text(size), "limit": size_text(limit)}
        )
    if size == 0:
        raise file_problem(_("The file is empty."))
    found = content_type_of(file, name=name, accept=accept)
    if not found or found not in accepted(accept):
        shown = str(FILE_TYPES[found].label) if found else _("not a type this site accepts")
        raise file_problem(
            _("This file is not an accepted type (its content is %(found)s); upload one of: "
              "%(types)s.")
            % {"found": shown, "types": accepted_text(accept)}
        )  # fmt: skip
    if found == "xlsx":  # a workbook is checked as every uploaded one (a zip bomb, a DTD)
        file.seek(0)
        xlsx_check(file.read(limit + 1))
        file.seek(0)
    return CheckedFile(type=found, size=size)


def display_name(name: str) -> str:
    """The respondent's file name as shown: its last part, no control characters, at most 200
    characters (the stored file has a random name; this one is only shown)."""
    base = re.split(r"[\\/]", name or "")[-1]
    cleaned = "".join(ch for ch in base if ch.isprintable()).strip()
    return cleaned[-200:] or "file"
