"""Reads on the registry: finding a country, group, organisation or person from what people
typed, and proposing people who may be the same."""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Count, Exists, Model, OuterRef, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from rapidfuzz import process

from common.names import LIKELY, SCORER, normalise, normalise_text
from evaluations.permissions import ensure_registry
from evaluations.selectors import evaluation_list
from stakeholders.models import (
    Affiliation,
    Country,
    NotDuplicate,
    Office,
    Organisation,
    Person,
    PersonAlias,
    PersonMerge,
    StakeholderGroup,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User


def _by_name_or_alias(objects: QuerySet, text: str, *, code_field: str = "code") -> object | None:
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
    return _by_name_or_alias(Country.objects.only("name", "code", "aliases"), text)


def group_find(text: str) -> StakeholderGroup | None:
    """'Workers', 'Trade unions', 'government' -> the stakeholder group; None when unknown."""
    return _by_name_or_alias(StakeholderGroup.objects.all(), text)


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


def people_exact(name: str) -> QuerySet[Person]:
    """People (not merged away) whose name or an alias normalises to the same key."""
    key = normalise(name)
    return (
        Person.objects.filter(merged_into__isnull=True)
        .filter(Q(normalised=key) | Q(aliases__normalised=key))
        .distinct()
    )


@dataclass(frozen=True)
class Candidate:
    person_id: int
    name: str
    score: float


def person_candidates(
    name: str, *, exclude: set[int] | None = None, threshold: float = LIKELY, limit: int = 5
) -> list[Candidate]:
    """People who may be the one named (name or alias similar at or above the threshold),
    best first. Never decides: the caller proposes them."""
    key = normalise(name)
    if not key:
        return []
    choices: dict[str, list[tuple[int, str]]] = {}
    for pk, norm, display in Person.objects.filter(merged_into__isnull=True).values_list(
        "pk", "normalised", "display_name"
    ):
        choices.setdefault(norm, []).append((pk, display))
    for pk, norm in PersonAlias.objects.filter(person__merged_into__isnull=True).values_list(
        "person_id", "normalised"
    ):
        choices.setdefault(norm, []).append((pk, ""))
    matches = process.extract(
        key, list(choices), scorer=SCORER, score_cutoff=threshold, limit=limit * 3
    )
    best: dict[int, Candidate] = {}
    names = dict(Person.objects.filter(pk__in={pk for m in matches for pk, _d in choices[m[0]]})
                 .values_list("pk", "display_name"))  # fmt: skip
    for norm, score, _index in matches:
        for pk, _display in choices[norm]:
            if exclude and pk in exclude:
                continue
            if pk not in best or best[pk].score < score:
                best[pk] = Candidate(person_id=pk, name=names.get(pk, ""), score=round(score, 1))
    return sorted(best.values(), key=lambda c: (-c.score, c.name))[:limit]


# --- what points at a person ---------------------------------------------------------------


@dataclass(frozen=True)
class PersonLink:
    """A table whose rows point at a person, and follow the person into a merge."""

    key: str  # the list of moved row ids in PersonMerge.moved
    model: str  # "app_label.ModelName"
    field: str = "person"
    # A field that is unique together with the person: two people who both have a row with
    # the same value there cannot be merged (the row would be there twice).
    unique_with: str = ""

    def model_class(self) -> type[Model] | None:
        """The model, or None while its app does not define it (yet)."""
        try:
            model = apps.get_model(self.model)
            model._meta.get_field(self.field)
        except (LookupError, FieldDoesNotExist):
            return None
        return model


# Everything that points at a person, moved by a merge and put back by its undo: the one place
# to extend. A person takes part in an interview once, so two people in the same interview are
# not merged (tests/interviews/test_merge.py).
PERSON_LINKS: tuple[PersonLink, ...] = (
    PersonLink("affiliations", "stakeholders.Affiliation"),
    PersonLink("invitations", "questionnaires.Invitation", unique_with="distribution"),
    PersonLink("participations", "interviews.Participation", unique_with="interview"),
)


def person_final(person: Person) -> Person:
    """The person a merged person ended up in (following merges of merges); else the person."""
    seen = {person.pk}
    while person.merged_into_id and person.merged_into_id not in seen:
        seen.add(person.merged_into_id)
        person = Person.objects.get(pk=person.merged_into_id)
    return person


def merge_conflicts(*, kept: Person, merged: Person) -> list[tuple[PersonLink, Model]]:
    """What both people hold that may be held once per person (e.g. both invited to one
    distribution): (link, the shared object) pairs; a merge is refused while there is one."""
    found: list[tuple[PersonLink, Model]] = []
    for link in PERSON_LINKS:
        model = link.model_class()
        if model is None or not link.unique_with:
            continue
        shared = model.objects.filter(**{link.field: kept}).values(link.unique_with)
        rows = model.objects.filter(
            **{link.field: merged, f"{link.unique_with}__in": shared}
        ).select_related(link.unique_with)
        found.extend((link, getattr(row, link.unique_with)) for row in rows)
    return found


def shared_label(obj: Model, user: User | AnonymousUser | None) -> str:
    """What two people share that prevents a merge (a distribution), named only for those who
    are members of its evaluation."""
    evaluation = getattr(obj, "evaluation", None)
    if evaluation is None:
        return f"“{obj}”"
    if user is not None and not evaluation_list(user=user).filter(pk=evaluation.pk).exists():
        if obj._meta.label == "interviews.Interview":
            return _("interview no. %(id)s of an evaluation you are not a member of") % {
                "id": obj.pk
            }
        return _("questionnaire no. %(id)s of an evaluation you are not a member of") % {
            "id": obj.pk
        }
    return _("“%(title)s” (%(evaluation)s)") % {"title": obj, "evaluation": evaluation.title}


# --- searching and showing the registry -----------------------------------------------------

Ref = int | Model


def _affiliations() -> QuerySet[Affiliation]:
    return Affiliation.objects.select_related(
        "organisation", "office", "country__region", "stakeholder_group"
    )


def people_search(
    *,
    user: User | AnonymousUser,
    q: str = "",
    organisation: Ref | None = None,
    group: Ref | None = None,
    country: Ref | None = None,
    region: Ref | None = None,
    office: Ref | None = None,
    tag: Ref | None = None,
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
        "tags", "aliases", Prefetch("affiliations", _affiliations())
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
            Prefetch("affiliations", _affiliations().order_by("-start", "-pk")),
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


def person_merges(*, person: Person) -> list[PersonMerge]:
    """Merges the person took part in, kept or merged, newest first."""
    return list(
        PersonMerge.objects.filter(Q(kept=person) | Q(merged=person))
        .select_related("kept", "merged", "by", "undone_by")
        .order_by("-at", "-pk")
    )


def _not_duplicates() -> set[tuple[int, int]]:
    return set(NotDuplicate.objects.values_list("first_id", "second_id"))


@dataclass(frozen=True)
class PersonCandidate:
    person: Person
    score: float


def person_duplicates(*, person: Person, limit: int = 5) -> list[PersonCandidate]:
    """Other people who may be this one (by name or alias), best first; pairs marked as
    different people are left out."""
    apart = {b if a == person.pk else a for a, b in _not_duplicates() if person.pk in (a, b)}
    exclude = {person.pk, *apart}
    best: dict[int, float] = {}
    for name in [person.display_name, *(a.name for a in person.aliases.all())]:
        for c in person_candidates(name, exclude=exclude, limit=limit):
            best[c.person_id] = max(best.get(c.person_id, 0.0), c.score)
    people = Person.objects.prefetch_related(Prefetch("affiliations", _affiliations())).in_bulk(
        list(best)
    )
    ranked = sorted(best.items(), key=lambda item: (-item[1], item[0]))[:limit]
    return [PersonCandidate(people[pk], score) for pk, score in ranked if pk in people]


@dataclass(frozen=True)
class DuplicatePair:
    first: Person
    second: Person
    score: float


def _registry_keys() -> dict[str, set[int]]:
    """Every matching key (names and aliases) of the people not merged away -> their ids."""
    keys: dict[str, set[int]] = {}
    for pk, key in Person.objects.filter(merged_into__isnull=True).values_list("pk", "normalised"):
        keys.setdefault(key, set()).add(pk)
    for pk, key in PersonAlias.objects.filter(person__merged_into__isnull=True).values_list(
        "person_id", "normalised"
    ):
        keys.setdefault(key, set()).add(pk)
    keys.pop("", None)
    return keys


def _similar_pairs(keys: dict[str, set[int]], threshold: float) -> dict[tuple[int, int], float]:
    """Best score of each pair of people with similar keys. The scorer compares the same
    letters reordered, so a pair can only reach the threshold when the longer key is at most
    (200 - threshold) / threshold times the shorter: only those are compared."""
    best: dict[tuple[int, int], float] = {}

    def note(ids: Iterable[int], others: Iterable[int], score: float) -> None:
        for a in ids:
            for b in others:
                pair = (min(a, b), max(a, b))
                if a != b and best.get(pair, -1.0) < score:
                    best[pair] = score

    ordered = sorted(keys, key=len)
    lengths = [len(k) for k in ordered]
    for index, key in enumerate(ordered):
        note(keys[key], keys[key], 100.0)
        end = bisect_right(lengths, len(key) * (200 - threshold) / threshold)
        for other, score, _i in process.extract(
            key, ordered[index + 1 : end], scorer=SCORER, score_cutoff=threshold, limit=None
        ):
            note(keys[key], keys[other], round(score, 1))
    return best


def duplicate_pairs(
    *, user: User | AnonymousUser, threshold: float = LIKELY
) -> list[tuple[int, int, float]]:
    """Pairs of people who may be the same (name or alias alike at or above the threshold),
    best first, as (first id, second id, score); pairs marked as different people and merged
    people are left out. Never decides: the page proposes them."""
    ensure_registry(user)
    apart = _not_duplicates()
    pairs = [
        (a, b, score)
        for (a, b), score in _similar_pairs(_registry_keys(), threshold).items()
        if (a, b) not in apart
    ]
    return sorted(pairs, key=lambda p: (-p[2], p[0], p[1]))


def duplicate_pairs_load(pairs: Sequence[tuple[int, int, float]]) -> list[DuplicatePair]:
    """The people of some pairs, with aliases and affiliations, in a fixed number of queries."""
    ids = {pk for a, b, _s in pairs for pk in (a, b)}
    people = Person.objects.prefetch_related(
        "aliases", Prefetch("affiliations", _affiliations())
    ).in_bulk(list(ids))
    return [
        DuplicatePair(people[a], people[b], score)
        for a, b, score in pairs
        if a in people and b in people
    ]


def merge_preview(*, kept: Person, merged: Person) -> dict[str, object]:
    """What a merge would move, and what prevents it, for the confirmation page."""
    counts = {}
    for link in PERSON_LINKS:
        model = link.model_class()
        counts[link.key] = model.objects.filter(**{link.field: merged}).count() if model else 0
    have = {e.lower() for e in kept.emails}
    return {
        "counts": counts,
        "aliases": merged.aliases.count(),
        "emails": [e for e in merged.emails if e.lower() not in have],
        "phones": [p for p in merged.phones if p not in kept.phones],
        "conflicts": [shared for _link, shared in merge_conflicts(kept=kept, merged=merged)],
    }


def merge_list(*, user: User | AnonymousUser, person: Person | None = None) -> QuerySet:
    """Merges, newest first; those of one person (kept or merged) when given."""
    ensure_registry(user)
    merges = PersonMerge.objects.select_related("kept", "merged", "by", "undone_by")
    if person is not None:
        merges = merges.filter(Q(kept=person) | Q(merged=person))
    return merges.order_by("-at", "-pk")


def organisation_list(
    *,
    user: User | AnonymousUser,
    q: str = "",
    country: Ref | None = None,
    group: Ref | None = None,
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


def office_list(*, user: User | AnonymousUser) -> QuerySet[Office]:
    ensure_registry(user)
    return (
        Office.objects.select_related("country", "region")
        .annotate(people=Count("affiliations__person", distinct=True))
        .order_by("name")
    )


def country_list(*, user: User | AnonymousUser, region: Ref | None = None) -> QuerySet[Country]:
    ensure_registry(user)
    countries = Country.objects.select_related("region")
    if region is not None:
        countries = countries.filter(region=region)
    return countries.order_by("name")


def group_list(*, user: User | AnonymousUser) -> QuerySet[StakeholderGroup]:
    """The controlled list, in order, with how often each group is used."""
    ensure_registry(user)
    return StakeholderGroup.objects.annotate(
        organisation_count=Count("organisations", distinct=True),
        affiliation_count=Count("affiliations", distinct=True),
    ).order_by("order", "name")
