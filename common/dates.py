"""Dates as people type them in spreadsheets and annexes, read in one place.

    parse_date("27.3.13") == dt.date(2013, 3, 27)
    parse_date_range("22.4.13-\\n25.4.13") == (dt.date(2013, 4, 22), dt.date(2013, 4, 25))

Numbers are separated by `.`, `/`, `,` or `-` (with stray spaces); the day comes first unless
`month_first`; a four-digit first number is an ISO year-month-day; two-digit years are 20yy;
English month names ("15 March 2013", "March 15, 2013") are read too. Cells that are already
dates (`dt.date`, `dt.datetime`, as openpyxl returns them) are taken as they are. Anything
else raises `DateProblem` with a message a person can act on.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from typing import NamedTuple

from django.utils.dates import MONTHS
from django.utils.translation import gettext as _

__all__ = ["DateProblem", "parse_date", "parse_date_range"]

_SEP = r"\s*[./,-]\s*"
_YEAR = r"(\d{4}|\d{2})"
_ORDINAL = r"(?:st|nd|rd|th)?"
_ISO = re.compile(
    r"(\d{4})\s*[-./]\s*(\d{1,2})\s*[-./]\s*(\d{1,2})"
    r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d*)?)?)?"  # a time, as a datetime cell reads as text
)
_NUMERIC = re.compile(rf"(\d{{1,2}}){_SEP}(\d{{1,2}}){_SEP}{_YEAR}")
_DAY_NAME = re.compile(rf"(\d{{1,2}}){_ORDINAL}[\s.-]*([^\W\d_]{{3,9}})\.?[\s.,-]*{_YEAR}")
_NAME_DAY = re.compile(rf"([^\W\d_]{{3,9}})\.?\s*(\d{{1,2}}){_ORDINAL}\s*,?\s*{_YEAR}")
# The start of a range may leave out what it shares with the end: "22-25.4.13", "28.3-2.4.13".
_PARTIAL = re.compile(rf"(\d{{1,2}})(?:{_SEP}(\d{{1,2}}))?\s*[.,]?")
# Between the two ends of a range: a dash, "to", or the line break of a wrapped cell.
_RANGE_SEP = re.compile(r"\s*(?:[-–—]|\bto\b|\buntil\b)\s*|\s*\n\s*", re.IGNORECASE)
_ENGLISH_MONTHS = (
    "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december",
)  # fmt: skip
_FIRST_YEAR, _LAST_YEAR = 1900, 2099


class DateProblem(ValueError):
    """A typed date or date range that cannot be read; the message says what to write."""


class _Typed(NamedTuple):
    """A date as typed, not yet checked; `ordered` when day/month order came from the setting."""

    year: int
    month: int
    day: int
    ordered: bool = True


def parse_date(text: str | dt.date | None, *, month_first: bool = False) -> dt.date:
    """One date from a cell: '15.3.2013', '27.3.13', '13,5,13', '2013-03-15', a date object."""
    if (value := _as_date(text)) is not None:
        return value
    clean = _clean(text)
    typed = _fields(clean.replace("\n", " "), month_first=month_first)
    if typed is not None:
        return _checked(clean, typed, month_first=month_first)
    if _split_range(clean, month_first=month_first) is not None:
        raise DateProblem(
            _("“%(text)s” is a range of dates; one date is needed here.") % {"text": _shown(clean)}
        )
    raise _unreadable(clean, month_first=month_first)


def parse_date_range(
    text: str | dt.date | None, *, month_first: bool = False
) -> tuple[dt.date, dt.date]:
    """(start, end) from '22.4.13-25.4.13', '22.4.13 -\\n25.4.13' or one date (start == end)."""
    if (value := _as_date(text)) is not None:
        return value, value
    clean = _clean(text)
    typed = _fields(clean.replace("\n", " "), month_first=month_first)
    if typed is not None:
        day = _checked(clean, typed, month_first=month_first)
        return day, day
    ends = _split_range(clean, month_first=month_first)
    if ends is None:
        raise _unreadable(clean, month_first=month_first)
    (start_text, start), (end_text, end) = ends
    first = _checked(start_text, start, month_first=month_first)
    last = _checked(end_text, end, month_first=month_first)
    if last < first:
        raise DateProblem(
            _("“%(text)s” is not a date range: it ends (%(end)s) before it starts (%(start)s).")
            % {"text": _shown(clean), "end": last.isoformat(), "start": first.isoformat()}
        )
    return first, last


def _as_date(value: object) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return None


def _clean(text: object) -> str:
    """The text with each line stripped, blank lines and a trailing full stop dropped."""
    lines = [line.strip() for line in str(text or "").splitlines()]
    clean = "\n".join(line for line in lines if line).rstrip(" .,;:")
    if not clean:
        raise DateProblem(_("No date is given; write it as day.month.year, e.g. 15.3.2013."))
    return clean


def _shown(text: str) -> str:
    return " ".join(text.split())


def _full_year(typed: str) -> int:
    return 2000 + int(typed) if len(typed) == 2 else int(typed)


def _month_number(name: str) -> int | None:
    name = name.casefold()
    for number, month in enumerate(_ENGLISH_MONTHS, start=1):
        if month.startswith(name) or (name == "sept" and number == 9):
            return number
    return None


def _fields(text: str, *, month_first: bool) -> _Typed | None:
    """The year, month and day as typed; None when the text is not shaped like one date."""
    if match := _ISO.fullmatch(text):
        return _Typed(int(match[1]), int(match[2]), int(match[3]), ordered=False)
    if match := _NUMERIC.fullmatch(text):
        first, second, year = int(match[1]), int(match[2]), _full_year(match[3])
        return _Typed(year, first, second) if month_first else _Typed(year, second, first)
    if (match := _DAY_NAME.fullmatch(text)) and (month := _month_number(match[2])):
        return _Typed(_full_year(match[3]), month, int(match[1]), ordered=False)
    if (match := _NAME_DAY.fullmatch(text)) and (month := _month_number(match[1])):
        return _Typed(_full_year(match[3]), month, int(match[2]), ordered=False)
    return None


def _partial(text: str, end: _Typed, *, month_first: bool) -> _Typed | None:
    """The start of a range that takes its month and year from the end: '22', '28.3'."""
    match = _PARTIAL.fullmatch(text)
    if match is None:
        return None
    if match[2] is None:
        return end._replace(day=int(match[1]))
    first, second = int(match[1]), int(match[2])
    month, day = (first, second) if month_first else (second, first)
    return end._replace(month=month, day=day)


def _split_range(
    text: str, *, month_first: bool
) -> tuple[tuple[str, _Typed], tuple[str, _Typed]] | None:
    """The two ends of a range as ((text, typed), (text, typed)); None when it is not one.

    The start may be partial ('22-25.4.13'); its text is then the whole range, for messages.
    """
    for sep in _RANGE_SEP.finditer(text):
        left = text[: sep.start()].replace("\n", " ")
        right = text[sep.end() :].replace("\n", " ")
        end = _fields(right, month_first=month_first)
        if not left or end is None:
            continue
        if (start := _fields(left, month_first=month_first)) is not None:
            return (left, start), (right, end)
        if (start := _partial(left, end, month_first=month_first)) is not None:
            return (text, start), (right, end)
    return None


def _checked(text: str, typed: _Typed, *, month_first: bool) -> dt.date:
    """The date, or a DateProblem that says which part of it is impossible."""
    shown = _shown(text)
    if not _FIRST_YEAR <= typed.year <= _LAST_YEAR:
        raise DateProblem(
            _("“%(text)s” is not a date: the year must be between %(first)s and %(last)s.")
            % {"text": shown, "first": _FIRST_YEAR, "last": _LAST_YEAR}
        )
    if not 1 <= typed.month <= 12:
        if not typed.ordered:
            message = _("“%(text)s” is not a date: there is no month %(month)s.")
        elif month_first:
            message = _(
                "“%(text)s” is not a date: there is no month %(month)s "
                "(dates are read month first, as in 3/15/2013)."
            )
        else:
            message = _(
                "“%(text)s” is not a date: there is no month %(month)s "
                "(dates are read day first, as in 15.3.2013)."
            )
        raise DateProblem(message % {"text": shown, "month": typed.month})
    days = calendar.monthrange(typed.year, typed.month)[1]
    if typed.day == 0:
        raise DateProblem(_("“%(text)s” is not a date: there is no day 0.") % {"text": shown})
    if typed.day > days:
        raise DateProblem(
            _("“%(text)s” is not a date: %(month)s has %(days)s days in %(year)s.")
            % {"text": shown, "month": MONTHS[typed.month], "days": days, "year": typed.year}
        )
    return dt.date(typed.year, typed.month, typed.day)


def _unreadable(text: str, *, month_first: bool) -> DateProblem:
    if month_first:
        message = _("“%(text)s” is not a date; write it as month/day/year, e.g. 3/15/2013.")
    else:
        message = _("“%(text)s” is not a date; write it as day.month.year, e.g. 15.3.2013.")
    return DateProblem(message % {"text": _shown(text)})
