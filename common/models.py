"""Model bases shared by the apps."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportJobBase(models.Model):
    """One uploaded file taken step by step: dry run (checked), per-row decisions, then
    imported all or nothing (committed), or failed with a readable message.

    Each app declares its own `file` (where it is kept), `report` (its dry run's shape), any
    other state (the people import can be cancelled) and its ordering; the steps they share are
    `common.imports`."""

    class State(models.TextChoices):
        UPLOADED = "uploaded", _("Uploaded")
        CHECKED = "checked", _("Checked (dry run)")
        COMMITTED = "committed", _("Imported")
        FAILED = "failed", _("Failed")

    filename = models.CharField(max_length=255)
    sheet = models.CharField(max_length=100, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.UPLOADED)
    # The review: row number (as text) -> the reviewer's choice for that row.
    decisions = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    committed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.filename


class Heartbeat(models.Model):
    """The scheduler's proof of life: one row per worker process that ran `common.heartbeat`
    (scheduled every minute by beat), with the last time it did."""

    process = models.CharField(max_length=255, unique=True)
    beat_at = models.DateTimeField()

    class Meta:
        ordering = ["-beat_at"]

    def __str__(self) -> str:
        return f"{self.process} at {self.beat_at:%Y-%m-%d %H:%M:%S}"
