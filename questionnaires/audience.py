"""An audience is a saved registry query: people whose current affiliation is in the chosen
stakeholder groups, countries, regions and offices, and who carry the chosen tags. Empty
criteria do not restrict."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db.models import Q, QuerySet

from stakeholders.models import Person

AUDIENCE_KEYS = ("groups", "countries", "regions", "offices", "tags")


def audience_clean(audience: Mapping[str, Any]) -> dict[str, list[str]]:
    """Only the known keys, as lists of strings, empty ones dropped."""
    cleaned = {}
    for key in AUDIENCE_KEYS:
        values = audience.get(key) or []
        if isinstance(values, str | int):
            values = [values]
        values = sorted({str(v).strip() for v in values if str(v).strip()})
        if values:
            cleaned[key] = values
    return cleaned


def audience_people(audience: Mapping[str, Any], *, day: dt.date | None = None) -> QuerySet[Person]:
    """The registry people an audience selects (merged people never), by name."""
    criteria = audience_clean(audience)
    day = day or dt.date.today()
    current = (Q(affiliations__start__isnull=True) | Q(affiliations__start__lte=day)) & (
        Q(affiliations__end__isnull=True) | Q(affiliations__end__gte=day)
    )
    on_affiliation = Q()
    if "groups" in criteria:
        on_affiliation &= Q(affiliations__stakeholder_group__code__in=criteria["groups"])
    if "countries" in criteria:
        on_affiliation &= Q(affiliations__country__code__in=criteria["countries"]) | Q(
            affiliations__office__country__code__in=criteria["countries"]
        )
    if "regions" in criteria:
        on_affiliation &= Q(affiliations__country__region__code__in=criteria["regions"]) | Q(
            affiliations__office__region__code__in=criteria["regions"]
        )
    if "offices" in criteria:
        on_affiliation &= Q(affiliations__office_id__in=criteria["offices"])
    people = Person.objects.filter(merged_into__isnull=True)
    if on_affiliation:
        # One filter() call: every condition holds on the same (current) affiliation.
        people = people.filter(current & on_affiliation)
    if "tags" in criteria:
        people = people.filter(tags__name__in=criteria["tags"])
    return people.distinct().order_by("family_name", "given_name", "display_name")
