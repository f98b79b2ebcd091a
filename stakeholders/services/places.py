"""Writes on offices and countries."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction
from django.utils.translation import gettext as _

from evaluations.permissions import Actor, ensure_registry
from stakeholders.models import Country, Office, Region
from stakeholders.services.checks import clean_names, refuse, refuse_alias_clash


def _office_checks(office: Office | None, name: str, type: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise refuse("name", _("A name is required."))
    if type not in Office.Type.values:
        raise refuse("type", _("Choose the type of office."))
    others = Office.objects.filter(name__iexact=name)
    if office is not None:
        others = others.exclude(pk=office.pk)
    if others.exists():
        raise refuse("name", _("There is already an office “%(name)s”.") % {"name": name})
    return name


@transaction.atomic
def office_create(
    *,
    by: Actor,
    name: str,
    type: str,
    city: str = "",
    country: Country | None = None,
    region: Region | None = None,
) -> Office:
    """Add an office; its region defaults to its country's."""
    ensure_registry(by, manage=True)
    name = _office_checks(None, name, type)
    return Office.objects.create(
        name=name[:200],
        type=type,
        city=city.strip()[:100],
        country=country,
        region=region or (country.region if country else None),
    )


@transaction.atomic
def office_update(
    *,
    by: Actor,
    office: Office,
    name: str,
    type: str,
    city: str = "",
    country: Country | None = None,
    region: Region | None = None,
) -> Office:
    ensure_registry(by, manage=True)
    office.name = _office_checks(office, name, type)[:200]
    office.type, office.city = type, city.strip()[:100]
    office.country = country
    office.region = region or (country.region if country else None)
    office.save()
    return office


@transaction.atomic
def country_update(
    *, by: Actor, country: Country, region: Region | None, aliases: Sequence[str]
) -> Country:
    """Set a country's region and the other names people write for it."""
    ensure_registry(by, manage=True)
    aliases = clean_names(aliases)
    refuse_alias_clash(Country.objects.exclude(pk=country.pk), aliases)
    country.region, country.aliases = region, aliases
    country.save(update_fields=["region", "aliases"])
    return country
