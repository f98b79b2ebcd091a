"""docker-compose.yml read with PyYAML: its services, commands and environment agree with the
settings (every variable it sets is one settings.py or a library it configures reads; the
storage, database and broker it points at are services it runs, with matching credentials).
Where Docker's compose plugin exists, `docker compose config` validates the file as well."""

from __future__ import annotations

import inspect
import os
import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
import yaml
from django.conf import settings
from storages.backends import s3

from survey_site.storage import s3_storage as storage_from_url

ROOT = Path(settings.BASE_DIR)
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]
# The services running Consulta's own image (web, workers, beat, migrate).
APP = {name: s for name, s in SERVICES.items() if s.get("image") == "consulta:latest"}
# Read by django-storages (storages.backends.s3.S3Storage) and boto3, not by settings.py.
LIBRARY_VARIABLES = {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"}


def resolved(value: object) -> str:
    """A compose value with ${VAR:-default} replaced by its default (${VAR:?..} by "set")."""
    text = str(value)
    text = re.sub(r"\$\{[A-Z_]+:-([^}]*)\}", r"\1", text)
    return re.sub(r"\$\{[A-Z_]+:\?[^}]*\}", "set", text)


def settings_variables() -> set[str]:
    source = (ROOT / "survey_site" / "settings.py").read_text()
    return set(re.findall(r"env(?:\.\w+)?\(\s*\"([A-Z0-9_]+)\"", source))


def depends(name: str) -> set[str]:
    """Every service `name` waits for, directly or through others."""
    direct = set(SERVICES[name].get("depends_on") or {})
    return direct.union(*(depends(d) for d in direct)) if direct else set()


def test_the_app_services_run_the_project_commands() -> None:
    commands = {name: " ".join(s["command"]) for name, s in APP.items()}

    assert {"migrate", "web", "worker", "beat"} <= set(APP)
    assert commands["migrate"] == "python manage.py migrate --noinput"
    assert commands["web"].startswith("gunicorn survey_site.wsgi:application")
    assert "--config gunicorn.conf.py" in commands["web"]
    assert commands["beat"].startswith("celery -A survey_site beat")
    workers = [c for c in commands.values() if c.startswith("celery -A survey_site worker")]
    assert workers, commands
    assert (ROOT / "Dockerfile").exists() and (ROOT / "gunicorn.conf.py").exists()


def test_the_workers_consume_every_queue_the_settings_route_to() -> None:
    queues = set(getattr(settings, "CELERY_TASK_QUEUES", None) or {"celery"})
    consumed: set[str] = set()
    for service in APP.values():
        command = service["command"]
        if command[:4] != ["celery", "-A", "survey_site", "worker"]:
            continue
        if "--queues" in command:
            named = set(command[command.index("--queues") + 1].split(","))
            assert named <= queues, f"{named - queues} are no queue of the settings"
            consumed |= named
        else:
            consumed |= queues  # a worker without --queues takes them all
    assert consumed == queues


def test_every_variable_set_is_one_the_settings_or_their_libraries_read() -> None:
    read = settings_variables()
    for variable in LIBRARY_VARIABLES:  # django-storages looks them up itself
        assert variable in inspect.getsource(s3)
    for name, service in APP.items():
        unknown = set(service["environment"]) - read - LIBRARY_VARIABLES
        assert not unknown, f"{name} sets {unknown}, which nothing reads"
    assert {"SECRET_KEY", "DATABASE_URL", "REDIS_URL", "STORAGE_URL", "SITE_URL"} <= read


def test_storage_points_at_the_minio_service_and_its_private_bucket() -> None:
    environment = {k: resolved(v) for k, v in APP["web"]["environment"].items()}
    options = storage_from_url(environment["STORAGE_URL"])["OPTIONS"]
    endpoint = urlsplit(options["endpoint_url"])
    minio = SERVICES[endpoint.hostname]
    minio_env = {k: resolved(v) for k, v in minio["environment"].items()}
    bucket_job = " ".join(SERVICES["minio-bucket"]["command"])

    assert minio["image"].startswith("minio/minio") and endpoint.port == 9000
    assert "ports" not in minio  # reached by web and workers only, never from outside
    assert (environment["AWS_ACCESS_KEY_ID"], environment["AWS_SECRET_ACCESS_KEY"]) == (
        minio_env["MINIO_ROOT_USER"],
        minio_env["MINIO_ROOT_PASSWORD"],
    )
    assert len(minio_env["MINIO_ROOT_PASSWORD"]) >= 8  # MinIO refuses a shorter one
    assert f"mc mb --ignore-existing store/{options['bucket_name']}" in bucket_job
    assert f"mc anonymous set none store/{options['bucket_name']}" in bucket_job
    assert options["default_acl"] == "private"
    # No app service starts before the bucket exists; none keeps files on a local volume.
    for name in APP:
        assert "minio-bucket" in depends(name), name
        assert not APP[name].get("volumes"), name


def test_database_and_broker_are_the_services_with_their_credentials() -> None:
    environment = {k: resolved(v) for k, v in APP["web"]["environment"].items()}
    database = urlsplit(environment["DATABASE_URL"])
    postgres = SERVICES[database.hostname]["environment"]
    redis = urlsplit(environment["REDIS_URL"])

    assert (database.username, database.password, database.path.lstrip("/")) == (
        postgres["POSTGRES_USER"],
        postgres["POSTGRES_PASSWORD"],
        postgres["POSTGRES_DB"],
    )
    assert SERVICES[redis.hostname]["image"].startswith("redis")
    assert not dict(parse_qsl(redis.query))


def test_every_dependency_and_volume_is_declared() -> None:
    for name, service in SERVICES.items():
        for needed in service.get("depends_on") or {}:
            assert needed in SERVICES, f"{name} waits for {needed}, which is no service"
        for volume in service.get("volumes") or []:
            source = volume.split(":")[0]
            assert source in (COMPOSE.get("volumes") or {}), f"{name}: volume {source}"


def test_docker_compose_accepts_the_file() -> None:
    docker = shutil.which("docker")
    plugin = docker and subprocess.run(
        [docker, "compose", "version"], capture_output=True, check=False
    )
    if not plugin or plugin.returncode != 0:
        pytest.skip("needs Docker with the compose plugin (docker compose version)")
    checked = subprocess.run(
        [docker, "compose", "config", "--quiet"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "SECRET_KEY": "compose-check"},
        check=False,
    )
    assert checked.returncode == 0, checked.stderr
