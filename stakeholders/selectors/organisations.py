"""Reads on organisations: one from what people typed, and the searchable list."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Count, Q, QuerySet

from common.names import normalise_text
from evaluations.permissions import ensure_registry
from stakeholders.models import Country, Organisation, StakeholderGroup
from stakeholders.selectors.people import Ref

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User


def organisation_find(text: str, *, country: Country | None = None) -> Organisation | None:
    """An organisation by name, acronym or alias; one in the given country first."""
    key = normalise_text(text)
    if not key:
        return None
    candidates = Organisation.objects.filter(
        Q(normalised=key) | Q(acronym__iexact=text.strip()) | Q(aliases__icontains=text.strip())
    )
    found = [
        org
        for org in candidates
        if key in {org.normalised, normalise_text(org.acronym), *map(normalise_text, org.aliases)}
    ]
    found.sort(key=lambda org: (country is not None and org.country_id != country.pk, org.pk))
    return found[0] if found else None


def organisation_list(
    *,
    user: User | AnonymousUser,
    q: str = "",
    country: Ref[Country] | None = None,
    group: Ref[StakeholderGroup] | None = None,
    kind: str = "",
) -> QuerySet[Organisation]:
    """Organisations by name, acronym or alias, with how many people are (or were) there."""
    ensure_registry(user)
    organisations = Organisation.objects.select_related(
        "country", "parent", "stakeholder_group"
    ).annotate(people=Count("affiliations__person", distinct=True))
    if q.strip():
        key = normalise_text(q)
        organisations = organisations.filter(
            Q(normalised__contains=key)
            | Q(acronym__iexact=q.strip())
            | Q(aliases__icontains=q.strip())
        )
    if country is not None:
        organisations = organisations.filter(country=country)
    if group is not None:
        organisations = organisations.filter(stakeholder_group=group)
    if kind:
        organisations = organisations.filter(kind=kind)
    return organisations.order_by("name", "pk")
