"""A real Celery worker in a process of its own, for tests that kill it (SIGKILL) mid-task.

The worker reads the pytest-django test database (the test must commit its rows: use
`django_db(transaction=True)`) and a Redis database of its own (db 15, flushed before the test).
`-I tests.reliability.slow_export` is passed to make exports slow on purpose (see that module):
the slowness lives in the test, not in Consulta's code."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

import pytest
from django.conf import settings
from django.db import connection

from survey_site.celery import app
from tests.reliability.conftest import require

CELERY = Path(sys.executable).parent / "celery"
REDIS_DB = 15


def database_url() -> str:
    """The test database (test_consulta during the test) as a DATABASE_URL."""
    db = connection.settings_dict
    user = quote(db["USER"] or "")
    password = f":{quote(db['PASSWORD'])}" if db.get("PASSWORD") else ""
    host = db["HOST"] or "127.0.0.1"
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{user}{password}@{host}{port}/{db['NAME']}"


def redis_url() -> str:
    """The running Redis (REDIS_URL's server, or 127.0.0.1:6379), database 15."""
    base = urlsplit(os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0")
    return urlunsplit((base.scheme, base.netloc, f"/{REDIS_DB}", "", ""))


class Worker:
    """One `celery worker --pool=solo` process and its log."""

    def __init__(self, name: str, env: dict[str, str], log: Path) -> None:
        self.log = log
        self._handle = log.open("wb")
        self.process = subprocess.Popen(
            [
                str(CELERY),
                "-A",
                "survey_site",
                "worker",
                "--pool=solo",
                "--concurrency=1",
                "--loglevel=INFO",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-I",
                "tests.reliability.slow_export",
                "-n",
                f"{name}@%h",
            ],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=self._handle,
            stderr=subprocess.STDOUT,
        )

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if " ready." in self.output():
                return
            if self.process.poll() is not None:
                break
            time.sleep(0.2)
        self.stop()
        pytest.fail(f"the worker did not start:\n{self.output()[-3000:]}")

    def kill(self) -> None:
        """SIGKILL: no cleanup, no acknowledgement, like an out-of-memory kill."""
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        self._handle.close()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()
        self._handle.close()


@pytest.fixture
def worker_process(postgresql, tmp_path, settings) -> Iterator[Callable[..., Worker]]:
    """start(name, **env) -> a ready Worker on the test database and Redis db 15 (flushed).
    Every worker still alive at the end is stopped."""
    import redis

    url = redis_url()
    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=2)
        client.flushdb()
    except redis.ConnectionError:
        require(False, f"needs a running Redis at {url}")
    started: list[Worker] = []

    def start(name: str, **extra: object) -> Worker:
        env = {
            **os.environ,
            "DATABASE_URL": database_url(),
            "REDIS_URL": url,
            "MEDIA_ROOT": str(settings.MEDIA_ROOT),
            "PYTHONPATH": str(settings.BASE_DIR),
            "DJANGO_SETTINGS_MODULE": "survey_site.settings",
            **{key: str(value) for key, value in extra.items()},
        }
        worker = Worker(name, env, tmp_path / f"{name}.log")
        started.append(worker)
        worker.wait_ready()
        return worker

    yield start
    for worker in started:
        worker.stop()
    client.flushdb()


def send(task_name: str, *args: object) -> None:
    """Send a task to the workers' Redis (db 15), whatever broker this process is set up with."""
    with app.connection_for_write(redis_url()) as conn:
        app.send_task(task_name, args=list(args), connection=conn)


def wait_for(condition: Callable[[], object], timeout: float = 60, what: str = "") -> None:
    """Poll `condition` until it holds; fail the test, saying what, after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    pytest.fail(f"timed out waiting for {what}")
