"""The interview list import API (upload = dry run, decisions, commit) and the export API."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from openpyxl import load_workbook

from interviews.models import Interview, InterviewImportJob, Participation
from stakeholders.models import Person
from tests.interviews.test_import_pages import LIST, NEAR_ROW, csv_bytes, registry

pytestmark = pytest.mark.django_db


def base(evaluation) -> str:
    return f"/api/v1/evaluations/{evaluation.slug}/interview-imports/"


def upload(client, evaluation, content: bytes, name: str = "annex.csv", **data: object):
    return client.post(
        base(evaluation), {"file": SimpleUploadedFile(name, content), **data}, format="multipart"
    )


@pytest.fixture
def member(api_client, team):
    api_client.force_authenticate(team["evaluator"].user)
    return api_client


def test_schema_lists_the_endpoints(tmp_path) -> None:
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    schema = target.read_text()
    for path in [
        "interview-imports/",
        "interview-imports/{id}/",
        "interview-imports/{id}/decisions/",
        "interview-imports/{id}/commit/",
        "interviews-export/",
    ]:
        assert f"/api/v1/evaluations/{{evaluation_slug}}/{path}:" in schema


def test_upload_decide_commit(member, evaluation, team) -> None:
    people = registry()
    response = upload(member, evaluation, csv_bytes(LIST))
    assert response.status_code == 201
    body = response.json()
    assert body["state"] == "checked"
    assert body["counts"]["interviews"] == 4
    assert body["errors"] == []
    assert [line["row"] for line in body["lines"]] == [2, 3, 4, 5, 6, 7]
    assert body["lines"][2]["kind"] == "co_participant"
    near = body["near_matches"][0]
    assert near["row"] == NEAR_ROW
    assert near["candidates"][0]["person_id"] == people["anna"].pk
    assert Interview.objects.count() == 0

    url = f"{base(evaluation)}{body['id']}/"
    listed = member.get(base(evaluation)).json()
    assert [job["id"] for job in listed["results"]] == [body["id"]]
    assert "lines" not in listed["results"][0]
    assert member.get(url).json()["lines"] == body["lines"]

    decided = member.post(
        f"{url}decisions/",
        {"decisions": {str(NEAR_ROW): f"person:{people['anna'].pk}"}},
        format="json",
    )
    assert decided.status_code == 200
    assert decided.json()["decisions"] == {str(NEAR_ROW): f"person:{people['anna'].pk}"}
    assert decided.json()["near_matches"][0]["decision"] == f"person:{people['anna'].pk}"
    assert "chosen: Anna Beispiel" in decided.json()["lines"][3]["text"]

    committed = member.post(f"{url}commit/")
    assert committed.status_code == 200
    assert committed.json()["state"] == "committed"
    assert committed.json()["counts"]["interviews"] == 4
    assert Interview.objects.filter(evaluation=evaluation).count() == 4
    assert Participation.objects.filter(person=people["anna"]).count() == 1
    assert not Person.objects.filter(display_name__icontains="Biespiel").exists()

    again = member.post(f"{url}commit/")
    assert again.status_code == 409
    assert "already been imported" in again.json()["detail"]
    assert Interview.objects.filter(evaluation=evaluation).count() == 4
    assert member.post(f"{url}decisions/", {"decisions": {}}, format="json").status_code == 409


def test_the_same_file_again_has_nothing_new(member, evaluation, team) -> None:
    registry()
    first = upload(member, evaluation, csv_bytes(LIST)).json()
    member.post(f"{base(evaluation)}{first['id']}/commit/")
    second = upload(member, evaluation, csv_bytes(LIST)).json()
    assert second["already_imported"] is True
    assert second["counts"]["already_imported"] >= 4
    member.post(f"{base(evaluation)}{second['id']}/commit/")
    assert Interview.objects.filter(evaluation=evaluation).count() == 4


def test_unreadable_file_is_a_400_and_keeps_nothing(member, evaluation, team) -> None:
    response = upload(member, evaluation, b"")
    assert response.status_code == 400
    assert response.json()["detail"] == "The file is empty."
    assert response.json()["errors"]["file"] == ["The file is empty."]
    unknown = upload(member, evaluation, csv_bytes([["A", "B"]], ["Who", "When"]))
    assert unknown.status_code == 400
    assert "Unknown columns" in unknown.json()["detail"]
    assert InterviewImportJob.objects.count() == 0


def test_bad_decisions_are_400_with_the_row(member, evaluation, team) -> None:
    registry()
    body = upload(member, evaluation, csv_bytes(LIST)).json()
    url = f"{base(evaluation)}{body['id']}/decisions/"
    wrong = member.post(url, {"decisions": {"2": "new"}}, format="json")  # a heading row
    assert wrong.status_code == 400
    assert "decisions.2" in wrong.json()["errors"]
    odd = member.post(url, {"decisions": {str(NEAR_ROW): "merge"}}, format="json")
    assert odd.status_code == 400
    assert f"decisions.{NEAR_ROW}" in odd.json()["errors"]
    stranger = member.post(url, {"decisions": {str(NEAR_ROW): "person:999999"}}, format="json")
    assert stranger.status_code == 400
    assert InterviewImportJob.objects.get().decisions == {}


def test_commit_with_row_errors_is_400_and_imports_nothing(member, evaluation, team) -> None:
    rows = [*LIST, ["D. Demo", "Office", "31.2.2013", "EV", ""]]
    body = upload(member, evaluation, csv_bytes(rows)).json()
    assert any("8" in error for error in body["errors"])
    response = member.post(f"{base(evaluation)}{body['id']}/commit/")
    assert response.status_code == 400
    assert "8" in str(response.json())
    assert Interview.objects.count() == 0
    job = InterviewImportJob.objects.get()
    assert job.state == "checked" and job.error


def test_viewer_and_outsider(api_client, evaluation, team, outsider) -> None:
    api_client.force_authenticate(team["viewer"].user)
    assert upload(api_client, evaluation, csv_bytes(LIST)).status_code == 403
    assert api_client.get(base(evaluation)).status_code == 403
    export = f"/api/v1/evaluations/{evaluation.slug}/interviews-export/"
    assert api_client.get(export, {"format": "csv"}).status_code == 403
    api_client.force_authenticate(outsider)
    assert api_client.get(base(evaluation)).status_code == 404
    assert InterviewImportJob.objects.count() == 0


def test_export_api_csv_and_xlsx(member, evaluation, team) -> None:
    registry()
    body = upload(member, evaluation, csv_bytes(LIST)).json()
    member.post(f"{base(evaluation)}{body['id']}/commit/")
    export = f"/api/v1/evaluations/{evaluation.slug}/interviews-export/"

    as_csv = member.get(export, {"format": "csv"})
    assert as_csv.status_code == 200
    assert as_csv["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(as_csv.streaming_content).decode("utf-8-sig"))))
    assert rows[0][0] == "Name"
    assert any("Carl Muster" in cell for row in rows for cell in row)

    as_xlsx = member.get(export, {"format": "xlsx"})
    assert as_xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(as_xlsx.content)).active
    cells = [str(v) for row in sheet.iter_rows(values_only=True) for v in row if v is not None]
    assert cells[0] == "Name" and any("Carl Muster" in c for c in cells)

    wrong = member.get(export, {"format": "pdf"})
    assert wrong.status_code == 400
    assert "csv or xlsx" in wrong.json()["detail"]
