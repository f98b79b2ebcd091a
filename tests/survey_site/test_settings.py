"""Settings come from the environment; each case runs Django in a fresh process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "k3J9-prod-like-secret-with-enough-entropy-ZqW8vN2xR5tY7uI0oP4aS6dF1gH",
    "ALLOWED_HOSTS": "consulta.example.org",
    "SECURE_SSL_REDIRECT": "1",
    "SECURE_HSTS_SECONDS": "31536000",
    "SESSION_COOKIE_SECURE": "1",
    "CSRF_COOKIE_SECURE": "1",
}


def run_django(args: list[str], env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess:
    clean = {
        k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "SECRET", "DEBUG"))
    }
    clean.update(
        {"VAR_DIR": str(tmp_path / "var"), "DJANGO_SETTINGS_MODULE": "survey_site.settings"}
    )
    clean.update(env)
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=120
    )


def settings_value(names: list[str], env: dict[str, str], tmp_path: Path) -> dict:
    code = (
        "import django, json; django.setup(); from django.conf import settings as s; "
        f"print(json.dumps({{n: str(getattr(s, n)) for n in {names!r}}}))"
    )
    result = run_django(["-c", code], env, tmp_path)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_without_secret_key_refuses_to_start(tmp_path: Path) -> None:
    result = run_django(["manage.py", "check"], {"DEBUG": "0", "SECRET_KEY": ""}, tmp_path)
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr
    assert "refuses to start" in result.stderr


def test_check_deploy_is_clean_when_production_settings_are_given(tmp_path: Path) -> None:
    result = run_django(["manage.py", "check", "--deploy"], PRODUCTION, tmp_path)
    assert result.returncode == 0, result.stderr
    output = result.stdout + result.stderr
    assert "System check identified no issues" in output
    assert "WARNINGS" not in output


def test_check_deploy_warns_without_https_settings(tmp_path: Path) -> None:
    env = {k: v for k, v in PRODUCTION.items() if not k.startswith(("SECURE", "SESSION", "CSRF"))}
    output = run_django(["manage.py", "check", "--deploy"], env, tmp_path)
    assert "security.W004" in output.stdout + output.stderr


def test_development_defaults(tmp_path: Path) -> None:
    values = settings_value(
        [
            "DEBUG",
            "EMAIL_BACKEND",
            "EMAIL_FILE_PATH",
            "CELERY_TASK_ALWAYS_EAGER",
            "CELERY_BROKER_URL",
            "CELERY_BROKER_TRANSPORT_OPTIONS",
            "MEDIA_ROOT",
            "DATABASES",
            "CACHES",
        ],
        {"DATABASE_URL": "", "REDIS_URL": "", "EMAIL_URL": ""},
        tmp_path,
    )
    assert values["DEBUG"] == "True"
    assert values["EMAIL_BACKEND"] == "django.core.mail.backends.filebased.EmailBackend"
    assert values["EMAIL_FILE_PATH"] == str(tmp_path / "var" / "mail")
    assert values["MEDIA_ROOT"] == str(tmp_path / "var" / "media")
    # A real worker with beat on files under var/celery/ (`make run`), not tasks in-process.
    assert values["CELERY_TASK_ALWAYS_EAGER"] == "False"
    assert values["CELERY_BROKER_URL"] == "filesystem://"
    assert str(tmp_path / "var" / "celery" / "queue") in values["CELERY_BROKER_TRANSPORT_OPTIONS"]
    assert "LocMemCache" in values["CACHES"]
    assert "IMMEDIATE" in values["DATABASES"] and "journal_mode=WAL" in values["DATABASES"]


def test_sqlite_default_runs_in_wal_mode(tmp_path: Path) -> None:
    code = (
        "import django; django.setup(); from django.db import connection; "
        "c = connection.cursor(); c.execute('PRAGMA journal_mode'); print(c.fetchone()[0])"
    )
    result = run_django(["-c", code], {"DATABASE_URL": "", "REDIS_URL": ""}, tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "wal"
    assert (tmp_path / "var" / "consulta.sqlite3").exists()


def test_redis_url_makes_redis_broker_backend_and_cache(tmp_path: Path) -> None:
    values = settings_value(
        ["CELERY_BROKER_URL", "CELERY_RESULT_BACKEND", "CELERY_TASK_ALWAYS_EAGER", "CACHES"],
        {"REDIS_URL": "redis://127.0.0.1:6379/3"},
        tmp_path,
    )
    assert (
        values["CELERY_BROKER_URL"] == values["CELERY_RESULT_BACKEND"] == "redis://127.0.0.1:6379/3"
    )
    assert values["CELERY_TASK_ALWAYS_EAGER"] == "False"
    assert "RedisCache" in values["CACHES"]


def test_email_url_selects_smtp(tmp_path: Path) -> None:
    values = settings_value(
        ["EMAIL_BACKEND", "EMAIL_HOST", "EMAIL_PORT", "EMAIL_USE_TLS"],
        {"EMAIL_URL": "smtp+tls://mailer:pw@smtp.example.org:587"},
        tmp_path,
    )
    assert values == {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "smtp.example.org",
        "EMAIL_PORT": "587",
        "EMAIL_USE_TLS": "True",
    }


@pytest.mark.parametrize("code", ["en", "fr", "es"])
def test_languages(code: str) -> None:
    assert code in dict(settings.LANGUAGES)


def test_logging_goes_to_stdout() -> None:
    assert settings.LOGGING["handlers"]["stdout"]["stream"] == "ext://sys.stdout"


def test_manage_py_check_starts_cold(tmp_path: Path) -> None:
    """DRF's settings import the parsers and pagination named in REST_FRAMEWORK while its views
    are being built: a module among them that imports DRF's views fails at start-up (seen
    once, common.api), which only a fresh process shows."""
    result = run_django(["manage.py", "check"], {}, tmp_path)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "System check identified no issues" in result.stdout + result.stderr
