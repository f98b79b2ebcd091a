"""Jobs recover (issue 14, items 11-13): a worker killed with SIGKILL in the middle of an
export leaves a job that is taken over or swept and can be tried again at once, with no
leftover files; ten identical requests at once make one job; an export has no wall-clock
limit, only a stall limit."""

from __future__ import annotations

import datetime as dt
import threading
import time
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from reports import tasks, workbook
from reports.models import ExportJob
from reports.services import exports
from reports.services.exports import export_request, export_retry
from survey_site.celery import app
from tests.reliability import celery_worker
from tests.reliability.celery_worker import send, wait_for
from tests.reports.builders import staff_survey

State = ExportJob.State
worker_process = celery_worker.worker_process  # the fixture


def stored_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT) / "exports"
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def leftovers(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT) / "exports-building"
    return sorted(root.rglob("*")) if root.exists() else []


def job_state(job: ExportJob) -> ExportJob:
    job.refresh_from_db()
    return job


@pytest.fixture
def not_sent(monkeypatch) -> list[int]:
    """Jobs requested in the test are sent to the worker by the test itself."""
    sent: list[int] = []
    monkeypatch.setattr(exports.export_build_task, "delay", sent.append)
    return sent


def start_and_kill(worker_process, job: ExportJob, settings):
    """A worker takes the job, builds slowly, and is killed with SIGKILL mid-build."""
    first = worker_process("first", SLOW_EXPORT_SECONDS=60, EXPORT_STALE_SECONDS=2)
    send(tasks.export_build_task.name, job.pk)
    wait_for(
        lambda: job_state(job).state == State.RUNNING and job.rows_done > 0,
        what=f"the worker to start the export:\n{first.output()[-2000:]}",
    )
    wait_for(lambda: leftovers(settings), what="the partial file")
    first.kill()
    beat = job_state(job).heartbeat_at
    assert job.state == State.RUNNING and beat is not None
    return job


# --- item 11: a worker killed mid-export -------------------------------------------------------


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_killed_worker_export_is_taken_over_by_the_redelivered_task(
    evaluation, team, settings, worker_process, not_sent
) -> None:
    staff_survey(evaluation, [{"attributes": {"region": "Africa"}, "answers": {"C1": "4"}}])
    job = export_request(evaluation=evaluation, by=team["evaluator"].user, kind="workbook")
    start_and_kill(worker_process, job, settings)
    time.sleep(2.5)  # the heartbeat is now older than the workers' stall limit (2 s)

    # Redis hands the unacknowledged task to the next worker (here: at once).
    second = worker_process("second", EXPORT_STALE_SECONDS=2, CELERY_VISIBILITY_TIMEOUT=1)
    wait_for(
        lambda: job_state(job).state == State.DONE,
        what=f"the second worker to finish the export:\n{second.output()[-2000:]}",
    )
    assert (job.attempts, job.error, job.progress) == (2, "", 100)
    assert len(stored_files(settings)) == 1
    assert leftovers(settings) == []  # the killed build's partial file is gone


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_killed_worker_export_is_swept_as_failed_and_retried_at_once(
    evaluation, team, settings, worker_process, not_sent
) -> None:
    settings.EXPORT_STALE_SECONDS = 2
    staff_survey(evaluation, [{"attributes": {"region": "Africa"}, "answers": {"C1": "4"}}])
    evaluator = team["evaluator"].user
    job = export_request(evaluation=evaluation, by=evaluator, kind="workbook")
    start_and_kill(worker_process, job, settings)
    time.sleep(2.5)

    # The user need not wait for anything: a stale job can be tried again at once.
    again = export_retry(job=job, by=evaluator)
    assert (again.pk, again.state) == (job.pk, State.QUEUED)
    assert export_request(evaluation=evaluation, by=evaluator, kind="workbook").pk == job.pk

    # Killed again; this time the beat sweeper finds it.
    ExportJob.objects.filter(pk=job.pk).update(state=State.QUEUED)
    start_and_kill(worker_process, job, settings)
    time.sleep(2.5)
    later = timezone.now() + dt.timedelta(minutes=5)  # leftovers are removed once old
    assert exports.exports_sweep(now=later) == 1
    job.refresh_from_db()
    assert job.state == State.FAILED
    assert "stopped responding" in job.error and "Try again" in job.error
    assert leftovers(settings) == []
    export_retry(job=job, by=evaluator)  # built in this process (tasks run eagerly here)
    exports.export_build(job_id=job.pk)
    job.refresh_from_db()
    assert (job.state, job.error) == (State.DONE, "")
    assert len(stored_files(settings)) == 1


