"""Moments shown to people: in the time zone of what they belong to, and labelled with it.

One form everywhere, pages and e-mails alike: "7 Dec 2026, 17:00 Europe/Zurich" (the zone's
own name, not an abbreviation: "CST" is three zones, and many zones have none). The zone is
the distribution's, else the evaluation's, else the site's (TIME_ZONE).
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import formats, timezone
from django.utils.translation import gettext as _

SHORT = "j M Y, H:i"
LONG = "l j F Y, H:i"
DAY = "j M Y"


def time_zone_choices() -> list[tuple[str, str]]:
    """Every named zone (Region/City), then UTC, for a choice of time zone."""
    named = sorted(name for name in zoneinfo.available_timezones() if "/" in name)
    return [(name, name) for name in named] + [("UTC", "UTC")]


def zone_name(where: object = None) -> str:
    """The zone of `where`: a zone name, a ZoneInfo, or an object with `time_zone` (a
    distribution, an evaluation); a distribution without one falls back to its evaluation's."""
    if isinstance(where, str):
        name = where
    elif isinstance(where, zoneinfo.ZoneInfo):
        name = where.key
    else:
        name = getattr(where, "time_zone", "") or ""
        if not name and getattr(where, "evaluation_id", None):
            name = getattr(where.evaluation, "time_zone", "") or ""  # type: ignore[attr-defined]
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return settings.TIME_ZONE
    return name


def in_zone(value: dt.datetime, where: object = None) -> dt.datetime:
    return timezone.localtime(value, zoneinfo.ZoneInfo(zone_name(where)))


def moment_text(value: dt.datetime | None, where: object = None, format: str = SHORT) -> str:
    """ "7 Dec 2026, 17:00 Europe/Zurich"; "" for none."""
    if value is None:
        return ""
    return f"{formats.date_format(in_zone(value, where), format)} {zone_name(where)}"


def day_text(value: dt.datetime | None, where: object = None, format: str = DAY) -> str:
    """The day of a moment in the zone of `where` (no time, so no label); "" for none."""
    if value is None:
        return ""
    return formats.date_format(in_zone(value, where), format)


def validate_time_zone(value: str) -> None:
    """A model validator: the name of a time zone, such as Europe/Zurich."""
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise ValidationError(
            _("Unknown time zone “%(zone)s”; use a name such as Europe/Zurich.") % {"zone": value}
        ) from exc
