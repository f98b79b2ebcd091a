"""Tests under faults and attack (issue "Trust under faults and attack"): real threads on
PostgreSQL, a real Celery worker killed with SIGKILL, a Redis server of the test's own stopped
mid-test. `make test` runs them; CI runs them on PostgreSQL and Redis. Those that need
PostgreSQL or a program that is not installed skip with the reason outside CI and fail in CI."""

from __future__ import annotations

import os
import shutil

import pytest
from django.db import connection


def require(condition: bool, reason: str) -> None:
    """Skip with the reason on a developer's machine; fail in CI, where everything is there."""
    if condition:
        return
    if os.environ.get("CI"):
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.fixture
def postgresql() -> None:
    """The test needs PostgreSQL (row locks, concurrent connections)."""
    require(connection.vendor == "postgresql", "needs PostgreSQL: set DATABASE_URL")


@pytest.fixture
def redis_server_program() -> str:
    """The path of redis-server, to start a server of the test's own."""
    found = shutil.which("redis-server")
    require(found is not None, "needs redis-server (apt-get install redis-server)")
    assert found is not None
    return found
