"""Whether a scheduler runs: beat schedules `common.heartbeat` every minute, a worker runs it
and writes a Heartbeat row. /healthz and the distribution pages read the newest one."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from common.models import Heartbeat
from common.moments import moment_text

KEEP = dt.timedelta(days=7)  # rows of processes gone for this long are deleted


def heartbeat_write(*, process: str, now: dt.datetime | None = None) -> Heartbeat:
    """Record that this process ran the scheduled heartbeat now; forget long-gone processes."""
    now = now or timezone.now()
    beat, _created = Heartbeat.objects.update_or_create(
        process=process[:255], defaults={"beat_at": now}
    )
    Heartbeat.objects.filter(beat_at__lt=now - KEEP).delete()
    return beat


def last_heartbeat() -> dt.datetime | None:
    """When a scheduled heartbeat last ran, by any process; None if never."""
    return Heartbeat.objects.order_by("-beat_at").values_list("beat_at", flat=True).first()


def scheduler_silence(now: dt.datetime | None = None, zone: str = "") -> str:
    """Empty while a heartbeat is recent; else a sentence saying since when none ran, the time
    in `zone` (a page's own time zone; the site's by default), its zone named."""
    last = last_heartbeat()
    limit = dt.timedelta(seconds=settings.SCHEDULER_STALE_SECONDS)
    if last is not None and (now or timezone.now()) - last <= limit:
        return ""
    if last is None:
        return _("No scheduler has run yet")
    when = moment_text(last, zone or None)
    return _("No scheduler has run since %(when)s") % {"when": when}