@pytest.mark.django_db
def test_a_running_export_without_a_recent_heartbeat_is_swept_and_can_be_retried(
    evaluation, team, settings, django_capture_on_commit_callbacks
) -> None:
    settings.EXPORT_STALE_SECONDS = 120
    evaluator = team["evaluator"].user
    job = export_request(evaluation=evaluation, by=evaluator, kind="workbook")
    fresh = timezone.now() - dt.timedelta(seconds=30)
    old = timezone.now() - dt.timedelta(minutes=3)
    ExportJob.objects.filter(pk=job.pk).update(state=State.RUNNING, heartbeat_at=fresh)
    job.refresh_from_db()
    assert not job.stale
    assert tasks.exports_sweep_task.apply().get() == 0  # alive: left alone
    ExportJob.objects.filter(pk=job.pk).update(heartbeat_at=old)
    job.refresh_from_db()
    assert job.stale
    assert tasks.exports_sweep_task.apply().get() == 1
    job.refresh_from_db()
    assert job.state == State.FAILED and "stopped responding" in job.error
    with django_capture_on_commit_callbacks(execute=True):
        job = export_retry(job=job, by=evaluator)
    job.refresh_from_db()
    assert (job.state, job.attempts) == (State.DONE, 1)  # built in this process


@pytest.mark.django_db
def test_the_sweeper_is_scheduled_by_beat() -> None:
    app.loader.import_default_modules()
    names = {entry["task"] for entry in app.conf.beat_schedule.values()}
    assert tasks.exports_sweep_task.name in names


@pytest.mark.django_db
def test_a_slow_sheet_still_beats(evaluation, team, settings, monkeypatch) -> None:
    """Progress every 1,000 rows writes the heartbeat once enough time has passed, even when
    5,000 rows (the progress bar's step) take longer than the stall limit."""
    settings.EXPORT_STALE_SECONDS = 6  # a beat at least every second
    job = export_request(evaluation=evaluation, by=team["viewer"].user, kind="workbook")
    beats = []

    def slow_sheet(target, *, progress, **options):
        for step in range(3):
            progress(step * 1000, 100_000, "Raw responses")  # the same 5,000-row window
            beats.append(ExportJob.objects.get(pk=job.pk).heartbeat_at)
            time.sleep(1.1)
        raise RuntimeError("stop here")

    monkeypatch.setattr("reports.services.exports.workbook_write", slow_sheet)
    exports.export_build(job_id=job.pk)
    assert beats[0] < beats[1] < beats[2]


@pytest.mark.django_db
def test_computing_the_tables_still_beats(evaluation, team, settings, monkeypatch) -> None:
    """Before a row is written the tables are computed in the database, which takes minutes
    on a large evaluation: the heartbeat goes on between the tables."""
    settings.EXPORT_STALE_SECONDS = 6  # a beat at least every second
    staff_survey(evaluation, [{"answers": {"C1": "4"}}] * 6)
    job = export_request(evaluation=evaluation, by=team["viewer"].user, kind="workbook")
    beats = []

    def slowly(compute):
        def table(**options):
            beats.append(ExportJob.objects.get(pk=job.pk).heartbeat_at)
            time.sleep(1.1)
            return compute(**options)

        return table

    monkeypatch.setattr(workbook, "evaluation_rates", slowly(workbook.evaluation_rates))
    monkeypatch.setattr(workbook, "interview_overview", slowly(workbook.interview_overview))
    exports.export_build(job_id=job.pk)
    assert ExportJob.objects.get(pk=job.pk).state == State.DONE
    assert beats[0] < beats[1]  # a beat after the rates, before the overview


# --- item 12: concurrent identical requests -----------------------------------------------------


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_ten_identical_requests_at_once_make_one_job_and_one_file(
    postgresql, evaluation, team, settings
) -> None:
    user = team["evaluator"].user
    start = threading.Barrier(10)
    ids: list[int] = []
    errors: list[BaseException] = []

    def ask() -> None:
        try:
            start.wait()
            job = export_request(evaluation=evaluation, by=user, kind="workbook")
            ids.append(job.pk)
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=ask) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(ids) == 10 and len(set(ids)) == 1
    assert ExportJob.objects.count() == 1
    assert ExportJob.objects.get().state == State.DONE  # built once, in the first caller
    assert len(stored_files(settings)) == 1


@pytest.mark.django_db
def test_a_retry_while_the_same_export_waits_returns_the_waiting_job(evaluation, team) -> None:
    user = team["evaluator"].user
    failed = export_request(evaluation=evaluation, by=user, kind="workbook")
    ExportJob.objects.filter(pk=failed.pk).update(state=State.FAILED)
    waiting = export_request(evaluation=evaluation, by=user, kind="workbook")
    ExportJob.objects.filter(pk=waiting.pk).update(state=State.QUEUED)
    assert export_retry(job=failed, by=user).pk == waiting.pk
    assert ExportJob.objects.get(pk=failed.pk).state == State.FAILED


# --- item 13: time limits --------------------------------------------------------------------


def test_export_task_has_no_wall_clock_limit_only_the_stall_limit(settings) -> None:
    task = tasks.export_build_task
    hours = 60 * 60
    assert task.soft_time_limit >= 24 * hours > app.conf.task_soft_time_limit
    assert task.time_limit > task.soft_time_limit
    assert task.soft_time_limit != app.conf.task_soft_time_limit
    assert settings.EXPORT_STALE_SECONDS == 120  # the stall limit, 2 minutes by default
