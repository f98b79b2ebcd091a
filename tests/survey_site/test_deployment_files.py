"""Docker cannot run here, so the compose file and Dockerfile are checked by reading them."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import yaml
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def module_exists(dotted: str) -> bool:
    return importlib.util.find_spec(dotted) is not None


def test_compose_has_every_service_with_healthchecks() -> None:
    services = COMPOSE["services"]
    assert {"postgres", "redis", "web", "worker", "beat"} <= set(services)
    assert services["postgres"]["image"].startswith("postgres:15")
    assert services["redis"]["image"].startswith("redis:7")
    for name in ("postgres", "redis", "web", "worker", "beat"):
        assert "healthcheck" in services[name], name


def test_app_services_use_the_dockerfile_and_real_modules() -> None:
    assert (ROOT / "Dockerfile").exists()
    for name in ("web", "worker", "beat", "migrate"):
        service = COMPOSE["services"][name]
        assert service["build"] == "."
        env = service["environment"]
        assert env["DATABASE_URL"].startswith("postgres://") and env["REDIS_URL"].startswith(
            "redis://"
        )
        assert env["DEBUG"] == "0"
        command = service["command"]
        if command[0] == "gunicorn":
            module, attribute = command[1].split(":")
            assert getattr(importlib.import_module(module), attribute) is not None
        elif command[0] == "celery":
            app_module = command[command.index("-A") + 1]
            assert module_exists(f"{app_module}.celery")
            assert command[command.index("-A") + 2] in ("worker", "beat")
        else:
            assert command[:2] == ["python", "manage.py"]
            assert (ROOT / "manage.py").exists()


def test_dockerfile_installs_the_pinned_requirements_and_serves_wsgi() -> None:
    text = (ROOT / "Dockerfile").read_text()
    assert "pip install -r requirements/base.txt" in text
    cmd = re.search(r'CMD \["gunicorn", "([\w.]+):(\w+)"', text)
    assert cmd and module_exists(cmd.group(1))


def test_requirements_are_pinned() -> None:
    for name in ("base.txt", "dev.txt"):
        for line in (ROOT / "requirements" / name).read_text().splitlines():
            line = line.split("#")[0].strip()
            if line and not line.startswith("-r"):
                assert "==" in line, f"{name}: {line} is not pinned"
