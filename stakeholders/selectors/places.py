"""Reads on countries and offices: a country from what people typed, and the lists."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

from django.db.models import Count, QuerySet

from common.names import normalise_text
from evaluations.permissions import ensure_registry
from stakeholders.models import Country, Office, Region, StakeholderGroup
from stakeholders.selectors.people import Ref

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User


# The rows known by a name, a code and aliases.
Named = TypeVar("Named", bound=Country | StakeholderGroup)


def by_name_or_alias(
    objects: QuerySet[Named], text: str, *, code_field: str = "code"
) -> Named | None:
    """The object whose name, code or one alias matches the text, ignoring case and accents."""
    key = normalise_text(text)
    if not key:
        return None
    for obj in objects:
        names = [obj.name, getattr(obj, code_field, ""), *(obj.aliases or [])]
        if key in {normalise_text(n) for n in names if n}:
            return obj
    return None


def country_find(text: str) -> Country | None:
    """'Viet Nam', 'Vietnam', 'VN', 'Cote d'Ivoire' -> the country; None when unknown."""
    text = (text or "").strip()
    if len(text) == 2 and text.isalpha():
        found = Country.objects.filter(code=text.upper()).first()
        if found:
            return found
    return by_name_or_alias(Country.objects.only("name", "code", "aliases"), text)


def office_list(*, user: User | AnonymousUser) -> QuerySet[Office]:
    ensure_registry(user)
    return (
        Office.objects.select_related("country", "region")
        .annotate(people=Count("affiliations__person", distinct=True))
        .order_by("name")
    )


def country_list(
    *, user: User | AnonymousUser, region: Ref[Region] | None = None
) -> QuerySet[Country]:
    ensure_registry(user)
    countries = Country.objects.select_related("region")
    if region is not None:
        countries = countries.filter(region=region)
    return countries.order_by("name")
