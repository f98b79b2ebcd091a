"""Reading the rows, columns and modes of a "List of persons interviewed" annex: headings and
co-participant rows, the header row, the Mode cell. No database."""

from __future__ import annotations

import datetime as dt

import pytest

from common.dates import parse_date_range
from interviews.cells import initials_key, read_name_cell, reads_as_person, split_interviewers
from interviews.importing.columns import (
    FIELDS,
    MODES,
    ColumnProblem,
    is_co_participant_row,
    is_heading_row,
    read_mode,
    recognise_columns,
)

ANNEX_COLUMNS = {"name": 0, "department": 1, "date": 2, "interviewers": 3}


# --- rows ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cells", "heading"),
    [
        (["Headquarters", "", "", ""], True),
        (["External Interviews", None, None, None], True),
        (["Example City", " ", "\n", "\t"], True),
        (["Example City"], True),
        (["A. Example", "UNIT-X", "12.3.2019", "AX & BvdY"], False),
        (["", "Headquarters", "", ""], False),
        (["Headquarters", "", "", "AX"], False),
        (["", "", "", ""], False),
        ([" ", None], False),
        ([], False),
    ],
)
def test_heading_rows(cells: list[str | None], heading: bool) -> None:
    assert is_heading_row(cells) is heading


@pytest.mark.parametrize(
    ("cells", "co_participant"),
    [
        (["B. Sample", "", "", ""], True),
        (["B. Sample", "UNIT-X", "", ""], True),
        (["B. Sample", "UNIT-X", " ", None], True),
        (["B. Sample"], True),
        (["A. Example", "UNIT-X", "12.3.2019", "AX & BvdY"], False),
        (["A. Example", "", "12.3.2019", ""], False),
        (["A. Example", "", "", "AX"], False),
        (["A. Example", "", dt.date(2019, 3, 12), ""], False),
        (["", "UNIT-X", "", ""], False),
    ],
)
def test_co_participant_rows(cells: list[object], co_participant: bool) -> None:
    assert is_co_participant_row(cells, ANNEX_COLUMNS) is co_participant


def test_co_participant_rows_follow_the_columns_wherever_they_are() -> None:
    columns = {"date": 0, "name": 2}  # no interviewers column at all
    assert is_co_participant_row(["", "UNIT-X", "B. Sample"], columns) is True
    assert is_co_participant_row(["12.3.2019", "UNIT-X", "B. Sample"], columns) is False


@pytest.mark.parametrize(
    ("text", "person"),
    [
        ("B. Sample", True),
        ("Mr. Demo", True),
        ("Mr.\nD. Demo", True),
        ("A. Example (2nd)", True),
        ("Sample (tel)", True),
        ("Example City (person)", True),
        ("F. PLACEHOLDER", True),
        ("Headquarters", False),
        ("Example City", False),
        ("External Interviews", False),
        ("Region B", False),
        ("EXAMPLE CITY", False),
        ("Members of the Example Group", False),
        ("Example Regional Office", False),
        ("", False),
    ],
)
def test_a_lone_first_cell_reads_as_a_person_or_a_heading(text: str, person: bool) -> None:
    assert reads_as_person(text) is person


@pytest.mark.parametrize(
    "department",
    [
        "UNIT-X",
        "Director, Example Regional Office",
        "Example City, Senior Specialist, Employment",
        "UNIT-Y (Headquarters)",
        "Example City, , Specialist",
        "Head, Example Research Institute",
    ],
)
def test_department_formats_do_not_change_what_a_row_is(department: str) -> None:
    full = ["A. Example", department, "12.3.2019", "AX & BvdY"]
    name_only = ["B. Sample", department, "", ""]
    assert (is_heading_row(full), is_co_participant_row(full, ANNEX_COLUMNS)) == (False, False)
    assert (is_heading_row(name_only), is_co_participant_row(name_only, ANNEX_COLUMNS)) == (
        False,
        True,
    )


