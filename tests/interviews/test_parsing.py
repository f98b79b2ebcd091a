"""Reading the cells of a "List of persons interviewed" annex: names and their markers, groups,
interviewers, headings and co-participant rows, columns and modes. No database."""

from __future__ import annotations

import datetime as dt

import pytest

from common.dates import parse_date_range
from interviews.parsing import (
    FIELDS,
    MODES,
    ColumnProblem,
    NameCell,
    initials_key,
    is_co_participant_row,
    is_heading_row,
    read_mode,
    read_name_cell,
    reads_as_person,
    recognise_columns,
    split_interviewers,
)

ANNEX_COLUMNS = {"name": 0, "department": 1, "date": 2, "interviewers": 3}

# --- interviewers -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "initials"),
    [
        # The issue's examples.
        ("MS & VvdV", ["MS", "VvdV"]),
        ("MS &VVdV", ["MS", "VVdV"]),
        ("VVdV& BF", ["VVdV", "BF"]),
        # evaluation_context.md section 3.
        ("AX & BvdY", ["AX", "BvdY"]),
        ("AX &BVdY", ["AX", "BVdY"]),
        ("BVdY& CZ", ["BVdY", "CZ"]),
        ("BVdZ", ["BVdZ"]),
        ("QQ", ["QQ"]),
        # Other separators, with or without spaces.
        ("AX and BY", ["AX", "BY"]),
        ("AX AND BY", ["AX", "BY"]),
        ("AX/BY", ["AX", "BY"]),
        ("AX / BY", ["AX", "BY"]),
        ("AX,BY, CZ", ["AX", "BY", "CZ"]),
        ("AX; BY;CZ", ["AX", "BY", "CZ"]),
        ("AX\nBY", ["AX", "BY"]),
        ("AX & BY and CZ", ["AX", "BY", "CZ"]),
        # Empty parts are dropped; "and" inside initials is not a separator.
        ("AX & & BY,", ["AX", "BY"]),
        ("  MS  ", ["MS"]),
        ("ANDY & Sandra", ["ANDY", "Sandra"]),
        ("", []),
        (None, []),
    ],
)
def test_interviewers_are_split_into_initials(typed: str | None, initials: list[str]) -> None:
    assert split_interviewers(typed) == initials


@pytest.mark.parametrize(
    ("initials", "key"),
    [
        ("VvdV", "vvdv"),
        ("VVdV", "vvdv"),
        ("V. vd V.", "vvdv"),
        ("ms", "ms"),
        ("M.S.", "ms"),
        ("BVdZ", "bvdz"),
    ],
)
def test_initials_are_matched_case_insensitively(initials: str, key: str) -> None:
    assert initials_key(initials) == key


def test_the_same_interviewer_typed_differently_has_one_key_and_a_typo_another() -> None:
    typed = ["AX & BvdY", "AX &BVdY", "BVdY& CZ", "BVdZ", "QQ"]
    keys = [[initials_key(i) for i in split_interviewers(cell)] for cell in typed]
    assert keys == [["ax", "bvdy"], ["ax", "bvdy"], ["bvdy", "cz"], ["bvdz"], ["qq"]]


# --- name cells: people and their markers -------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "display", "honorific"),
    [
        ("A. Example", "A. Example", ""),
        ("B. Sample", "B. Sample", ""),
        ("D. Demo", "D. Demo", ""),
        # An honorific on its own line, a trailing full stop, a capitalised surname, a name
        # split at a hyphen (evaluation_context.md section 3).
        ("Mr.\nD. Demo", "D. Demo", "Mr."),
        ("E. Fictional.", "E. Fictional", ""),
        ("F. PLACEHOLDER", "F. PLACEHOLDER", ""),
        ("G. Double-\nBarrel", "G. Double-Barrel", ""),
        ("G. Double-  \n  Barrel", "G. Double-Barrel", ""),
        # Honorifics and stray punctuation.
        ("Ms. Anna Beispiel", "Anna Beispiel", "Ms."),
        ("Dr Anna Beispiel;", "Anna Beispiel", "Dr"),
        ("* Mr. José García-López, ", "José García-López", "Mr."),
        ("Mr.  \n  D.   Demo", "D. Demo", "Mr."),
        ("Beispiel, Anna", "Anna Beispiel", ""),
        # Unicode kept exactly.
        ("Zoë Ångström", "Zoë Ångström", ""),
        ("Mme Zoë Ångström (2nd)", "Zoë Ångström", "Mme"),
        ("Þóra Ørsted-Łukasiewicz", "Þóra Ørsted-Łukasiewicz", ""),
        ("Nguyễn Thị Minh Khai", "Nguyễn Thị Minh Khai", ""),
        ("李小龍", "李小龍", ""),
    ],
)
def test_people_are_read_with_a_clean_display_name(
    typed: str, display: str, honorific: str
) -> None:
    cell = read_name_cell(typed)
    assert (cell.original, cell.display, cell.honorific) == (typed, display, honorific)
    assert (cell.is_group, cell.group_reason, cell.headcount) == (False, "", None)


