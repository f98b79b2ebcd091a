from __future__ import annotations

import os

from celery import shared_task
from celery.signals import beat_embedded_init, beat_init


@shared_task(name="common.ping")
def ping() -> str:
    """Answer "pong": proves a worker takes tasks from the broker and returns results."""
    return "pong"


@shared_task(name="common.heartbeat", bind=True, ignore_result=True)
def heartbeat(self) -> None:
    """Beat, every minute: write this worker's heartbeat row (common/scheduler.py)."""
    from common.scheduler import heartbeat_write

    heartbeat_write(process=f"{self.request.hostname or 'worker'} pid {os.getpid()}")


@beat_init.connect
@beat_embedded_init.connect
def heartbeat_at_start(sender: object, **kwargs: object) -> None:
    """A heartbeat as beat starts, so a restarted scheduler shows at once, not a minute later."""
    heartbeat.delay()
