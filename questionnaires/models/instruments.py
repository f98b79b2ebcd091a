"""Instruments: versions frozen once used, sections, questions, Likert blocks sharing a scale.

Texts are per language: a JSON object {"en": "…", "fr": "…"}; English is always present.
Question metadata hangs off InstrumentVersion so that a frozen version never changes.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
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

    @property
    def latest_version(self) -> InstrumentVersion | None:
        """Reads the prefetched versions when there are (selectors.instrument_list)."""
        return max(self.versions.all(), key=lambda v: v.number, default=None)

    @property
    def title(self) -> str:
        """The latest version's title in the page's language (the key when it has none)."""
        latest = self.latest_version
        return (localized(latest.title, get_language() or "en") if latest else "") or self.key


class InstrumentVersion(models.Model):
    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    languages = models.JSONField(default=list)
    title = models.JSONField(default=dict)
    subtitle = models.JSONField(default=dict, blank=True)
    introduction = models.JSONField(default=dict, blank=True)
    closing = models.JSONField(default=dict, blank=True)
    # {"notice": {lang: text}, "checkbox": {lang: text}}; empty: no consent page.
    consent = models.JSONField(default=dict, blank=True)
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
    # Skip logic: shown only when earlier answers meet this condition (questionnaires.conditions).
    show_if = models.JSONField(null=True, blank=True)

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
        FILE = "file", _("File upload")

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
    # File questions: the types accepted (questionnaires.files.FILE_TYPES; empty: all of them)
    # and the largest file in bytes (None: settings.FILE_ANSWER_MAX_BYTES).
    accept = models.JSONField(default=list, blank=True)
    max_size = models.PositiveIntegerField(null=True, blank=True)
    # Skip logic: asked only when earlier answers meet this condition (questionnaires.conditions).
    show_if = models.JSONField(null=True, blank=True)
    notes = models.JSONField(default=list, blank=True)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["version", "section__order", "order"]
        constraints = [
            models.UniqueConstraint(fields=["version", "key"], name="question_key_unique"),
        ]

    def __str__(self) -> str:
        return self.key

    @property
    def ref(self) -> str:
        """How the team names the question in lists and exports: its section's and its own
        printed numbers ("A1", "B1": two "1)" of different sections never look alike), else its
        key (a "•" or unnumbered question). Load `section` with the question."""
        return question_ref(section_label=self.section.label, label=self.label, key=self.key)


def question_ref(*, section_label: str, label: str, key: str) -> str:
    """ "A)" and "1)" give "A1"; the key when either is not a short letter or number."""
    section, number = (part.strip().strip("().:").strip() for part in (section_label, label))
    if section.isalnum() and number.isalnum() and len(section) <= 3 and len(number) <= 4:
        return f"{section}{number}"
    return key


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
