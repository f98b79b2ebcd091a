"""`manage.py serve` (what `make run` starts): Ctrl-C stops every process it started, the
autoreloader's child and the worker's pool and beat included; a child that stops by itself
stops the other, says so, and fails the command."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings as django_settings

ROOT = Path(django_settings.BASE_DIR)


def _env(tmp_path: Path) -> dict[str, str]:
    keep = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR")
    env = {k: v for k, v in os.environ.items() if k in keep}
    return env | {
        "VAR_DIR": str(tmp_path / "var"),
        "PYTHONPATH": str(ROOT),
        "DJANGO_SETTINGS_MODULE": "survey_site.settings",
        "PYTHONUNBUFFERED": "1",
    }


def _processes() -> dict[int, tuple[int, int, str]]:
    """pid -> (parent pid, session id, state) of every process on this machine."""
    table = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        table[int(entry.name)] = (int(fields[1]), int(fields[3]), fields[0])
    return table


def _descendants(pid: int) -> set[int]:
    table = _processes()
    found, todo = set(), [pid]
    while todo:
        parent = todo.pop()
        for child, (ppid, _sid, _state) in table.items():
            if ppid == parent and child not in found:
                found.add(child)
                todo.append(child)
    return found


def _alive(pids: set[int]) -> set[int]:
    table = _processes()
    return {p for p in pids if p in table and table[p][2] != "Z"}


def _in_sessions(sessions: set[int]) -> set[int]:
    table = _processes().items()
    return {p for p, (_ppid, sid, state) in table if sid in sessions and state != "Z"}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for(what, seconds: float, log: Path) -> None:
    deadline = time.monotonic() + seconds
    while not what():
        assert time.monotonic() < deadline, log.read_text(errors="replace")[-4000:]
        time.sleep(0.2)


def test_ctrl_c_stops_the_reloader_its_child_the_worker_pool_and_beat(tmp_path: Path) -> None:
    port = _free_port()
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        serve = subprocess.Popen(
            [sys.executable, "manage.py", "serve", f"127.0.0.1:{port}", "--concurrency=2"],
            cwd=ROOT, env=_env(tmp_path), stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            # The autoreloader and the server it runs; the worker, its two pool processes, beat.
            def up() -> bool:
                return len(_descendants(serve.pid)) >= 6 and "ready." in log.read_text()

            _wait_for(up, 90, log)
            started = _descendants(serve.pid)
            sessions = {p for p in started if _processes()[p][0] == serve.pid}
            assert len(sessions) == 2
            serve.send_signal(signal.SIGINT)
            code = serve.wait(timeout=60)
        finally:
            if serve.poll() is None:
                serve.kill()
    output = log.read_text(errors="replace")
    assert code == 0, output[-3000:]
    assert "Stopped." in output and "stopped by itself" not in output
    deadline = time.monotonic() + 5
    while _alive(started) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _alive(started), output[-3000:]
    assert not _in_sessions(sessions)


def test_a_web_server_that_cannot_start_stops_the_worker_and_fails_saying_why(
    tmp_path: Path,
) -> None:
    log = tmp_path / "serve.log"
    with socket.socket() as taken, log.open("wb") as out:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        serve = subprocess.Popen(
            [sys.executable, "manage.py", "serve", f"127.0.0.1:{port}", "--concurrency=1"],
            cwd=ROOT, env=_env(tmp_path), stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
        seen: set[int] = set()
        try:
            while serve.poll() is None:
                seen |= _descendants(serve.pid)
                time.sleep(0.05)
            code = serve.wait(timeout=60)
        finally:
            if serve.poll() is None:
                serve.kill()
    output = log.read_text(errors="replace")
    assert code == 1, output[-3000:]
    assert "That port is already in use" in output
    assert "The web server stopped by itself (exit code 1): stopping worker (with beat) too." in (
        output
    )
    assert "Stopped." in output
    assert seen, "the children were never seen"
    deadline = time.monotonic() + 5
    while _alive(seen) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _alive(seen), output[-3000:]
