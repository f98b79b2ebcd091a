"""The registry as the people import sees it: people, aliases and e-mail addresses loaded
once per file, matched with the registry's one fuzzy matcher."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from common.names import LIKELY
from stakeholders.models import Person, PersonAlias
from stakeholders.selectors.matching import people_near


@dataclass(frozen=True)
class Candidate:
    person_id: int
    name: str
    score: float
    why: str = ""

    def as_dict(self) -> dict[str, object]:
        return {"person_id": self.person_id, "name": self.name, "score": self.score,
                "why": self.why}  # fmt: skip


class RegistryIndex:
    """People, aliases and e-mail addresses loaded once per file: the matching of
    `selectors.matching.people_exact` and `person_candidates` without queries per row."""

    def __init__(self) -> None:
        self.names: dict[int, str] = {}
        self.key_of: dict[int, str] = {}
        self.by_key: dict[str, set[int]] = defaultdict(set)
        self.by_email: dict[str, set[int]] = defaultdict(set)
        people = Person.objects.filter(merged_into__isnull=True)
        for pk, key, display, emails in people.values_list(
            "pk", "normalised", "display_name", "emails"
        ):
            self.names[pk], self.key_of[pk] = display, key
            self.by_key[key].add(pk)
            for email in emails or []:
                self.by_email[email.lower()].add(pk)
        aliases = PersonAlias.objects.filter(person__merged_into__isnull=True)
        for pk, key in aliases.values_list("person_id", "normalised"):
            self.by_key[key].add(pk)
        self.keys = list(self.by_key)

    def exact(self, key: str) -> set[int]:
        return set(self.by_key.get(key, ()))

    def owners(self, emails: Iterable[str]) -> set[int]:
        return {pk for email in emails for pk in self.by_email.get(email.lower(), ())}

    def near(self, key: str, *, limit: int = 5) -> list[Candidate]:
        """People whose name or an alias scores at least LIKELY against the key, best first."""
        best = people_near(key, self.by_key, keys=self.keys, threshold=LIKELY, limit=limit)
        found = [
            Candidate(pk, self.names[pk], round(score, 1), _("similar name"))
            for pk, score in best.items()
        ]
        return sorted(found, key=lambda c: (-c.score, c.name))[:limit]
