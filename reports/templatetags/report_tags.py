"""Small filters for the report tables."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def get_item(mapping: dict, key: str) -> object:
    """mapping[key] in a template; "" when missing."""
    return mapping.get(key, "") if isinstance(mapping, dict) else ""


@register.filter
def paired(values: list, columns: list) -> list[tuple]:
    """A row's cells with their columns, e.g. to name each cell after its column header."""
    return list(zip(values, columns, strict=False))


@register.filter
def suppressed(value: object, threshold: int) -> object:
    """A number, or "<threshold" where it was suppressed (None)."""
    return f"<{threshold}" if value is None else value


@register.filter
def cells_of(row: object) -> list[tuple[str, object]]:
    """The overview row's two main cells with their column names."""
    return [(_("interviews"), row.interviews), (_("participants"), row.participants)]
