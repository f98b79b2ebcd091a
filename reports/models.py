"""The report side of an evaluation: how the overview of interviews is laid out (the numbers a
report already printed, overrides with their reasons) and the export jobs
that build workbooks and CSV files.

Numbers are never stored here: they are computed from the log and the responses every time
(reports.selectors); a layout keeps only what people decided (rules, printed values, overrides).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from evaluations.models import Evaluation


class TableLayout(models.Model):
    """One way of printing the overview of interviews: which columns it shows and, when a
    report already printed the table, the printed numbers and the overrides.

    Its rows are the evaluation's reporting categories (interviews.ReportingCategory), in
    their order; the rules that put interviews in them are the evaluation's CategoryRules
    (interviews.CategoryRule)."""

    evaluation = models.ForeignKey(
        Evaluation, on_delete=models.CASCADE, related_name="table_layouts"
    )
    name = models.CharField(_("name"), max_length=120)
    title = models.CharField(
        _("title"),
        max_length=300,
        blank=True,
        help_text=_("As printed above the table, e.g. Table 1. Overview of interviews"),
    )
    show_group_interviews = models.BooleanField(_("column: group interviews"), default=False)
    show_follow_ups = models.BooleanField(_("column: follow-ups"), default=False)
    show_modes = models.BooleanField(_("columns: interviews by mode"), default=False)
    show_sex = models.BooleanField(_("columns: participants by sex"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Edit conflicts (README, "History and personal data"): bumped by every service write; an edit
    # based on an older revision is refused.
    revision = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["evaluation", "name"]
        constraints = [
            models.UniqueConstraint(Lower("name"), "evaluation", name="table_layout_name_unique_ci")
        ]

    def __str__(self) -> str:
        return self.name


class LayoutCell(models.Model):
    """One cell of a layout's table (a category's row, or the Total row when `category` is
    empty): the number a report printed there, and/or an override with its written reason."""

    class Column(models.TextChoices):
        INTERVIEWS = "interviews", _("Interviews")
        PARTICIPANTS = "participants", _("Participants")

    layout = models.ForeignKey(TableLayout, on_delete=models.CASCADE, related_name="cells")
    category = models.ForeignKey(
        "interviews.ReportingCategory",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="layout_cells",
        help_text=_("Empty for the Total row."),
    )
    column = models.CharField(_("column"), max_length=12, choices=Column.choices)
    printed = models.PositiveIntegerField(_("printed"), null=True, blank=True)
    override = models.PositiveIntegerField(_("override"), null=True, blank=True)
    override_reason = models.TextField(_("why overridden"), blank=True)
    override_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    override_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["layout", "category__order", "column"]
        constraints = [
            models.UniqueConstraint(
                fields=["layout", "category", "column"],
                condition=Q(category__isnull=False),
                name="layout_cell_unique",
            ),
            models.UniqueConstraint(
                fields=["layout", "column"],
                condition=Q(category__isnull=True),
                name="layout_cell_total_unique",
            ),
            models.CheckConstraint(
                condition=Q(override__isnull=True) | ~Q(override_reason=""),
                name="layout_cell_override_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.category or 'Total'} / {self.column}"


def export_file_name(job: ExportJob, filename: str) -> str:
    # A random folder: the address of one user's file says nothing and cannot be guessed.
    return f"exports/{job.evaluation_id}/{secrets.token_hex(8)}/{filename}"


def parameters_key(parameters: dict) -> str:
    """The same hash for the same parameters, whatever the order of their keys."""
    text = json.dumps(parameters, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def stale_after() -> dt.timedelta:
    """The stall limit: a running export without a heartbeat for this long is stale."""
    return dt.timedelta(seconds=settings.EXPORT_STALE_SECONDS)


class ExportJob(models.Model):
    """One requested export (the evaluation workbook, one table as CSV, or the raw responses of
    one questionnaire), built by a Celery task: queued → running (progress) → done (file) |
    failed (error) | cancelled."""

    class Kind(models.TextChoices):
        WORKBOOK = "workbook", _("Evaluation workbook (Excel)")
        CSV = "csv", _("One table (CSV)")
        RESPONSES = "responses", _("Raw responses of one questionnaire (Excel)")

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")

    FINISHED = frozenset({State.DONE, State.FAILED, State.CANCELLED})
    ACTIVE = (State.QUEUED, State.RUNNING)

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="exports")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    parameters = models.JSONField(_("parameters"), default=dict, blank=True)
    # A hash of the parameters: one active job per (evaluation, user, kind, parameters).
    parameters_key = models.CharField(max_length=64, blank=True, default="")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="export_jobs",
    )
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default="queued")
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    rows_done = models.PositiveIntegerField(_("rows written"), default=0)
    rows_total = models.PositiveIntegerField(_("rows to write"), default=0)
    step = models.CharField(_("step"), max_length=100, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    file = models.FileField(upload_to=export_file_name, blank=True, max_length=300)
    filename = models.CharField(max_length=255, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    # Written by the builder as it makes progress: a running job that stopped beating for
    # EXPORT_STALE_SECONDS lost its worker (see `stale`).
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["evaluation", "-created_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["evaluation", "requested_by", "kind", "parameters_key"],
                condition=Q(state__in=["queued", "running"]),
                name="reports_exportjob_one_active",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def finished(self) -> bool:
        return self.state in self.FINISHED

    @property
    def stale(self) -> bool:
        """Running, but its builder has not written a heartbeat for the stall limit: the
        worker was killed or hangs. It may be taken over, swept or tried again."""
        beat = self.heartbeat_at or self.started_at
        limit = timezone.now() - stale_after()
        return self.state == self.State.RUNNING and (beat is None or beat < limit)

    @property
    def expired(self) -> bool:
        """Past its expiry (its file may stay on disk until the beat task deletes it)."""
        return self.expires_at is not None and self.expires_at <= timezone.now()
