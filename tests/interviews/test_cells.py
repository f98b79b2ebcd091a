"""Reading the name cell and the interviewers' initials of a "List of persons interviewed":
names and their markers, groups, interviewers. No database."""

from __future__ import annotations

import pytest

from interviews.cells import (
    NameCell,
    initials_key,
    read_name_cell,
    split_interviewers,
)

# --- interviewers -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "initials"),
    [
        # The examples.
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
