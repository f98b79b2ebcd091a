"""Issue 16, graceful shutdown: a worker stopped with SIGTERM (a deploy, `docker compose stop`)
finishes the task it is running and takes no new one, which waits for the next worker; gunicorn
gives a request more time than the slowest one we allow, and compose waits for both."""

from __future__ import annotations

import os
import re
import runpy
import signal
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from gunicorn.config import Config

from reports.models import ExportJob
from reports.services import exports
from reports.services.exports import export_request
from survey_site.celery import app
from tests.reliability import celery_worker
from tests.reliability.celery_worker import send, wait_for
from tests.reports.builders import staff_survey

worker_process = celery_worker.worker_process  # the fixture

ROOT = Path(settings.BASE_DIR)
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
State = ExportJob.State


def gunicorn_config(**env: str) -> Config:
    """gunicorn's configuration as the image and compose load it (--config gunicorn.conf.py)."""
    saved = {name: os.environ.get(name) for name in env}
    os.environ.update(env)
    try:
        values = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    config = Config()
    for name, value in values.items():
        if name in config.settings:
            config.set(name, value)
    return config


def seconds(duration: str) -> int:
    """A compose duration such as "70s", "2m" or "1m30s" in seconds."""
    units = {"h": 3600, "m": 60, "s": 1}
    parts = re.findall(r"(\d+)([hms])", duration)
    assert parts and "".join(n + u for n, u in parts) == duration, duration
    return sum(int(n) * units[u] for n, u in parts)


def test_gunicorn_gives_the_slowest_request_more_than_its_default() -> None:
    config = gunicorn_config()
    # The slowest request is an import in the request: 5 MB, 20,000 rows (gunicorn.conf.py).
    assert (settings.SPREADSHEET_MAX_ROWS, settings.SPREADSHEET_MAX_BYTES) == (20_000, 5 << 20)
    assert config.timeout == 180 > Config().timeout  # gunicorn's own default is 30 s
    assert config.graceful_timeout == 60
    assert "SPREADSHEET_MAX_ROWS" in (ROOT / "gunicorn.conf.py").read_text()  # the why
    assert gunicorn_config(GUNICORN_TIMEOUT="300").timeout == 300


def test_compose_waits_longer_than_gunicorn_and_the_workers_finish() -> None:
    services = COMPOSE["services"]
    assert seconds(services["web"]["stop_grace_period"]) > gunicorn_config().graceful_timeout
    assert "--config" in services["web"]["command"]
    for name in ("worker", "worker-exports"):
        assert seconds(services[name]["stop_grace_period"]) >= 60, name


def test_tasks_are_acknowledged_after_they_ran() -> None:
    # What makes a task cut off by SIGKILL come back, rather than be lost.
    assert app.conf.task_acks_late and app.conf.task_reject_on_worker_lost
    assert app.conf.worker_prefetch_multiplier == 1  # a stopping worker holds no queued task
    assert app.conf.broker_transport_options["visibility_timeout"] >= app.conf.task_time_limit


def job_state(job: ExportJob) -> ExportJob:
    job.refresh_from_db()
    return job


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_sigterm_finishes_the_running_task_and_leaves_the_next_to_another_worker(
    evaluation, team, worker_process, monkeypatch
) -> None:
    monkeypatch.setattr(exports.export_build_task, "delay", lambda job_id: None)  # sent below
    staff_survey(evaluation, [{"attributes": {"region": "Africa"}, "answers": {"C1": "4"}}])
    running = export_request(evaluation=evaluation, by=team["evaluator"].user, kind="workbook")
    waiting = export_request(evaluation=evaluation, by=team["lead"].user, kind="workbook")
    first = worker_process("first", SLOW_EXPORT_SECONDS=4)
    send("reports.export_build", running.pk)
    wait_for(
        lambda: job_state(running).state == State.RUNNING and running.rows_done > 0,
        what=f"the worker to start the export:\n{first.output()[-2000:]}",
    )
    send("reports.export_build", waiting.pk)

    os.kill(first.process.pid, signal.SIGTERM)  # what `docker compose stop` sends
    assert first.process.wait(timeout=60) == 0
    assert "Warm shutdown" in first.output()
    job_state(running)
    assert (running.state, running.attempts, running.error) == (State.DONE, 1, "")
    assert job_state(waiting).state == State.QUEUED  # not started by the stopping worker

    second = worker_process("second")
    wait_for(
        lambda: job_state(waiting).state == State.DONE,
        what=f"the next worker to take the waiting export:\n{second.output()[-2000:]}",
    )
    assert waiting.attempts == 1
