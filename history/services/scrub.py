"""Scrubbing an erased person out of the history: the entries about them keep that something
happened, when and by whom, but not the values; any other entry that quotes one of their names,
addresses or numbers has it replaced by the placeholder."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

from django.db.models import Q, TextField
from django.db.models.functions import Cast

from history.context import Kind
from history.models import Entry

ERASED = "(erased)"


MIN_LENGTH = 3  # shorter strings would replace parts of unrelated words


def wanted_strings(strings: Iterable[str]) -> list[str]:
    """The erased strings to look for, longest first (so a full name wins over a part of it)."""
    found = {s.strip() for s in strings if s and len(s.strip()) >= MIN_LENGTH}
    return sorted(found, key=lambda s: (-len(s), s))


def pattern_of(strings: list[str]) -> re.Pattern[str]:
    """Whole words only: "Ann" is not replaced inside "Annual", nor "Gov" in "Government"."""
    either = "|".join(re.escape(s) for s in strings)
    return re.compile(rf"(?<!\w)(?:{either})(?!\w)", re.IGNORECASE)


def search_forms(value: str) -> set[str]:
    """How a string may appear in a text or JSON column, for a case-insensitive search: as is
    (PostgreSQL's jsonb as text) and with non-ASCII escaped (SQLite keeps json.dumps' text); in
    the usual cases, as SQLite's LIKE folds ASCII letters only."""
    cases = {value, value.lower(), value.upper(), value.title()}
    return cases | {json.dumps(form)[1:-1] for form in cases}


def replace_in(value: Any, pattern: re.Pattern[str], placeholder: str) -> Any:
    """`value` (text, or JSON made of lists and dicts) with every match replaced. Keys are
    left alone: they are identifiers (question keys, attribute and field names), not text."""
    if isinstance(value, str):
        return pattern.sub(placeholder, value)
    if isinstance(value, list):
        return [replace_in(v, pattern, placeholder) for v in value]
    if isinstance(value, dict):
        return {k: replace_in(v, pattern, placeholder) for k, v in value.items()}
    return value


def scrub_person(person_id: int, strings: Iterable[str], placeholder: str) -> int:
    """Scrub the history of one person; returns how many entries changed. `strings` are the
    erased values (names, aliases, e-mail addresses, phone numbers) searched everywhere else."""
    wanted = wanted_strings(strings)
    changed = 0
    pattern = pattern_of(wanted) if wanted else None
    about = Entry.objects.filter(person_id=person_id)
    for entry in about.iterator():
        entry.changes = {field: [ERASED, ERASED] for field in (entry.changes or {})}
        entry.changes_text = ""
        entry.object_repr = placeholder
        entry.serialized_data = None
        entry.additional_data = None
        if pattern is not None:
            entry.reason = pattern.sub(placeholder, entry.reason)
        if entry.actor_kind == Kind.RESPONDENT:
            entry.remote_addr = None  # the respondent's own address is theirs
        entry.save(
            update_fields=[
                "changes",
                "changes_text",
                "object_repr",
                "serialized_data",
                "additional_data",
                "reason",
                "remote_addr",
            ]
        )
        changed += 1
    if pattern is None:
        return changed
    mentions = Q()
    for value in wanted:
        for form in search_forms(value):
            mentions |= Q(as_text__icontains=form)
            mentions |= Q(object_repr__icontains=form) | Q(reason__icontains=form)
            mentions |= Q(changes_text__icontains=form)
    quoting = (
        Entry.objects.exclude(person_id=person_id)
        .annotate(as_text=Cast("changes", TextField()))
        .filter(mentions)
    )
    for entry in quoting.iterator():
        entry.changes = replace_in(entry.changes, pattern, placeholder)
        entry.object_repr = pattern.sub(placeholder, entry.object_repr)
        entry.reason = pattern.sub(placeholder, entry.reason)
        entry.changes_text = pattern.sub(placeholder, entry.changes_text or "")
        entry.save(update_fields=["changes", "object_repr", "reason", "changes_text"])
        changed += 1
    return changed
