"""Corrections of submitted responses: a respondent's request to reopen, the lead's decision,
and the reopened response's answers while they are corrected (README, "Corrections")."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from questionnaires.models.responses import Response


class Correction(models.Model):
    """One round of correcting a submitted response: asked for (by the respondent), open
    (reopened: the answers are being corrected), declined, or done (resubmitted).

    The response stays submitted with its answers while a correction is open: tables count
    the previous submission until the corrected one replaces it. The corrected answers wait
    in `draft` (by question key, as the API takes them)."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Asked for")
        OPEN = "open", _("Reopened")
        DECLINED = "declined", _("Declined")
        DONE = "done", _("Resubmitted")

    ACTIVE = (Status.REQUESTED, Status.OPEN)

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="corrections")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.REQUESTED)
    message = models.TextField(
        _("message"), blank=True, help_text=_("What the respondent wrote when asking.")
    )
    reason = models.TextField(
        _("reason"), blank=True, help_text=_("Why the team reopened it, or declined.")
    )
    requested_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    resubmitted_at = models.DateTimeField(null=True, blank=True)
    draft = models.JSONField(default=dict, blank=True)
    # As Response.page_saved_at: an autosave from a page shown before then is stale.
    page_saved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["response", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["response"],
                condition=Q(status__in=["requested", "open"]),
                name="correction_one_active",
            ),
        ]

    def __str__(self) -> str:
        return f"correction of {self.response_id[:8]} ({self.status})"
