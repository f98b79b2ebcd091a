"""The import of a "List of persons interviewed" at the service: a messy annex built from the
examples in evaluation_context.md, as CSV and as XLSX — exactly the interviews, participants,
follow-ups and warnings, in the dry run and after the import; a second import creates nothing;
bad input is refused with row numbers and imports nothing."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from openpyxl import Workbook

from common.errors import ValidationProblem
from common.spreadsheets import Table, read_table
from evaluations.models import Evaluation
from evaluations.permissions import SYSTEM
from interviews.cells import initials_key
from interviews.importing.plan import InterviewImport
from interviews.importing.run import interviews_check, interviews_import
from interviews.models import Interview, InterviewNote, Participation, ReportingCategory
from stakeholders.models import Person
from tests.factories import EvaluationFactory, MembershipFactory
from tests.interviews import builders

pytestmark = pytest.mark.django_db

ANNEX = Path(__file__).parent / "files" / "persons_interviewed.csv"
TEAM = ("AX", "BVdY", "CZ")


# --- the files ------------------------------------------------------------------------------


def annex_rows() -> list[list[str]]:
    """The messy annex: headings, every date form, markers, name-only rows, unknown-size
    groups, a name listed again, a near match, an unknown interviewer."""
    with ANNEX.open(newline="", encoding="utf-8") as handle:
        return [list(row) for row in csv.reader(handle)]


def csv_bytes(rows: list[list[object]]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode("utf-8")


def xlsx_bytes(rows: list[list[object]], *, sheet: str = "Annex 3") -> bytes:
    """The rows in a workbook, as Excel keeps them: a date typed into a cell becomes a date."""
    book = Workbook()
    worksheet = book.active
    worksheet.title = sheet
    for row in rows:
        worksheet.append(
            [dt.datetime(2019, 3, 12) if cell == "12.3.2019" else cell for cell in row]
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def table(rows: list[list[object]], *, kind: str = "csv") -> Table:
    if kind == "xlsx":
        return read_table(xlsx_bytes(rows), "annex.xlsx")
    return read_table(csv_bytes(rows), "annex.csv")


def team_of(evaluation: Evaluation) -> None:
    for initials in TEAM:
        MembershipFactory(evaluation=evaluation, initials=initials)


def team_and_registry(evaluation: Evaluation) -> dict[str, Person]:
    """The team, and the registry before the import: B. Sample, and Anna Beispiel (whom
    "Anna Biespiel" nearly matches)."""
    team_of(evaluation)
    return {
        "sample": builders.person("B. Sample", organisation="Ministry of Labour"),
        "anna": builders.person("Anna Beispiel"),
    }


@pytest.fixture
def people(evaluation: Evaluation) -> dict[str, Person]:
    return team_and_registry(evaluation)


def lines_of(result: InterviewImport) -> list[str]:
    return [line.text for line in result.lines]


def warnings_of(result: InterviewImport) -> dict[int, list[str]]:
    return {line.row: line.warnings for line in result.lines if line.warnings}


def snapshot(evaluation: Evaluation) -> list[tuple]:
    """The log as a reader compares it: dates, place, how, who (people by name, groups with
    their size), follow-up of what, category, about, interviewers."""

    def who(participation: Participation) -> tuple:
        if participation.person_id:
            return ("person", participation.person.display_name)
        return ("group", participation.group_label, participation.headcount)

    def label(interview: Interview) -> tuple:
        first = interview.participations.all()[0]
        return (interview.date, who(first))

    found = []
    for interview in Interview.objects.filter(evaluation=evaluation).order_by("date", "pk"):
        found.append(
            (
                interview.date,
                interview.date_end,
                interview.grouping,
                interview.mode,
                interview.kind,
                interview.category.name if interview.category else "",
                interview.about,
                tuple(who(p) for p in interview.participations.all()),
                label(interview.follow_up_of) if interview.follow_up_of else None,
                tuple(
                    sorted(
                        initials_key(i.membership.initials if i.membership else i.initials)
                        for i in interview.interviewers.all()
                    )
                ),
            )
        )
    return found


D = dt.date
HQ, CITY, EXTERNAL = "Headquarters", "Example City", "External Interviews"
IN_PERSON, PHONE = Interview.Mode.IN_PERSON, Interview.Mode.PHONE
INDIVIDUAL, GROUP = Interview.Kind.INDIVIDUAL, Interview.Kind.GROUP
A_EXAMPLE = ("person", "A. Example")
FIRST = (D(2019, 3, 12), A_EXAMPLE)
# What the annex becomes, in date order.
EXPECTED = [
    (D(2019, 3, 12), None, HQ, IN_PERSON, GROUP, "Staff", "",
     (A_EXAMPLE, ("person", "B. Sample")), None, ("ax", "bvdy")),
    (D(2019, 3, 12), None, HQ, IN_PERSON, GROUP, "", "",
     (("group", "Members of the Example Group", None),), None, ("ax", "bvdy")),
    (D(2019, 3, 15), None, HQ, IN_PERSON, INDIVIDUAL, "Staff", "INTERVIEW ABOUT REGION B",
     (("person", "C. Testperson"),), None, ("ax", "bvdy")),
    (D(2019, 3, 19), None, HQ, PHONE, INDIVIDUAL, "", "",
     (("person", "H. Phoner"),), None, ("bvdy",)),
    (D(2019, 4, 2), None, HQ, IN_PERSON, INDIVIDUAL, "", "",
     (A_EXAMPLE,), FIRST, ("bvdy",)),
    (D(2019, 4, 8), D(2019, 4, 10), CITY, IN_PERSON, INDIVIDUAL, "", "",
     (("person", "D. Demo"),), None, ("ax", "bvdy")),
    (D(2019, 4, 9), None, CITY, IN_PERSON, GROUP, "Government", "",
     (("group", "Ministry of Examples", 5), ("group", "Union Delegates", 3)), None,
     ("ax", "bvdy")),
    (D(2019, 4, 10), None, CITY, IN_PERSON, GROUP, "", "",
     (("group", "NTUC HQ", None),), None, ("bvdy",)),
    (D(2019, 4, 15), None, EXTERNAL, IN_PERSON, INDIVIDUAL, "", "",
     (("person", "E. Fictional"),), None, ("cz",)),
    (D(2019, 4, 16), None, EXTERNAL, IN_PERSON, INDIVIDUAL, "", "",
     (("person", "F. PLACEHOLDER"),), None, ("qq",)),
    (D(2019, 4, 17), None, EXTERNAL, IN_PERSON, INDIVIDUAL, "", "",
     (("person", "G. Double-Barrel"),), None, ("cz",)),
    (D(2019, 4, 18), None, EXTERNAL, IN_PERSON, INDIVIDUAL, "", "",
     (A_EXAMPLE,), None, ("ax",)),
    (D(2019, 4, 19), None, EXTERNAL, IN_PERSON, INDIVIDUAL, "", "",
     (("person", "Anna Biespiel"),), None, ("ax",)),
    (D(2019, 4, 22), D(2019, 4, 25), EXTERNAL, IN_PERSON, GROUP, "", "",
     (("group", "Debrief with the example team", None),), None, ("ax", "bvdy", "cz")),
]  # fmt: skip

EXPECTED_LINES = [
    "Row 2: heading “Headquarters”",
    "Row 3: interview 1 — A. Example (new person), UNIT-X; 12.03.2019; Headquarters; "
    "by AX, BvdY; category “Staff” (new)",
    "Row 4: interview 1 — co-participant B. Sample (matched: B. Sample — Ministry of Labour)",
    "Row 5: interview 2 — group “Members of the Example Group”, size unknown; 12.03.2019; "
    "Headquarters; by AX, BvdY",
    "Row 6: interview 3 — A. Example (same person as row 3), UNIT-X; 02.04.2019; "
    "Headquarters; by BVdY; follow-up of interview 1 (row 3)",
    "Row 7: interview 4 — C. Testperson (new person), UNIT-Y (Headquarters); 15.03.2019; "
    "Headquarters; by AX, BVdY; category “Staff”; about “INTERVIEW ABOUT REGION B”",
    "Row 8: interview 5 — H. Phoner (new person); 19.03.2019; Headquarters; by BvdY; Phone",
    "Row 9: heading “Example City”",
    "Row 10: interview 6 — D. Demo (new person), EXAMPLE CITY; 08.04.2019–10.04.2019; "
    "Example City; by AX, BVdY",
    "Row 11: interview 7 — group “Ministry of Examples”, 5 people, EXAMPLE CITY; 09.04.2019; "
    "Example City; by AX, BVdY; category “Government” (new)",
    "Row 12: interview 7 — co-participant group “Union Delegates”, 3 people",
    "Row 13: interview 8 — group “NTUC HQ”, size unknown; 10.04.2019; Example City; by BVdY",
    "Row 14: heading “External Interviews”",
    "Row 15: interview 9 — E. Fictional (new person), Head, Example Research Institute; "
    "15.04.2019; External Interviews; by CZ",
    "Row 16: interview 10 — F. PLACEHOLDER (new person), Example City, , Specialist; "
    "16.04.2019; External Interviews; by QQ",
    "Row 17: interview 11 — G. Double-Barrel (new person); 17.04.2019; External Interviews; by cz",
    "Row 18: interview 12 — A. Example (same person as row 3), UNIT-X; 18.04.2019; "
    "External Interviews; by AX",
    "Row 19: interview 13 — Anna Biespiel (new person), ILO; 19.04.2019; External Interviews; "
    "by AX",
    "Row 20: interview 14 — group “Debrief with the example team”, size unknown; "
    "22.04.2019–25.04.2019; External Interviews; by AX, BvdY, CZ",
]


def expected_warnings(anna: Person) -> dict[int, list[str]]:
    unknown_size = (
        "“{}” is read as a group of unknown size ({}). If it is one person, add (person) after "
        "the name; if you know the size, add e.g. (6 people)."
    )
    return {
        4: [
            "The category “Government” of a co-participant row is ignored: the interview's "
            "category comes from row 3."
        ],
        5: [unknown_size.format("Members of the Example Group", "the word “members”")],
        13: [unknown_size.format("NTUC HQ", "all capitals")],
        16: ["No team member has the initials “QQ”: kept as written."],
        18: [
            "A. Example was also interviewed on 12.03.2019 (row 3): likely a follow-up of row 3. "
            "Add (2nd) to the name to record it as one."
        ],
        19: [
            "“Anna Biespiel” is close to people in the registry: Anna Beispiel (92). A new "
            "person is created unless you choose one of them."
        ],
        20: [unknown_size.format("Debrief with the example team", "the word “debrief”")],
    }


COUNTS = {
    "interviews": 14,
    "participants": 16,
    "people_new": 8,
    "people_matched": 1,
    "groups": 5,
    "follow_ups": 1,
    "already_imported": 0,
}


# --- the messy annex --------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_dry_run_says_what_every_row_becomes_and_writes_nothing(
    evaluation: Evaluation, people: dict[str, Person], kind: str
) -> None:
    before = Person.objects.count()
    result = interviews_check(table(annex_rows(), kind=kind), evaluation=evaluation)
    assert result.ok and result.errors == []
    assert lines_of(result) == EXPECTED_LINES
    assert warnings_of(result) == expected_warnings(people["anna"])
    assert [(line.row, line.kind, line.interview) for line in result.lines[:5]] == [
        (2, "heading", None),
        (3, "interview", 1),
        (4, "co_participant", 1),
        (5, "interview", 2),
        (6, "interview", 3),
    ]
    assert result.counts == COUNTS
    assert result.already_imported is False
    [near] = result.near_matches
    assert (near.row, near.name) == (19, "Anna Biespiel")
    assert near.candidates == [(people["anna"].pk, "Anna Beispiel", 92)]
    assert Interview.objects.count() == 0
    assert Person.objects.count() == before
    assert ReportingCategory.objects.count() == 0


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_import_gives_exactly_the_interviews_participants_and_follow_ups(
    evaluation: Evaluation, people: dict[str, Person], kind: str
) -> None:
    before = Person.objects.count()
    result = interviews_import(
        table(annex_rows(), kind=kind), evaluation=evaluation, by=SYSTEM, filename=f"annex.{kind}"
    )
    assert result.counts == COUNTS
    assert lines_of(result) == EXPECTED_LINES
    assert snapshot(evaluation) == EXPECTED
    assert Person.objects.count() == before + 8
    # One A. Example, interviewed three times; B. Sample is the registry's.
    example = Person.objects.get(display_name="A. Example")
    assert example.participations.count() == 3
    assert people["sample"].participations.get().interview.grouping == HQ
    # The cell as typed is kept beside the name read from it; the honorific goes to the person.
    demo = Participation.objects.get(person__display_name="D. Demo")
    assert demo.original_text == "Mr.\nD. Demo"
    assert demo.unit == "EXAMPLE CITY"
    assert demo.person.honorific == "Mr."
    # The co-participant B. Sample keeps the registry affiliation (the row named no department).
    sample = Participation.objects.get(person=people["sample"])
    assert (sample.organisation_name, sample.unit) == ("Ministry of Labour", "")
    # Interviewers matched to the team by initials, whatever the capitals; QQ kept as written.
    first = Interview.objects.get(evaluation=evaluation, date=D(2019, 3, 12), kind=GROUP,
                                  category__isnull=False)  # fmt: skip
    assert sorted(i.membership.initials for i in first.interviewers.all()) == ["AX", "BVdY"]
    qq = Interview.objects.get(evaluation=evaluation, date=D(2019, 4, 16)).interviewers.get()
    assert (qq.membership, qq.initials) == (None, "QQ")
    # Categories set by hand, created in the evaluation's list.
    assert first.category_by_hand is True
    categories = ReportingCategory.objects.filter(evaluation=evaluation)
    assert list(categories.values_list("name", flat=True)) == ["Staff", "Government"]
    assert first.source == f"import: annex.{kind} row 3"
    assert Interview.objects.filter(evaluation=evaluation, import_key__isnull=True).count() == 0


def test_a_second_import_creates_nothing_and_says_so(
    evaluation: Evaluation, people: dict[str, Person]
) -> None:
    interviews_import(table(annex_rows()), evaluation=evaluation, by=SYSTEM)
    counts = Interview.objects.count(), Participation.objects.count(), Person.objects.count()
    again = interviews_check(table(annex_rows()), evaluation=evaluation)
    assert again.already_imported is True
    assert again.counts == {**dict.fromkeys(COUNTS, 0), "already_imported": 14}
    assert again.lines[1].text == "Row 3: interview 1 — already imported (A. Example; 12.03.2019)"
    assert again.lines[2].text == "Row 4: interview 1 — co-participant B. Sample (already imported)"
    assert again.near_matches == []
    result = interviews_import(table(annex_rows()), evaluation=evaluation, by=SYSTEM)
    assert result.already_imported is True
    assert (Interview.objects.count(), Participation.objects.count(),
            Person.objects.count()) == counts  # fmt: skip


def test_the_same_list_as_xlsx_after_csv_creates_nothing_and_both_read_the_same(
    evaluation: Evaluation, people: dict[str, Person]
) -> None:
    other = EvaluationFactory()
    team_of(other)
    as_csv = interviews_import(table(annex_rows()), evaluation=evaluation, by=SYSTEM)
    as_xlsx = interviews_import(table(annex_rows(), kind="xlsx"), evaluation=other, by=SYSTEM)
    assert snapshot(evaluation) == snapshot(other) == EXPECTED
    # In the second evaluation the people created by the first import are matched.
    assert as_xlsx.counts == {**as_csv.counts, "people_new": 0, "people_matched": 9}
    again = interviews_check(table(annex_rows(), kind="xlsx"), evaluation=evaluation)
    assert again.already_imported is True


def test_an_edited_list_adds_only_its_new_rows(
    evaluation: Evaluation, people: dict[str, Person]
) -> None:
    interviews_import(table(annex_rows()), evaluation=evaluation, by=SYSTEM)
    edited = [*annex_rows(), ["A. Example (3rd)", "UNIT-X", "6.5.2019", "AX", ""]]
    result = interviews_import(table(edited), evaluation=evaluation, by=SYSTEM)
    assert result.counts == {
        **dict.fromkeys(COUNTS, 0),
        "interviews": 1,
        "participants": 1,
        "people_matched": 1,
        "follow_ups": 1,
        "already_imported": 14,
    }
    assert result.already_imported is False
    assert result.lines[-1].text == (
        "Row 21: interview 15 — A. Example (same person as row 3), UNIT-X; 06.05.2019; "
        "External Interviews; by AX; follow-up of the interview of 18.04.2019"
    )
    third = Interview.objects.get(evaluation=evaluation, date=D(2019, 5, 6))
    assert third.follow_up_of.date == D(2019, 4, 18)
    assert Interview.objects.filter(evaluation=evaluation).count() == 15


# --- rows and cells -----------------------------------------------------------------------------


HEADER = ["Name", "Department", "Date", "Interviewers"]


def test_a_follow_up_of_an_interview_logged_by_hand(evaluation: Evaluation) -> None:
    someone = builders.person("Kwame Mensah")
    earlier = builders.log(evaluation, someone, date=D(2019, 1, 10))
    rows = [HEADER, ["Mr. Kwame Mensah (second interview)", "", "3.2.19", "AX"]]
    result = interviews_import(table(rows), evaluation=evaluation, by=SYSTEM)
    assert result.lines[0].text == (
        "Row 2: interview 1 — Kwame Mensah (matched: Kwame Mensah); 03.02.2019; by AX; "
        "follow-up of the interview of 10.01.2019"
    )
    assert Interview.objects.get(date=D(2019, 2, 3)).follow_up_of == earlier


def test_a_follow_up_listed_above_its_first_interview_is_still_linked(
    evaluation: Evaluation,
) -> None:
    rows = [HEADER, ["A. Example (2nd)", "", "2.4.19", "AX"], ["A. Example", "", "12.3.19", "AX"]]
    result = interviews_import(table(rows), evaluation=evaluation, by=SYSTEM)
    assert "follow-up of interview 2 (row 3)" in result.lines[0].text
    second = Interview.objects.get(date=D(2019, 4, 2))
    assert second.follow_up_of.date == D(2019, 3, 12)


def test_a_marked_follow_up_without_an_earlier_interview_is_a_warning(
    evaluation: Evaluation,
) -> None:
    result = interviews_check(table([HEADER, ["A. Example (2nd)", "", "2.4.19", ""]]),
                              evaluation=evaluation)  # fmt: skip
    assert result.ok
    assert result.lines[0].warnings == [
        "A. Example is marked as interviewed again, but no earlier interview of theirs is in "
        "this file or the log: imported as a first interview."
    ]
    assert result.counts["follow_ups"] == 0


def test_a_date_outside_the_data_collection_is_a_warning(evaluation: Evaluation) -> None:
    evaluation.collection_start, evaluation.collection_end = D(2026, 4, 1), D(2026, 6, 30)
    evaluation.save(update_fields=["collection_start", "collection_end"])
    rows = [
        HEADER,
        ["Anna Example", "ILO", "14.4.2013", ""],
        ["Ben Sample", "ILO", "15.4.2026", ""],
    ]
    result = interviews_check(table(rows), evaluation=evaluation)
    assert result.ok
    assert result.lines[0].warnings == [
        "Dated 14.04.2013, outside the evaluation's data collection (01.04.2026 – 30.06.2026): "
        "check the date."
    ]
    assert result.lines[1].warnings == []


def test_location_country_mode_and_notes_columns(evaluation: Evaluation) -> None:
    rows = [
        ["Names", "Organisation", "Date(s)", "Interviewer", "Place", "Country", "Mode", "Remarks"],
        ["Anna Beispiel", "ILO", "3/15/2019", "AX", "Geneva", "CH", "Skype", "Said a lot."],
        ["Ben Beispiel (person)", "ILO", "", "", "Geneva", "", "", "Agreed."],
    ]
    result = interviews_import(table(rows), evaluation=evaluation, by=SYSTEM, month_first=True)
    assert result.lines[0].text == (
        "Row 2: interview 1 — Anna Beispiel (new person), ILO; 15.03.2019; Geneva; by AX; "
        "Video call; Switzerland"
    )
    assert result.lines[1].kind == "co_participant"
    interview = Interview.objects.get(evaluation=evaluation)
    assert (interview.grouping, interview.country.code, interview.mode) == ("Geneva", "CH", "video")
    assert interview.region == interview.country.region
    notes = list(
        InterviewNote.objects.filter(interview=interview).values_list("text", "visibility")
    )
    assert notes == [("Said a lot.", "team"), ("Agreed.", "team")]


def test_several_people_of_one_name_the_department_chooses(evaluation: Evaluation) -> None:
    builders.person("J. Doe", organisation="Ministry of Labour")
    wanted = builders.person("J. Doe", organisation="Example Employers")
    rows = [HEADER, ["J. Doe", "Example Employers", "1.2.2019", "AX"]]
    result = interviews_import(table(rows), evaluation=evaluation, by=SYSTEM)
    assert result.near_matches == []
    assert Participation.objects.get().person == wanted


def test_several_people_of_one_name_and_nothing_to_choose_by_is_a_near_match(
    evaluation: Evaluation,
) -> None:
    first = builders.person("J. Doe", organisation="Ministry of Labour")
    second = builders.person("J. Doe", organisation="Example Employers")
    result = interviews_check(table([HEADER, ["J. Doe", "", "1.2.2019", "AX"]]),
                              evaluation=evaluation)  # fmt: skip
    [near] = result.near_matches
    assert near.candidates == [
        (first.pk, "J. Doe — Ministry of Labour", 100),
        (second.pk, "J. Doe — Example Employers", 100),
    ]
    assert result.counts["people_new"] == 1


def test_decisions_choose_the_person_a_new_person_or_how_to_read_the_name(
    evaluation: Evaluation,
) -> None:
    team_of(evaluation)
    anna = builders.person("Anna Beispiel")
    rows = [
        HEADER,
        ["Anna Biespiel", "", "1.2.2019", "AX"],
        ["Anna Biespel", "", "2.2.2019", "AX"],
        ["NTUC HQ", "", "3.2.2019", "AX"],
        ["Example Partners", "", "4.2.2019", "AX"],
    ]
    decisions = {2: f"person:{anna.pk}", 3: "new", 4: "person", 5: "group"}
    checked = interviews_check(table(rows), evaluation=evaluation, decisions=decisions)
    assert checked.near_matches == []
    assert [line.warnings for line in checked.lines] == [
        [],
        [],
        [],
        [
            "“Example Partners” is read as a group of unknown size ((group)). If it is one "
            "person, add (person) after the name; if you know the size, add e.g. (6 people)."
        ],
    ]
    assert checked.lines[0].text.startswith("Row 2: interview 1 — Anna Biespiel (chosen: Anna")
    interviews_import(table(rows), evaluation=evaluation, by=SYSTEM, decisions=decisions)
    by_date = {i.date.day: i.participations.get() for i in Interview.objects.all()}
    assert by_date[1].person == anna
    assert by_date[1].original_text == "Anna Biespiel"
    assert by_date[2].person.display_name == "Anna Biespel" and by_date[2].person != anna
    assert by_date[3].person.display_name == "NTUC HQ"
    assert (by_date[4].group_label, by_date[4].headcount) == ("Example Partners", None)


def test_stop_on_near_matches_makes_them_errors(evaluation: Evaluation) -> None:
    builders.person("Anna Beispiel")
    rows = [HEADER, ["Anna Biespiel", "", "1.2.2019", "AX"]]
    result = interviews_check(table(rows), evaluation=evaluation, stop_on_near_matches=True)
    assert result.errors == [
        "Row 2: “Anna Biespiel” may be someone already in the registry: Anna Beispiel (92). "
        "Choose who it is (or that it is a new person) before importing."
    ]
    with pytest.raises(ValidationProblem):
        interviews_import(table(rows), evaluation=evaluation, by=SYSTEM, stop_on_near_matches=True)
    assert Interview.objects.count() == 0


def test_an_interview_listed_twice_is_imported_once(evaluation: Evaluation) -> None:
    row = ["A. Example", "UNIT-X", "12.3.2019", "AX"]
    result = interviews_import(table([HEADER, row, row]), evaluation=evaluation, by=SYSTEM)
    assert result.lines[1].text == (
        "Row 3: interview 2 — the same interview as row 2 (same names, date and interviewers): "
        "imported once"
    )
    assert Interview.objects.count() == 1


# --- bad input: a clear, row-numbered message, and nothing imported ----------------------------


def refused(evaluation: Evaluation, rows: list[list[object]]) -> tuple[InterviewImport, str]:
    """The dry run's errors and the import's refusal, with the database unchanged."""
    before = Interview.objects.count(), Participation.objects.count(), Person.objects.count()
    checked = interviews_check(table(rows), evaluation=evaluation)
    with pytest.raises(ValidationProblem) as problem:
        interviews_import(table(rows), evaluation=evaluation, by=SYSTEM)
    after = Interview.objects.count(), Participation.objects.count(), Person.objects.count()
    assert after == before
    assert problem.value.errors == {"file": checked.errors}
    return checked, problem.value.message


def test_unknown_columns_are_refused_with_the_accepted_names(evaluation: Evaluation) -> None:
    checked, message = refused(evaluation, [["Name", "Date", "Fax"], ["A. Example", "1.2.19", "1"]])
    assert checked.errors == [
        "Unknown column: “Fax” (column C). The accepted columns are: Name (or Names); "
        "Department (or Organisation, Organization, Function, Unit); Date (or Dates); "
        "Interviewers (or Interviewer, Interviewed by); Location (or Place, Grouping); Country; "
        "Mode; Category; Notes (or Remarks)."
    ]
    assert "Nothing was imported" in message and "“Fax”" in message


def test_an_impossible_date_is_a_row_error_naming_the_column(evaluation: Evaluation) -> None:
    rows = [*annex_rows()[:3], ["C. Testperson", "", "31.2.2019", "AX"]]
    checked, message = refused(evaluation, rows)
    assert checked.errors == [
        "Row 4: Date (column C): “31.2.2019” is not a date: February has 28 days in 2019."
    ]
    assert checked.lines[2].text == (
        "Row 4: error — Date (column C): “31.2.2019” is not a date: February has 28 days in 2019."
    )
    assert message == (
        "Nothing was imported: the file has 1 error. Row 4: Date (column C): “31.2.2019” is "
        "not a date: February has 28 days in 2019."
    )


def test_a_co_participant_with_no_interview_above_is_a_row_error(evaluation: Evaluation) -> None:
    rows = [HEADER, ["Headquarters", "", "", ""], ["B. Sample", "", "", ""],
            ["A. Example", "", "1.2.19", "AX"]]  # fmt: skip
    checked, _message = refused(evaluation, rows)
    assert checked.errors == [
        "Row 3: “B. Sample” has no date and no interviewers, so it reads as a co-participant of "
        "the interview above it, but there is no interview directly above it. Give it a date "
        "and interviewers, or move it under its interview."
    ]
    refused(evaluation, [HEADER, ["B. Sample", "UNIT-X", "", ""]])


def test_unknown_mode_and_country_are_row_errors(evaluation: Evaluation) -> None:
    rows = [["Name", "Date", "Mode", "Country"], ["A. Example", "1.2.19", "by pigeon", "Narnia"]]
    checked, _message = refused(evaluation, rows)
    assert checked.errors == [
        "Row 2: Mode (column C): “by pigeon” is not a mode of interview. Write one of: In person, "
        "Video call, Phone, E-mail exchange, Field visit, Focus group, Debrief.",
        "Row 2: Country (column D): “Narnia” is not a country the registry knows.",
    ]


def test_other_row_errors(evaluation: Evaluation) -> None:
    rows = [
        HEADER,
        ["", "UNIT-X", "1.2.19", "AX"],
        ["A. Example", "", "", "AX"],
        ["(2nd)", "", "1.2.19", "AX"],
        ["A. Example", "", "1.3.19", "AX"],
        ["Mr. A. Example", "", "", ""],
    ]
    checked, _message = refused(evaluation, rows)
    assert checked.errors == [
        "Row 2: Name (column A): the name is empty.",
        "Row 3: Date (column C): No date is given; write it as day.month.year, e.g. 15.3.2013.",
        "Row 4: Name (column A): “(2nd)” holds no name.",
        "Row 6: A. Example is listed twice in interview 3 (rows 5 and 6).",
    ]


def test_a_file_with_headings_only_lists_no_interviews(evaluation: Evaluation) -> None:
    checked, _message = refused(evaluation, [HEADER, ["Headquarters", "", "", ""]])
    assert checked.errors == [
        "The file lists no interviews: no row has a name with a date or interviewers."
    ]


def test_an_empty_file_and_a_wrong_sheet_cannot_be_read() -> None:
    with pytest.raises(ValidationProblem, match=r"The file is empty\."):
        read_table(b"", "annex.csv")
    with pytest.raises(ValidationProblem) as problem:
        read_table(xlsx_bytes(annex_rows()), "annex.xlsx", sheet="Annex 4")
    assert problem.value.message == "The workbook has no sheet “Annex 4”. Its sheets: Annex 3."


def test_one_bad_row_imports_nothing_of_the_file(
    evaluation: Evaluation, people: dict[str, Person]
) -> None:
    rows = [*annex_rows(), ["Z. Late", "", "32.5.2019", "AX"]]
    checked, _message = refused(evaluation, rows)
    assert checked.errors == ["Row 21: Date (column C): “32.5.2019” is not a date: May has 31 "
                              "days in 2019."]  # fmt: skip
    assert ReportingCategory.objects.count() == 0


# --- who may import -----------------------------------------------------------------------------


def test_members_who_log_interviews_import_and_viewers_may_not(
    evaluation: Evaluation, team
) -> None:
    rows = [HEADER, ["A. Example", "", "1.2.19", "EV"]]
    with pytest.raises(PermissionDenied):
        interviews_import(table(rows), evaluation=evaluation, by=team["viewer"].user)
    result = interviews_import(table(rows), evaluation=evaluation, by=team["evaluator"].user)
    assert result.counts["interviews"] == 1
    interview = Interview.objects.get()
    assert interview.created_by == team["evaluator"].user
    assert interview.interviewers.get().membership == team["evaluator"]


def test_a_lone_full_name_the_registry_or_the_file_knows_joins_the_interview_above(
    evaluation: Evaluation,
) -> None:
    """'Bruno Sample' (no initial, no honorific) under an interview is a co-participant when
    the registry or an earlier row knows the name; an unknown lone cell stays a heading."""
    builders.person("Bruno Sample")
    rows = [
        HEADER,
        ["Carla Other", "UNIT-X", "1.2.2019", "AX"],
        ["Ana Example", "UNIT-X", "2.2.2019", "AX"],
        ["Bruno Sample", "", "", ""],
        ["Carla Other", "", "", ""],
        ["Example City", "", "", ""],
        ["Dora Demo", "UNIT-Y", "3.2.2019", "AX"],
    ]
    result = interviews_check(table(rows), evaluation=evaluation)
    kinds = [(line.row, line.kind, line.interview) for line in result.lines]
    assert kinds == [
        (2, "interview", 1),
        (3, "interview", 2),
        (4, "co_participant", 2),
        (5, "co_participant", 2),
        (6, "heading", None),
        (7, "interview", 3),
    ]
    assert "Example City" in result.lines[5].text
