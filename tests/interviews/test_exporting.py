"""The log exported as the "List of persons interviewed": the rows as the annex prints them,
the workbook read back, names withheld, only for readers, and export → import round trips."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied
from openpyxl import load_workbook

from common.spreadsheets import read_table
from evaluations.models import Evaluation
from evaluations.permissions import SYSTEM
from interviews import services
from interviews.exporting import EXPORT_HEADERS, log_rows, log_xlsx
from interviews.importing.run import interviews_import
from interviews.models import Interview
from interviews.services import ParticipantInput
from tests.factories import EvaluationFactory
from tests.interviews import builders
from tests.interviews.test_importing import (
    EXPECTED,
    annex_rows,
    csv_bytes,
    snapshot,
    table,
    team_and_registry,
)

pytestmark = pytest.mark.django_db

D = dt.date


@pytest.fixture
def logged(evaluation: Evaluation, team) -> Evaluation:
    """A log entered by hand: a group interview with a person, a co-participant and a group of
    6; two follow-ups; a group of unknown size; people whose names need a marker."""
    anna = builders.person("Anna Beispiel", organisation="ILO", job_title="Director")
    first = builders.log(
        evaluation,
        anna,
        builders.person("B. Sample"),
        builders.unnamed("Ministry of Labour", 6),
        date=D(2019, 3, 12),
        grouping="Headquarters",
        interviewers=[team["lead"], "QQ"],
        category="Staff",
        about="the Bangkok office",
    )
    second = services.follow_up_create(
        of=first, by=SYSTEM, date=D(2019, 4, 2), participants=[ParticipantInput(person=anna)]
    )
    services.follow_up_create(
        of=second, by=SYSTEM, date=D(2019, 4, 5), participants=[ParticipantInput(person=anna)]
    )
    builders.log(
        evaluation,
        builders.unnamed("Example Partners"),
        builders.person("Anna Example"),
        date=D(2019, 4, 8),
        date_end=D(2019, 4, 10),
        mode=Interview.Mode.PHONE,
        country=builders.country("TH"),
        interviewers=[team["evaluator"]],
    )
    builders.log(evaluation, builders.person("Ministry Liaison"), date=D(2019, 4, 11))
    return evaluation


EXPORTED = [
    EXPORT_HEADERS,
    ["Anna Beispiel (the Bangkok office)", "Director, ILO", "12.3.2019", "LE & QQ",
     "Headquarters", "", "In person", "Staff", ""],
    ["B. Sample", "", "", "", "Headquarters", "", "", "", ""],
    ["Ministry of Labour (6 people)", "", "", "", "Headquarters", "", "", "", ""],
    ["Anna Beispiel (2nd)", "Director, ILO", "2.4.2019", "LE & QQ", "Headquarters", "",
     "In person", "", ""],
    ["Anna Beispiel (3rd)", "Director, ILO", "5.4.2019", "LE & QQ", "Headquarters", "",
     "In person", "", ""],
    ["Example Partners (group)", "", "8.4.2019-10.4.2019", "EV", "", "Thailand", "Phone", "", ""],
    ["Anna Example (person)", "", "", "", "", "", "", "", ""],
    ["Ministry Liaison (person)", "", "11.4.2019", "", "", "", "In person", "", ""],
]  # fmt: skip


def test_the_log_is_written_as_the_annex_prints_it(logged: Evaluation, team) -> None:
    assert list(log_rows(evaluation=logged, user=team["lead"].user)) == EXPORTED


def test_the_workbook_reads_back_the_same_rows(logged: Evaluation, team) -> None:
    data = log_xlsx(evaluation=logged, user=team["evaluator"].user)
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet.title == "Persons interviewed"
    assert [[cell or "" for cell in row] for row in sheet.iter_rows(values_only=True)] == EXPORTED
    assert sheet.freeze_panes == "A2"
    assert sheet["A1"].font.bold is True
    # XlsxWriter stores the width Excel shows (40) plus its cell padding: 40.71.
    assert int(sheet.column_dimensions["A"].width) == 40


def test_export_then_import_into_a_fresh_evaluation_gives_the_same_log(
    logged: Evaluation, team
) -> None:
    fresh = EvaluationFactory()
    rows = list(log_rows(evaluation=logged, user=team["lead"].user))
    result = interviews_import(read_table(csv_bytes(rows), "log.csv"), evaluation=fresh, by=SYSTEM)
    assert result.errors == []
    assert result.counts["interviews"] == 5
    assert result.counts["follow_ups"] == 2
    assert result.counts["people_new"] == 0  # everyone is found in the registry again
    assert snapshot(fresh) == snapshot(logged)


def test_the_imported_annex_round_trips_as_xlsx(evaluation: Evaluation, team) -> None:
    team_and_registry(evaluation)
    interviews_import(table(annex_rows()), evaluation=evaluation, by=SYSTEM)
    data = log_xlsx(evaluation=evaluation, user=team["lead"].user)
    fresh = EvaluationFactory()
    result = interviews_import(read_table(data, "log.xlsx"), evaluation=fresh, by=SYSTEM)
    assert result.counts["interviews"] == 14
    assert snapshot(fresh) == snapshot(evaluation) == EXPECTED
    # Importing the export into the evaluation it came from finds every interview.
    again = interviews_import(read_table(data, "log.xlsx"), evaluation=evaluation, by=SYSTEM)
    assert again.already_imported is True


def test_names_withheld_for_the_annex(logged: Evaluation, team) -> None:
    rows = list(log_rows(evaluation=logged, user=team["lead"].user, withhold_names=True))
    assert [row[0] for row in rows[1:4]] == [
        "Director, ILO",
        "(name withheld)",
        "Ministry of Labour (6 people)",
    ]
    assert not any("Anna" in cell for row in rows for cell in row)
    # Name says the function and organisation; Department does not repeat them.
    assert not any(part in rows[1][1] for part in ("Director", "ILO"))


def test_only_readers_of_the_log_get_it(logged: Evaluation, team, outsider) -> None:
    for user in (team["viewer"].user, outsider):
        with pytest.raises(PermissionDenied):
            list(log_rows(evaluation=logged, user=user))
        with pytest.raises(PermissionDenied):
            log_xlsx(evaluation=logged, user=user)


def test_text_that_looks_like_a_formula_stays_text(evaluation: Evaluation, team) -> None:
    builders.log(evaluation, builders.unnamed("=1+2 Example Group", 3), date=D(2019, 1, 2))
    rows = list(log_rows(evaluation=evaluation, user=team["lead"].user))
    assert rows[1][0] == "'=1+2 Example Group (3 people)"
    sheet = load_workbook(
        io.BytesIO(log_xlsx(evaluation=evaluation, user=team["lead"].user))
    ).active
    assert (sheet["A2"].value, sheet["A2"].data_type) == ("=1+2 Example Group (3 people)", "s")


def test_excluded_interviews_stay_out_of_the_annex(evaluation: Evaluation, team) -> None:
    builders.log(evaluation, builders.person("Kept Person"))
    left_out = builders.log(evaluation, builders.person("Courtesy Caller"))
    services.interview_exclude(interview=left_out, by=SYSTEM, reason="A courtesy call")
    rows = list(log_rows(evaluation=evaluation, user=team["lead"].user))
    names = [row[0] for row in rows[1:]]
    assert names == ["Kept Person"]
