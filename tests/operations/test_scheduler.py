"""The scheduler in every set-up: `manage.py serve` (what `make run` starts) sends a due
reminder by itself, on the embedded broker; its heartbeat, and the warnings without one."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from common.models import Heartbeat
from common.scheduler import heartbeat_write
from common.tasks import heartbeat
from questionnaires.models import Message
from questionnaires.services import distribution_send
from questionnaires.tasks import reminders_send
from survey_site.celery import app

ROOT = Path(django_settings.BASE_DIR)


# --- the heartbeat and the warnings --------------------------------------------------------


@pytest.mark.django_db
def test_heartbeat_task_keeps_one_row_per_process_with_the_time() -> None:
    heartbeat.apply()
    first = Heartbeat.objects.get()
    heartbeat.apply()
    assert Heartbeat.objects.count() == 1
    assert Heartbeat.objects.get().beat_at >= first.beat_at
    assert f"pid {os.getpid()}" in first.process


@pytest.mark.django_db
def test_healthz_scheduler_ok_with_a_recent_heartbeat_degraded_without(client) -> None:
    never = client.get("/healthz")
    assert never.status_code == 200
    assert never.json()["status"] == "degraded" and never.json()["degraded"] == ["scheduler"]
    assert never.json()["checks"]["scheduler"].startswith("No scheduler has run yet")
    heartbeat_write(process="w1", now=timezone.now() - dt.timedelta(minutes=20))
    old = client.get("/healthz").json()
    assert old["checks"]["scheduler"].startswith("No scheduler has run since ")
    assert "scheduled reminders, clean-ups and sweeps do not run" in old["checks"]["scheduler"]
    heartbeat_write(process="w1")
    fresh = client.get("/healthz").json()
    assert fresh["checks"]["scheduler"] == "ok" and fresh["status"] == "ok"


@pytest.mark.django_db
def test_distribution_page_warns_the_team_when_no_scheduler_ran(
    client, team, make_distribution
) -> None:
    distribution = make_distribution(deadline=timezone.now() + dt.timedelta(days=10))
    url = reverse(
        "questionnaires:distribution", args=[distribution.evaluation.slug, distribution.pk]
    )
    client.force_login(team["evaluator"].user)
    heartbeat_write(process="w1", now=timezone.now() - dt.timedelta(hours=3))
    page = client.get(url).content.decode()
    assert 'id="scheduler-warning"' in page
    assert "No scheduler has run since" in page
    assert "scheduled reminders will not go out (the form still closes at its time)" in page
    assert "start <code>make run</code> again" in page
    heartbeat_write(process="w1")
    assert 'id="scheduler-warning"' not in client.get(url).content.decode()


def test_every_scheduled_job_of_the_issue_is_on_the_beat_schedule() -> None:
    app.loader.import_default_modules()
    tasks = {entry["task"] for entry in app.conf.beat_schedule.values()}
    assert {
        "questionnaires.reminders_send", "reports.exports_expire", "reports.exports_sweep",
        "accounts.clear_expired_sessions", "common.heartbeat",
    } <= tasks  # fmt: skip
    assert tasks <= set(app.tasks)
    reminders = next(e for e in app.conf.beat_schedule.values() if "reminders" in e["task"])
    assert reminders["schedule"] <= 60  # a due reminder goes within a minute


@pytest.mark.django_db
def test_links_in_a_reminder_built_by_a_task_use_site_url(
    settings, make_distribution, invite, team, django_capture_on_commit_callbacks
) -> None:
    settings.SITE_URL = "https://surveys.example.org"
    distribution = make_distribution(
        deadline=timezone.now() + dt.timedelta(days=10), reminder_days=[5]
    )
    invite(distribution, name="Sam", email="sam@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        distribution_send(distribution=distribution, by=team["lead"].user)
    mail.outbox.clear()
    Message.objects.all().delete()
    # As if six days had passed: the reminder five days before the deadline is due.
    distribution.sent_at = timezone.now() - dt.timedelta(days=6)
    distribution.deadline = timezone.now() + dt.timedelta(days=5, minutes=-1)
    distribution.save(update_fields=["sent_at", "deadline"])
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders_send.apply().get() == 1  # in a task, outside any request
    body = mail.outbox[0].body
    assert "https://surveys.example.org/r/" in body and "testserver" not in body


# --- `make run`: the web server and a worker with beat, on the embedded broker --------------

SETUP = """
import datetime as dt
from django.utils import timezone
from evaluations.permissions import SYSTEM
from questionnaires.services import distribution_create, instrument_load, invitation_create
from questionnaires.services import distribution_send
from tests.factories import EvaluationFactory, MembershipFactory
from tests.conftest import STAFF_FILE
evaluation = EvaluationFactory()
lead = MembershipFactory(evaluation=evaluation, role="lead").user
version = instrument_load(evaluation=evaluation, text=STAFF_FILE.read_text(), by=SYSTEM).version
deadline = timezone.now() + dt.timedelta(days=1, seconds={due_in})
distribution = distribution_create(evaluation=evaluation, by=lead, version=version,
    title="Staff", deadline=deadline, reminder_days=[1])