# The invented annex of evaluation_context.md section 3, as printed.
PRINTED_ANNEX = [
    ["Name", "Department", "Date", "Interviewers"],
    ["Headquarters", "", "", ""],
    ["A. Example", "UNIT-X", "12.3.2019", "AX & BvdY"],
    ["B. Sample", "", "", ""],
    ["Members of the Example Group", "", "12.3.2019", "AX & BvdY"],
    ["A. Example (2nd)", "UNIT-X", "2,4,19", "BVdY"],
    ["Example City", "", "", ""],
    ["D. Demo", "EXAMPLE CITY", "8.4.19-\n10.4.19", "AX &BVdY"],
    ["Ministry of Examples (5 people)", "EXAMPLE CITY", "9.4.19", "AX &BVdY"],
    ["External Interviews", "", "", ""],
    ["E. Fictional", "Head, Example Research Institute", "15,4,19", "CZ"],
]


def _read_annex(rows: list[list[str]]) -> list[tuple[object, ...]]:
    """How the importer will use these functions: one line per data row."""
    columns = recognise_columns(rows[0])
    lines: list[tuple[object, ...]] = []
    above = ""
    for cells in rows[1:]:
        name = read_name_cell(cells[columns["name"]])
        if (
            is_co_participant_row(cells, columns)
            and above == "interview"
            and reads_as_person(cells[0])
        ):
            lines.append(("with the interview above", name.display))
            above = "co-participant"
        elif is_heading_row(cells):
            lines.append(("heading", cells[0]))
            above = "heading"
        else:
            start, end = parse_date_range(cells[columns["date"]])
            interviewers = [initials_key(i) for i in split_interviewers(cells[3])]
            dates = (start.isoformat(), end.isoformat())
            read = (name.display, name.follow_up, name.is_group, name.headcount)
            lines.append(("interview", *read, *dates, interviewers))
            above = "interview"
    return lines


MARCH_12 = ("2019-03-12", "2019-03-12")
APRIL_9 = ("2019-04-09", "2019-04-09")


def test_the_printed_annex_reads_row_by_row() -> None:
    assert _read_annex(PRINTED_ANNEX) == [
        ("heading", "Headquarters"),
        ("interview", "A. Example", False, False, None, "2019-03-12", "2019-03-12", ["ax", "bvdy"]),
        ("with the interview above", "B. Sample"),
        ("interview", "Members of the Example Group", False, True, None, *MARCH_12, ["ax", "bvdy"]),
        ("interview", "A. Example", True, False, None, "2019-04-02", "2019-04-02", ["bvdy"]),
        ("heading", "Example City"),
        ("interview", "D. Demo", False, False, None, "2019-04-08", "2019-04-10", ["ax", "bvdy"]),
        ("interview", "Ministry of Examples", False, True, 5, *APRIL_9, ["ax", "bvdy"]),
        ("heading", "External Interviews"),
        ("interview", "E. Fictional", False, False, None, "2019-04-15", "2019-04-15", ["cz"]),
    ]


# --- columns ------------------------------------------------------------------------------

ACCEPTED = (
    "The accepted columns are: Name (or Names); Department (or Organisation, Organization, "
    "Function, Unit); Date (or Dates); Interviewers (or Interviewer, Interviewed by); "
    "Location (or Place, Grouping); Country; Mode; Category; Notes (or Remarks)."
)


def test_the_annex_header_is_recognised() -> None:
    assert recognise_columns(["Name", "Department", "Date", "Interviewers"]) == ANNEX_COLUMNS


def test_every_column_with_its_export_name() -> None:
    headers = [
        "Name", "Department", "Date", "Interviewers", "Location", "Country", "Mode",
        "Category", "Notes",
    ]  # fmt: skip
    assert recognise_columns(headers) == {name: i for i, name in enumerate(FIELDS)}


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("name", "name"),
        ("NAME", "name"),
        ("  Name  ", "name"),
        ("Name:", "name"),
        ("Name(s)", "name"),
        ("Organisation", "department"),
        ("Organization", "department"),
        ("FUNCTION", "department"),
        ("Unit", "department"),
        ("Department / Organisation", "department"),
        ("Dates", "date"),
        ("Date(s)", "date"),
        ("Interviewer", "interviewers"),
        ("Interviewed by", "interviewers"),
        ("Interviewed\nby", "interviewers"),
        ("interviewer(s)", "interviewers"),
        ("Place", "location"),
        ("Grouping", "location"),
        ("Remarks", "notes"),
        ("country", "country"),
        ("Mode", "mode"),
        ("Category", "category"),
    ],
)
def test_headers_are_case_insensitive_with_synonyms(header: str, field: str) -> None:
    required = {
        name: label for name, label in (("name", "Name"), ("date", "Date")) if name != field
    }
    expected = {name: index for index, name in enumerate(required)} | {field: len(required)}
    assert recognise_columns([*required.values(), header]) == expected


