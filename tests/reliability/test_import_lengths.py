"""Issue "Trust under faults and attack", item 15: the length of every imported cell is checked
in the dry run, with its row and column — the interview import refuses a 10,000-character
group name before the commit, and the people import refuses (never cuts) a 10,000-character
name. Through the services, the pages and the API."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from common.errors import ValidationProblem
from common.spreadsheets import read_table
from evaluations.permissions import SYSTEM
from interviews.importing.run import interviews_check, interviews_import
from interviews.models import Interview, InterviewImportJob
from stakeholders.importing.columns import recognise
from stakeholders.importing.plan import analyse
from stakeholders.importing.writer import people_import
from stakeholders.models import ImportJob, Person

pytestmark = pytest.mark.django_db

LONG_GROUP = "Delegation of the ministry " + "x" * 10_000 + " (group)"
LONG_NAME = "Anna " + "Beispiel" * 1_250  # 10,005 characters


def csv_bytes(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode("utf-8")


def interview_list(name: str = LONG_GROUP, **cells: str) -> bytes:
    headers = ["Name", "Date", "Interviewers", "Location", "Department"]
    values = {"Name": name, "Date": "12.3.2019", "Interviewers": "EV", **cells}
    return csv_bytes([headers, [values.get(h, "") for h in headers]])


def people_list(name: str = LONG_NAME, **cells: str) -> bytes:
    headers = ["Name", "Organisation", "Job title"]
    values = {"Name": name, "Organisation": "Ministry of Labour", **cells}
    return csv_bytes([headers, [values.get(h, "") for h in headers]])


# --- the interview import -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cells", "where", "limit"),
    [
        ({}, "Name (column A)", 300),
        ({"name": "Ms. Anna " + "B" * 10_000}, "Name (column A)", 300),
        ({"Location": "L" * 10_000}, "Location (column D)", 200),
        ({"Department": "D" * 10_000}, "Department (column E)", 200),
        ({"Interviewers": "EV & " + "A" * 10_000}, "Interviewers (column C)", 100),
    ],
)
def test_interview_dry_run_refuses_a_cell_too_long_with_row_and_column(
    evaluation, team, cells, where, limit
) -> None:
    cells = dict(cells)
    name = cells.pop("name", "Anna Person" if cells else LONG_GROUP)
    table = read_table(interview_list(name, **cells), "annex.csv")
    checked = interviews_check(table, evaluation=evaluation)
    assert len(checked.errors) == 1
    error = checked.errors[0]
    assert error.startswith(f"Row 2: {where}: ")
    assert f"at most {limit}" in error
    with pytest.raises(ValidationProblem) as refused:
        interviews_import(table, evaluation=evaluation, by=SYSTEM)
    assert refused.value.errors["file"] == [error]
    assert Interview.objects.count() == 0


def test_interview_dry_run_refuses_a_heading_too_long_at_its_row(evaluation, team) -> None:
    rows = [
        ["Name", "Date", "Interviewers"],
        ["H" * 10_000, "", ""],
        ["Anna Person", "1.2.2019", "EV"],
    ]
    checked = interviews_check(read_table(csv_bytes(rows), "a.csv"), evaluation=evaluation)
    assert len(checked.errors) == 1
    assert checked.errors[0].startswith("Row 2: Name (column A): ")
    assert "at most 200" in checked.errors[0]


def test_interview_upload_page_and_api_show_the_long_cell_in_the_dry_run(
    client, api_client, evaluation, team
) -> None:
    client.force_login(team["evaluator"].user)
    page = client.post(
        f"/evaluations/{evaluation.slug}/interviews/import/",
        {"file": SimpleUploadedFile("annex.csv", interview_list())},
        follow=True,
    )
    assert page.status_code == 200
    assert "Row 2: Name (column A): Group is too long: 10027 characters, at most 300." in (
        page.content.decode()
    )
    api_client.force_authenticate(team["evaluator"].user)
    response = api_client.post(
        f"/api/v1/evaluations/{evaluation.slug}/interview-imports/",
        {"file": SimpleUploadedFile("annex.csv", interview_list())},
        format="multipart",
    )
    assert response.status_code == 201
    assert response.json()["errors"] == [
        "Row 2: Name (column A): Group is too long: 10027 characters, at most 300."
    ]
    commit = api_client.post(
        f"/api/v1/evaluations/{evaluation.slug}/interview-imports/{response.json()['id']}/commit/"
    )
    assert commit.status_code == 400
    assert Interview.objects.count() == 0
    assert InterviewImportJob.objects.count() == 2


# --- the people import ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cells", "column", "limit"),
    [
        ({}, "Name", 300),
        ({"Organisation": "O" * 10_000}, "Organisation", 300),
        ({"Job title": "J" * 10_000}, "Job title", 200),
    ],
)
def test_people_dry_run_refuses_a_cell_too_long_instead_of_cutting_it(cells, column, limit) -> None:
    name = LONG_NAME if not cells else "Anna Beispiel"
    table = read_table(people_list(name, **cells), "people.csv")
    mapping = recognise(table.headers)
    report = analyse(table, mapping).report
    assert report[0]["row"] == 2
    assert report[0]["status"] == "error"
    [problem] = report[0]["problems"]
    assert problem["column"] == column
    assert f"the most accepted is {limit}" in problem["message"]
    assert "10,0" in problem["message"]
    with pytest.raises(ValidationProblem) as refused:
        people_import(table=table, mapping=mapping, by=SYSTEM)
    assert list(refused.value.errors) == ["row 2"]
    assert Person.objects.count() == 0


def test_people_import_page_and_api_refuse_the_long_name_with_row_and_column(
    client, api_client, team
) -> None:
    api_client.force_authenticate(team["evaluator"].user)
    response = api_client.post(
        "/api/v1/registry/imports/",
        {"file": SimpleUploadedFile("people.csv", people_list())},
        format="multipart",
    )
    assert response.status_code == 201
    row = response.json()["report"][0]
    assert (row["row"], row["status"]) == (2, "error")
    assert row["problems"][0]["column"] == "Name"
    assert "10,005 characters" in row["problems"][0]["message"]
    commit = api_client.post(f"/api/v1/registry/imports/{response.json()['id']}/commit/")
    assert commit.status_code == 400
    assert "rows 2" in commit.json()["detail"]
    assert Person.objects.count() == 0

    client.force_login(team["evaluator"].user)
    sent = client.post(
        "/registry/import/", {"file": SimpleUploadedFile("people.csv", people_list())}
    )
    job = ImportJob.objects.latest("pk")
    report = client.get(f"/registry/import/{job.pk}/")
    assert sent.status_code == 302
    assert "10,005 characters" in report.content.decode()
    assert Person.objects.count() == 0
