"""manage.py import_interviews: the dry-run lines and warnings, the summary, a second run,
errors on stderr with row numbers and nothing written, sheets, month-first dates."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from evaluations.models import Evaluation
from interviews.models import Interview, Participation
from stakeholders.models import Person
from tests.interviews.test_importing import (
    ANNEX,
    EXPECTED,
    EXPECTED_LINES,
    annex_rows,
    csv_bytes,
    snapshot,
    team_and_registry,
    xlsx_bytes,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(evaluation: Evaluation) -> dict[str, Person]:
    return team_and_registry(evaluation)


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_interviews", *args, stdout=out, stderr=err, no_color=True)
    return out.getvalue(), err.getvalue()


def written() -> tuple[int, int, int]:
    return Interview.objects.count(), Participation.objects.count(), Person.objects.count()


def test_dry_run_prints_every_row_and_its_warnings_and_writes_nothing(
    evaluation: Evaluation, people
) -> None:
    before = written()
    out, err = run(str(ANNEX), "--evaluation", evaluation.slug, "--dry-run")
    assert written() == before
    assert err == ""
    lines = out.splitlines()
    assert lines[0] == "Read 19 rows."
    assert [line for line in lines[1:] if line.startswith("Row ")] == EXPECTED_LINES
    index = lines.index(EXPECTED_LINES[-2])
    assert lines[index + 1] == (
        "    warning: “Anna Biespiel” is close to people in the registry: Anna Beispiel (92). "
        "A new person is created unless you choose one of them."
    )
    assert lines[-2:] == [
        "Would import 14 interviews, 16 participants (8 new people).",
        "Dry run: nothing imported.",
    ]


def test_import_then_a_second_run_creates_nothing(evaluation: Evaluation, people) -> None:
    out, _err = run(str(ANNEX), "--evaluation", evaluation.slug)
    assert out.splitlines()[-1] == "14 interviews, 16 participants (8 new people) imported."
    assert snapshot(evaluation) == EXPECTED
    before = written()
    again, _err = run(str(ANNEX), "--evaluation", evaluation.slug)
    assert "Row 3: interview 1 — already imported (A. Example; 12.03.2019)" in again
    assert again.splitlines()[-1] == (
        "Nothing new: all 14 interviews of this file were imported before."
    )
    assert written() == before


def test_an_edited_file_imports_its_new_rows(evaluation: Evaluation, people, tmp_path) -> None:
    run(str(ANNEX), "--evaluation", evaluation.slug)
    path = tmp_path / "annex.csv"
    path.write_bytes(csv_bytes([*annex_rows(), ["P. Newcomer", "", "6.5.2019", "AX"]]))
    out, _err = run(str(path), "--evaluation", evaluation.slug)
    assert out.splitlines()[-1] == (
        "Imported 1 interview, 1 participant (1 new person); 14 interviews were imported before."
    )


def test_errors_go_to_stderr_with_row_numbers_and_nothing_is_written(
    evaluation: Evaluation, people, tmp_path
) -> None:
    path = tmp_path / "annex.csv"
    rows = [*annex_rows(), ["Z. Late", "", "32.5.2019", "AX"], ["Y. Lone", "", "", ""]]
    rows.insert(1, ["B. Sample", "", "", ""])
    path.write_bytes(csv_bytes(rows))
    before = written()
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError) as problem:
        call_command("import_interviews", str(path), "--evaluation", evaluation.slug,
                     stdout=out, stderr=err, no_color=True)  # fmt: skip
    assert str(problem.value) == "Nothing was imported: the file has 2 errors (listed above)."
    assert err.getvalue().splitlines() == [
        "Row 2: “B. Sample” has no date and no interviewers, so it reads as a co-participant of "
        "the interview above it, but there is no interview directly above it. Give it a date "
        "and interviewers, or move it under its interview.",
        "Row 22: Date (column C): “32.5.2019” is not a date: May has 31 days in 2019.",
    ]
    assert written() == before


def test_xlsx_sheet_and_a_wrong_sheet(evaluation: Evaluation, people, tmp_path) -> None:
    path = tmp_path / "annex.xlsx"
    path.write_bytes(xlsx_bytes(annex_rows(), sheet="Annex 3"))
    with pytest.raises(
        CommandError, match=r"The workbook has no sheet “Annex 4”\. Its sheets: Annex 3\."
    ):
        run(str(path), "--evaluation", evaluation.slug, "--sheet", "Annex 4")
    out, _err = run(str(path), "--evaluation", evaluation.slug, "--sheet", "Annex 3")
    assert out.splitlines()[0] == "Read sheet “Annex 3”, 19 rows."
    assert snapshot(evaluation) == EXPECTED


def test_empty_file_unknown_evaluation_and_missing_file(evaluation: Evaluation, tmp_path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(CommandError, match=r"The file is empty\."):
        run(str(empty), "--evaluation", evaluation.slug)
    with pytest.raises(CommandError, match=r"There is no evaluation “nope”\."):
        run(str(ANNEX), "--evaluation", "nope")
    with pytest.raises(CommandError, match="There is no file"):
        run(str(tmp_path / "gone.csv"), "--evaluation", evaluation.slug)
    assert Interview.objects.count() == 0


def test_unknown_columns_list_the_accepted_names(evaluation: Evaluation, tmp_path) -> None:
    path = tmp_path / "annex.csv"
    path.write_bytes(csv_bytes([["Name", "Date", "Fax"], ["A. Example", "1.2.19", "1"]]))
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_interviews", str(path), "--evaluation", evaluation.slug,
                     stdout=io.StringIO(), stderr=err)  # fmt: skip
    assert err.getvalue().startswith("Unknown column: “Fax” (column C). The accepted columns are:")


def test_month_first_and_stop_on_near_matches(evaluation: Evaluation, people, tmp_path) -> None:
    path = tmp_path / "annex.csv"
    path.write_bytes(csv_bytes([["Name", "Date"], ["Anna Biespiel", "3/15/2019"]]))
    with pytest.raises(CommandError):
        run(str(path), "--evaluation", evaluation.slug)  # day first: no month 15
    with pytest.raises(CommandError):
        run(str(path), "--evaluation", evaluation.slug, "--month-first", "--stop-on-near-matches")
    assert Interview.objects.count() == 0
    out, _err = run(str(path), "--evaluation", evaluation.slug, "--month-first")
    assert "Row 2: interview 1 — Anna Biespiel (new person); 15.03.2019" in out
    assert Interview.objects.get().date.isoformat() == "2019-03-15"
