"""SPSS, Stata, R and the codebook through the export jobs: asked on the downloads page and
through the API, built by the task, downloaded with their content type and read back; the
same roles as the raw responses' workbook."""

from __future__ import annotations

import csv
import io
import re
import tempfile
import zipfile

import pyreadstat
import pytest
from openpyxl import load_workbook

from reports.models import ExportJob
from reports.workbook import workbook_write
from tests.reports.test_responses_export import api_url, client_for, downloaded, page_url, start
from tests.reports.test_statistics import stats_distribution

pytestmark = pytest.mark.django_db


@pytest.fixture
def distribution(evaluation, team):
    return stats_distribution(evaluation)


def read_sav(content: bytes):
    with tempfile.NamedTemporaryFile(suffix=".sav") as handle:
        handle.write(content)
        handle.flush()
        return pyreadstat.read_sav(handle.name, user_missing=True)


def test_lead_gets_spss_through_the_api(
    api_client, team, distribution, django_capture_on_commit_callbacks
) -> None:
    evaluation = distribution.evaluation
    api_client.force_authenticate(team["lead"].user)
    started = start(
        api_client,
        django_capture_on_commit_callbacks,
        evaluation,
        kind="responses",
        distribution=distribution.pk,
        format="sav",
    )
    assert started.status_code == 202, started.json()
    job = api_client.get(api_url(evaluation, f"{started.json()['id']}/")).json()
    assert (job["state"], job["parameters"]["format"], job["error"]) == ("done", "sav", "")
    assert re.fullmatch(
        rf"{evaluation.slug}-staff-survey-ete-responses-[\d-]+\.sav", job["filename"]
    )
    response = api_client.get(job["download"])
    assert response["Content-Type"] == "application/x-spss-sav"
    frame, meta = read_sav(downloaded(response))
    assert len(frame) == 3 and meta.variable_value_labels["L1"][97.0] == "Don't know"


def test_evaluator_gets_the_r_bundle_without_the_lead_only_response(
    api_client, team, distribution, django_capture_on_commit_callbacks
) -> None:
    evaluation = distribution.evaluation
    api_client.force_authenticate(team["evaluator"].user)
    started = start(
        api_client,
        django_capture_on_commit_callbacks,
        evaluation,
        kind="responses",
        distribution=distribution.pk,
        format="r",
    )
    job = api_client.get(api_url(evaluation, f"{started.json()['id']}/")).json()
    assert job["state"] == "done", job["error"]
    response = api_client.get(job["download"])
    assert response["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(downloaded(response))) as archive:
        names = sorted(archive.namelist())
        stem = f"{evaluation.slug}-staff-survey-ete"
        assert names == [f"{stem}-codebook.csv", f"{stem}.R", f"{stem}.csv"]
        data = archive.read(f"{stem}.csv").decode("utf-8")
        script = archive.read(f"{stem}.R").decode("utf-8")
    rows = list(csv.DictReader(io.StringIO(data)))
    assert len(rows) == 2 and "lead only" not in data
    assert f'csv_file <- "{stem}.csv"' in script


def test_viewer_is_refused_and_a_bad_format_named(as_role, team, distribution) -> None:
    evaluation = distribution.evaluation
    body = {"kind": "responses", "distribution": distribution.pk, "format": "sav"}
    refused = as_role("viewer").post(api_url(evaluation), body, format="json")
    assert refused.status_code == 403
    bad = as_role("lead").post(api_url(evaluation), {**body, "format": "spss"}, format="json")
    assert bad.status_code == 400 and "format" in bad.json()["errors"]
    assert not ExportJob.objects.exists()


def test_page_buttons_build_stata_and_the_codebook(
    team, distribution, django_capture_on_commit_callbacks
) -> None:
    evaluation = distribution.evaluation
    client = client_for(team["lead"])
    page = client.get(page_url(evaluation)).content.decode()
    assert "SPSS (.sav)" in page and "Stata (.dta)" in page and "Codebook (CSV)" in page
    form = {"distribution": distribution.pk, "answers": "labels"}
    with django_capture_on_commit_callbacks(execute=True):
        client.post(page_url(evaluation), {**form, "format": "dta"})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(page_url(evaluation), {**form, "format": "codebook"})
    stata, book = ExportJob.objects.order_by("pk")
    assert (stata.state, book.state) == ("done", "done")
    assert stata.parameters["format"] == "dta" and stata.parameters["labels"] is False
    # The distribution's own page links to these downloads.
    own = client.get(f"/evaluations/{evaluation.slug}/distributions/{distribution.pk}/")
    assert f"reports/downloads/#raw-{distribution.pk}" in own.content.decode()
    listed = client.get(page_url(evaluation)).content.decode()
    assert "Raw responses (Stata .dta)" in listed
    got = client.get(page_url(evaluation, f"{stata.pk}/file/"))
    assert got["Content-Type"] == "application/x-stata-dta"
    with tempfile.NamedTemporaryFile(suffix=".dta") as handle:
        handle.write(downloaded(got))
        handle.flush()
        frame, _meta = pyreadstat.read_dta(handle.name)
    assert len(frame) == 3
    text = downloaded(client.get(page_url(evaluation, f"{book.pk}/file/"))).decode("utf-8")
    lines = list(csv.reader(io.StringIO(text)))
    assert lines[0][0] == "Variable" and [row[0] for row in lines[1:]][-2:] == ["L1", "L2"]


def test_evaluation_workbook_has_the_codebook_for_those_who_read_responses(
    team, distribution
) -> None:
    target = io.BytesIO()
    workbook_write(target, evaluation=distribution.evaluation, user=team["evaluator"].user)
    book = load_workbook(io.BytesIO(target.getvalue()), read_only=True)
    (name,) = [n for n in book.sheetnames if n.startswith("Codebook – ")]
    rows = list(book[name].values)
    assert rows[0][0] == "Variable" and "L1" in [row[0] for row in rows]
    viewer = io.BytesIO()
    workbook_write(viewer, evaluation=distribution.evaluation, user=team["viewer"].user)
    names = load_workbook(io.BytesIO(viewer.getvalue()), read_only=True).sheetnames
    assert not [n for n in names if n.startswith("Codebook")]
