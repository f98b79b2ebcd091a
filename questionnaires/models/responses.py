"""Responses to a distribution, and their answers, one row per question."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from questionnaires.models.distributions import Distribution, Invitation
from questionnaires.models.instruments import InstrumentVersion, Question


def response_id() -> str:
    return uuid.uuid4().hex


def answer_file_name(_answer: object, filename: str) -> str:
    """Where an uploaded answer file is kept: a random name, with the extension of the type
    its content showed (the service passes "answer.<ext>", never the client's name)."""
    extension = filename.rsplit(".", 1)[-1] if "." in filename else "bin"
    return f"answer-files/{uuid.uuid4().hex}.{extension[:8]}"


class Response(models.Model):
    """One person's answers to a version. Random ids: their order says nothing of who."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")

    class Channel(models.TextChoices):
        WEB = "web", _("Online form")
        EMAIL = "email", _("Returned by e-mail")
        PHONE = "phone", _("Phone interview")
        PAPER = "paper", _("Paper")
        OPEN = "open", _("Open link")

    id = models.CharField(primary_key=True, max_length=32, default=response_id, editable=False)
    distribution = models.ForeignKey(
        Distribution, on_delete=models.CASCADE, related_name="responses"
    )
    version = models.ForeignKey(
        InstrumentVersion, on_delete=models.PROTECT, related_name="responses"
    )
    # Cut (set to null) at submission when the distribution is anonymous.
    invitation = models.OneToOneField(
        Invitation, null=True, blank=True, on_delete=models.SET_NULL, related_name="response"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.WEB)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The team member who keyed it in on the respondent's behalf."),
    )
    language = models.CharField(max_length=8, default="en")
    attributes = models.JSONField(default=dict, blank=True)
    returned_file = models.FileField(upload_to="returned/%Y/%m/", blank=True)
    late = models.BooleanField(default=False)
    route = models.CharField(
        _("sent to"),
        max_length=10,
        blank=True,
        choices=[("lead", _("The lead evaluator only")), ("team", _("The whole evaluation team"))],
        help_text=_("Who the respondent chose to read the answers, where they had the choice."),
    )
    started_at = models.DateTimeField(null=True, blank=True)
    last_saved_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    page_saved_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text=_(
            "When a page of the form was last saved with its button: an autosave sent from a "
            "page shown before then is stale, and refused."
        ),
    )
    consented_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text=_(
            "When the respondent agreed to the privacy notice (the day only for an anonymous "
            "distribution)."
        ),
    )
    document = models.JSONField(
        default=dict,
        blank=True,
        help_text=_(
            "The answers as one document, by question key (questionnaires.documents): what "
            "the raw export reads. Kept equal to the answer rows by the services that write them."
        ),
    )

    class Meta:
        ordering = ["distribution", "submitted_at"]
        # The raw export reads a distribution's responses in batches by id (keyset).
        indexes = [models.Index(fields=["distribution", "id"], name="response_distribution_id")]

    def __str__(self) -> str:
        return f"response {self.pk[:8]}"

    @property
    def confidentiality(self) -> str:
        """Who may read it: the respondent's choice where they had one (lead until they
        chose), else the distribution's mode."""
        mode = self.distribution.confidentiality
        if mode == Distribution.Confidentiality.RESPONDENT:
            return self.route or Distribution.Confidentiality.LEAD
        return mode


class Answer(models.Model):
    """One typed value per question, so aggregation is a GROUP BY on question and value."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    text = models.TextField(blank=True, help_text=_("Text answers, and what was typed."))
    number = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    date = models.DateField(null=True, blank=True)
    choice = models.CharField(max_length=40, blank=True, help_text=_("Choice or scale code"))
    choices = models.JSONField(default=list, blank=True)
    # A file question's answer: the stored file (its name given by the service); `text` holds
    # the name the respondent's file had, shown to them and to the team.
    # db_default: rows inserted in SQL without it (bench.synthetic) have none.
    file = models.FileField(upload_to=answer_file_name, max_length=200, blank=True, db_default="")
    file_size = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["response", "question"]
        constraints = [
            models.UniqueConstraint(
                fields=["response", "question"], name="answer_one_per_question"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.question.key}"