@pytest.mark.parametrize(
    ("typed", "follow_up"),
    [
        ("A. Example (2nd)", True),
        ("A. Example (second interview)", True),
        ("A. Example (3rd)", True),
        ("A. Example (third)", True),
        ("A. Example (4th interview)", True),
        ("A. Example (follow-up)", True),
        ("A. Example (follow up)", True),
        ("A. Example (Follow-up interview)", True),
        ("A. Example [2nd]", True),
        ("A. Example (2nd", True),  # the bracket was never closed
        ("A. Example", False),
        ("A. Example (1st)", False),
        ("A. Example (first interview)", False),
    ],
)
def test_follow_up_markers(typed: str, follow_up: bool) -> None:
    cell = read_name_cell(typed)
    assert (cell.display, cell.follow_up, cell.about, cell.is_group) == (
        "A. Example",
        follow_up,
        "",
        False,
    )


def test_a_repeated_name_without_a_marker_reads_the_same_and_is_not_marked() -> None:
    first, again = read_name_cell("A. Example"), read_name_cell("A. Example")
    assert first == again
    assert (again.display, again.follow_up) == ("A. Example", False)


@pytest.mark.parametrize(
    ("typed", "display", "about"),
    [
        ("C. Testperson (INTERVIEW ABOUT REGION B)", "C. Testperson", "INTERVIEW ABOUT REGION B"),
        ("A. Example (INTERVIEW ABOUT BANGKOK)", "A. Example", "INTERVIEW ABOUT BANGKOK"),
        (
            "A. Example (INTERVIEW ABOUT BANGKOK) (2nd)",
            "A. Example",
            "INTERVIEW ABOUT BANGKOK",
        ),
        ("A. Example (about Bangkok, Thailand)", "A. Example", "about Bangkok, Thailand"),
        ("A. Example (about Bangkok) (retired)", "A. Example", "about Bangkok; retired"),
        ("A. Example (2nd, about Bangkok)", "A. Example", "about Bangkok"),
    ],
)
def test_other_bracketed_remarks_are_kept_as_about(typed: str, display: str, about: str) -> None:
    cell = read_name_cell(typed)
    assert (cell.display, cell.about, cell.original) == (display, about, typed)


def test_a_follow_up_with_a_remark_keeps_both() -> None:
    cell = read_name_cell("A. Example (INTERVIEW ABOUT BANGKOK) (2nd)")
    assert (cell.follow_up, cell.about) == (True, "INTERVIEW ABOUT BANGKOK")


@pytest.mark.parametrize(
    "typed", ["A. Example (tel)", "A. Example (tel.)", "A. Example (phone)", "A. Example (Tel)"]
)
def test_telephone_markers(typed: str) -> None:
    cell = read_name_cell(typed)
    assert (cell.display, cell.telephone, cell.about, cell.is_group) == (
        "A. Example",
        True,
        "",
        False,
    )


def test_markers_in_one_bracket_are_read_piece_by_piece() -> None:
    cell = read_name_cell("A. Example (2nd, tel)")
    assert (cell.display, cell.follow_up, cell.telephone, cell.about) == (
        "A. Example",
        True,
        True,
        "",
    )


