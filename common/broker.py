"""The broker of `make run` without Redis: kombu's filesystem transport, with its writes made
safe for several processes (settings.CELERY_BROKER_TRANSPORT names it).

Stock kombu creates a message file, then writes into it: a worker listing the folder in between
takes the empty file, fails to decode it and the message is lost (kombu issue #1551 shows the
error). It also creates an exchange's binding file by truncating it, so a process starting at
the same moment may read it empty. Here a message is written under a hidden name and renamed
into place, and a binding file is created without truncating what another process wrote."""

from __future__ import annotations

import contextlib
import os
import time
import uuid
from typing import Any

from kombu.exceptions import ChannelError
from kombu.transport import filesystem
from kombu.utils.encoding import bytes_to_str, str_to_bytes
from kombu.utils.json import dumps, loads

# Another process may be creating the binding file we read: wait this long for its content.
TABLE_WAIT_SECONDS = 1.0


class Channel(filesystem.Channel):
    def _put(self, queue: str, payload: Any, **kwargs: Any) -> None:
        """Put `payload` onto `queue`: complete under a name no reader takes, then renamed."""
        name = f"{round(time.monotonic() * 1000)}_{uuid.uuid4()}.{queue}.msg"
        final = os.path.join(self.data_folder_out, name)
        # A leading dot: `_get`, `_size` and `_purge` only look at "<…>.<queue>.msg".
        partial = os.path.join(self.data_folder_out, f".{uuid.uuid4()}.part")
        try:
            with open(partial, "wb") as f:
                f.write(str_to_bytes(dumps(payload)))
            os.replace(partial, final)
        except OSError as exc:
            with contextlib.suppress(OSError):
                os.remove(partial)
            raise ChannelError(f"Cannot add file {final!r} to directory") from exc

    def get_table(self, exchange: str) -> list[Any]:
        """The exchange's bindings; an empty file is one another process is writing: wait."""
        deadline = time.monotonic() + TABLE_WAIT_SECONDS
        while True:
            try:
                return super().get_table(exchange)
            except ValueError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.01)

    def _queue_bind(self, exchange: str, routing_key: str, pattern: str, queue: str) -> None:
        file = self._exchange_file(exchange)
        self.control_folder.mkdir(parents=True, exist_ok=True)
        value = filesystem.exchange_queue_t(routing_key or "", pattern or "", queue or "")
        try:
            # O_CREAT without O_TRUNC: a binding another process just wrote stays.
            descriptor = os.open(file, os.O_RDWR | os.O_CREAT, 0o666)
            with os.fdopen(descriptor, "rb+", buffering=0) as f:
                filesystem.lock(f, filesystem.LOCK_EX)
                try:
                    raw = f.read()
                    table = loads(bytes_to_str(raw)) if raw else []
                    queues = [filesystem.exchange_queue_t(*q) for q in table]
                    if value not in queues:
                        queues.insert(0, value)
                        f.seek(0)
                        f.write(str_to_bytes(dumps(queues)))
                        f.truncate()
                finally:
                    filesystem.unlock(f)
        except OSError as exc:
            raise ChannelError(f"Cannot open {file}") from exc


class Transport(filesystem.Transport):
    Channel = Channel
