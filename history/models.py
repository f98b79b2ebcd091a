"""The history: one row per recorded change, written by django-auditlog's signals for the
tracked models (history/tracked.py) and by `history.services.record` for what signals cannot see
(bulk writes, downloads, erasures). One table, one mechanism (README, "History and personal
data")."""

from __future__ import annotations

from typing import Any

from auditlog.models import AbstractLogEntry, LogEntryManager
from django.db import models
from django.utils.translation import gettext_lazy as _

from history.context import Kind, current
from history.tracked import describe


class EntryManager(LogEntryManager):
    """auditlog writes through these two methods for every tracked save, delete and m2m change:
    they add what auditlog cannot know — the evaluation, the person and the page the change
    belongs to, who acted (the request's user, the system, the respondent door) and why — or
    write nothing where the history must stay silent (a respondent of an anonymous
    distribution)."""

    def log_create(self, instance: models.Model, force_log: bool = False, **kwargs: Any):  # type: ignore[override]
        if not _ours(instance, kwargs):
            return None
        return super().log_create(instance, force_log=force_log, **kwargs)

    def log_m2m_changes(self, changed_queryset, instance, operation, field_name, **kwargs):  # type: ignore[override]
        if not _ours(instance, kwargs):
            return None
        return super().log_m2m_changes(changed_queryset, instance, operation, field_name, **kwargs)


def _ours(instance: models.Model, kwargs: dict[str, Any]) -> bool:
    """Fill in our columns (without replacing what the caller gave); False: write nothing."""
    about = describe(instance)
    if about is None:
        return False
    acting = current()
    user, kind = acting.resolved()
    kwargs.setdefault("actor", user)
    kwargs.setdefault("actor_email", getattr(user, "email", None) if user else None)
    kwargs.setdefault("actor_kind", kind)
    kwargs.setdefault("reason", acting.reason)
    kwargs.setdefault("remote_addr", acting.remote_addr)
    for key, value in about.items():
        kwargs.setdefault(key, value)
    return True


class Entry(AbstractLogEntry):
    """One change: who (actor, or the system, or the respondent door), when, what (content type
    and id, the evaluation, the person it is about, the page it shows on), the change
    ({field: [before, after]}) and why."""

    # Not foreign keys: the history outlives what it is about (an evaluation deleted, a person
    # erased), and entries written while an evaluation is being deleted must still be valid.
    evaluation_id = models.BigIntegerField(null=True, blank=True)
    person_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    # The page the entry shows on: "person:17", "interview:5", "distribution:3" …
    anchor = models.CharField(max_length=60, blank=True, db_index=True)
    lead_only = models.BooleanField(
        default=False, help_text=_("Only the evaluation's lead may read it.")
    )
    actor_kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.SYSTEM)
    verb = models.CharField(
        max_length=30,
        blank=True,
        help_text=_("What was done when it is more than create/update/delete: merge, erase …"),
    )
    reason = models.TextField(blank=True)

    objects = EntryManager()

    class Meta(AbstractLogEntry.Meta):
        verbose_name = _("history entry")
        verbose_name_plural = _("history entries")
        indexes = [
            models.Index(fields=["evaluation_id", "-timestamp"]),
            models.Index(fields=["content_type", "object_id"]),
        ]
