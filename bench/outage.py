"""Outage load run: respondents keep submitting while Redis goes away.

30 concurrent clients post complete staff-questionnaire submissions to distinct personal links
(POST /api/v1/respond/<token>/) for 30 s against gunicorn on PostgreSQL, with a Redis server of
this run's own as cache (rate limits, throttles) and Celery broker; half way through, that Redis
is stopped. Prints the answers by status, p50/p99 latency before and after the stop, and checks
that every accepted submission (201) is stored exactly once and that no request got a 5xx.

Needs PostgreSQL (BENCH_DATABASE_URL, default the local server) and redis-server (gunicorn
comes with the requirements); says so and stops when one is missing. BENCH_TINY=1 runs 4
clients for 4 s (tests/reliability/test_outage_bench.py runs that in CI so the bench cannot rot).

Target (issue "Trust under faults and attack"): accepted = stored, no 5xx.
"""

from __future__ import annotations

import http.client
import itertools
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: `python bench/outage.py`
    sys.path.insert(0, str(ROOT))

from bench.submissions import (  # noqa: E402
    answer_body,
    database,
    django_env,
    prepare,
    serve,
    stored_submissions,
)

TINY = os.environ.get("BENCH_TINY") == "1"
CLIENTS = 4 if TINY else int(os.environ.get("BENCH_OUTAGE_CLIENTS", "30"))
SECONDS = 4.0 if TINY else float(os.environ.get("BENCH_OUTAGE_SECONDS", "30"))
TOKENS = 2_000 if TINY else int(os.environ.get("BENCH_OUTAGE_TOKENS", "20000"))
PORT = int(os.environ.get("BENCH_OUTAGE_PORT", "8766"))


@dataclass
class Answers:
    """What the clients saw: (seconds since start, status, latency in ms) per request."""

    rows: list[tuple[float, int, float]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, at: float, status: int, ms: float) -> None:
        with self.lock:
            self.rows.append((at, status, ms))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def redis_start(port: int, workdir: Path) -> subprocess.Popen:
    server = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
         "--appendonly", "no", "--dir", str(workdir)],
        stdout=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    for _ in range(100):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2) as sock:
                sock.sendall(b"PING\r\n")
                if sock.recv(16).startswith(b"+PONG"):
                    return server
        except OSError:
            time.sleep(0.05)
    server.kill()
    raise RuntimeError("redis-server did not start")


def submit_loop(tokens: itertools.count, links: list[str], body: bytes, deadline: float,
                start: float, answers: Answers) -> None:  # fmt: skip
    """One respondent after another, each with their own link, until the deadline."""
    connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=10)
    while time.monotonic() < deadline:
        index = next(tokens)
        if index >= len(links):
            return
        began = time.monotonic()
        try:
            connection.request(
                "POST", f"/api/v1/respond/{links[index]}/", body,
                {"Content-Type": "application/json"},
            )  # fmt: skip
            response = connection.getresponse()
            response.read()
            answers.add(began - start, response.status, (time.monotonic() - began) * 1000)
        except OSError as exc:  # a request that got no answer at all
            with answers.lock:
                answers.errors.append(f"{type(exc).__name__}: {exc}")
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=10)
    connection.close()


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def missing() -> str:
    for program in ("redis-server",):
        if not shutil.which(program):
            return f"{program} is not installed (apt-get install redis-server)"
    try:
        database("create")
    except Exception as exc:
        return f"PostgreSQL not reachable ({exc})"
    return ""


def run(workdir: Path) -> Answers:
    """Prepare the links, serve, load, stop Redis half way; the answers the clients saw."""
    tokens_file = workdir / "tokens.txt"
    prepare(tokens_file, TOKENS)
    links = tokens_file.read_text().split()[:TOKENS]
    redis_port = free_port()
    redis = redis_start(redis_port, workdir)
    env = {
        **django_env(),
        "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
        # Limits high enough not to refuse the load, but still counted in Redis.
        "RESPONDENT_RATE_LIMIT": "100000000",
        "API_RESPOND_THROTTLE": "100000000/min",
    }
    server = None
    try:
        server = serve(env, PORT, workers="3", threads="4")
        answers = Answers()
        body = json.dumps({"answers": answer_body()}).encode()
        start = time.monotonic()
        deadline = start + SECONDS
        counter = itertools.count()
        stopper = threading.Timer(SECONDS / 2, lambda: os.killpg(redis.pid, signal.SIGKILL))
        stopper.start()
        clients = [
            threading.Thread(
                target=submit_loop, args=(counter, links, body, deadline, start, answers)
            )
            for _ in range(CLIENTS)
        ]
        for client in clients:
            client.start()
        for client in clients:
            client.join()
        stopper.join()
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
        if redis.poll() is None:
            os.killpg(redis.pid, signal.SIGKILL)
    return answers


def main() -> int:
    reason = missing()
    if reason:
        print(f"outage: skipped, {reason}")
        return 0
    workdir = Path(tempfile.mkdtemp(prefix="consulta-outage-"))
    try:
        answers = run(workdir)
        submitted, doubles, differ = stored_submissions()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
        database("drop")
    half = SECONDS / 2
    statuses: dict[int, int] = {}
    for _, status, _ in answers.rows:
        statuses[status] = statuses.get(status, 0) + 1
    accepted = statuses.get(201, 0)
    errors5xx = sum(n for status, n in statuses.items() if status >= 500)
    before = [ms for at, _, ms in answers.rows if at < half]
    after = [ms for at, _, ms in answers.rows if at >= half]
    print(
        f"outage: {CLIENTS} clients for {SECONDS:g} s, Redis stopped at {half:g} s; answers by "
        f"status {dict(sorted(statuses.items()))}, no answer at all: {len(answers.errors)}"
    )
    for label, values in (("before the stop", before), ("after the stop", after)):
        print(
            f"  {label}: {len(values)} requests, p50 {statistics.median(values or [0]):.1f} ms, "
            f"p99 {percentile(values, 0.99):.1f} ms"
        )
    exact = submitted == accepted and doubles == 0 and differ == 0
    print(
        f"  stored: {submitted} submitted responses for {accepted} accepted (201); 5xx: "
        f"{errors5xx}; invitations with two responses: {doubles}; answers documents that "
        f"differ from their rows: {differ} -> "
        f"{'accepted = stored, no 5xx' if exact and not errors5xx else 'MISMATCH'}"
    )
    for error in answers.errors[:5]:
        print(f"  {error}")
    return 0 if exact and not errors5xx and not answers.errors and after else 1


if __name__ == "__main__":
    sys.exit(main())
