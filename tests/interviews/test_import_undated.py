"""Lists of persons interviewed printed without dates (issue 19 item 9): how each line reads,
the import (interviews whose date is unknown, counted in the overview, last in the log and the
annex), a second import, and the command.

The fixture follows the annex layout that the 2009 report prints (seed document 003, Annex 2,
described in shared/instruments/evaluation_context.md §3): location headings, unit or
organisation headings, one name a line, "(tel)", "Name, Organisation", and a group line with
its number in words. Every name in it is invented."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.management import call_command
from openpyxl import Workbook

from common.spreadsheets import read_lines, read_table
from evaluations.models import Evaluation
from evaluations.permissions import SYSTEM
from interviews.cells import read_name_cell
from interviews.exporting import interview_dates, log_rows
from interviews.importing.run import interviews_check, interviews_import
from interviews.importing.undated import (
    Places,
    automatic_readings,
    line_reading,
    reads_as_capitals,
    split_line,
)
from interviews.models import Interview, Participation
from reports.selectors.annex import annex, annex_rows
from reports.selectors.overview import interview_overview
from stakeholders.models import Country, Office, Person
from tests.factories import EvaluationFactory
from tests.interviews.builders import log, person, unnamed
from tests.interviews.test_importing import csv_bytes

FIXTURE = Path(__file__).parent / "files" / "persons_interviewed_undated.txt"

# Row -> how it reads, for the fixture (row 13 is blank).
READINGS = {
    1: "skip", 2: "location", 3: "unit", 4: "person", 5: "person", 6: "person", 7: "unit",
    8: "person", 9: "location", 10: "person", 11: "person", 12: "group", 14: "location",
    15: "unit", 16: "person", 17: "group", 18: "location", 19: "person", 20: "group",
}  # fmt: skip


@pytest.fixture
def registry(db) -> dict[str, object]:
    """An office in Geneva (a city heading) and B. Sample, whom the list names again."""
    office = Office.objects.create(
        name="Example Headquarters", city="Geneva", country=Country.objects.get(code="CH"),
        type=Office.Type.HEADQUARTERS,
    )  # fmt: skip
    return {"office": office, "sample": person("B. Sample", organisation="Ministry of Labour")}


def table():
    return read_lines(FIXTURE.read_bytes(), FIXTURE.name)


# --- reading a line -----------------------------------------------------------------------


def places() -> Places:
    """Places as the registry gives them, without the database (unsaved rows)."""
    found = Places()
    found.countries = {
        key: Country(name=key.title()) for key in ("sri lanka", "tajikistan", "armenia")
    }
    found.offices = {"geneva": Office(name="Example Headquarters", city="Geneva")}
    return found


@pytest.mark.parametrize(
    ("text", "reading"),
    [
        ("Geneva", "location"),
        ("Sri Lanka", "location"),
        ("Tajikistan-Armenia", "location"),
        ("STAT", "unit"),
        ("ILO HQ", "unit"),
        ("UNDP", "unit"),
        ("A. Person", "person"),
        ("A. Person, UNDP", "person"),
        ("F. PLACEHOLDER", "person"),
        ("B. Sample (tel)", "person"),
        ("Six members of the advisory committee", "group"),
        ("6 members of the advisory committee", "group"),
        ("Members of the Example Group", "group"),
        ("Persons interviewed", "skip"),
        ("List of persons met", "skip"),
    ],
)
def test_each_kind_of_line_reads_as_such(text: str, reading: str) -> None:
    assert line_reading(text, places=places()) == reading


def test_a_known_organisation_or_unit_is_a_unit_heading() -> None:
    known = {"example research institute"}
    assert line_reading("Example Research Institute", places=places()) == "person"
    found = line_reading(
        "Example Research Institute", places=places(), is_known_organisation=known.__contains__
    )
    assert found == "person"  # the callable takes the name as written
    assert (
        line_reading("Migration Branch", places=places(), known_units={"migration branch"})
        == "unit"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("A. Person, UNDP", ("A. Person", "UNDP", False)),
        ("Mr. E. Fictional, Director, Example Federation",
         ("Mr. E. Fictional", "Director, Example Federation", False)),
        ("D. Demo (tel)", ("D. Demo", "", True)),
        ("D. Demo (telephone), STAT", ("D. Demo", "STAT", True)),
        ("G. Double-Barrel, Coordinator (phone)", ("G. Double-Barrel", "Coordinator", True)),
        ("C. Testperson", ("C. Testperson", "", False)),
    ],
)  # fmt: skip
def test_name_and_organisation_are_split_and_the_telephone_marker_read(text, expected) -> None:
    assert split_line(text) == expected


WORDS = {
    2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight", 9: "nine",
    10: "ten", 11: "eleven", 12: "twelve", 13: "thirteen", 14: "fourteen", 15: "fifteen",
    16: "sixteen", 17: "seventeen", 18: "eighteen", 19: "nineteen", 20: "twenty",
    21: "twenty-one", 25: "twenty five", 34: "thirty-four", 40: "forty", 99: "ninety-nine",
}  # fmt: skip


@pytest.mark.parametrize(("number", "word"), WORDS.items())
def test_headcounts_in_words_and_digits(number: int, word: str) -> None:
    assert read_name_cell(f"{word.capitalize()} members of the committee").headcount == number
    assert read_name_cell(f"{number} members of the committee").headcount == number
    assert read_name_cell(f"Committee ({word} people)").headcount == number


def test_a_group_line_of_twenty_one_reads_as_a_group_of_twenty_one() -> None:
    assert line_reading("Twenty-one members of the Example Union", places=places()) == "group"


def test_capitals_are_short_lines_without_initials() -> None:
    assert reads_as_capitals("STAT") and reads_as_capitals("MIGRANT")
    assert not reads_as_capitals("F. PLACEHOLDER")
    assert not reads_as_capitals("A. Person, UNDP")
    assert not reads_as_capitals("Stat")


def test_lines_are_read_from_text_csv_and_xlsx() -> None:
    assert [r.values for r in read_lines(b"Geneva\n\nA. Person, UNDP\n", "l.txt").rows] == [
        ["Geneva"],
        ["A. Person, UNDP"],
    ]
    assert [r.number for r in read_lines(b"Geneva\n\nA. Person, UNDP\n", "l.txt").rows] == [1, 3]
    csv = read_lines(b'Geneva\n"A. Person, UNDP"\nB. Sample,STAT\n', "l.csv")
    assert [r.values[0] for r in csv.rows] == ["Geneva", "A. Person, UNDP", "B. Sample, STAT"]
    book = Workbook()
    for line in (["Geneva"], ["A. Person", "UNDP"]):
        book.active.append(line)
    data = io.BytesIO()
    book.save(data)
    assert [r.values[0] for r in read_lines(data.getvalue(), "l.xlsx").rows] == [
        "Geneva",
        "A. Person, UNDP",
    ]


def test_a_place_the_registry_does_not_know_reads_as_a_location_above_names() -> None:
    lines = ["Bangkok", "STAT", "A. Example", "Nairobi", "B. Sample", "C. Testperson", "Dana"]
    found = automatic_readings(dict(enumerate(lines, 1)), places=Places())
    assert list(found.values()) == [
        "location", "unit", "person", "location", "person", "person", "person",
    ]  # fmt: skip


# --- the dry run and the import -------------------------------------------------------------


def test_the_dry_run_reads_every_line_and_writes_nothing(evaluation: Evaluation, registry) -> None:
    result = interviews_check(table(), evaluation=evaluation, undated=True)
    assert result.errors == []
    assert {line.row: line.reading for line in result.lines if line.reading} == READINGS
    texts = {line.row: line.text for line in result.lines}
    assert texts[2] == "Row 2: location “Geneva” (Switzerland)"
    assert texts[3] == "Row 3: unit or organisation “STAT”"
    assert texts[5] == (
        "Row 5: interview 2 — B. Sample (matched: B. Sample — Ministry of Labour), STAT; "
        "date unknown; Geneva; Switzerland"
    )
    assert texts[8].endswith(
        "D. Demo (new person), MIGRANT; date unknown; Geneva; Phone; Switzerland"
    )
    assert (
        texts[10] == "Row 10: interview 5 — A. Person (new person), UNDP; date unknown; Sri Lanka"
    )
    assert texts[12] == (
        "Row 12: interview 7 — group “Six members of the advisory committee”, 6 people; "
        "date unknown; Sri Lanka"
    )
    assert result.counts["interviews"] == 11 and result.counts["groups"] == 3
    assert Interview.objects.count() == 0


def test_the_import_logs_interviews_whose_date_is_unknown(evaluation: Evaluation, registry) -> None:
    people = Person.objects.count()
    interviews_import(table(), evaluation=evaluation, by=SYSTEM, undated=True, filename="l.txt")
    interviews = list(Interview.objects.filter(evaluation=evaluation))
    assert len(interviews) == 11
    assert all(i.date is None and i.date_end is None for i in interviews)
    assert Person.objects.count() == people + 7  # B. Sample was in the registry
    demo = Participation.objects.get(person__display_name="D. Demo").interview
    assert (demo.grouping, demo.mode, demo.country.code) == ("Geneva", "phone", "CH")
    assert Participation.objects.get(person__display_name="D. Demo").unit == "MIGRANT"
    groups = Participation.objects.filter(person__isnull=True).order_by("interview__pk")
    assert [(g.group_label, g.headcount) for g in groups] == [
        ("Six members of the advisory committee", 6),
        ("Eight members of the Example Committee", 8),
        ("12 members of the Example Workers' Union", 12),
    ]
    assert str(demo) == "Interview, date unknown (Geneva)"
    assert interview_dates(demo) == "date unknown"


def test_importing_the_same_list_again_adds_nothing(evaluation: Evaluation, registry) -> None:
    interviews_import(table(), evaluation=evaluation, by=SYSTEM, undated=True)
    again = interviews_check(table(), evaluation=evaluation, undated=True)
    assert again.already_imported and again.counts["already_imported"] == 11
    interviews_import(table(), evaluation=evaluation, by=SYSTEM, undated=True)
    assert Interview.objects.filter(evaluation=evaluation).count() == 11


def test_a_refused_line_imports_nothing(evaluation: Evaluation, registry) -> None:
    lines = FIXTURE.read_bytes() + b"H. " + b"x" * 400 + b"\n"
    result = interviews_check(read_lines(lines, "l.txt"), evaluation=evaluation, undated=True)
    assert result.errors and result.errors[0].startswith("Row 21: ")
    with pytest.raises(Exception, match="Nothing was imported"):
        interviews_import(
            read_lines(lines, "l.txt"), evaluation=evaluation, by=SYSTEM, undated=True
        )
    assert Interview.objects.count() == 0


def test_no_collection_period_warning_without_dates(evaluation: Evaluation, registry) -> None:
    evaluation.collection_start, evaluation.collection_end = (
        dt.date(2026, 4, 1),
        dt.date(2026, 6, 30),
    )
    evaluation.save()
    result = interviews_check(table(), evaluation=evaluation, undated=True)
    assert [w for line in result.lines for w in line.warnings if "data collection" in w] == []


def test_the_overview_counts_them_and_the_annex_says_date_unknown(
    evaluation: Evaluation, registry, team
) -> None:
    dated = log(evaluation, unnamed("Example delegation", 2), date=dt.date(2026, 5, 4))
    interviews_import(table(), evaluation=evaluation, by=SYSTEM, undated=True)
    total = interview_overview(evaluation=evaluation, user=team["lead"].user).total
    assert total.interviews.computed == 12
    assert total.participants.computed == 8 + 6 + 8 + 12 + 2
    ordered = list(Interview.objects.filter(evaluation=evaluation))
    assert ordered[0] == dated and ordered[-1].date is None  # unknown dates sort last
    rows = annex_rows(annex(evaluation=evaluation, user=team["lead"].user))
    assert ["D. Demo", "MIGRANT", "date unknown", ""] in rows


# --- the command ----------------------------------------------------------------------------


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("import_interviews", *args, stdout=out, stderr=io.StringIO(), no_color=True)
    return out.getvalue()


def test_the_command_prints_each_reading_then_imports_once(
    evaluation: Evaluation, registry
) -> None:
    out = run(str(FIXTURE), "--evaluation", evaluation.slug, "--undated", "--dry-run")
    lines = out.splitlines()
    assert lines[0] == "Read 19 rows."
    assert "Row 1: left out (“Persons interviewed”)" in lines
    assert "Row 15: unit or organisation “Ministry of Examples”" in lines
    assert lines[-2:] == [
        "Would import 11 interviews, 11 participants (7 new people).",
        "Dry run: nothing imported.",
    ]
    assert Interview.objects.count() == 0
    out = run(str(FIXTURE), "--evaluation", evaluation.slug, "--undated")
    assert out.splitlines()[-1] == "11 interviews, 11 participants (7 new people) imported."
    out = run(str(FIXTURE), "--evaluation", evaluation.slug, "--undated")
    assert (
        out.splitlines()[-1] == "Nothing new: all 11 interviews of this file were imported before."
    )
    assert Interview.objects.count() == 11


def test_the_log_exported_imports_back_with_its_dates_unknown(
    evaluation: Evaluation, registry, team
) -> None:
    interviews_import(table(), evaluation=evaluation, by=SYSTEM, undated=True)
    rows = list(log_rows(evaluation=evaluation, user=team["lead"].user))
    assert rows[1][:3] == ["A. Example", "STAT", "date unknown"]
    exported = read_table(csv_bytes(rows), "log.csv")
    assert interviews_check(exported, evaluation=evaluation).already_imported
    fresh = EvaluationFactory()
    result = interviews_import(exported, evaluation=fresh, by=SYSTEM)
    assert result.errors == [] and result.counts["interviews"] == 11
    assert Interview.objects.filter(evaluation=fresh, date__isnull=True).count() == 11
