"""A Redis server of the test's own, on a free port, that a test can stop and start again.

    def test_x(redis_server):          # import the fixture into the test module
        with redis_server.in_use():    # Django's cache and Celery's broker point at it
            redis_server.stop()        # Redis down, mid-test
            ...
            redis_server.start()       # back, empty (no persistence)

The server runs with `--save "" --appendonly no`: nothing is written to disk, and it is killed
at teardown whatever the test did.
"""

from __future__ import annotations

import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import redis
from django.test import override_settings
from kombu import pools

from survey_site.celery import app


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RedisServer:
    """One redis-server process; `url` stays the same across stop() and start()."""

    def __init__(self, program: str) -> None:
        self.program = program
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen[bytes] | None = None

    def client(self) -> redis.Redis:
        return redis.Redis.from_url(self.url, socket_connect_timeout=1, socket_timeout=2)

    def start(self, timeout: float = 10) -> None:
        self.process = subprocess.Popen(
            [self.program, "--port", str(self.port), "--bind", "127.0.0.1",
             "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + timeout
        while True:
            try:
                if self.client().ping():
                    return
            except redis.exceptions.ConnectionError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError(f"redis-server did not start on port {self.port}") from None
                time.sleep(0.05)

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.kill()
        self.process.wait(timeout=10)
        self.process = None

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    @contextmanager
    def in_use(self) -> Iterator[RedisServer]:
        """Django's cache and Celery's broker on this server (tasks are sent, not run)."""
        caches = {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": self.url,
                "KEY_PREFIX": "consulta",
            }
        }
        # The embedded broker names its transport class (settings): Redis must not go through it.
        saved = app.conf.broker_url, app.conf.broker_transport, app.conf.task_always_eager
        app.conf.broker_url, app.conf.broker_transport, app.conf.task_always_eager = (
            self.url,
            None,
            False,
        )
        _forget_broker_connections()
        try:
            with override_settings(CACHES=caches):
                yield self
        finally:
            app.conf.broker_url, app.conf.broker_transport, app.conf.task_always_eager = saved
            _forget_broker_connections()


def _forget_broker_connections() -> None:
    """Celery keeps a pool of producers on the broker it first used, and kombu keeps every pool
    in a registry by broker: close them all and empty the registry, so the next task sent opens
    a new pool on the broker now configured (a closed pool left in the registry would be handed
    out again: "Acquire on closed pool")."""
    app._pool = None
    app.amqp._producer_pool = None
    pools.reset()


@pytest.fixture
def redis_server(redis_server_program: str) -> Iterator[RedisServer]:
    server = RedisServer(redis_server_program)
    server.start()
    try:
        yield server
    finally:
        server.stop()
