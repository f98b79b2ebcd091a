"""Distributions sent out, their attachments, personal links with their history, and the
e-mails sent to them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from evaluations.models import Evaluation
from questionnaires import links
from questionnaires.models.instruments import InstrumentVersion


class Distribution(models.Model):
    """A frozen version sent to people, with a deadline and a confidentiality mode."""

    class Confidentiality(models.TextChoices):
        TEAM = "team", _("The whole evaluation team")
        LEAD = "lead", _("The lead evaluator only")
        ANONYMOUS = "anonymous", _("Anonymous")
        RESPONDENT = "respondent", _("The respondent chooses: lead evaluator only or whole team")

    evaluation = models.ForeignKey(
        Evaluation, on_delete=models.CASCADE, related_name="distributions"
    )
    version = models.ForeignKey(
        InstrumentVersion, on_delete=models.PROTECT, related_name="distributions"
    )
    title = models.CharField(_("title"), max_length=300)
    confidentiality = models.CharField(
        _("who reads the answers"),
        max_length=10,
        choices=Confidentiality.choices,
        default=Confidentiality.TEAM,
    )
    languages = models.JSONField(_("languages"), default=list)
    deadline = models.DateTimeField(
        _("deadline"), null=True, blank=True, help_text=_("Answers after it are marked late.")
    )
    closes_at = models.DateTimeField(
        _("closes"),
        null=True,
        blank=True,
        help_text=_("After it the form no longer accepts answers."),
    )
    time_zone = models.CharField(
        _("time zone of the deadline"),
        max_length=64,
        default="UTC",
        help_text=_("The deadline is shown to respondents in this zone, e.g. Europe/Zurich."),
    )
    # The audience as a saved registry query: {"groups": [codes], "countries": [ISO codes],
    # "regions": [codes], "offices": [ids], "tags": [names]}; empty for a hand-made list.
    audience = models.JSONField(_("audience"), default=dict, blank=True)
    sender_name = models.CharField(_("sender name"), max_length=200, blank=True)
    reply_to = models.EmailField(_("reply-to address"), blank=True)
    invitation_subject = models.CharField(_("invitation subject"), max_length=300, blank=True)
    invitation_body = models.TextField(_("invitation message"), blank=True)
    reminder_subject = models.CharField(_("reminder subject"), max_length=300, blank=True)
    reminder_body = models.TextField(_("reminder message"), blank=True)
    reminder_days = models.JSONField(
        _("reminders, days before the deadline"),
        default=list,
        blank=True,
        help_text=_("e.g. 5, 2: a reminder five days and two days before the deadline."),
    )
    max_reminders = models.PositiveSmallIntegerField(
        _("at most this many reminders per person"), default=2
    )
    sent_at = models.DateTimeField(_("invitations sent"), null=True, blank=True)
    # Responses locked by the lead once the report is final: no submissions, entries or edits.
    responses_locked_at = models.DateTimeField(null=True, blank=True)
    responses_locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    responses_lock_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title


class DistributionAttachment(models.Model):
    """A file sent with the invitation to a group of recipients (e.g. each country's draft
    summary to check): those whose snapshot attribute `attribute` equals `value`, or everyone
    when the attribute is empty."""

    distribution = models.ForeignKey(
        Distribution, on_delete=models.CASCADE, related_name="attachments"
    )
    attribute = models.CharField(_("recipients whose"), max_length=40, blank=True)
    value = models.CharField(_("is"), max_length=200, blank=True)
    file = models.FileField(upload_to="attachments/%Y/%m/")
    filename = models.CharField(max_length=255)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["attribute", "value", "filename"]

    def __str__(self) -> str:
        return self.filename


class Invitation(models.Model):
    """One person's personal link to a distribution."""

    class Status(models.TextChoices):
        CREATED = "created", _("Created")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Sending failed")
        OPENED = "opened", _("Link opened")
        STARTED = "started", _("Started")
        SUBMITTED = "submitted", _("Submitted")
        RETURNED = "returned", _("Returned (entered by the team)")
        DECLINED = "declined", _("Declined")
        EXCLUDED = "excluded", _("Excluded by the team")
        REVOKED = "revoked", _("Link revoked")

    class Channel(models.TextChoices):
        WEB = "web", _("Web link by e-mail")
        FILE = "file", _("Questionnaire file by e-mail, to be returned")
        PHONE = "phone", _("Phone")
        OPEN = "open", _("Open link")

    # What the team may choose for a recipient: "open" is set by the open link only.
    PLANNED_CHANNELS = (Channel.WEB, Channel.FILE, Channel.PHONE)
    # A reply is in: online, or keyed in by the team from e-mail, phone or paper.
    RESPONDED = frozenset({Status.SUBMITTED, Status.RETURNED})
    # Waiting for a reply after the invitation went out: these get reminders.
    REMINDABLE = frozenset({Status.SENT, Status.OPENED, Status.STARTED})

    distribution = models.ForeignKey(
        Distribution, on_delete=models.CASCADE, related_name="invitations"
    )
    # The link's token is the selector + a secret derived from it under SECRET_KEY, never
    # stored (questionnaires.links); links made before that keep only their token's SHA-256.
    selector = models.CharField(max_length=16, unique=True, editable=False)
    legacy_token_hash = models.CharField(max_length=64, blank=True, editable=False)
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("e-mail address"), blank=True)
    language = models.CharField(_("language"), max_length=8, default="en")
    attributes = models.JSONField(
        _("respondent attributes"),
        default=dict,
        blank=True,
        help_text=_("Region, country, office type … copied onto the response for analysis."),
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.CREATED)
    person = models.ForeignKey(
        "stakeholders.Person",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="invitations",
    )
    channel = models.CharField(
        _("channel"), max_length=5, choices=Channel.choices, default=Channel.WEB
    )
    reason = models.TextField(
        _("reason"), blank=True, help_text=_("Why the person declined or was excluded.")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    reminders_sent = models.PositiveSmallIntegerField(default=0)
    last_reminder_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["distribution", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["distribution", "person"], name="invitation_once_per_person"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.distribution})"

    @property
    def token(self) -> str:
        """The token of the personal link (/r/<token>/), computed: it is not stored."""
        return links.link_token(self.selector)


class InvitationEvent(models.Model):
    """One step in an invitation's history: created, sent, opened, reminded, declined …"""

    invitation = models.ForeignKey(Invitation, on_delete=models.CASCADE, related_name="events")
    status = models.CharField(max_length=20)
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["invitation", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.status} {self.at:%Y-%m-%d %H:%M}"


class Message(models.Model):
    """One e-mail to one recipient, recorded before it is sent. Its key is unique, so a
    retried or repeated task finds the message instead of making a second one."""

    class Kind(models.TextChoices):
        INVITATION = "invitation", _("Invitation")
        REMINDER = "reminder", _("Reminder")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Not sent (no longer needed)")

    key = models.CharField(max_length=120, unique=True)
    distribution = models.ForeignKey(
        Distribution, on_delete=models.CASCADE, related_name="messages"
    )
    invitation = models.ForeignKey(
        Invitation, null=True, on_delete=models.SET_NULL, related_name="messages"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    recipient = models.CharField(_("to"), max_length=320)
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("message"))
    attachments = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    # Handed to the broker (the sweep re-hands a queued message only well after this).
    dispatched_at = models.DateTimeField(null=True, blank=True)
    # Taken by a worker: a message still "sending" long after this was interrupted.
    claimed_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["distribution", "status"])]

    def __str__(self) -> str:
        return f"{self.kind} to {self.recipient}"
