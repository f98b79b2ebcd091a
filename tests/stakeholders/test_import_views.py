"""The import pages: upload -> columns -> report and review -> commit -> result."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

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

UPLOAD = "/registry/import/"


@pytest.fixture
def manager(client, team):
    client.force_login(team["evaluator"].user)
    return client


def send(client, content: bytes, name: str = "people.csv", sheet: str = ""):
    return client.post(UPLOAD, {"file": SimpleUploadedFile(name, content), "sheet": sheet})


def text(response) -> str:
    return response.content.decode()


def test_the_import_urls_are_mounted_before_the_registry() -> None:
    assert reverse("registry_import:upload") == UPLOAD
    assert reverse("registry_import:report", args=[7]) == "/registry/import/7/"


def test_upload_map_report_decide_commit_result(manager) -> None:
    people = registry()
    page = manager.get(UPLOAD)
    assert page.status_code == 200
    assert "Upload and check" in text(page)

    response = send(manager, csv_bytes(people_rows()))
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/registry/import/{job.pk}/columns/"

    mapping = manager.get(response["Location"])
    assert mapping.status_code == 200
    body = text(mapping)
    # Each header has a select, prefilled from the recognised headers, with sample values.
    assert '<option value="stakeholder_group" selected>Stakeholder group</option>' in body
    assert '<label for="id_column0">Title:</label>' in body
    assert "For example: Mr." in body

    # In header order (PostgreSQL's jsonb does not keep the keys' order).
    fields = {f"column{i}": job.mapping[h] for i, h in enumerate(job.headers)}
    fields["column12"] = ""  # Notes not imported
    checked = manager.post(mapping.wsgi_request.path, fields)
    assert checked.status_code == 302
    assert checked["Location"] == f"/registry/import/{job.pk}/"
    assert ColumnLayout.objects.get().mapping["notes"] == ""

    report = manager.get(checked["Location"])
    body = text(report)
    assert report.status_code == 200
    assert f'<span id="count-new">{GENERATED + 2}</span>' in body
    assert '<span id="count-matched">7</span>' in body
    assert '<span id="count-duplicate">4</span>' in body
    assert '<span id="count-error">0</span>' in body
    assert "Page 1 of 2" in body  # 200 rows a page

    duplicates = manager.get(checked["Location"], {"status": "duplicate"})
    body = text(duplicates)
    assert body.count('data-status="duplicate"') == 4
    assert "possible duplicate" in body
    biespiel = next(r for r in ImportJob.objects.get().report if r["name"] == "Anna Biespiel")
    field = f"row{biespiel['row']}"
    assert f'<select name="{field}"' in body
    assert "Merge into “Anna Beispiel” (92.3)" in body
    assert '<option value="new" selected>Keep separate (create a new person)</option>' in body
    decisions = {f"row{r['row']}": "new" for r in duplicates.context["form"].rows}
    assert len(decisions) == 4
    decisions[field] = f"merge:{people['anna'].pk}"
    saved = manager.post(f"{checked['Location']}?status=duplicate", {**decisions, "save": "1"})
    assert saved.status_code == 302
    assert ImportJob.objects.get().decisions[str(biespiel["row"])] == f"merge:{people['anna'].pk}"

    done = manager.post(f"{checked['Location']}?status=duplicate", {**decisions, "commit": "1"})
    assert done.status_code == 302
    assert done["Location"] == f"/registry/import/{job.pk}/result/"
    result = manager.get(done["Location"])
    body = text(result)
    assert f'<dd id="count-created">{GENERATED + 2 + 3}</dd>' in body
    assert '<dd id="count-organisations">4</dd>' in body
    assert "Merged into “Anna Beispiel”." in body
    assert Person.objects.count() == 5 + GENERATED + 5
    assert people["anna"].aliases.filter(name="Anna Biespiel").exists()
    # Three kept separate on purpose: they are not proposed again.
    assert Person.objects.get(display_name="Ingrid Sohlberg")
    # The committed job's pages go to the result.
    assert manager.get(checked["Location"])["Location"] == done["Location"]


def test_report_with_errors_names_the_rows_and_disables_import(manager) -> None:
    registry()
    response = send(manager, csv_bytes(people_rows(errors=True)))
    job = ImportJob.objects.get()
    report = manager.get(f"/registry/import/{job.pk}/", {"status": "error"})
    body = text(report)
    last = GENERATED + 18
    assert response.status_code == 302
    assert "4 rows have errors, so nothing can be imported yet." in body
    assert f"Rows to fix: {last - 3}, {last - 2}, {last - 1}, {last}." in body
    assert 'name="commit" value="1" class="primary" disabled' in body
    assert "Country: “Atlantis” is not a known country." in body
    assert body.count('data-status="error"') == 4
    refused = manager.post(f"/registry/import/{job.pk}/", {"commit": "1"})
    assert refused.status_code == 400
    assert "Nothing was imported: 4 rows have errors" in text(refused)
    assert Person.objects.count() == 5


def test_upload_refusals_show_next_to_the_form(manager) -> None:
    response = send(manager, b"", "people.csv")
    assert response.status_code == 400
    assert "The file is empty." in text(response)
    response = send(manager, b"%PDF\x00\x01", "people.pdf")
    assert response.status_code == 400
    assert "Only CSV and XLSX files can be read." in text(response)
    response = send(manager, xlsx_bytes([row("Anna", 1)]), "people.xlsx", sheet="Nope")
    assert response.status_code == 400
    assert "The workbook has no sheet “Nope”. Its sheets: Contacts." in text(response)
    assert not ImportJob.objects.exists()


def test_a_file_without_a_name_column_asks_for_the_columns(manager) -> None:
    response = send(manager, "Who,Where\nZoë Ångström,Norway\n".encode())
    job = ImportJob.objects.get()
    assert job.state == "uploaded"
    page = manager.get(response["Location"])
    assert "No column holds the name" in text(page)
    assert manager.get(f"/registry/import/{job.pk}/")["Location"] == response["Location"]
    wrong = manager.post(response["Location"], {"column0": "name", "column1": "name"})
    assert wrong.status_code == 400
    assert "“Name” is already taken from column “Who”." in text(wrong)
    right = manager.post(response["Location"], {"column0": "name", "column1": "country"})
    assert right["Location"] == f"/registry/import/{job.pk}/"
    done = manager.post(right["Location"], {"commit": "1"})
    assert done["Location"].endswith("/result/")
    assert Person.objects.get().display_name == "Zoë Ångström"


@pytest.mark.parametrize("role", ["data_entry", "viewer"])
def test_pages_are_for_registry_managers_only(client, team, role: str) -> None:
    client.force_login(team[role].user)
    response = client.get(UPLOAD)
    assert response.status_code == 403
    assert "Only lead evaluators and evaluators can change the stakeholder registry." in text(
        response
    )
    assert send(client, b"Name\nAnna\n").status_code == 403
    assert not ImportJob.objects.exists()


def test_pages_need_a_login(client) -> None:
    response = client.get(UPLOAD)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
