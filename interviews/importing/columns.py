"""The rows, columns and modes of a "List of persons interviewed", read without the database.

The importer maps the header row with `recognise_columns`, tells heading rows and co-participant
rows apart with `is_heading_row` and `is_co_participant_row` (and `interviews.cells.
reads_as_person`), and reads the Mode cell with `read_mode`; names are read in `interviews.cells`,
dates in `common.dates`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from common.names import fold
from common.spreadsheets import letter

__all__ = [
    "FIELDS",
    "MODES",
    "ColumnProblem",
    "is_co_participant_row",
    "is_heading_row",
    "read_mode",
    "recognise_columns",
]

# --- rows -----------------------------------------------------------------------------------


def _filled(cell: object) -> bool:
    return cell is not None and str(cell).strip() != ""


def is_heading_row(cells: Sequence[object]) -> bool:
    """A row whose only filled cell is the first: it sets the grouping of the rows below.

    A co-participant row with only a name is shaped the same way; see `reads_as_person`.
    """
    return bool(cells) and _filled(cells[0]) and not any(_filled(c) for c in cells[1:])


def is_co_participant_row(cells: Sequence[object], columns: Mapping[str, int]) -> bool:
    """A row with a name but no date and no interviewers (the caller checks it is directly
    below an interview row); `columns` as returned by `recognise_columns`."""

    def cell(name: str) -> object:
        index = columns.get(name)
        return cells[index] if index is not None and index < len(cells) else None

    return _filled(cell("name")) and not _filled(cell("date")) and not _filled(cell("interviewers"))


# --- columns --------------------------------------------------------------------------------

# The logical fields and the headers accepted for each, first the one an export writes.
_HEADERS: dict[str, tuple[str, ...]] = {
    "name": ("Name", "Names"),
    "department": ("Department", "Organisation", "Organization", "Function", "Unit"),
    "date": ("Date", "Dates"),
    "interviewers": ("Interviewers", "Interviewer", "Interviewed by"),
    "location": ("Location", "Place", "Grouping"),
    "country": ("Country",),
    "mode": ("Mode",),
    "category": ("Category",),
    "notes": ("Notes", "Remarks"),
}
FIELDS: tuple[str, ...] = tuple(_HEADERS)
_REQUIRED = ("name", "date")
_BY_KEY = {fold(header): name for name, headers in _HEADERS.items() for header in headers}


class ColumnProblem(ValueError):
    """The header row cannot be read: unknown, repeated or missing columns."""


def recognise_columns(headers: Sequence[str | None]) -> dict[str, int]:
    """{'name': 0, 'date': 2, ...} from a header row, case-insensitive, with synonyms.

    'Date(s)' reads as Date; 'Department / Organisation' as Department. Blank headers are
    ignored. Unknown headers (the message lists the accepted ones), a field given by two
    columns, or no Name or Date column raise ColumnProblem.
    """
    columns: dict[str, int] = {}
    unknown: list[str] = []
    repeated: list[str] = []
    for index, header in enumerate(headers):
        if not (header or "").strip():
            continue
        name = _header_field(header or "")
        if name is None:
            unknown.append(_("“%(header)s” (column %(letter)s)") % _where(header, index))
        elif name in columns:
            repeated.append(_repeated(headers, columns[name], index, name))
        else:
            columns[name] = index
    if unknown:
        message = ngettext(
            "Unknown column: %(columns)s.", "Unknown columns: %(columns)s.", len(unknown)
        )
        raise ColumnProblem(" ".join([message % {"columns": ", ".join(unknown)}, _accepted()]))
    if repeated:
        raise ColumnProblem(" ".join(repeated))
    if missing := [name for name in _REQUIRED if name not in columns]:
        raise ColumnProblem(_missing(headers, missing))
    return columns


def _header_field(header: str) -> str | None:
    """The field a header names; None when it names none (or its parts disagree)."""
    key = " ".join(fold(header).replace("(s)", "s").strip(" *:").split())
    if key in _BY_KEY:
        return _BY_KEY[key]
    parts = {_BY_KEY.get(" ".join(part.split())) for part in key.split("/")}
    return parts.pop() if len(parts) == 1 else None


def _where(header: str | None, index: int) -> dict[str, str]:
    return {"header": " ".join((header or "").split()), "letter": letter(index)}


def _accepted() -> str:
    fields = [
        headers[0]
        if len(headers) == 1
        else _("%(first)s (or %(others)s)")
        % {"first": headers[0], "others": ", ".join(headers[1:])}
        for headers in _HEADERS.values()
    ]
    return _("The accepted columns are: %(fields)s.") % {"fields": "; ".join(fields)}


def _repeated(headers: Sequence[str | None], first: int, second: int, name: str) -> str:
    return _(
        "The columns “%(first)s” (column %(first_letter)s) and “%(second)s” "
        "(column %(second_letter)s) both give the %(field)s; keep one of them."
    ) % {
        "first": _where(headers[first], first)["header"],
        "first_letter": letter(first),
        "second": _where(headers[second], second)["header"],
        "second_letter": letter(second),
        "field": _HEADERS[name][0],
    }


def _missing(headers: Sequence[str | None], missing: list[str]) -> str:
    needed = " ".join(
        _("The file has no “%(column)s” column.") % {"column": _HEADERS[name][0]}
        for name in missing
    )
    found = ", ".join(f"“{' '.join(h.split())}”" for h in headers if h and h.strip())
    return " ".join(
        [needed, _("Its columns are: %(found)s.") % {"found": found or "—"}, _accepted()]
    )


# --- mode -----------------------------------------------------------------------------------

# Modes of an interview, as the importer passes them on (the model maps them to its choices).
MODES: tuple[str, ...] = (
    "in_person", "video", "phone", "email", "field_visit", "focus_group", "debrief",
)  # fmt: skip
_MODE_WORDS: dict[str, tuple[str, ...]] = {
    "in_person": ("in person", "face to face", "f2f", "personal interview", "personally"),
    "video": (
        "video", "video call", "videocall", "video conference", "videoconference", "skype",
        "zoom", "teams", "ms teams", "microsoft teams", "webex", "google meet",
    ),
    "phone": ("phone", "tel", "telephone", "call", "phone call", "telephone call"),
    "email": ("email", "e mail", "email exchange", "e mail exchange", "in writing", "written"),
    "field_visit": ("field visit", "site visit", "visit", "field mission"),
    "focus_group": ("focus group", "focus group discussion", "fgd", "group discussion"),
    "debrief": ("debrief", "debriefing"),
}  # fmt: skip
_MODE_BY_WORDS = {words: mode for mode, spellings in _MODE_WORDS.items() for words in spellings}


def read_mode(text: str | None) -> str | None:
    """One of MODES from a Mode cell ('Skype' -> 'video', 'tel.' -> 'phone'); None when the
    cell is empty or not understood (the caller warns)."""
    key = " ".join(re.sub(r"[^\w]+", " ", fold(text or "")).split())
    key = re.sub(r"^(?:by|via|per) ", "", key)
    if key in _MODE_BY_WORDS:
        return _MODE_BY_WORDS[key]
    shorter = re.sub(r" (?:interview|meeting|call)$", "", key)
    return _MODE_BY_WORDS.get(shorter)
