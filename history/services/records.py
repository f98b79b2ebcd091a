"""Explicit history records: what a service does that no model signal shows (a bulk update, a
download, a lock, an erasure), written into the same table as auditlog's entries."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import models

from evaluations.permissions import Actor, author_of
from history.context import Kind
from history.models import Entry
from history.tracked import describe

Action = Entry.Action


def record(
    instance: models.Model,
    *,
    verb: str,
    changes: Mapping[str, Any] | None = None,
    action: int = Action.UPDATE,
    reason: str | None = None,
    by: Actor | None = None,
    **columns: Any,
) -> Entry | None:
    """One entry about `instance`, written now by whoever acts (history.context): `verb` says
    what happened in a word ("merge", "lock", "import" …), `changes` is {field: [before, after]}
    as auditlog writes them. Columns (evaluation_id, person_id, anchor, lead_only …) default to
    what the tracked model's spec says; give them for models that are not tracked. Returns None
    where the history stays silent (an anonymous respondent's own step).

    `by`, the service's caller, names the actor whatever the door (a command acting for the
    lead still records the lead); without it, or for SYSTEM, the request or task context does."""
    if describe(instance) is None:
        return None
    extra: dict[str, Any] = {"verb": verb, **columns}
    who = author_of(by) if by is not None else None
    if who is not None:
        extra |= {"actor": who, "actor_email": who.email, "actor_kind": Kind.USER}
    if reason is not None:
        extra["reason"] = reason
    return Entry.objects.log_create(
        instance,
        force_log=True,
        action=action,
        changes={k: list(v) for k, v in (changes or {}).items()},
        **extra,
    )


def record_download(
    instance: models.Model, *, what: str, evaluation_id: int | None
) -> Entry | None:
    """A download of a file with answers or personal data: who, when, which file."""
    return record(
        instance,
        verb="download",
        action=Action.ACCESS,
        changes={"file": [None, what]},
        evaluation_id=evaluation_id,
        anchor=f"evaluation:{evaluation_id}" if evaluation_id else "",
    )
