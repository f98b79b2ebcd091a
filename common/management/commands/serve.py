"""`make run`: the web server and a Celery worker with embedded beat, stopped together.

Each child runs in a session of its own, so Ctrl-C reaches only this launcher, which stops
every child once (SIGTERM to its process group, SIGKILL after a grace period). When one child
ends by itself, the other is stopped too: a site without its scheduler is what we avoid."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from types import FrameType

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

GRACE_SECONDS = 20
NAMES = {"web": "web server", "worker": "worker (with beat)"}


def worker_command(schedule: Path, concurrency: int) -> list[str]:
    """A worker on every queue with beat embedded (-B); beat keeps its state in `schedule`."""
    return [
        sys.executable, "-m", "celery", "-A", "survey_site", "worker", "-B",
        "--schedule", str(schedule), "--loglevel=INFO", f"--concurrency={concurrency}",
    ]  # fmt: skip


class Command(BaseCommand):
    help = (
        "Serve the site (runserver) and run a Celery worker with embedded beat on the "
        "configured broker (files under var/celery/ without REDIS_URL); Ctrl-C stops both."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")
        parser.add_argument("--concurrency", type=int, default=2, help="worker processes")
        parser.add_argument(
            "--noreload", action="store_true", help="no autoreloader in the web server"
        )

    def handle(self, *args: object, **options: object) -> None:
        if settings.CELERY_TASK_ALWAYS_EAGER:
            self.stdout.write("CELERY_TASK_ALWAYS_EAGER is set: tasks run in the web process.")
        web = [sys.executable, "manage.py", "runserver", str(options["addrport"])]
        if options["noreload"]:
            web.append("--noreload")
        schedule = Path(settings.CELERY_BROKER_DIR) / "beat-schedule"
        schedule.parent.mkdir(parents=True, exist_ok=True)
        commands = {
            "web": web,
            "worker": worker_command(schedule, int(str(options["concurrency"]))),
        }
        self.stdout.write(f"Broker: {settings.CELERY_BROKER_URL.split('@')[-1]}")
        stopping: list[int] = []

        def stop(signum: int, frame: FrameType | None) -> None:
            stopping.append(signum)

        # Before any child starts: a Ctrl-C from now on stops the children, never orphans them.
        for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(signum, stop)
        children: dict[str, subprocess.Popen[bytes]] = {}
        ended, code = "", 0
        try:
            for name, command in commands.items():
                children[name] = subprocess.Popen(  # noqa: S603 (our own commands)
                    command, cwd=settings.BASE_DIR, start_new_session=True
                )
            while not stopping and not ended:
                ended = next((n for n, p in children.items() if p.poll() is not None), "")
                time.sleep(0.2)
        finally:
            if ended:
                code = children[ended].returncode
                self.stderr.write(
                    f"The {NAMES[ended]} stopped by itself (exit code {code}): stopping "
                    f"{' and '.join(NAMES[n] for n in children if n != ended)} too. "
                    "Its messages are above."
                )
            self.stdout.write("Stopping the web server and the worker…")
            self._stop_all(children)
            self.stdout.write("Stopped.")
        if ended:
            # `make run` then says it failed: a site without its worker is not left running.
            sys.exit(code if code > 0 else 1)

    def _stop_all(self, by_name: dict[str, subprocess.Popen[bytes]]) -> None:
        # The worker alone gets SIGTERM: it finishes its tasks, then stops its pool and beat.
        # The web server's whole group does (the autoreloader and the process it watches).
        if "worker" in by_name and by_name["worker"].poll() is None:
            os.kill(by_name["worker"].pid, signal.SIGTERM)
        if "web" in by_name:
            _signal_group(by_name["web"], signal.SIGTERM)
        children = list(by_name.values())
        deadline = time.monotonic() + GRACE_SECONDS
        for child in children:
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                _signal_group(child, signal.SIGKILL)
                child.wait(timeout=10)
        # Pool processes and the reloader's child belong to the groups too: none outlives us.
        for child in children:
            _signal_group(child, signal.SIGKILL)


def _signal_group(child: subprocess.Popen[bytes], signum: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(child.pid, signum)
