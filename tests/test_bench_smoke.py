"""Every benchmark script at its smoke size, as `make bench-smoke` runs it, so none can rot: each
runs as its own process, exits 0 and prints its result lines with real numbers. (The outage
run and the history bench have their own tests: tests/reliability/test_outage_bench.py and
tests/history/test_history_bench.py.) Ratios are parsed, never compared with a timed target:
at smoke sizes the targets are printed, not enforced."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field

import pytest
from django.conf import settings

from tests.reliability.conftest import require

DATABASE_URL = os.environ.get("DATABASE_URL", "")
POSTGRESQL = DATABASE_URL.startswith(("postgres://", "postgresql://"))
TIMEOUT = 300  # seconds


def _line(name: str, *, target: str, ratio: str = r"\d+\.\d+") -> str:
    """A `python -m bench --smoke` line: name, ratio, target, and the smoke verdict."""
    return (
        rf"^{re.escape(name)}\s+ratio\s+(?P<ratio>{ratio}) \(target ≤ {re.escape(target)}\) "
        r"smoke: not enforced"
    )


@dataclass(frozen=True)
class Case:
    argv: list[str]
    lines: list[str]  # patterns, each to match one printed line, with a `ratio` group
    postgresql: bool = False
    wrk: bool = False
    env: dict[str, str] = field(default_factory=dict)


CASES = {
    "python -m bench --smoke": Case(
        ["-m", "bench", "--smoke"],
        [
            _line("evaluation_list vs bare membership join", target="3"),
            # Query counts, not time: the team page makes as many queries for 11 as for 1.
            _line("team page queries, whole team vs 1 member", target="1", ratio=r"1\.00"),
            _line("registry writes with history vs without", target="2"),
            # Issue 17: the Likert summary stays within 1.5x the hand-written GROUP BY.
            _line("likert_summary by region, lead (unsuppressed) vs GROUP BY", target="1.5"),
            _line("likert_summary by region, viewer (suppressed) vs GROUP BY", target="1.5"),
            _line("likert_summary by stakeholder group, lead vs GROUP BY", target="1.5"),
            _line("likert_summary peak Python memory / 32 MB", target="1"),
            _line("export job (request, progress, storage) vs workbook_write", target="1.05"),
            # Issue 18: code tallies stay within 2x hand-written SQL computing the same numbers.
            _line("code_tallies by stakeholder_group, lead vs hand-written SQL", target="2"),
            _line(
                "code_tallies by stakeholder_group, viewer (suppressed) vs hand-written SQL",
                target="2",
            ),
        ],
    ),
    "bench/exports.py --smoke": Case(
        ["bench/exports.py", "--smoke"],
        [
            r"^export (?P<rows>\d+)x(?P<cols>\d+): ours (?P<ours>\d+(\.\d+)?) s, "
            r"xlsxwriter (?P<xlsxwriter>\d+(\.\d+)?) s \(ratio (?P<ratio>\d+(\.\d+)?)\), "
            r"csv (?P<csv>\d+(\.\d+)?) s, peak (?P<peak>\d+(\.\d+)?) MB"
        ],
        postgresql=True,
    ),
    "bench/submissions.py --smoke": Case(
        ["bench/submissions.py", "--smoke"],
        [r"^submissions: (?!skipped).*\bratio (?P<ratio>\d+(\.\d+)?)%?"],
        postgresql=True,
        wrk=True,
        # A throwaway database of its own beside the test run's, on the same server.
        env={"BENCH_DATABASE_URL": DATABASE_URL.rsplit("/", 1)[0] + "/consulta_bench_smoke"},
    ),
}


@pytest.mark.slow
@pytest.mark.parametrize("name", list(CASES))
def test_the_bench_runs_at_its_smoke_size(name: str) -> None:
    case = CASES[name]
    if case.postgresql:
        require(POSTGRESQL, f"{name} needs PostgreSQL: set DATABASE_URL to postgres://…")
    if case.wrk:
        require(shutil.which("wrk") is not None, f"{name} needs wrk (apt-get install wrk)")
    try:
        run = subprocess.run(
            [sys.executable, *case.argv],
            env={**os.environ, **case.env},
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            cwd=settings.BASE_DIR,
        )
    except subprocess.TimeoutExpired as stuck:  # a smoke run takes well under a minute
        so_far = stuck.stdout.decode() if isinstance(stuck.stdout, bytes) else stuck.stdout
        pytest.fail(f"{name} still running after {TIMEOUT} s (stuck?); it printed:\n{so_far}")
    output = run.stdout + run.stderr[-3000:]
    assert run.returncode == 0, output
    printed = run.stdout.splitlines()
    for pattern in case.lines:
        found = [m for m in map(re.compile(pattern).match, printed) if m]
        assert found, f"no line matching {pattern!r} in:\n{output}"
        ratio = float(found[0]["ratio"])
        assert 0 <= ratio < 1000, found[0].group(0)
        if "peak" in found[0].groupdict():  # the export's sizes and memory, read back
            assert int(found[0]["rows"]) > 0 and int(found[0]["cols"]) > 0
            assert float(found[0]["peak"]) > 0