for n in range(2):
    invitation_create(distribution=distribution, by=lead, name=f"P{{n}}",
                      email=f"p{{n}}@example.org")
distribution_send(distribution=distribution, by=lead)
print("DUE", (deadline - dt.timedelta(days=1)).timestamp())
"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _reminders_sent(database: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(database) as db:
        return db.execute(
            "SELECT recipient, body FROM questionnaires_message "
            "WHERE kind = 'reminder' AND status = 'sent'"
        ).fetchall()


def test_make_run_sends_a_due_reminder_by_itself_and_stops_on_ctrl_c(tmp_path: Path) -> None:
    """What `make run` starts, with its defaults: SQLite under VAR_DIR, files as the broker,
    a worker with embedded beat. A reminder planned 15 s after the start goes out within a
    minute of its time, with SITE_URL's links; Ctrl-C (SIGINT) stops every process."""
    port = _free_port()
    keep = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR")
    env = {k: v for k, v in os.environ.items() if k in keep}
    env |= {"VAR_DIR": str(tmp_path / "var"), "PYTHONPATH": str(ROOT),
            "DJANGO_SETTINGS_MODULE": "survey_site.settings", "SITE_URL": "https://c.example.org",
            "PYTHONUNBUFFERED": "1"}  # fmt: skip
    run = {"cwd": ROOT, "env": env, "capture_output": True, "text": True, "timeout": 300}
    migrate = subprocess.run([sys.executable, "manage.py", "migrate", "--noinput"], **run)
    assert migrate.returncode == 0, migrate.stderr[-2000:]
    setup = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", SETUP.format(due_in=25)], **run
    )
    assert setup.returncode == 0, setup.stderr[-3000:]
    due = float(setup.stdout.split("DUE", 1)[1].split()[0])
    log = (tmp_path / "serve.log").open("wb")
    serve = subprocess.Popen(
        [sys.executable, "manage.py", "serve", f"127.0.0.1:{port}", "--noreload",
         "--concurrency=1"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    database = tmp_path / "var" / "consulta.sqlite3"
    try:
        sent: list[tuple[str, str]] = []
        while time.time() < due + 75 and len(sent) < 2:
            assert serve.poll() is None, (tmp_path / "serve.log").read_text()[-3000:]
            time.sleep(1)
            sent = _reminders_sent(database)
        output = (tmp_path / "serve.log").read_text(errors="replace")
        assert sorted(r for r, _ in sent) == ["p0@example.org", "p1@example.org"], output[-4000:]
        assert all("https://c.example.org/r/" in body for _, body in sent)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=10) as answer:
            health = json.load(answer)
        assert health["checks"]["scheduler"] == "ok" and health["checks"]["broker"] == "ok"
    finally:
        serve.send_signal(signal.SIGINT)
        code = serve.wait(timeout=60)
        log.close()
    assert code == 0
    output = (tmp_path / "serve.log").read_text(errors="replace")
    assert "Stopped." in output and "Warm shutdown" in output
    with pytest.raises(OSError), socket.create_connection(("127.0.0.1", port), timeout=2):
        pass


@pytest.mark.django_db
def test_warning_time_is_in_the_distribution_time_zone_and_the_threshold_is_the_setting(
    client, team, make_distribution, settings
) -> None:
    settings.SCHEDULER_STALE_SECONDS = 5 * 60
    distribution = make_distribution(
        deadline=timezone.now() + dt.timedelta(days=10), time_zone="Asia/Kathmandu"
    )
    url = reverse(
        "questionnaires:distribution", args=[distribution.evaluation.slug, distribution.pk]
    )
    client.force_login(team["evaluator"].user)
    heartbeat_write(process="w1", now=timezone.now() - dt.timedelta(minutes=4))
    assert 'id="scheduler-warning"' not in client.get(url).content.decode()
    last = timezone.now() - dt.timedelta(minutes=6)
    heartbeat_write(process="w1", now=last)
    page = client.get(url).content.decode()
    warning = page.split('id="scheduler-warning"', 1)[1].split("</div>", 1)[0]
    kathmandu = last.astimezone(dt.timezone(dt.timedelta(hours=5, minutes=45)))
    assert f"No scheduler has run since {kathmandu:%-d %b %Y, %H:%M} Asia/Kathmandu" in warning
    # /healthz names the site's zone (UTC here).
    health = client.get("/healthz").json()["checks"]["scheduler"]
    assert f"No scheduler has run since {last.astimezone(dt.UTC):%-d %b %Y, %H:%M} UTC" in health
