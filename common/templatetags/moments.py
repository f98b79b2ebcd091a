"""{% load moments %}: {{ value|moment:distribution }} shows a moment in the zone of what it
belongs to, labelled ("7 Dec 2026, 17:00 Europe/Zurich"), as a <time> element; moment_long
spells the weekday and month out; moment_time shows the time alone; moment_day only the day."""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils.html import format_html

from common.moments import LONG, SHORT, day_text, in_zone, moment_text

register = template.Library()


def _time(value: dt.datetime | None, where: object, text: str, day: bool = False) -> str:
    if not isinstance(value, dt.datetime):
        return ""
    local = in_zone(value, where)
    # A day alone says nothing of the time, not even in the markup (anonymous responses).
    stamp = local.date().isoformat() if day else local.isoformat()
    return format_html('<time datetime="{}">{}</time>', stamp, text)


@register.filter
def moment(value: dt.datetime | None, where: object = None) -> str:
    return _time(value, where, moment_text(value, where, SHORT)) if value else ""


@register.filter
def moment_long(value: dt.datetime | None, where: object = None) -> str:
    return _time(value, where, moment_text(value, where, LONG)) if value else ""


@register.filter
def moment_time(value: dt.datetime | None, where: object = None) -> str:
    return _time(value, where, moment_text(value, where, "H:i")) if value else ""


@register.filter
def moment_day(value: dt.datetime | None, where: object = None) -> str:
    return _time(value, where, day_text(value, where), day=True) if value else ""
