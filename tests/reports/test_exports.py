"""Export jobs: requested, built once, cancelled, retried, expired; CSV per table."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.db import OperationalError
from django.utils import timezone
from openpyxl import load_workbook

from common.errors import ValidationProblem
from reports.models import ExportJob
from reports.selectors.exports import export_list, export_ready
from reports.selectors.overview import interview_overview, overview_rows
from reports.services import exports
from reports.services.exports import (
    export_build,
    export_cancel,
    export_request,
    export_retry,
    exports_expire,
)
from reports.tasks import export_build_task, exports_expire_task
from reports.workbook import workbook_write
from tests.reports.builders import staff_survey

pytestmark = pytest.mark.django_db

State = ExportJob.State


@pytest.fixture
def answered(evaluation, team):
    return staff_survey(
        evaluation,
        [
            {"attributes": {"region": "Africa"}, "answers": {"C1": "4", "B1": "=1+1"}},
            {"attributes": {"region": "Asia"}, "answers": {"C1": "2", "B1": "Fine"}},
        ],
    )


def stored_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT) / "exports"
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def request(evaluation, user, kind="workbook", **parameters) -> ExportJob:
    return export_request(evaluation=evaluation, by=user, kind=kind, parameters=parameters)


def test_request_queues_and_the_task_builds_one_file_after_commit(
    evaluation, team, answered, settings, django_capture_on_commit_callbacks
) -> None:
    viewer = team["viewer"].user
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        job = request(evaluation, viewer)
        assert ExportJob.objects.get(pk=job.pk).state == State.QUEUED
    assert len(callbacks) == 1
    job.refresh_from_db()
    assert (job.state, job.attempts, job.progress, job.error) == (State.DONE, 1, 100, "")
    assert job.filename.startswith(f"{evaluation.slug}-") and job.filename.endswith(".xlsx")
    assert job.size == job.file.size > 0
    expected = job.finished_at + dt.timedelta(days=settings.EXPORT_EXPIRY_DAYS)
    assert job.expires_at == expected
    assert job.rows_done == job.rows_total > 0
    workbook = load_workbook(job.file.open("rb"))
    assert "Raw – " not in " ".join(workbook.sheetnames)  # a viewer's file
    assert len(stored_files(settings)) == 1


def test_building_twice_makes_one_file_and_counts_one_attempt(
    evaluation, team, answered, settings
) -> None:
    job = request(evaluation, team["evaluator"].user)
    export_build(job_id=job.pk)
    export_build(job_id=job.pk)
    export_build_task.apply(args=[job.pk])
    job.refresh_from_db()
    assert (job.state, job.attempts) == (State.DONE, 1)
    assert len(stored_files(settings)) == 1


def test_the_same_request_while_waiting_returns_the_waiting_job(evaluation, team) -> None:
    first = request(evaluation, team["viewer"].user)
    assert request(evaluation, team["viewer"].user) == first
    assert request(evaluation, team["viewer"].user, labels=True) != first


def test_only_a_lead_may_ask_for_the_unsuppressed_file(evaluation, team, outsider) -> None:
    with pytest.raises(PermissionDenied):
        request(evaluation, team["evaluator"].user, unsuppressed=True)
    with pytest.raises(PermissionDenied):
        request(evaluation, outsider)
    job = request(evaluation, team["lead"].user, unsuppressed=True)
    assert job.parameters == {"unsuppressed": True, "labels": False, "answers": True}


def test_unknown_kind_or_table_is_refused_with_a_message(evaluation, team) -> None:
    with pytest.raises(ValidationProblem) as kind:
        request(evaluation, team["lead"].user, kind="pdf")
    assert "kind" in kind.value.errors
    with pytest.raises(ValidationProblem) as table:
        request(evaluation, team["lead"].user, kind="csv", table="secrets")
    assert "overview" in table.value.message
    with pytest.raises(ValidationProblem):
        request(evaluation, team["lead"].user, kind="csv", table="annex", by="region")
    assert not ExportJob.objects.exists()


def test_a_cancelled_job_is_never_built(evaluation, team, settings) -> None:
    job = request(evaluation, team["viewer"].user)
    export_cancel(job=job, by=team["viewer"].user)
    export_build(job_id=job.pk)
    job.refresh_from_db()
    assert (job.state, job.attempts, bool(job.file)) == (State.CANCELLED, 0, False)
    with pytest.raises(ValidationProblem):
        export_cancel(job=job, by=team["viewer"].user)


def test_cancelling_while_running_stops_at_the_next_progress_update(
    evaluation, team, settings, monkeypatch
) -> None:
    job = request(evaluation, team["viewer"].user)
    seen = []

    def slow_writer(target, *, progress, **options):
        progress(0, 10_000, "Raw responses")
        ExportJob.objects.filter(pk=job.pk).update(state=State.CANCELLED)  # the page's button
        seen.append("cancelled")
        progress(10_000, 10_000, "Raw responses")
        seen.append("went on")  # never reached

    monkeypatch.setattr("reports.services.exports.workbook_write", slow_writer)
    export_build(job_id=job.pk)
    job.refresh_from_db()
    assert seen == ["cancelled"]
    assert (job.state, bool(job.file), job.error) == (State.CANCELLED, False, "")
    assert stored_files(settings) == []


def test_a_failure_is_shown_without_a_stack_trace_and_a_retry_builds_the_file(
    evaluation, team, settings, monkeypatch, django_capture_on_commit_callbacks
) -> None:
    real = workbook_write
    calls = []

    def flaky(target, **options):
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("disk on fire at /var/secret/path")
        return real(target, **options)

    monkeypatch.setattr("reports.services.exports.workbook_write", flaky)
    evaluator = team["evaluator"].user
    with django_capture_on_commit_callbacks(execute=True):
        job = request(evaluation, evaluator)
    job.refresh_from_db()
    assert job.state == State.FAILED
    assert "unexpected error" in job.error and "secret" not in job.error
    assert "Traceback" not in job.error

    with pytest.raises(PermissionDenied):
        export_retry(job=job, by=team["data_entry"].user)  # neither the requester nor a lead
    with django_capture_on_commit_callbacks(execute=True):
        same = export_retry(job=job, by=evaluator)
    assert same.pk == job.pk
    job.refresh_from_db()
    assert (job.state, job.attempts, job.error) == (State.DONE, 2, "")
    assert len(stored_files(settings)) == 1
    with pytest.raises(ValidationProblem):
        export_retry(job=job, by=evaluator)  # done: nothing to retry


def test_a_member_who_lost_access_gets_a_readable_failure(evaluation, team) -> None:
    job = request(evaluation, team["evaluator"].user)
    team["evaluator"].delete()
    export_build(job_id=job.pk)
    job.refresh_from_db()
    assert job.state == State.FAILED
    assert job.error == "You are not a member of this evaluation."


def test_a_database_error_requeues_for_the_tasks_retry_then_fails(
    evaluation, team, monkeypatch
) -> None:
    def down(target, **options):
        raise OperationalError("server closed the connection")

    monkeypatch.setattr("reports.services.exports.workbook_write", down)
    job = request(evaluation, team["viewer"].user)
    with pytest.raises(OperationalError):
        export_build(job_id=job.pk, final_attempt=False)
    job.refresh_from_db()
    assert job.state == State.QUEUED
    export_build(job_id=job.pk, final_attempt=True)
    job.refresh_from_db()
    assert (job.state, job.attempts) == (State.FAILED, 2)


def test_a_lead_may_cancel_anyones_job_others_only_their_own(evaluation, team) -> None:
    job = request(evaluation, team["viewer"].user)
    with pytest.raises(PermissionDenied):
        export_cancel(job=job, by=team["evaluator"].user)
    assert export_cancel(job=job, by=team["lead"].user).state == State.CANCELLED


def test_expiry_deletes_the_file_and_keeps_the_job(evaluation, team, answered, settings) -> None:
    job = request(evaluation, team["viewer"].user)
    export_build(job_id=job.pk)
    fresh = request(evaluation, team["viewer"].user, labels=True)
    export_build(job_id=fresh.pk)
    ExportJob.objects.filter(pk=job.pk).update(expires_at=timezone.now() - dt.timedelta(hours=1))
    assert len(stored_files(settings)) == 2
    assert exports_expire_task.apply().get() == 1
    assert exports_expire() == 0
    job.refresh_from_db()
    assert (job.state, job.file.name, job.size) == (State.DONE, "", 0)
    assert not export_ready(job)
    assert len(stored_files(settings)) == 1


def test_export_list_shows_own_jobs_and_a_lead_sees_all(evaluation, team, outsider) -> None:
    mine = request(evaluation, team["viewer"].user)
    theirs = request(evaluation, team["evaluator"].user)
    assert list(export_list(evaluation=evaluation, user=team["viewer"].user)) == [mine]
    assert set(export_list(evaluation=evaluation, user=team["lead"].user)) == {mine, theirs}
    with pytest.raises(PermissionDenied):
        export_list(evaluation=evaluation, user=outsider)


# --- CSV per table -----------------------------------------------------------------------------


def csv_text(job: ExportJob) -> str:
    data = job.file.open("rb").read()
    assert data.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs for UTF-8
    return data.decode("utf-8-sig")


def test_csv_of_the_overview_is_the_tables_rows(evaluation, team) -> None:
    job = request(evaluation, team["viewer"].user, kind="csv", table="overview")
    export_build(job_id=job.pk)
    job.refresh_from_db()
    assert job.state == State.DONE and job.filename.endswith(".csv")
    assert f"{evaluation.slug}-overview-" in job.filename
    lines = csv_text(job).splitlines()
    expected = overview_rows(interview_overview(evaluation=evaluation, user=team["viewer"].user))
    assert lines == [",".join(str(cell) for cell in row) for row in expected]


@pytest.mark.parametrize(
    ("table", "by"),
    [("likert", "region"), ("rates", "region"), ("coverage", ""), ("annex", "category")],
)
def test_every_table_exports_as_csv(evaluation, team, answered, table, by) -> None:
    job = request(evaluation, team["viewer"].user, kind="csv", table=table, by=by)
    export_build(job_id=job.pk)
    job.refresh_from_db()
    assert job.state == State.DONE, job.error
    assert csv_text(job).strip()


def test_csv_keeps_a_formula_as_text(evaluation, team) -> None:
    handle = io.StringIO()
    assert exports.csv_write([["=1+1", "ok", 3]], handle, bom=False) == 1
    assert handle.getvalue() == "'=1+1,ok,3\r\n"


def test_the_task_run_in_process_fails_the_job_on_a_database_error(
    evaluation, team, monkeypatch
) -> None:
    def down(target, **options):
        raise OperationalError("server closed the connection")

    monkeypatch.setattr("reports.services.exports.workbook_write", down)
    job = request(evaluation, team["viewer"].user)
    export_build_task.apply(args=[job.pk])
    job.refresh_from_db()
    assert (job.state, job.attempts) == (State.FAILED, 1)
    assert "unexpected error" in job.error
