"""Dates as people type them: one date, ranges (also wrapped over two lines), date cells, and
messages a person can act on for impossible or unreadable dates."""

from __future__ import annotations

import datetime as dt

import pytest

from common.dates import DateProblem, parse_date, parse_date_range

D = dt.date


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        # The examples.
        ("15.3.2013", D(2013, 3, 15)),
        ("27.3.13", D(2013, 3, 27)),
        ("13,5,13", D(2013, 5, 13)),
        ("2013-03-15", D(2013, 3, 15)),
        ("15/03/2013", D(2013, 3, 15)),
        ("15-3-2013", D(2013, 3, 15)),
        # evaluation_context.md section 3.
        ("12.3.2019", D(2019, 3, 12)),
        ("19.3.19", D(2019, 3, 19)),
        ("2,4,19", D(2019, 4, 2)),
        ("9.4.19", D(2019, 4, 9)),
        ("15,4,19", D(2019, 4, 15)),
        # Stray spaces, a trailing full stop, a date broken over two lines, leading zeros.
        (" 15 . 3 . 2013 ", D(2013, 3, 15)),
        ("15.3.2013.", D(2013, 3, 15)),
        ("15.3.\n2013", D(2013, 3, 15)),
        ("05.03.2013", D(2013, 3, 5)),
        ("1.2.13", D(2013, 2, 1)),
        # ISO is always year-month-day; a datetime read back as text keeps its date.
        ("2013-3-5", D(2013, 3, 5)),
        ("2013/03/15", D(2013, 3, 15)),
        ("2013-03-15 10:30:00", D(2013, 3, 15)),
        # Month names.
        ("15 March 2013", D(2013, 3, 15)),
        ("15-Mar-13", D(2013, 3, 15)),
        ("March 15, 2013", D(2013, 3, 15)),
        ("1st Sept 2019", D(2019, 9, 1)),
        # Leap day.
        ("29.2.2012", D(2012, 2, 29)),
    ],
)
def test_dates_as_people_type_them(typed: str, expected: dt.date) -> None:
    assert parse_date(typed) == expected


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("13", D(2013, 1, 1)),
        ("00", D(2000, 1, 1)),
        ("99", D(2099, 1, 1)),
        ("2013", D(2013, 1, 1)),
    ],
)
def test_two_digit_years_are_20yy(typed: str, expected: dt.date) -> None:
    assert parse_date(f"1.1.{typed}") == expected


@pytest.mark.parametrize(
    ("typed", "day_first", "month_first"),
    [
        ("3/4/2013", D(2013, 4, 3), D(2013, 3, 4)),
        ("12.1.13", D(2013, 1, 12), D(2013, 12, 1)),
        ("2013-03-04", D(2013, 3, 4), D(2013, 3, 4)),  # ISO ignores the setting
        ("4 March 2013", D(2013, 3, 4), D(2013, 3, 4)),  # so does a month name
    ],
)
def test_day_first_unless_month_first(typed: str, day_first: dt.date, month_first: dt.date) -> None:
    assert parse_date(typed) == day_first
    assert parse_date(typed, month_first=True) == month_first


def test_month_first_reads_american_dates() -> None:
    assert parse_date("3/15/2013", month_first=True) == D(2013, 3, 15)
    assert parse_date_range("4/22/13-4/25/13", month_first=True) == (
        D(2013, 4, 22),
        D(2013, 4, 25),
    )


@pytest.mark.parametrize(
    "value",
    [dt.date(2013, 3, 15), dt.datetime(2013, 3, 15), dt.datetime(2013, 3, 15, 17, 45)],
)
def test_date_cells_from_excel_are_taken_as_they_are(value: dt.date) -> None:
    assert parse_date(value) == D(2013, 3, 15)
    assert parse_date(value, month_first=True) == D(2013, 3, 15)
    assert parse_date_range(value) == (D(2013, 3, 15), D(2013, 3, 15))


@pytest.mark.parametrize(
    ("typed", "start", "end"),
    [
        ("22.4.13-25.4.13", D(2013, 4, 22), D(2013, 4, 25)),
        ("8.4.19-10.4.19", D(2019, 4, 8), D(2019, 4, 10)),
        # Wrapped after the hyphen, with and without spaces around the break.
        ("22.4.13-\n25.4.13", D(2013, 4, 22), D(2013, 4, 25)),
        ("22.4.13 -\n 25.4.13", D(2013, 4, 22), D(2013, 4, 25)),
        ("8.4.19-\n10.4.19", D(2019, 4, 8), D(2019, 4, 10)),
        ("22.4.13\n-25.4.13", D(2013, 4, 22), D(2013, 4, 25)),
        # A wrapped range that lost its hyphen.
        ("22.4.13\n25.4.13", D(2013, 4, 22), D(2013, 4, 25)),
        # En and em dashes, spaces, "to".
        ("22.4.13–25.4.13", D(2013, 4, 22), D(2013, 4, 25)),
        ("22.4.13 — 25.4.13", D(2013, 4, 22), D(2013, 4, 25)),
        ("22.4.2013 to 25.4.2013", D(2013, 4, 22), D(2013, 4, 25)),
        # Hyphens inside the dates too.
        ("15-3-2013-20-3-2013", D(2013, 3, 15), D(2013, 3, 20)),
        ("2013-03-15-2013-03-20", D(2013, 3, 15), D(2013, 3, 20)),
        # The start leaves out what it shares with the end.
        ("22-25.4.13", D(2013, 4, 22), D(2013, 4, 25)),
        ("28.3-2.4.13", D(2013, 3, 28), D(2013, 4, 2)),
        # Across a year, and a one-day "range".
        ("30.12.12-2.1.13", D(2012, 12, 30), D(2013, 1, 2)),
        ("9.4.19-9.4.19", D(2019, 4, 9), D(2019, 4, 9)),
    ],
)
def test_ranges(typed: str, start: dt.date, end: dt.date) -> None:
    assert parse_date_range(typed) == (start, end)


