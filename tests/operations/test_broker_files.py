"""The embedded broker (files under var/celery/, no REDIS_URL): its folders are made by the
settings, and several processes writing and reading at once lose nothing (common/broker.py)."""

from __future__ import annotations

import json
import multiprocessing
import sys
import time
from pathlib import Path
from queue import Empty

import pytest
from kombu import Connection
from kombu.exceptions import ChannelError

from tests.survey_site.test_settings import run_django

TRANSPORT = "common.broker:Transport"


def _options(folder: Path) -> dict[str, str]:
    return {
        "data_folder_in": str(folder / "queue"),
        "data_folder_out": str(folder / "queue"),
        "control_folder": str(folder / "control"),
    }


def _write(folder: Path, writer: int, count: int) -> None:
    with Connection("filesystem://", transport=TRANSPORT, transport_options=_options(folder)) as c:
        channel = c.default_channel
        for n in range(count):
            channel._put("mail", {"writer": writer, "n": n, "padding": "x" * 20_000})


def _bind(folder: Path, queue: str, at: float) -> None:
    with Connection("filesystem://", transport=TRANSPORT, transport_options=_options(folder)) as c:
        channel = c.default_channel
        time.sleep(max(0.0, at - time.time()))  # all of them at the same moment
        channel._queue_bind("shared", queue, queue, queue)


def test_settings_without_redis_use_the_safe_transport_and_make_the_folders(tmp_path) -> None:
    code = (
        "import django, json; django.setup(); from survey_site.celery import app; "
        "c = app.connection_for_write(); "
        "print(json.dumps([type(c.transport).__module__, c.transport_options['data_folder_in']]))"
    )
    result = run_django(["-c", code], {"REDIS_URL": "", "DATABASE_URL": ""}, tmp_path)
    assert result.returncode == 0, result.stderr
    module, folder = json.loads(result.stdout.strip().splitlines()[-1])
    assert module == "common.broker"
    assert folder == str(tmp_path / "var" / "celery" / "queue")
    for name in ("queue", "control", "results"):
        assert (tmp_path / "var" / "celery" / name).is_dir()


def test_messages_read_while_other_processes_write_them_arrive_whole(tmp_path) -> None:
    (tmp_path / "queue").mkdir()
    fork = multiprocessing.get_context("fork")
    writers = [fork.Process(target=_write, args=(tmp_path, w, 300)) for w in range(3)]
    for process in writers:
        process.start()
    received, broken = [], []
    options = _options(tmp_path)
    with Connection("filesystem://", transport=TRANSPORT, transport_options=options) as c:
        channel = c.default_channel
        deadline = time.monotonic() + 90
        while len(received) + len(broken) < 900 and time.monotonic() < deadline:
            try:
                received.append(channel._get("mail"))
            except Empty:
                continue
            except Exception as exc:  # a message file read half-written
                broken.append(repr(exc))
    for process in writers:
        process.join(30)
    assert broken == []
    assert sorted((m["writer"], m["n"]) for m in received) == [
        (w, n) for w in range(3) for n in range(300)
    ]
    assert not [p for p in (tmp_path / "queue").iterdir()]  # nothing half-written left


def test_a_reader_listing_the_folder_during_a_write_finds_no_half_written_file(
    tmp_path, monkeypatch
) -> None:
    """Deterministic: the reader looks while the payload is being encoded (stock kombu has
    created the empty message file by then; ours writes it elsewhere first)."""
    (tmp_path / "queue").mkdir()
    options = _options(tmp_path)
    seen: list[str] = []
    with (
        Connection("filesystem://", transport=TRANSPORT, transport_options=options) as writer,
        Connection("filesystem://", transport=TRANSPORT, transport_options=options) as reader,
    ):
        module = sys.modules[type(writer.default_channel).__module__]
        encode = module.dumps

        def dumps_while_reading(payload: object) -> str:
            try:
                seen.append(repr(reader.default_channel._get("mail")))
            except Empty:
                seen.append("nothing")
            except Exception as exc:
                seen.append(repr(exc))
            return encode(payload)

        monkeypatch.setattr(module, "dumps", dumps_while_reading)
        writer.default_channel._put("mail", {"n": 1})
        monkeypatch.setattr(module, "dumps", encode)
        assert seen == ["nothing"]
        assert reader.default_channel._get("mail") == {"n": 1}


def test_bindings_made_by_processes_starting_together_are_all_kept(tmp_path) -> None:
    fork = multiprocessing.get_context("fork")
    at = time.time() + 1.0
    queues = [f"q{n}" for n in range(8)]
    binders = [fork.Process(target=_bind, args=(tmp_path, q, at)) for q in queues]
    for process in binders:
        process.start()
    for process in binders:
        process.join(30)
        assert process.exitcode == 0
    options = _options(tmp_path)
    with Connection("filesystem://", transport=TRANSPORT, transport_options=options) as c:
        table = c.default_channel.get_table("shared")
    assert sorted(q.queue for q in table) == queues


def test_an_exchange_file_left_empty_is_an_error_not_a_hang(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr("common.broker.TABLE_WAIT_SECONDS", 0.1)
    (tmp_path / "control").mkdir()
    (tmp_path / "control" / "shared.exchange").write_bytes(b"")
    options = _options(tmp_path)
    with Connection("filesystem://", transport=TRANSPORT, transport_options=options) as c:
        started = time.monotonic()
        try:
            c.default_channel.get_table("shared")
        except (ValueError, ChannelError):
            pass
        else:
            raise AssertionError("an empty exchange file read as no binding")
        assert time.monotonic() - started < 2


@pytest.mark.django_db
def test_healthz_checks_the_broker_folder_of_the_embedded_broker(client, settings, tmp_path):
    settings.CELERY_BROKER_URL = "filesystem://"
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = _options(tmp_path)
    missing = client.get("/healthz")
    assert missing.status_code == 503 and missing.json()["failing"] == ["broker"]
    (tmp_path / "queue").mkdir()
    assert client.get("/healthz").json()["checks"]["broker"] == "ok"
