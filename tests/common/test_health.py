"""/healthz against real services: up, and down by pointing at a port where nothing listens."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.conf import settings

from common.scheduler import heartbeat_write
from tests.survey_site.test_settings import run_django

CLOSED_PORT = 1  # nothing listens on tcp/1 here


@pytest.mark.django_db
def test_healthy_when_everything_is_up(client) -> None:
    heartbeat_write(process="beat-worker pid 1")
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["cache"] == "ok"
    if settings.REDIS_URL:
        assert body["checks"]["broker"] == "ok"
    else:
        assert body["checks"]["broker"] == "not configured: tasks run in-process"
    assert "failing" not in body


@pytest.mark.django_db
def test_broker_down_is_503_and_named(client, settings) -> None:
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{CLOSED_PORT}/0"
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["failing"] == ["broker"]
    assert body["checks"]["broker"].startswith("error: ")
    assert body["checks"]["database"] == "ok"


@pytest.mark.django_db
def test_cache_down_is_503_and_named(client, settings) -> None:
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{CLOSED_PORT}/0",
        }
    }
    response = client.get("/healthz")
    assert response.status_code == 503
    assert "cache" in response.json()["failing"]


def test_database_down_is_503_and_named(tmp_path: Path) -> None:
    code = (
        "import django, json; django.setup(); "
        "from django.test.utils import setup_test_environment; setup_test_environment(); "
        "from django.test import Client; r = Client().get('/healthz'); "
        "print(r.status_code, json.dumps(r.json()))"
    )
    result = run_django(
        ["-c", code],
        {"DATABASE_URL": f"postgres://postgres@127.0.0.1:{CLOSED_PORT}/nothing", "REDIS_URL": ""},
        tmp_path,
    )
    assert result.returncode == 0, result.stderr
    status, body = result.stdout.strip().splitlines()[-1].split(" ", 1)
    report = json.loads(body)
    assert status == "503"
    assert report["failing"] == ["database"]
    assert report["checks"]["cache"] == "ok"


@pytest.mark.django_db
def test_health_needs_no_login_and_only_get(client) -> None:
    heartbeat_write(process="beat-worker pid 1")
    anonymous = client.get("/healthz")
    assert anonymous.status_code == 200 and anonymous.json()["status"] == "ok"
    assert client.get("/livez").content == b"ok"
    assert client.post("/healthz").status_code == 405