@pytest.mark.parametrize("typed", ["15.3.2013", "27.3.13", "2013-03-15", "13,5,13"])
def test_one_date_is_a_range_of_one_day(typed: str) -> None:
    day = parse_date(typed)
    assert parse_date_range(typed) == (day, day)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("31.2.2013", "“31.2.2013” is not a date: February has 28 days in 2013."),
        ("30.2.2012", "“30.2.2012” is not a date: February has 29 days in 2012."),
        ("31.4.19", "“31.4.19” is not a date: April has 30 days in 2019."),
        ("0.3.2013", "“0.3.2013” is not a date: there is no day 0."),
        (
            "15.13.2013",
            "“15.13.2013” is not a date: there is no month 13 "
            "(dates are read day first, as in 15.3.2013).",
        ),
        (
            "3/15/2013",
            "“3/15/2013” is not a date: there is no month 15 "
            "(dates are read day first, as in 15.3.2013).",
        ),
        ("2013-13-01", "“2013-13-01” is not a date: there is no month 13."),
        ("15.3.1813", "“15.3.1813” is not a date: the year must be between 1900 and 2099."),
        ("next week", "“next week” is not a date; write it as day.month.year, e.g. 15.3.2013."),
        ("15.3", "“15.3” is not a date; write it as day.month.year, e.g. 15.3.2013."),
        ("15.3.213", "“15.3.213” is not a date; write it as day.month.year, e.g. 15.3.2013."),
        (
            "15 Marz 2013",
            "“15 Marz 2013” is not a date; write it as day.month.year, e.g. 15.3.2013.",
        ),
        ("", "No date is given; write it as day.month.year, e.g. 15.3.2013."),
        (None, "No date is given; write it as day.month.year, e.g. 15.3.2013."),
        (" \n ", "No date is given; write it as day.month.year, e.g. 15.3.2013."),
        ("22.4.13-25.4.13", "“22.4.13-25.4.13” is a range of dates; one date is needed here."),
    ],
)
def test_impossible_or_unreadable_dates_say_what_is_wrong(typed: str | None, message: str) -> None:
    with pytest.raises(DateProblem) as caught:
        parse_date(typed)
    assert str(caught.value) == message
    assert isinstance(caught.value, ValueError)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        (
            "15/3/2013",
            "“15/3/2013” is not a date: there is no month 15 "
            "(dates are read month first, as in 3/15/2013).",
        ),
        ("next week", "“next week” is not a date; write it as month/day/year, e.g. 3/15/2013."),
    ],
)
def test_month_first_messages_show_month_first(typed: str, message: str) -> None:
    with pytest.raises(DateProblem) as caught:
        parse_date(typed, month_first=True)
    assert str(caught.value) == message


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        (
            "25.4.13-22.4.13",
            "“25.4.13-22.4.13” is not a date range: it ends (2013-04-22) before it starts "
            "(2013-04-25).",
        ),
        (
            "25.4.13 -\n22.4.13",
            "“25.4.13 - 22.4.13” is not a date range: it ends (2013-04-22) before it starts "
            "(2013-04-25).",
        ),
        ("22.4.13-31.4.13", "“31.4.13” is not a date: April has 30 days in 2013."),
        ("31.2.13-2.3.13", "“31.2.13” is not a date: February has 28 days in 2013."),
        ("31-25.4.13", "“31-25.4.13” is not a date: April has 30 days in 2013."),
        ("22.4.13-", "“22.4.13-” is not a date; write it as day.month.year, e.g. 15.3.2013."),
        (
            "22.4.13-next week",
            "“22.4.13-next week” is not a date; write it as day.month.year, e.g. 15.3.2013.",
        ),
        ("31.2.2013", "“31.2.2013” is not a date: February has 28 days in 2013."),
    ],
)
def test_bad_ranges_say_what_is_wrong(typed: str, message: str) -> None:
    with pytest.raises(DateProblem) as caught:
        parse_date_range(typed)
    assert str(caught.value) == message
