"""Imported by the test worker only (`celery worker -I tests.reliability.slow_export`): makes
each workbook export slow, so a test can kill the worker in the middle of one.

With SLOW_EXPORT_SECONDS=n the export first writes a partial file where the real one is built
(the leftover a killed build leaves), then reports progress every 0.2 s for n seconds, then
writes the real workbook. Nothing of this is in Consulta's own code."""

from __future__ import annotations

import os
import time

from reports.services import exports

_real = exports.workbook_write


def _slow_workbook_write(target, *, progress=None, **options):
    seconds = float(os.environ.get("SLOW_EXPORT_SECONDS", "0"))
    if seconds and progress is not None:
        with open(target, "wb") as handle:
            handle.write(b"partial")
        steps = int(seconds / 0.2)
        for step in range(steps):
            progress(step * 1000, steps * 1000, "Raw responses")
            time.sleep(0.2)
    return _real(target, progress=progress, **options)


exports.workbook_write = _slow_workbook_write
