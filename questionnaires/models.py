"""Instruments: versions frozen once used, sections, questions, Likert blocks sharing a scale.

Texts are per language: a JSON object {"en": "…", "fr": "…"}; English is always present.
Question metadata hangs off InstrumentVersion so that a frozen version never changes.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from evaluations.models import Evaluation


def localized(value: dict[str, str] | None, language: str) -> str:
    """The text in `language`, falling back to English, then to empty."""
    if not value:
        return ""
    return value.get(language) or value.get("en", "")


class Instrument(models.Model):
    """A questionnaire or interview guide of an evaluation; its content lives in versions."""

    class Kind(models.TextChoices):
        QUESTIONNAIRE = "questionnaire", _("Questionnaire")
        INTERVIEW_GUIDE = "interview_guide", _("Interview guide")

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="instruments")
    key = models.SlugField(_("key"), max_length=80)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["evaluation", "key"]
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "key"], name="instrument_key_unique"),
        ]

    def __str__(self) -> str:
        return self.key


class InstrumentVersion(models.Model):
    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    languages = models.JSONField(default=list)
    title = models.JSONField(default=dict)
    subtitle = models.JSONField(default=dict, blank=True)
    introduction = models.JSONField(default=dict, blank=True)
    closing = models.JSONField(default=dict, blank=True)
    deadline_date = models.DateField(null=True, blank=True)
    deadline_text = models.JSONField(default=dict, blank=True)
    confidentiality_text = models.JSONField(default=dict, blank=True)
    source = models.CharField(max_length=300, blank=True)
    # Declared respondent attributes (for conditions), reply routes, attachments, template
    # variables, and printed details kept for a faithful rendering.
    attributes = models.JSONField(default=dict, blank=True)
    details = models.JSONField(default=dict, blank=True)
    frozen_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["instrument", "number"]
        constraints = [
            models.UniqueConstraint(fields=["instrument", "number"], name="version_number_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.instrument.key} v{self.number}"

    @property
    def is_frozen(self) -> bool:
        return self.frozen_at is not None


class Scale(models.Model):
    """An ordered answer scale, reusable within an evaluation; never edited once used."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="scales")
    key = models.SlugField(max_length=80)
    name = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["evaluation", "key"]
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "key"], name="scale_key_unique"),
        ]

    def __str__(self) -> str:
        return self.key


class ScalePoint(models.Model):
    """A point of a scale: in the scale with a numeric value, or outside it (Don't know)."""

    scale = models.ForeignKey(Scale, on_delete=models.CASCADE, related_name="points")
    order = models.PositiveSmallIntegerField()
    code = models.CharField(max_length=20)
    value = models.SmallIntegerField(null=True, blank=True)
    label = models.JSONField(default=dict)
    in_scale = models.BooleanField(default=True)

    class Meta:
        ordering = ["scale", "order"]
        constraints = [
            models.UniqueConstraint(fields=["scale", "code"], name="scale_point_code_unique"),
            models.CheckConstraint(
                condition=models.Q(in_scale=False) | models.Q(value__isnull=False),
                name="scale_point_in_scale_has_value",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {localized(self.label, 'en')}"


class Section(models.Model):
    version = models.ForeignKey(
        InstrumentVersion, on_delete=models.CASCADE, related_name="sections"
    )
    order = models.PositiveSmallIntegerField()
    key = models.CharField(max_length=40)
    label = models.CharField(max_length=40, blank=True)
    title = models.JSONField(default=dict, blank=True)
    introduction = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["version", "order"]
        constraints = [
            models.UniqueConstraint(fields=["version", "key"], name="section_key_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.label} {localized(self.title, 'en')}".strip()


class LikertBlock(models.Model):
    """Likert items of a section that share one scale and are shown as one matrix."""

    version = models.ForeignKey(InstrumentVersion, on_delete=models.CASCADE, related_name="blocks")
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="blocks")
    key = models.CharField(max_length=40)
    scale = models.ForeignKey(Scale, on_delete=models.PROTECT, related_name="blocks")

    class Meta:
        ordering = ["version", "section__order", "key"]
        constraints = [
            models.UniqueConstraint(fields=["version", "key"], name="block_key_unique"),
        ]

    def __str__(self) -> str:
        return self.key


class Question(models.Model):
    class Kind(models.TextChoices):
        SHORT_TEXT = "short_text", _("Short text")
        LONG_TEXT = "long_text", _("Long text")
        SINGLE_CHOICE = "single_choice", _("Single choice")
        MULTIPLE_CHOICE = "multiple_choice", _("Multiple choice")
        NUMBER = "number", _("Number")
        DATE = "date", _("Date")
        EMAIL = "email", _("E-mail")
        LIKERT = "likert", _("Likert item")
        INSTRUCTION = "instruction", _("Instruction (no answer)")

    version = models.ForeignKey(
        InstrumentVersion, on_delete=models.CASCADE, related_name="questions"
    )
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="questions")
    block = models.ForeignKey(
        LikertBlock, null=True, blank=True, on_delete=models.CASCADE, related_name="items"
    )
    order = models.PositiveSmallIntegerField()
    key = models.CharField(max_length=40, help_text=_("Stable id that answers are keyed on."))
    label = models.CharField(max_length=40, blank=True, help_text=_("As printed: 1), 5., (a), Q12"))
    kind = models.CharField(max_length=20, choices=Kind.choices)
    text = models.JSONField(default=dict)
    help_text = models.JSONField(default=dict, blank=True)
    prompt = models.JSONField(default=dict, blank=True)
    required = models.BooleanField(default=False)
    min_value = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    max_value = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    applies_to = models.JSONField(null=True, blank=True)
    notes = models.JSONField(default=list, blank=True)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["version", "section__order", "order"]
        constraints = [
            models.UniqueConstraint(fields=["version", "key"], name="question_key_unique"),
        ]

    def __str__(self) -> str:
        return self.key


class Choice(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    order = models.PositiveSmallIntegerField()
    code = models.CharField(max_length=40)
    label = models.JSONField(default=dict)
    is_other = models.BooleanField(default=False, help_text=_("“Other, please specify”"))

    class Meta:
        ordering = ["question", "order"]
        constraints = [
            models.UniqueConstraint(fields=["question", "code"], name="choice_code_unique"),
        ]

    def __str__(self) -> str:
        return self.code


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

    # A reply is in: online, or keyed in by the team from e-mail, phone or paper.
    RESPONDED = frozenset({Status.SUBMITTED, Status.RETURNED})
    # Waiting for a reply after the invitation went out: these get reminders.
    REMINDABLE = frozenset({Status.SENT, Status.OPENED, Status.STARTED})

    distribution = models.ForeignKey(
        Distribution, on_delete=models.CASCADE, related_name="invitations"
    )
    # The link's token is selector + secret; lookups use the selector, then compare the whole
    # token in constant time (services.invitation_by_token).
    selector = models.CharField(max_length=16, unique=True, editable=False)
    token = models.CharField(max_length=64, editable=False)
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


def response_id() -> str:
    return uuid.uuid4().hex


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

    class Meta:
        ordering = ["distribution", "submitted_at"]

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

    class Meta:
        ordering = ["response", "question"]
        constraints = [
            models.UniqueConstraint(
                fields=["response", "question"], name="answer_one_per_question"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.question.key}"
