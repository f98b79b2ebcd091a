"""What the history costs a service write: registry work through the services (add a person with
an e-mail, a tag and an alias, then change their notes and their name) with every change
recorded, against the same work with the history switched off (auditlog's `disable_auditlog`)
in the same process. Target: at most 2x — per person 31 statements instead of 23 (one INSERT
per recorded change, and auditlog's SELECT of the old row before an update), never a query per
field or per entry beyond those.

`run(people=…)` takes a size: `make bench` uses 300 people; `--smoke` and
tests/history/test_history_bench.py run it with 3 so it cannot rot.
"""

from __future__ import annotations

import itertools

from auditlog.context import disable_auditlog
from django.db import transaction

from bench.harness import Result, median_seconds
from evaluations.permissions import SYSTEM
from history.models import Entry
from stakeholders.services import person_create, person_update

PEOPLE = 300
RATIO = 2.0
REPEAT = 5
SMOKE = (3, 1)  # people, repeat

_serial = itertools.count()


def registry_work(people: int) -> None:
    """Add `people` people and change each twice, in one transaction per person (as pages do)."""
    batch = next(_serial)
    for n in range(people):
        with transaction.atomic():
            person = person_create(
                by=SYSTEM,
                name=f"Bench Person {batch}-{n}",
                emails=[f"bench.{batch}.{n}@example.org"],
                tags=["bench"],
                aliases=[f"B. Person {batch}-{n}"],
            )
            person_update(by=SYSTEM, person=person, notes=f"Met on day {n}")
            person_update(by=SYSTEM, person=person, name=f"Bench Persona {batch}-{n}")


def run(people: int = PEOPLE, repeat: int = REPEAT, *, smoke: bool = False) -> list[Result]:
    if smoke:
        people, repeat = SMOKE

    def without_history() -> None:
        with disable_auditlog():
            registry_work(people)

    def with_history() -> None:
        registry_work(people)

    before = Entry.objects.count()
    recorded = median_seconds(with_history, repeat=repeat)
    entries = (Entry.objects.count() - before) // (repeat + 1)
    bare = median_seconds(without_history, repeat=repeat)
    return [
        Result(
            "registry writes with history vs without",
            recorded / bare,
            RATIO,
            f"{people} people × 3 writes, {entries} entries per run",
        )
    ]
