"""bench/bench_history.py at a tiny size, so it cannot rot (`make bench` runs it at 300 people):
it runs, compares the same work with and without the history, and the history wrote entries."""

from __future__ import annotations

from bench.bench_history import run


def test_the_history_bench_runs_at_a_tiny_size(db) -> None:
    (result,) = run(people=3, repeat=1)
    assert result.name == "registry writes with history vs without"
    assert result.ratio > 0
    assert "3 people × 3 writes, 15 entries per run" in result.detail
