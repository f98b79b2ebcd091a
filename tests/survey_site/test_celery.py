from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from accounts.tasks import clear_expired_sessions
from common.tasks import ping
from survey_site.celery import app


def test_configuration_is_safe_for_retries() -> None:
    conf = app.conf
    assert conf.task_serializer == "json" and conf.accept_content == ["json"]
    assert conf.task_acks_late is True
    assert conf.task_reject_on_worker_lost is True
    assert 0 < conf.task_soft_time_limit < conf.task_time_limit


def test_ping_goes_through_the_configured_path(celery_worker) -> None:
    """Eager without REDIS_URL; with it (CI), through Redis to a real worker and back."""
    result = ping.delay()
    assert result.get(timeout=20) == "pong"
    assert result.successful()


def test_every_scheduled_task_is_registered() -> None:
    app.loader.import_default_modules()
    schedule = app.conf.beat_schedule
    assert schedule, "beat has nothing to schedule"
    for entry in schedule.values():
        assert entry["task"] in app.tasks, entry["task"]


@pytest.mark.django_db
def test_clear_expired_sessions_twice_removes_only_expired() -> None:
    live, old = SessionStore(), SessionStore()
    live.create()
    old.create()
    Session.objects.filter(session_key=old.session_key).update(
        expire_date=timezone.now() - timedelta(days=1)
    )
    assert clear_expired_sessions.apply().get() == 1
    assert clear_expired_sessions.apply().get() == 0
    assert list(Session.objects.values_list("session_key", flat=True)) == [live.session_key]
