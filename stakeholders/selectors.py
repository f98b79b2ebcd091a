"""Reads on the registry: finding a country, group, organisation or person from what people
typed, and proposing people who may be the same."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from rapidfuzz import process

from common.names import LIKELY, SCORER, normalise, normalise_text
from stakeholders.models import Country, Organisation, Person, PersonAlias, StakeholderGroup


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