def test_the_whole_cell_read_back() -> None:
    assert read_name_cell("Mr.\nD. Demo (2nd) (tel) (INTERVIEW ABOUT REGION B)") == NameCell(
        original="Mr.\nD. Demo (2nd) (tel) (INTERVIEW ABOUT REGION B)",
        display="D. Demo",
        honorific="Mr.",
        follow_up=True,
        headcount=None,
        is_group=False,
        group_reason="",
        about="INTERVIEW ABOUT REGION B",
        telephone=True,
    )


@pytest.mark.parametrize("typed", ["", None, "   "])
def test_an_empty_cell_reads_as_nothing(typed: str | None) -> None:
    assert read_name_cell(typed) == NameCell(original=typed or "", display="")


# --- name cells: groups -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "display", "headcount", "reason"),
    [
        # With a headcount (issue and evaluation_context.md section 3).
        ("Ministry of Examples (5 people)", "Ministry of Examples", 5, "(5 people)"),
        ("Union Delegates (3 persons)", "Union Delegates", 3, "(3 persons)"),
        ("EXORG (2 representatives)", "EXORG", 2, "(2 representatives)"),
        ("Example Workers (6 people)", "Example Workers", 6, "(6 people)"),
        ("Example Staff (5 participants)", "Example Staff", 5, "(5 participants)"),
        ("Example Board (2 members)", "Example Board", 2, "(2 members)"),
        ("Example Board (six people)", "Example Board", 6, "(six people)"),
        (
            "Example Board (3 union representatives)",
            "Example Board",
            3,
            "(3 union representatives)",
        ),
        ("(6 people)", "", 6, "(6 people)"),
        # A number in words in the text (the 2009 annex).
        (
            "Eight members of the Example Committee",
            "Eight members of the Example Committee",
            8,
            "the words “Eight members”",
        ),
        (
            "Twelve union representatives",
            "Twelve union representatives",
            12,
            "the words “Twelve union representatives”",
        ),
        (
            "3 officials of the Example Office",
            "3 officials of the Example Office",
            3,
            "the words “3 officials”",
        ),
        # Without a headcount: the words, all capitals.
        (
            "Members of the Example Group",
            "Members of the Example Group",
            None,
            "the word “members”",
        ),
        (
            "Debrief with the example team",
            "Debrief with the example team",
            None,
            "the word “debrief”",
        ),
        ("Ministry of Examples", "Ministry of Examples", None, "the word “ministry”"),
        ("MINISTRY OF EXAMPLES", "MINISTRY OF EXAMPLES", None, "the word “ministry”"),
        ("Example Trade Union", "Example Trade Union", None, "the word “union”"),
        (
            "Example Employers' Federation",
            "Example Employers' Federation",
            None,
            "the word “federation”",
        ),
        ("Example Association", "Example Association", None, "the word “association”"),
        ("Example Country Office", "Example Country Office", None, "the word “office”"),
        ("Department of Examples", "Department of Examples", None, "the word “department”"),
        ("Example Secretariat", "Example Secretariat", None, "the word “secretariat”"),
        ("Example Delegation.", "Example Delegation", None, "the word “delegation”"),
        ("Example Committee", "Example Committee", None, "the word “committee”"),
        ("Example representatives", "Example representatives", None, "the word “representatives”"),
        ("Evaluation Team", "Evaluation Team", None, "the word “team”"),
        ("Focus Group", "Focus Group", None, "the word “group”"),
        ("NTUC HQ", "NTUC HQ", None, "all capitals"),
        ("EXORG", "EXORG", None, "all capitals"),
        ("EXORG-ABC", "EXORG-ABC", None, "all capitals"),
        ("G20 HQ", "G20 HQ", None, "all capitals"),
        # Forced.
        ("A. Example (group)", "A. Example", None, "(group)"),
        ("Example Partners (group)", "Example Partners", None, "(group)"),
    ],
)
def test_groups(typed: str, display: str, headcount: int | None, reason: str) -> None:
    cell = read_name_cell(typed)
    assert (cell.original, cell.display, cell.headcount, cell.is_group, cell.group_reason) == (
        typed,
        display,
        headcount,
        True,
        reason,
    )
    assert cell.honorific == ""


