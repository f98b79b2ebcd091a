"""Issue 16, several machines: the web process keeps nothing in its own memory once REDIS_URL is
set (any web machine serves any request): sessions in the database, cache and rate limits in
Redis. Settings are built from the environment in a fresh process for each case."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client

from tests.reliability.redis_server import redis_server  # noqa: F401 (a fixture)
from tests.survey_site.test_settings import settings_value

NAMES = ["SESSION_ENGINE", "CACHES", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND"]
DB_SESSIONS = "django.contrib.sessions.backends.db"


def test_with_redis_nothing_is_kept_in_process_memory(tmp_path: Path) -> None:
    values = settings_value(NAMES, {"REDIS_URL": "redis://redis.internal:6379/0"}, tmp_path)
    assert values["SESSION_ENGINE"] == DB_SESSIONS
    assert "RedisCache" in values["CACHES"] and "redis://redis.internal:6379/0" in values["CACHES"]
    assert "locmem" not in values["CACHES"].lower()
    assert values["CELERY_BROKER_URL"] == values["CELERY_RESULT_BACKEND"]
    assert "memory" not in values["CELERY_BROKER_URL"] + values["CELERY_RESULT_BACKEND"]


def test_embedded_keeps_sessions_in_the_database(tmp_path: Path) -> None:
    values = settings_value(NAMES, {"REDIS_URL": "", "DATABASE_URL": ""}, tmp_path)
    assert values["SESSION_ENGINE"] == DB_SESSIONS  # one process, but a restart keeps logins
    assert "LocMemCache" in values["CACHES"]


@pytest.mark.django_db
def test_a_logged_in_member_stays_logged_in_across_a_redis_restart(
    redis_server,  # noqa: F811
    team,
    evaluation,
) -> None:
    client = Client()
    with redis_server.in_use():
        client.force_login(team["lead"].user)
        assert client.get(f"/evaluations/{evaluation.slug}/").status_code == 200
        redis_server.stop()  # a cached session would be gone, and unreadable while it is down
        down = client.get(f"/evaluations/{evaluation.slug}/")
        assert down.status_code == 200 and evaluation.title in down.content.decode()
        redis_server.start()  # back, empty
        assert client.get(f"/evaluations/{evaluation.slug}/").status_code == 200
