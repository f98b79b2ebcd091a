"""Finding a person from a name: the exact match, and the one fuzzy matcher by which the
registry, the people import and the duplicates page propose people who may be the same (the
same normalised keys, scorer and threshold everywhere)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from rapidfuzz import process

from common.names import LIKELY, SCORER, normalise
from stakeholders.models import Person, PersonAlias


def people_exact(name: str) -> QuerySet[Person]:
    """People (not merged away) whose name or an alias normalises to the same key."""
    key = normalise(name)
    return (
        Person.objects.filter(merged_into__isnull=True)
        .filter(Q(normalised=key) | Q(aliases__normalised=key))
        .distinct()
    )


def registry_keys() -> dict[str, list[int]]:
    """Every matching key (names and aliases) of the people not merged away -> their ids, in
    the registry's order (which decides between equals)."""
    keys: dict[str, list[int]] = {}
    for pk, key in Person.objects.filter(merged_into__isnull=True).values_list("pk", "normalised"):
        keys.setdefault(key, []).append(pk)
    for pk, key in PersonAlias.objects.filter(person__merged_into__isnull=True).values_list(
        "person_id", "normalised"
    ):
        keys.setdefault(key, []).append(pk)
    keys.pop("", None)
    return keys


def similar_keys(
    key: str, keys: Sequence[str], *, threshold: float = LIKELY, limit: int | None = None
) -> list[tuple[str, float]]:
    """The keys alike `key` at or above the threshold, best first, with their scores."""
    found = process.extract(key, keys, scorer=SCORER, score_cutoff=threshold, limit=limit)
    return [(other, score) for other, score, _index in found]


def people_near(
    key: str,
    by_key: Mapping[str, Iterable[int]],
    *,
    keys: Sequence[str] | None = None,
    threshold: float = LIKELY,
    limit: int = 5,
    exclude: set[int] | None = None,
) -> dict[int, float]:
    """{person id: best score} of the people whose name or an alias is alike the key, looking
    at the `limit * 3` best keys of `by_key` (`keys`: its keys as a list, when kept)."""
    best: dict[int, float] = {}
    choices = list(by_key) if keys is None else keys
    for other, score in similar_keys(key, choices, threshold=threshold, limit=limit * 3):
        for pk in by_key[other]:
            if exclude and pk in exclude:
                continue
            best[pk] = max(best.get(pk, 0.0), score)
    return best


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
    best = people_near(key, registry_keys(), threshold=threshold, limit=limit, exclude=exclude)
    names = dict(Person.objects.filter(pk__in=list(best)).values_list("pk", "display_name"))
    found = [
        Candidate(person_id=pk, name=names.get(pk, ""), score=round(score, 1))
        for pk, score in best.items()
    ]
    return sorted(found, key=lambda c: (-c.score, c.name))[:limit]