def test_blank_headers_are_ignored() -> None:
    assert recognise_columns(["", "Name", None, "  ", "Date"]) == {"name": 1, "date": 4}


def test_unknown_columns_are_listed_with_the_accepted_names() -> None:
    with pytest.raises(ColumnProblem) as caught:
        recognise_columns(["Name", "Dept.", "Date", "Interviewers", "Phone number"])
    assert str(caught.value) == (
        "Unknown columns: “Dept.” (column B), “Phone number” (column E). " + ACCEPTED
    )
    assert isinstance(caught.value, ValueError)


def test_one_unknown_column() -> None:
    with pytest.raises(ColumnProblem) as caught:
        recognise_columns(["Name", "Date", "Department / Phone"])
    assert str(caught.value) == "Unknown column: “Department / Phone” (column C). " + ACCEPTED


@pytest.mark.parametrize(
    ("headers", "message"),
    [
        (
            ["Department", "Date", "Interviewers"],
            "The file has no “Name” column. "
            "Its columns are: “Department”, “Date”, “Interviewers”. " + ACCEPTED,
        ),
        (
            ["Name", "Department", "Interviewers"],
            "The file has no “Date” column. "
            "Its columns are: “Name”, “Department”, “Interviewers”. " + ACCEPTED,
        ),
        (
            ["Department", ""],
            "The file has no “Name” column. The file has no “Date” column. "
            "Its columns are: “Department”. " + ACCEPTED,
        ),
        (
            [],
            "The file has no “Name” column. The file has no “Date” column. "
            "Its columns are: —. " + ACCEPTED,
        ),
    ],
)
def test_a_missing_name_or_date_column_is_an_error(headers: list[str], message: str) -> None:
    with pytest.raises(ColumnProblem) as caught:
        recognise_columns(headers)
    assert str(caught.value) == message


def test_a_field_given_by_two_columns_is_an_error() -> None:
    with pytest.raises(ColumnProblem) as caught:
        recognise_columns(["Name", "Department", "Organisation", "Date"])
    assert str(caught.value) == (
        "The columns “Department” (column B) and “Organisation” (column C) both give the "
        "Department; keep one of them."
    )


# --- mode ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "mode"),
    [
        ("in person", "in_person"),
        ("In-person", "in_person"),
        ("Face to face", "in_person"),
        ("face-to-face", "in_person"),
        ("F2F", "in_person"),
        ("video", "video"),
        ("Video call", "video"),
        ("Skype", "video"),
        ("Zoom", "video"),
        ("Teams", "video"),
        ("MS Teams", "video"),
        ("via Zoom", "video"),
        ("phone", "phone"),
        ("Tel", "phone"),
        ("tel.", "phone"),
        ("Telephone", "phone"),
        ("Phone call", "phone"),
        ("telephone interview", "phone"),
        ("by phone", "phone"),
        ("e-mail exchange", "email"),
        ("E-mail", "email"),
        ("email", "email"),
        ("by e-mail", "email"),
        ("Field visit", "field_visit"),
        ("site visit", "field_visit"),
        ("Focus group", "focus_group"),
        ("FGD", "focus_group"),
        ("Debrief", "debrief"),
        ("debriefing", "debrief"),
        ("debriefing meeting", "debrief"),
    ],
)
def test_modes_with_synonyms(typed: str, mode: str) -> None:
    assert read_mode(typed) == mode
    assert mode in MODES


@pytest.mark.parametrize("typed", ["", None, "   ", "carrier pigeon", "workshop", "video-ish"])
def test_an_unknown_or_empty_mode_is_none(typed: str | None) -> None:
    assert read_mode(typed) is None


def test_modes_are_the_issue_modes() -> None:
    assert MODES == (
        "in_person", "video", "phone", "email", "field_visit", "focus_group", "debrief",
    )  # fmt: skip
