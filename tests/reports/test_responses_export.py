"""The raw responses of one questionnaire as an export job, in every door: requested through
the API and the downloads page, built by the task, downloaded, read back (openpyxl, csv); who
may ask for it, and what each role finds in the file."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest
from django.core.management import call_command
from django.test import Client
from openpyxl import load_workbook

from evaluations.permissions import SYSTEM
from questionnaires.models import Distribution
from questionnaires.services import instrument_load
from reports.models import ExportJob
from reports.selectors.raw import raw_columns
from tests.factories import PASSWORD, EvaluationFactory
from tests.reports.builders import survey
from tests.reports.test_raw import KINDS_ANSWERS, KINDS_YAML

pytestmark = pytest.mark.django_db

TITLE = "Staff survey — été 2024"


@pytest.fixture
def questionnaire(evaluation, team) -> Distribution:
    """Two responses: one for the team (every kind of answer), one for the lead only."""
    version = instrument_load(evaluation=evaluation, text=KINDS_YAML, by=SYSTEM).version
    return survey(
        evaluation,
        version,
        [
            {"attributes": {"region": "Africa"}, "answers": KINDS_ANSWERS, "route": "team"},
            {"answers": {"views": "For the lead only", "L1": "1"}, "route": "lead"},
        ],
        confidentiality=Distribution.Confidentiality.RESPONDENT,
        title=TITLE,
    )


def api_url(evaluation, tail: str = "") -> str:
    return f"/api/v1/evaluations/{evaluation.slug}/reports/exports/{tail}"


def page_url(evaluation, tail: str = "") -> str:
    return f"/evaluations/{evaluation.slug}/reports/downloads/{tail}"


def client_for(member) -> Client:
    client = Client()
    assert client.login(email=member.user.email, password=PASSWORD)
    return client


def start(api_client, capture, evaluation, **body: object):
    with capture(execute=True):  # the task runs in this process, after the commit
        return api_client.post(api_url(evaluation), body, format="json")


def downloaded(response) -> bytes:
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def about(book) -> dict[str, object]:
    return {row[0]: row[1] if len(row) > 1 else None for row in book["About"].values}


def raw_rows(book) -> list[tuple]:
    (name,) = [name for name in book.sheetnames if name.startswith("Raw – ")]
    return list(book[name].values)


def by_views(rows: list, header: list) -> dict[str, tuple]:
    """The data rows keyed by their answer to `views` (response ids are random)."""
    column = header.index("views") if "views" in header else header.index("Your views")
    return {row[column]: row for row in rows}


# --- the API ------------------------------------------------------------------------------------


def test_lead_exports_the_raw_responses_through_the_api(
    api_client, evaluation, team, questionnaire, django_capture_on_commit_callbacks
) -> None:
    lead = team["lead"].user
    api_client.force_authenticate(lead)

    started = start(
        api_client,
        django_capture_on_commit_callbacks,
        evaluation,
        kind="responses",
        distribution=questionnaire.pk,
    )

    assert started.status_code == 202, started.json()
    job = api_client.get(api_url(evaluation, f"{started.json()['id']}/")).json()
    assert (job["state"], job["kind"], job["error"]) == ("done", "responses", "")
    assert job["parameters"]["distribution"] == questionnaire.pk
    assert re.fullmatch(
        rf"{evaluation.slug}-staff-survey-ete-2024-responses-\d{{4}}-\d\d-\d\d-\d{{4}}\.xlsx",
        job["filename"],
    )
    response = api_client.get(job["download"])
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(downloaded(response)))
    assert book.sheetnames[0] == "About" and len(book.sheetnames) == 3
    assert book.sheetnames[2].startswith("Codebook – ")  # the variables of the SPSS/Stata files
    told = about(book)
    assert told["Evaluation"] == evaluation.title
    assert told["Questionnaire"] == TITLE
    assert told["Responses"] == 2
    assert told["Prepared for"] == lead.email
    assert told["Answers as"] == "Codes (Likert codes as numbers)"
    header, *rows = raw_rows(book)
    assert list(header) == [code for code, _label in raw_columns(questionnaire)]
    answered = by_views(rows, list(header))
    assert set(answered) == {"=1+1", "For the lead only"}
    team_row = dict(zip(header, answered["=1+1"], strict=True))
    assert team_row["channel"] == "web" and team_row["attribute:region"] == "Africa"
    assert team_row["colour"] == "o — Teal" and team_row["tools"] == "mail; x; Fax"
    assert team_row["staff"] == 12.5 and team_row["L1"] == 4
    assert team_row["since"] == dt.datetime(2020, 1, 31)
    assert isinstance(team_row["submitted_at"], dt.datetime)
    lead_row = dict(zip(header, answered["For the lead only"], strict=True))
    assert lead_row["L1"] == 1 and lead_row["colour"] is None


def test_labels_give_the_choices_labels_and_the_questions_as_headers(
    api_client, evaluation, team, questionnaire, django_capture_on_commit_callbacks
) -> None:
    api_client.force_authenticate(team["lead"].user)
    started = start(
        api_client,
        django_capture_on_commit_callbacks,
        evaluation,
        kind="responses",
        distribution=questionnaire.pk,
        labels=True,
    )
    job = api_client.get(api_url(evaluation, f"{started.json()['id']}/")).json()
    book = load_workbook(io.BytesIO(downloaded(api_client.get(job["download"]))))

    assert about(book)["Answers as"] == "The choices' labels"
    header, *rows = raw_rows(book)
    assert list(header) == [label for _code, label in raw_columns(questionnaire)]
    row = dict(zip(header, by_views(rows, list(header))["=1+1"], strict=True))
    assert row["Channel"] == "Online form"
    assert row["Favourite colour?"] == "Other — Teal"
    assert row["Tools used?"] == "E-mail; Something else; Fax"
    assert row["It works"] == "Strongly agree"


def test_the_csv_table_of_raw_responses_reads_back_formula_safe(
    api_client, evaluation, team, questionnaire, django_capture_on_commit_callbacks
) -> None:
    api_client.force_authenticate(team["lead"].user)
    started = start(
        api_client,
        django_capture_on_commit_callbacks,
        evaluation,
        kind="csv",
        table="responses",
        distribution=questionnaire.pk,
    )

    assert started.status_code == 202, started.json()
    job = api_client.get(api_url(evaluation, f"{started.json()['id']}/")).json()
    assert job["state"] == "done", job
    assert job["filename"].startswith(f"{evaluation.slug}-staff-survey-ete-2024-responses-")
    assert job["filename"].endswith(".csv")
    response = api_client.get(job["download"])
    assert response["Content-Type"].startswith("text/csv")
    header, *rows = csv.reader(io.StringIO(downloaded(response).decode("utf-8-sig")))
    assert header == [code for code, _label in raw_columns(questionnaire)]
    row = dict(zip(header, by_views(rows, header)["'=1+1"], strict=True))
    assert row["tools"] == "mail; x; Fax"
    assert (row["staff"], row["since"], row["L1"]) == ("12.5", "2020-01-31", "4")
    assert len(rows) == 2

    labelled = start(
        api_client,
        django_capture_on_commit_callbacks,
        evaluation,
        kind="csv",
        table="responses",
        distribution=questionnaire.pk,
        labels=True,
    ).json()
    download = api_client.get(api_url(evaluation, f"{labelled['id']}/download/"))
    header, *rows = csv.reader(io.StringIO(downloaded(download).decode("utf-8-sig")))
    assert header[:3] == ["Response", header[1], "Channel"] and "It works" in header
    assert by_views(rows, header)["'=1+1"][header.index("It works")] == "Strongly agree"


def test_a_viewer_is_refused_the_raw_responses(
    api_client, evaluation, team, questionnaire, django_capture_on_commit_callbacks
) -> None:
    api_client.force_authenticate(team["viewer"].user)
    for body in (
        {"kind": "responses", "distribution": questionnaire.pk},
        {"kind": "csv", "table": "responses", "distribution": questionnaire.pk},
        {"kind": "responses"},  # refused for the role before the missing field is looked at
    ):
        refused = start(api_client, django_capture_on_commit_callbacks, evaluation, **body)
        assert refused.status_code == 403, body
        assert "individual responses" in refused.json()["detail"]
    assert not ExportJob.objects.exists()


@pytest.mark.parametrize("kind", ["responses", "csv"])
def test_a_missing_unknown_or_foreign_distribution_is_a_400_naming_the_field(
    api_client, evaluation, team, questionnaire, kind
) -> None:
    other = EvaluationFactory()
    version = instrument_load(evaluation=other, text=KINDS_YAML, by=SYSTEM).version
    foreign = survey(other, version, title="Another evaluation's")
    api_client.force_authenticate(team["lead"].user)
    table = {"table": "responses"} if kind == "csv" else {}

    for distribution in (None, 999_999, foreign.pk):
        body = {"kind": kind, **table}
        if distribution is not None:
            body["distribution"] = distribution
        response = api_client.post(api_url(evaluation), body, format="json")
        assert response.status_code == 400, (body, response.content)
        errors = response.json()["errors"]
        assert list(errors) == ["distribution"]
        assert f"{questionnaire.pk} ({TITLE})" in errors["distribution"][0]  # the known one
    assert not ExportJob.objects.exists()


def test_the_schema_documents_the_kind_and_the_distribution(tmp_path) -> None:
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    schema = target.read_text()
    kind = schema[schema.index("    ExportKind:") :][:400]
    assert "- workbook" in kind and "- csv" in kind and "- responses" in kind
    request = schema[schema.index("    ExportRequestRequest:") :][:3000]
    assert "required for kind responses and csv table responses" in " ".join(request.split())


# --- the downloads page ----------------------------------------------------------------------


def test_lead_requests_both_files_from_the_page_and_sees_the_questionnaire(
    evaluation, team, questionnaire, django_capture_on_commit_callbacks
) -> None:
    client = client_for(team["lead"])
    page = client.get(page_url(evaluation)).content.decode()
    assert 'id="raw-responses"' in page and f'id="raw-{questionnaire.pk}"' in page
    assert "Raw responses (Excel)" in page and "Raw responses (CSV)" in page
    assert "2 responses you may read" in page
    assert "<legend>Answers as</legend>" in page

    form = {"distribution": questionnaire.pk, "answers": "codes"}
    with django_capture_on_commit_callbacks(execute=True):
        excel = client.post(page_url(evaluation), {**form, "format": "xlsx"})
    with django_capture_on_commit_callbacks(execute=True):
        text = client.post(page_url(evaluation), {**form, "answers": "labels", "format": "csv"})

    workbook_job = ExportJob.objects.get(kind="responses")
    csv_job = ExportJob.objects.get(kind="csv")
    assert excel.status_code == 302 and excel["Location"].endswith(f"#job-{workbook_job.pk}")
    assert text.status_code == 302 and text["Location"].endswith(f"#job-{csv_job.pk}")
    assert (workbook_job.state, csv_job.state) == ("done", "done")
    assert csv_job.parameters == {
        "unsuppressed": False,
        "labels": True,
        "distribution": questionnaire.pk,
        "table": "responses",
        "bom": True,
        "answers": True,
    }
    listed = client.get(page_url(evaluation)).content.decode()
    for job in (workbook_job, csv_job):
        row = listed[listed.index(f'id="job-{job.pk}"') :].split("</tr>")[0]
        assert TITLE in row
    assert "Raw responses of one questionnaire (Excel)" in listed
    polled = client.get(page_url(evaluation, f"{csv_job.pk}/")).content.decode()
    assert TITLE in polled and "raw responses" in polled and "(labels)" in polled

    book = load_workbook(
        io.BytesIO(downloaded(client.get(page_url(evaluation, f"{workbook_job.pk}/file/"))))
    )
    assert about(book)["Responses"] == 2
    body = downloaded(client.get(page_url(evaluation, f"{csv_job.pk}/file/")))
    header, *rows = csv.reader(io.StringIO(body.decode("utf-8-sig")))
    assert "Favourite colour?" in header and len(rows) == 2


def test_a_viewer_has_no_raw_responses_button_and_a_post_is_refused(
    evaluation, team, questionnaire
) -> None:
    client = client_for(team["viewer"])
    page = client.get(page_url(evaluation)).content.decode()
    assert "Raw responses (Excel)" not in page and 'id="raw-responses"' not in page

    posted = client.post(page_url(evaluation), {"distribution": questionnaire.pk, "format": "xlsx"})

    assert posted.status_code == 403
    assert not ExportJob.objects.exists()


def test_a_bad_distribution_on_the_page_says_so(evaluation, team, questionnaire) -> None:
    client = client_for(team["lead"])
    posted = client.post(
        page_url(evaluation), {"distribution": "999999", "format": "csv"}, follow=True
    )
    assert "There is no distribution 999999 in this evaluation" in posted.content.decode()
    assert not ExportJob.objects.exists()


def test_an_evaluator_never_gets_the_lead_only_responses(
    evaluation, team, questionnaire, django_capture_on_commit_callbacks
) -> None:
    client = client_for(team["evaluator"])
    assert "1 response you may read" in client.get(page_url(evaluation)).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            page_url(evaluation),
            {"distribution": questionnaire.pk, "answers": "codes", "format": "xlsx"},
        )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            page_url(evaluation),
            {"distribution": questionnaire.pk, "answers": "codes", "format": "csv"},
        )
    workbook_job = ExportJob.objects.get(kind="responses")
    csv_job = ExportJob.objects.get(kind="csv")

    book = load_workbook(
        io.BytesIO(downloaded(client.get(page_url(evaluation, f"{workbook_job.pk}/file/"))))
    )
    header, *rows = raw_rows(book)
    assert about(book)["Responses"] == 1
    assert list(by_views(rows, list(header))) == ["=1+1"]
    body = downloaded(client.get(page_url(evaluation, f"{csv_job.pk}/file/")))
    assert "For the lead only" not in body.decode("utf-8-sig")
    header, *rows = csv.reader(io.StringIO(body.decode("utf-8-sig")))
    assert list(by_views(rows, header)) == ["'=1+1"]


def test_progress_is_saved_while_the_rows_stream_in_batches(
    api_client, evaluation, team, django_capture_on_commit_callbacks, monkeypatch
) -> None:
    """Progress and heartbeat writes go through the connection the rows are read from, between
    batches: a job of many batches finishes (it once waited forever on PostgreSQL, when the
    rows came through one COPY that held the connection) with every response once."""
    version = instrument_load(evaluation=evaluation, text=KINDS_YAML, by=SYSTEM).version
    answers = [{"answers": {"views": f"Answer {n}", "L1": str(1 + n % 4)}} for n in range(23)]
    distribution = survey(evaluation, version, answers, title="Many")
    monkeypatch.setattr("common.xlsx.PROGRESS_EVERY", 1)
    monkeypatch.setattr("reports.services.export_jobs.PROGRESS_ROWS", 2)
    monkeypatch.setattr("reports.selectors.raw.BATCH_CELLS", 30)  # a few responses a query
    api_client.force_authenticate(team["lead"].user)
    started = start(
        api_client,
        django_capture_on_commit_callbacks,
        evaluation,
        kind="responses",
        distribution=distribution.pk,
    )
    assert started.status_code == 202, started.content
    job = ExportJob.objects.get(pk=started.json()["id"])
    assert job.state == ExportJob.State.DONE, job.error
    assert job.rows_done >= 23 and job.heartbeat_at is not None
    link = api_client.get(api_url(evaluation, f"{job.pk}/")).json()["download"]
    book = load_workbook(io.BytesIO(downloaded(api_client.get(link))))
    rows = list(book.worksheets[1].iter_rows(values_only=True))[1:]
    assert sorted(r[-1] for r in rows if r[-1] is not None) == sorted(1 + n % 4 for n in range(23))
    assert len({r[0] for r in rows}) == 23  # every response once