@pytest.mark.parametrize(
    "typed",
    [
        "F. PLACEHOLDER",  # a capitalised surname after an initial
        "A. B. EXAMPLE",
        "Anna BEISPIEL",  # mixed case
        "A",  # a single capital letter is not an acronym
        "B. Sample",
    ],
)
def test_a_capitalised_surname_is_still_a_person(typed: str) -> None:
    cell = read_name_cell(typed)
    assert (cell.is_group, cell.group_reason) == (False, "")


def test_a_group_word_as_part_of_a_hyphenated_name_still_counts() -> None:
    # A hyphen separates words, so this reads as a group; the dry run lists it with its
    # reason, and "(person)" undoes it.
    assert read_name_cell("Anna Union-Beispiel").group_reason == "the word “union”"
    assert read_name_cell("Anna Union-Beispiel (person)").is_group is False


@pytest.mark.parametrize(
    "typed",
    ["A. Officeworth", "A. Teamster", "Grouper Unionville", "Anna Ministrystone"],
)
def test_group_words_inside_other_words_do_not_count(typed: str) -> None:
    cell = read_name_cell(typed)
    assert (cell.is_group, cell.group_reason) == (False, "")


def test_one_person_from_a_group_is_not_a_headcount() -> None:
    cell = read_name_cell("One of the staff")
    assert (cell.headcount, cell.group_reason) == (None, "the word “staff”")


@pytest.mark.parametrize(
    ("typed", "display"),
    [
        ("NTUC HQ (person)", "NTUC HQ"),
        ("EXORG (person)", "EXORG"),
        ("JOHN SMITH (person)", "JOHN SMITH"),
        ("Anna Team (person)", "Anna Team"),
        ("Mr. A. Ministry (person)", "A. Ministry"),
        ("Example Delegates (3 persons) (person)", "Example Delegates"),
        ("A. Example (group) (person)", "A. Example"),
        ("A. Example (person) (group)", "A. Example"),
    ],
)
def test_person_marker_undoes_a_group_reading(typed: str, display: str) -> None:
    cell = read_name_cell(typed)
    assert (cell.display, cell.is_group, cell.group_reason, cell.headcount, cell.about) == (
        display,
        False,
        "",
        None,
        "",
    )


def test_a_name_in_capitals_reads_as_a_group_until_marked_as_a_person() -> None:
    assert read_name_cell("JOHN SMITH").group_reason == "all capitals"
    assert read_name_cell("JOHN SMITH (person)").is_group is False


def test_a_group_follow_up_keeps_both() -> None:
    cell = read_name_cell("Ministry of Examples (5 people) (2nd)")
    assert (cell.display, cell.headcount, cell.follow_up, cell.group_reason) == (
        "Ministry of Examples",
        5,
        True,
        "(5 people)",
    )


def test_a_group_name_keeps_its_comma_and_order() -> None:
    # People's "Family, Given" is turned round; an organisation's name is not.
    cell = read_name_cell("Ministry of Labour, Planning Unit")
    assert (cell.display, cell.is_group) == ("Ministry of Labour, Planning Unit", True)


def test_the_registry_can_say_a_name_is_an_organisation() -> None:
    asked: list[str] = []

    def known(name: str) -> bool:
        asked.append(name)
        return name in {"Exampleco", "Acme Partners"}

    cell = read_name_cell("Exampleco.", is_known_organisation=known)
    assert (cell.display, cell.is_group, cell.group_reason, cell.headcount) == (
        "Exampleco",
        True,
        "an organisation known to the registry",
        None,
    )
    assert read_name_cell("A. Example", is_known_organisation=known).is_group is False
    # Not asked when the cell already decides, nor against "(person)".
    assert read_name_cell("NTUC HQ", is_known_organisation=known).group_reason == "all capitals"
    assert read_name_cell("Acme Partners (person)", is_known_organisation=known).is_group is False
    assert read_name_cell("(6 people)", is_known_organisation=known).group_reason == "(6 people)"
    assert asked == ["Exampleco", "A. Example"]


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
