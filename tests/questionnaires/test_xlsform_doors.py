"""XLSForm through every door: the commands, the instrument pages and the API."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client

from evaluations.permissions import SYSTEM
from questionnaires.instrument_format import instrument_dump
from questionnaires.instrument_format.xlsform import XLSX_MEDIA_TYPE, xlsform_read
from questionnaires.models import Instrument, Question
from questionnaires.selectors import version_spec
from questionnaires.services import instrument_load
from tests.conftest import STAFF_FILE
from tests.questionnaires.xlsform_books import (
    KOBO_CHOICES,
    KOBO_SETTINGS,
    KOBO_SURVEY,
    workbook,
)
from tests.reliability.test_upload_bombs import MB, SHEET, one_huge_cell, xlsx_with

pytestmark = pytest.mark.django_db

KEY = "ilo-staff-questionnaire-2008"
# The Kobo-style sample without its `relevant` column (skip logic comes with its own commit).
PLAIN = workbook([[*row[:7], *row[8:]] for row in KOBO_SURVEY], KOBO_CHOICES, KOBO_SETTINGS)


def test_dump_then_load_the_workbook_is_unchanged(evaluation, tmp_path) -> None:
    version = instrument_load(evaluation=evaluation, text=STAFF_FILE.read_text(), by=SYSTEM).version
    path = tmp_path / "staff.xlsx"
    out = io.StringIO()
    call_command(
        "dump_instrument", f"{evaluation.slug}/{KEY}", "--format", "xlsform", "--output",
        str(path), stdout=out,
    )  # fmt: skip
    assert out.getvalue() == f"Wrote {KEY} version 1 to {path}.\n"
    assert xlsform_read(path.read_bytes()) == version_spec(version)
    out = io.StringIO()
    call_command("load_instrument", str(path), "--evaluation", evaluation.slug, stdout=out)
    assert out.getvalue().startswith(f"Unchanged: {KEY} is the same as its version 1")
    with pytest.raises(CommandError, match=r"give --output FILE\.xlsx"):
        call_command("dump_instrument", f"{evaluation.slug}/{KEY}", "--format", "xlsform")
    yaml_path = tmp_path / "staff.yaml"
    call_command(
        "dump_instrument", str(version.instrument.pk), "--output", str(yaml_path),
        stdout=io.StringIO(),
    )  # fmt: skip
    assert yaml_path.read_text() == instrument_dump(version_spec(version))


def test_load_command_reads_a_kobo_form_and_a_bad_one_by_row(evaluation, tmp_path) -> None:
    path = tmp_path / "form.xlsx"
    path.write_bytes(PLAIN)
    out = io.StringIO()
    call_command("load_instrument", str(path), "--evaluation", evaluation.slug, stdout=out)
    assert out.getvalue() == ("Loaded work-survey version 1 (created): 2 sections, 10 questions\n")
    assert Question.objects.get(key="mail").kind == "email"
    bad = workbook([["type", "name", "label"], ["range", "r", "R"]], settings=KOBO_SETTINGS)
    path.write_bytes(bad)
    with pytest.raises(CommandError) as caught:
        call_command("load_instrument", str(path), "--evaluation", evaluation.slug)
    assert str(caught.value).startswith(
        f"{path}: rejected, nothing saved.\n  sheet survey, row 2, column type: the type "
        "“range” has no counterpart"
    )
    assert Instrument.objects.count() == 1


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_version_page_offers_the_xlsform(team, evaluation) -> None:
    instrument_load(evaluation=evaluation, text=STAFF_FILE.read_text(), by=SYSTEM)
    client = client_for(team["evaluator"].user)
    page = client.get(f"/evaluations/{evaluation.slug}/instruments/{KEY}/v1/")
    url = f"/evaluations/{evaluation.slug}/instruments/{KEY}/v1/xlsform/"
    assert f'href="{url}" id="xlsform-link"' in page.content.decode()
    response = client.get(url)
    assert response["Content-Type"] == XLSX_MEDIA_TYPE
    assert response["Content-Disposition"] == f'attachment; filename="{KEY}-v1.xlsx"'
    assert xlsform_read(response.content)["key"] == KEY
    assert client_for(team["lead"].user).get(url.replace("v1", "v7")).status_code == 404


def test_lead_uploads_an_xlsform_and_sees_errors_by_row(team, evaluation) -> None:
    client = client_for(team["lead"].user)
    url = f"/evaluations/{evaluation.slug}/instruments/"
    upload = SimpleUploadedFile("kobo.xlsx", PLAIN, content_type=XLSX_MEDIA_TYPE)
    response = client.post(url, {"file": upload}, follow=True)
    assert "Loaded work-survey version 1 (created): 2 sections, 10 questions." in (
        response.content.decode()
    )
    bad = workbook(
        [["type", "name", "label", "constraint"], ["integer", "n", "N", ". != 3"]],
        settings=[["form_title", "form_id"], ["T", "second"]],
    )
    upload = SimpleUploadedFile("named.yaml", bad)  # the content decides, not the name
    response = client.post(url, {"file": upload})
    assert response.status_code == 400
    assert "Sheet survey, row 2, column constraint: the constraint “. != 3” is not a minimum" in (
        response.content.decode().replace("&quot;", '"').replace("&#x27;", "'")
    )
    assert list(Instrument.objects.values_list("key", flat=True)) == ["work-survey"]


def test_api_downloads_and_imports_an_xlsform(api_client, team, evaluation) -> None:
    instrument_load(evaluation=evaluation, text=STAFF_FILE.read_text(), by=SYSTEM)
    api_client.force_authenticate(team["evaluator"].user)
    base = f"/api/v1/evaluations/{evaluation.slug}/instruments"
    response = api_client.get(f"{base}/{KEY}/versions/1/xlsform/")
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_MEDIA_TYPE
    data = response.content
    api_client.force_authenticate(team["lead"].user)
    again = api_client.post(
        f"{base}/import/",
        {"file": SimpleUploadedFile("staff.xlsx", data)},
        format="multipart",
    )
    assert (again.status_code, again.json()["outcome"]) == (200, "unchanged")
    created = api_client.post(
        f"{base}/import/", {"file": SimpleUploadedFile("k.xlsx", PLAIN)}, format="multipart"
    )
    assert (created.status_code, created.json()["instrument"]) == (201, "work-survey")
    bad = workbook([["type", "name", "label"], ["text", "q", ""]], settings=KOBO_SETTINGS)
    refused = api_client.post(
        f"{base}/import/", {"file": SimpleUploadedFile("b.xlsx", bad)}, format="multipart"
    )
    assert refused.status_code == 400
    assert refused.json()["errors"] == {
        "sheet survey, row 2, column label": ["“label” is required"]
    }
    api_client.force_authenticate(team["evaluator"].user)
    denied = api_client.post(
        f"{base}/import/", {"file": SimpleUploadedFile("k.xlsx", PLAIN)}, format="multipart"
    )
    assert denied.status_code == 403


def test_a_packed_workbook_is_refused_before_it_is_parsed(settings, team, evaluation) -> None:
    settings.SPREADSHEET_MAX_UNPACKED_BYTES = 2 * MB
    bomb = xlsx_with({SHEET: one_huge_cell(3 * MB)})
    client = client_for(team["lead"].user)
    upload = SimpleUploadedFile("form.xlsx", bomb)
    response = client.post(f"/evaluations/{evaluation.slug}/instruments/", {"file": upload})
    assert response.status_code == 400
    assert "The file expands to 3 MB; the most accepted is 2 MB." in response.content.decode()
    assert not Instrument.objects.exists()
