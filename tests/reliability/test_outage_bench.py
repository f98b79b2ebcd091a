"""The outage load run of bench/outage.py at its tiny size: respondents keep submitting through
gunicorn on PostgreSQL while the Redis under them is stopped; every accepted submission is
stored once and nobody gets a 5xx. (`make bench` runs the full size: 30 clients for 30 s.)"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from django.conf import settings

from tests.reliability.conftest import require

BENCH = Path(settings.BASE_DIR) / "bench" / "outage.py"
DATABASE_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/consulta_bench"
)


def _postgresql_reachable() -> bool:
    try:
        with psycopg.connect(DATABASE_URL.rsplit("/", 1)[0] + "/postgres", connect_timeout=3):
            return True
    except psycopg.Error:
        return False


@pytest.mark.slow
def test_respondents_keep_submitting_when_redis_stops_half_way() -> None:
    require(shutil.which("redis-server") is not None, "needs redis-server")
    require(_postgresql_reachable(), f"needs PostgreSQL at {DATABASE_URL}")
    run = subprocess.run(
        [sys.executable, str(BENCH)],
        env={**os.environ, "BENCH_TINY": "1", "BENCH_DATABASE_URL": DATABASE_URL},
        capture_output=True,
        text=True,
        timeout=600,
        cwd=settings.BASE_DIR,
    )
    summary = run.stdout
    assert "accepted = stored, no 5xx" in summary, summary + run.stderr[-3000:]
    assert run.returncode == 0, summary
