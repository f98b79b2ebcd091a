"""Reads on people: searching the registry, a person's page and what they took part in."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeAlias, TypeVar

from django.db.models import Count, Exists, Model, OuterRef, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from common.names import normalise
from evaluations.permissions import ensure_registry
from stakeholders.models import (
    Affiliation,
    Country,
    Office,
    Organisation,
    Person,
    PersonAlias,
    Region,
    StakeholderGroup,
    Tag,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User


_M = TypeVar("_M", bound=Model)
Ref: TypeAlias = _M | int  # a filter: the row itself or its primary key (Ref[Country])


def affiliations_related() -> QuerySet[Affiliation]:
    """Affiliations with their organisation, office, country and group (one query each)."""
    return Affiliation.objects.select_related(
        "organisation", "office", "country__region", "stakeholder_group"
    )


def people_search(
    *,
    user: User | AnonymousUser,
    q: str = "",
    organisation: Ref[Organisation] | None = None,
    group: Ref[StakeholderGroup] | None = None,
    country: Ref[Country] | None = None,
    region: Ref[Region] | None = None,
    office: Ref[Office] | None = None,
    tag: Ref[Tag] | None = None,
) -> QuerySet[Person]:
    """People in the registry (merged ones left out) whose name or an alias contains every
    word of `q` (case, accents, punctuation and word order ignored; an address finds the
    e-mail), with an affiliation, past or present, that matches all the filters.

    Tags, aliases and affiliations are prefetched: a page costs the same few queries
    whatever its length."""
    ensure_registry(user)
    people = Person.objects.filter(merged_into__isnull=True)
    words = normalise(q).split() if q else []
    if words:
        by_name, by_alias = Q(), PersonAlias.objects.filter(person=OuterRef("pk"))
        for word in words:
            by_name &= Q(normalised__contains=word)
            by_alias = by_alias.filter(normalised__contains=word)
        match = by_name | Q(Exists(by_alias))
        if "@" in q:
            match |= Q(emails__icontains=q.strip())
        people = people.filter(match)
    held = {
        key: value
        for key, value in (
            ("organisation", organisation),
            ("stakeholder_group", group),
            ("office", office),
        )
        if value is not None
    }
    if held or country is not None or region is not None:
        affiliations = Affiliation.objects.filter(person=OuterRef("pk"), **held)
        if country is not None:
            affiliations = affiliations.filter(Q(country=country) | Q(office__country=country))
        if region is not None:
            affiliations = affiliations.filter(Q(country__region=region) | Q(office__region=region))
        people = people.filter(Exists(affiliations))
    if tag is not None:
        people = people.filter(tags=tag)
    return people.prefetch_related(
        "tags", "aliases", Prefetch("affiliations", affiliations_related())
    ).order_by("family_name", "given_name", "display_name", "pk")


def people_group_counts(people: QuerySet[Person]) -> list[dict[str, object]]:
    """How many of these people have (or had) an affiliation with each stakeholder group:
    [{"code", "name", "count"}], in the list's order; one query."""
    rows = (
        Affiliation.objects.filter(
            person__in=people.order_by().values("pk"), stakeholder_group__isnull=False
        )
        .values("stakeholder_group__code", "stakeholder_group__name", "stakeholder_group__order")
        .annotate(count=Count("person", distinct=True))
        .order_by("stakeholder_group__order", "stakeholder_group__name")
    )
    return [
        {
            "code": r["stakeholder_group__code"],
            "name": r["stakeholder_group__name"],
            "count": r["count"],
        }
        for r in rows
    ]


def current_affiliation(person: Person, day: dt.date | None = None) -> Affiliation | None:
    """Like Person.affiliation_on, but from the prefetched affiliations (no query)."""
    day = day or dt.date.today()
    held = [
        a
        for a in person.affiliations.all()
        if (a.start is None or a.start <= day) and (a.end is None or a.end >= day)
    ]
    held.sort(key=lambda a: (a.start or dt.date.min, a.pk), reverse=True)
    return held[0] if held else None


def person_get(*, user: User | AnonymousUser, pk: int) -> Person:
    """One person with aliases, tags and affiliations (also a merged one: callers redirect)."""
    ensure_registry(user)
    return get_object_or_404(
        Person.objects.select_related("merged_into", "created_by").prefetch_related(
            "tags",
            "aliases",
            Prefetch("affiliations", affiliations_related().order_by("-start", "-pk")),
        ),
        pk=pk,
    )


# What a person took part in (invitations, interviews) is held by the apps above the registry;
# the one that reads it registers its reader when Django starts (InterviewsConfig.ready), so the
# registry imports none of them.
PersonHistory = Callable[..., tuple[list[Any], int]]
_person_history: list[PersonHistory] = []


def person_history_register(reader: PersonHistory) -> PersonHistory:
    """Make `reader(user=, person=) -> (evaluations shown, how many hidden)` the person page's."""
    _person_history[:] = [reader]
    return reader


def person_evaluations(*, user: User | AnonymousUser, person: Person) -> tuple[list[Any], int]:
    """The evaluations the person took part in that the user may see, and how many others."""
    if not _person_history:
        return [], 0
    return _person_history[0](user=user, person=person)
