"""Issue 16, several machines: Celery queues by kind, so a big export never delays invitations.

Each task's route resolves to its queue; a worker that takes no queue name takes all four; the
Makefile and the compose file start workers that together take every queue; and a real worker
started on `exports` builds an export while a mail task waits for a worker on `mail`."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import redis
import yaml
from django.conf import settings

from questionnaires.models import Message
from questionnaires.services.messaging import message_create
from reports.models import ExportJob
from reports.services import exports
from reports.services.exports import export_request
from survey_site.celery import app
from tests.reliability import celery_worker
from tests.reliability.celery_worker import redis_url, send, wait_for
from tests.reports.builders import staff_survey

worker_process = celery_worker.worker_process  # the fixture

ROOT = Path(settings.BASE_DIR)
QUEUES = {"mail", "exports", "imports", "default"}
INTENDED = {
    "questionnaires.messages_send": "mail",
    "questionnaires.messages_dispatch": "mail",
    "questionnaires.reminders_send": "mail",
    "reports.export_build": "exports",
    "reports.exports_expire": "default",
    "reports.exports_sweep": "default",
    "accounts.clear_expired_sessions": "default",
    "common.ping": "default",
}


def queue_of(task_name: str) -> str:
    return app.amqp.router.route({}, task_name)["queue"].name


def project_tasks() -> list[str]:
    app.loader.import_default_modules()  # autodiscovery: every app's tasks.py
    return sorted(name for name in app.tasks if not name.startswith("celery."))


def test_each_task_is_routed_to_its_intended_queue() -> None:
    assert {name: queue_of(name) for name in INTENDED} == INTENDED
    assert set(INTENDED) <= set(project_tasks())


def test_every_task_lands_on_a_queue_that_workers_take() -> None:
    for name in project_tasks():
        assert queue_of(name) in QUEUES, name


def test_import_tasks_go_to_the_imports_queue() -> None:
    assert queue_of("stakeholders.import_people") == "imports"
    assert queue_of("interviews.import_log") == "imports"
    assert queue_of("reports.export_build") == "exports"  # not caught by the pattern


def test_a_worker_given_no_queue_takes_all_four() -> None:
    assert set(app.amqp.queues) == QUEUES
    assert app.conf.task_default_queue == "default"
    # Each queue has its own routing key: a message goes to one queue, never to all.
    assert {q.routing_key for q in app.amqp.queues.values()} == QUEUES


def test_make_worker_takes_queues_and_defaults_to_all() -> None:
    makefile = (ROOT / "Makefile").read_text()
    default = next(line for line in makefile.splitlines() if line.startswith("QUEUES ?="))
    assert set(default.split("=", 1)[1].strip().split(",")) == QUEUES
    assert "worker --loglevel=INFO --queues $(QUEUES)" in makefile


def test_compose_workers_take_every_queue_and_one_beat_runs() -> None:
    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    taken: list[str] = []
    beats = 0
    for service in services.values():
        command = service.get("command") or []
        if command[:2] == ["celery", "-A"] and command[3] == "worker":
            names = command[command.index("--queues") + 1].split(",")
            taken.extend(names)
        beats += command[:2] == ["celery", "-A"] and command[3] == "beat"
    assert sorted(taken) == sorted(QUEUES)  # each queue by exactly one kind of worker
    assert beats == 1
    assert services["worker"]["command"][-1] == "mail,default"


def waiting_in(queue: str) -> int:
    return redis.Redis.from_url(redis_url()).llen(queue)


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_an_exports_worker_never_takes_a_mail_task(
    evaluation, team, make_distribution, invite, settings, tmp_path, worker_process, monkeypatch
) -> None:
    monkeypatch.setattr(exports.export_build_task, "delay", lambda job_id: None)  # sent below
    staff_survey(evaluation, [{"attributes": {"region": "Africa"}, "answers": {"C1": "4"}}])
    job = export_request(evaluation=evaluation, by=team["evaluator"].user, kind="workbook")
    invitation = invite(make_distribution(), name="Ana", email="ana@example.org")
    message = message_create(invitation, Message.Kind.INVITATION, "test:queues:invitation")
    assert message is not None
    mail_dir = tmp_path / "var" / "mail"

    # CELERY_WORKER_QUEUES is `celery worker --queues`, given through the environment.
    builder = worker_process(
        "exports-only", CELERY_WORKER_QUEUES="exports", VAR_DIR=tmp_path / "var"
    )
    send("questionnaires.messages_send", [message.pk])
    send("reports.export_build", job.pk)
    wait_for(
        lambda: ExportJob.objects.get(pk=job.pk).state == ExportJob.State.DONE,
        what=f"the exports worker to build the export:\n{builder.output()[-2000:]}",
    )
    time.sleep(1)  # had it taken the mail task, it would have done so before the export
    message.refresh_from_db()
    assert message.status == Message.Status.QUEUED
    assert waiting_in("mail") == 1
    assert ".> exports " in builder.output() and ".> mail " not in builder.output()
    assert "Task questionnaires.messages_send[" not in builder.output()  # never received
    assert not mail_dir.exists() or not list(mail_dir.iterdir())

    mailer = worker_process("mail", CELERY_WORKER_QUEUES="mail,default", VAR_DIR=tmp_path / "var")
    wait_for(
        lambda: Message.objects.get(pk=message.pk).status == Message.Status.SENT,
        what=f"the mail worker to send the invitation:\n{mailer.output()[-2000:]}",
    )
    assert waiting_in("mail") == 0
    assert "ana@example.org" in "".join(p.read_text() for p in mail_dir.iterdir())
