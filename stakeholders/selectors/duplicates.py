"""Proposing people who may be the same: the candidates of one person and every likely
pair of the registry (never deciding: the pages propose them)."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Prefetch

from common.names import LIKELY
from evaluations.permissions import ensure_registry
from stakeholders.models import NotDuplicate, Person
from stakeholders.selectors.matching import person_candidates, registry_keys, similar_keys
from stakeholders.selectors.people import affiliations_related

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User


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
    people = Person.objects.prefetch_related(
        Prefetch("affiliations", affiliations_related())
    ).in_bulk(list(best))
    ranked = sorted(best.items(), key=lambda item: (-item[1], item[0]))[:limit]
    return [PersonCandidate(people[pk], score) for pk, score in ranked if pk in people]


@dataclass(frozen=True)
class DuplicatePair:
    first: Person
    second: Person
    score: float


def _similar_pairs(keys: dict[str, list[int]], threshold: float) -> dict[tuple[int, int], float]:
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
        for other, score in similar_keys(key, ordered[index + 1 : end], threshold=threshold):
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
        for (a, b), score in _similar_pairs(registry_keys(), threshold).items()
        if (a, b) not in apart
    ]
    return sorted(pairs, key=lambda p: (-p[2], p[0], p[1]))


def duplicate_pairs_load(pairs: Sequence[tuple[int, int, float]]) -> list[DuplicatePair]:
    """The people of some pairs, with aliases and affiliations, in a fixed number of queries."""
    ids = {pk for a, b, _s in pairs for pk in (a, b)}
    people = Person.objects.prefetch_related(
        "aliases", Prefetch("affiliations", affiliations_related())
    ).in_bulk(list(ids))
    return [
        DuplicatePair(people[a], people[b], score)
        for a, b, score in pairs
        if a in people and b in people
    ]
