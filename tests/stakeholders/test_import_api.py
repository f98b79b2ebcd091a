"""The import API: upload (dry run), read, change columns and decisions, commit; registry
managers only; clear 400s."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from stakeholders.models import ColumnLayout, ImportJob, Person
from tests.stakeholders.test_importing import (
    GENERATED,
    csv_bytes,
    people_rows,
    registry,
    row,
    xlsx_bytes,
)

pytestmark = pytest.mark.django_db

BASE = "/api/v1/registry/imports/"


def upload(client, content: bytes, name: str = "people.csv", **data: object):
    return client.post(
        BASE, {"file": SimpleUploadedFile(name, content), **data}, format="multipart"
    )


@pytest.fixture
def manager(api_client, team):
    api_client.force_authenticate(team["evaluator"].user)
    return api_client


def test_schema_lists_the_import_endpoints(tmp_path) -> None:
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    text = target.read_text()
    for path in ["imports/", "imports/{id}/", "imports/{id}/decisions/", "imports/{id}/commit/"]:
        assert f"/api/v1/registry/{path}:" in text


def test_upload_dry_runs_then_decide_then_commit(manager, team) -> None:
    people = registry()
    response = upload(manager, csv_bytes(people_rows()))
    assert response.status_code == 201
    body = response.json()
    assert body["state"] == "checked"
    assert {k: body["counts"][k] for k in ("new", "matched", "duplicate", "error")} == {
        "new": GENERATED + 2, "matched": 7, "duplicate": 4, "error": 0
    }  # fmt: skip
    assert body["mapping"]["Constituent"] == "stakeholder_group"
    near = next(r for r in body["report"] if r["name"] == "Anna Biespiel")
    assert near["candidates"][0]["person_id"] == people["anna"].pk
    assert Person.objects.count() == 5

    job_url = f"{BASE}{body['id']}/"
    decided = manager.post(
        f"{job_url}decisions/",
        {"decisions": {str(near["row"]): f"merge:{people['anna'].pk}"}},
        format="json",
    )
    assert decided.status_code == 200
    assert decided.json()["decisions"] == {str(near["row"]): f"merge:{people['anna'].pk}"}
    row_now = next(r for r in decided.json()["report"] if r["row"] == near["row"])
    assert (row_now["action"], row_now["person_id"]) == ("update", people["anna"].pk)

    committed = manager.post(f"{job_url}commit/")
    assert committed.status_code == 200
    assert committed.json()["state"] == "committed"
    assert committed.json()["counts"]["created"] == GENERATED + 2 + 3
    assert Person.objects.count() == 5 + GENERATED + 5
    assert people["anna"].aliases.filter(name="Anna Biespiel").exists()
    again = manager.post(f"{job_url}commit/")
    assert again.status_code == 400
    assert again.json()["detail"] == "This file has already been imported."
    assert Person.objects.count() == 5 + GENERATED + 5


def test_commit_is_refused_while_rows_have_errors(manager) -> None:
    registry()
    body = upload(manager, csv_bytes(people_rows(errors=True))).json()
    assert body["counts"]["error"] == 4
    response = manager.post(f"{BASE}{body['id']}/commit/")
    assert response.status_code == 400
    last = GENERATED + 18
    assert response.json()["detail"].startswith("Nothing was imported: 4 rows have errors")
    assert "Atlantis" in response.json()["errors"][f"row {last - 2}"][0]
    assert Person.objects.count() == 5
    assert ImportJob.objects.get().state == "checked"


def test_bad_decisions_and_unknown_rows_are_400(manager) -> None:
    registry()
    body = upload(manager, csv_bytes([row("Anna Biespiel", 1), row("Zoë Ångström", 4)])).json()
    url = f"{BASE}{body['id']}/decisions/"
    wrong = manager.post(url, {"decisions": {"2": "merge:424242"}}, format="json")
    assert wrong.status_code == 400
    assert wrong.json()["detail"].startswith("Row 2: The choice “merge:424242” does not fit")
    missing = manager.post(url, {"decisions": {"99": "skip"}}, format="json")
    assert missing.status_code == 400
    assert missing.json()["detail"] == "The file has no data row 99."
    assert ImportJob.objects.get().decisions == {}


def test_upload_with_an_explicit_mapping_and_patch_mapping(manager) -> None:
    content = "Who,Where,Mail\nZoë Ångström,Norway,zoe@example.org\n".encode()
    waiting = upload(manager, content).json()
    assert waiting["state"] == "uploaded"
    assert waiting["error"].startswith("No column holds the name")
    patched = manager.patch(
        f"{BASE}{waiting['id']}/",
        {"mapping": {"Who": "name", "Where": "country", "Mail": "email"}},
        format="json",
    )
    assert patched.status_code == 200
    assert (patched.json()["state"], patched.json()["counts"]["new"]) == ("checked", 1)
    assert ColumnLayout.objects.get().mapping == {"who": "name", "where": "country",
                                                  "mail": "email"}  # fmt: skip
    # The layout is remembered: the next upload of such a file is checked at once.
    assert upload(manager, content).json()["state"] == "checked"

    explicit = upload(manager, content, mapping=json.dumps({"Who": "name", "Mail": ""}))
    assert explicit.status_code == 201
    assert explicit.json()["mapping"] == {"Who": "name", "Where": "", "Mail": ""}


def test_upload_errors_are_400_and_keep_nothing(manager) -> None:
    unknown = upload(manager, b"Name\nAnna\n", mapping=json.dumps({"Nom": "name"}))
    assert unknown.status_code == 400
    assert unknown.json()["detail"].startswith("The file has no column “Nom”.")
    empty = upload(manager, b"", "people.csv")
    assert empty.status_code == 400
    pdf = upload(manager, b"%PDF\x00\x01", "people.pdf")
    assert pdf.status_code == 400
    assert pdf.json()["detail"] == "Only CSV and XLSX files can be read."
    sheet = upload(manager, xlsx_bytes([row("Anna", 1)]), "p.xlsx", sheet="Nope")
    assert sheet.status_code == 400
    assert sheet.json()["errors"] == {"sheet": ["No such sheet."]}
    assert not ImportJob.objects.exists()


def test_only_registry_managers_may_import(api_client, team, outsider) -> None:
    for user in [team["data_entry"].user, team["viewer"].user, outsider]:
        api_client.force_authenticate(user)
        response = upload(api_client, b"Name\nAnna\n")
        assert response.status_code == 403
        assert api_client.get(BASE).status_code == 403
    assert response.json()["detail"] == (
        "Only lead evaluators and evaluators can change the stakeholder registry."
    )
    api_client.force_authenticate(None)
    assert api_client.get(BASE).status_code == 401
    assert not ImportJob.objects.exists()


def test_list_and_get(manager, team) -> None:
    job = upload(manager, b"Name\nAnna Beispiel\n").json()
    listing = manager.get(BASE).json()
    assert [j["filename"] for j in listing["results"]] == ["people.csv"]
    assert "report" not in listing["results"][0]
    detail = manager.get(f"{BASE}{job['id']}/").json()
    assert [r["status"] for r in detail["report"]] == ["new"]
    lead = team["lead"].user
    manager.force_authenticate(lead)
    assert manager.get(f"{BASE}{job['id']}/").status_code == 200
