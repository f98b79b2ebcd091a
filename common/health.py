"""Checks of the services Consulta depends on, for /healthz and for operators."""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.db import connections
from django.utils.translation import gettext as _
from kombu import Connection

from common.scheduler import scheduler_silence

logger = logging.getLogger(__name__)

OK = "ok"
NOT_CONFIGURED = "not configured: tasks run in-process"


def database_check() -> str:
    for alias in connections:
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    return OK


def cache_check() -> str:
    key = f"healthz:{uuid.uuid4().hex}"
    cache.set(key, OK, timeout=10)
    value = cache.get(key)
    cache.delete(key)
    if value != OK:
        raise RuntimeError("the cache did not return the value just written")
    return OK


def broker_check() -> str:
    url = settings.CELERY_BROKER_URL
    if url.startswith("memory://"):
        return NOT_CONFIGURED
    if url.startswith("filesystem://"):
        # Files on this machine (`make run`): connecting proves nothing, the folder must be there.
        options = settings.CELERY_BROKER_TRANSPORT_OPTIONS
        for folder in {options.get("data_folder_in", ""), options.get("data_folder_out", "")}:
            if not (folder and os.path.isdir(folder) and os.access(folder, os.W_OK | os.X_OK)):
                raise RuntimeError(f"the broker folder {folder!r} is missing or not writable")
        return OK
    with Connection(url, connect_timeout=3) as conn:
        conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=3)
    return OK


CHECKS: dict[str, Callable[[], str]] = {
    "database": database_check,
    "cache": cache_check,
    "broker": broker_check,
}


def scheduler_check() -> str:
    """`ok` while beat's heartbeat is recent; else since when none ran (degraded: the site
    serves, forms still close at their time, but reminders and sweeps do not happen)."""
    silence = scheduler_silence()
    if silence:
        return silence + ": " + _("scheduled reminders, clean-ups and sweeps do not run")
    return OK


# Down: the site cannot serve (503). Degraded: it serves, but something is not happening.
DEGRADING: dict[str, Callable[[], str]] = {"scheduler": scheduler_check}


def health_report() -> tuple[bool, dict[str, object]]:
    """Run every check; return (all up, a JSON-ready report naming what failed or degrades)."""
    results: dict[str, str] = {}
    failing: list[str] = []
    for name, check in CHECKS.items():
        try:
            results[name] = check()
        except Exception as exc:
            logger.warning("health check %s failed: %r", name, exc)
            results[name] = f"error: {type(exc).__name__}"
            failing.append(name)
    degraded: list[str] = []
    for name, check in DEGRADING.items():
        try:
            results[name] = check()
        except Exception as exc:
            logger.warning("health check %s failed: %r", name, exc)
            results[name] = f"error: {type(exc).__name__}"
        if results[name] != OK:
            degraded.append(name)
    status = "error" if failing else "degraded" if degraded else "ok"
    report: dict[str, object] = {"status": status, "checks": results}
    if failing:
        report["failing"] = failing
    if degraded:
        report["degraded"] = degraded
    return not failing, report
