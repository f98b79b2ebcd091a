"""From evidence to findings: the evaluation matrix (criteria, evaluation questions and their
planned sources), the codebook, codings of open answers and interview notes, and the words a
report uses for a share of people."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from evaluations.models import Evaluation

MAX_CODE_DEPTH = 3


class Criterion(models.Model):
    """An evaluation criterion (relevance, effectiveness …): a short label and a description."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="criteria")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    label = models.CharField(_("short label"), max_length=80)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["evaluation", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "label"], name="criterion_label_unique")
        ]

    def __str__(self) -> str:
        return self.label


class EvaluationQuestion(models.Model):
    """A question the evaluation answers, under a criterion, numbered as the ToR print it."""

    evaluation = models.ForeignKey(
        Evaluation, on_delete=models.CASCADE, related_name="evaluation_questions"
    )
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="questions")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    number = models.CharField(_("number"), max_length=20, help_text=_("e.g. a.3"))
    text = models.TextField(_("question"))

    class Meta:
        ordering = ["criterion__order", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["evaluation", "number"], name="evaluation_question_number_unique"
            )
        ]

    def __str__(self) -> str:
        return self.number


class PlannedSource(models.Model):
    """Where an evaluation question's answer is to come from: an instrument question (any
    version, questionnaire or interview guide), a stakeholder group to hear, or a document."""

    class Kind(models.TextChoices):
        QUESTION = "question", _("Instrument question")
        GROUP = "group", _("Stakeholder group")
        DOCUMENT = "document", _("Document")

    question = models.ForeignKey(
        EvaluationQuestion, on_delete=models.CASCADE, related_name="sources"
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    # A draft version's questions go when the draft is replaced (questionnaires'
    # instrument_load): its planned sources go with them, recorded in the history; the matrix
    # file names them by key, so importing it again links the new draft's questions.
    instrument_question = models.ForeignKey(
        "questionnaires.Question",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="planned_for",
    )
    # The registry deletes only groups nobody belongs to (stakeholders.services.group_delete);
    # a source planning to hear one goes with it, recorded in the history.
    stakeholder_group = models.ForeignKey(
        "stakeholders.StakeholderGroup",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="planned_for",
    )
    document = models.TextField(_("document"), blank=True)

    class Meta:
        ordering = ["question", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind="question", instrument_question__isnull=False, stakeholder_group=None)
                    | Q(kind="group", stakeholder_group__isnull=False, instrument_question=None)
                    | Q(kind="document", instrument_question=None, stakeholder_group=None)
                ),
                name="planned_source_one_kind",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.instrument_question_id or self.stakeholder_group_id or ''}"


def code_guid() -> uuid.UUID:
    return uuid.uuid4()


class Code(models.Model):
    """A code of the evaluation's codebook, under an optional parent (three levels at most).
    Its GUID is the one REFI-QDA files carry: kept from an imported codebook."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="codes")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    guid = models.UUIDField(default=code_guid, editable=False)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    color = models.CharField(_("colour"), max_length=7, blank=True, help_text="#RRGGBB")
    questions = models.ManyToManyField(
        EvaluationQuestion, blank=True, related_name="codes", verbose_name=_("evaluation questions")
    )

    class Meta:
        ordering = ["evaluation", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "guid"], name="code_guid_unique"),
            # Two partial indexes rather than NULLS NOT DISTINCT, which SQLite lacks.
            models.UniqueConstraint(
                fields=["evaluation", "parent", "name"],
                condition=Q(parent__isnull=False),
                name="code_name_unique_under_parent",
            ),
            models.UniqueConstraint(
                fields=["evaluation", "name"],
                condition=Q(parent__isnull=True),
                name="code_name_unique_at_top",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Coding(models.Model):
    """An excerpt (offsets into the source's text, and the text) of one open answer or one
    interview note, with the codes applied to it. `lead_only` copies the source's routing when
    coded: such a coding is shown only to the lead (others see it in tallies, suppressed)."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="codings")
    answer = models.ForeignKey(
        "questionnaires.Answer",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="codings",
    )
    note = models.ForeignKey(
        "interviews.InterviewNote",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="codings",
    )
    start = models.PositiveIntegerField(_("start"))
    end = models.PositiveIntegerField(_("end"))
    text = models.TextField(_("excerpt"))
    memo = models.TextField(_("memo"), blank=True)
    codes = models.ManyToManyField(Code, related_name="codings", verbose_name=_("codes"))
    lead_only = models.BooleanField(default=False, editable=False)
    coder = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["evaluation", "created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(answer__isnull=False, note=None) | Q(answer=None, note__isnull=False)),
                name="coding_one_source",
            ),
            models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="coding_span"),
        ]

    def __str__(self) -> str:
        # Never the excerpt: this name is what the history and the admin show.
        return f"coding {self.pk}"


class ShareWords(models.Model):
    """Where the words a report uses for a share of people change, in percent of n, per
    evaluation (analysis.wording; defaults when an evaluation has none). "A majority" is
    always more than half."""

    evaluation = models.OneToOneField(
        Evaluation, on_delete=models.CASCADE, related_name="share_words"
    )
    few_below = models.PositiveSmallIntegerField(_("“few” below (%)"), default=20)
    quarter_below = models.PositiveSmallIntegerField(_("“about a quarter” below (%)"), default=30)
    third_below = models.PositiveSmallIntegerField(_("“about a third” below (%)"), default=42)
    most_from = models.PositiveSmallIntegerField(_("“most” from (%)"), default=75)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(few_below__lte=models.F("quarter_below"))
                & Q(quarter_below__lte=models.F("third_below"))
                & Q(third_below__lte=50)
                & Q(most_from__gt=50)
                & Q(most_from__lte=100),
                name="share_words_ordered",
            )
        ]

    def __str__(self) -> str:
        return f"share words of {self.evaluation_id}"


# --- the criteria grid -------------------------------------------------------------------------


class RatingScale(models.Model):
    """The levels an assessment may be rated on, in order (e.g. "Highly satisfactory" …
    "Unsatisfactory"); none (the default, as the seeds' reports): the grid is text only."""

    evaluation = models.OneToOneField(
        Evaluation, on_delete=models.CASCADE, related_name="rating_scale"
    )
    levels = models.JSONField(_("levels"), default=list, blank=True)

    def __str__(self) -> str:
        return f"rating scale of {self.evaluation_id}"


class AssessedUnit(models.Model):
    """What the criteria grid assesses one by one: a case study, a project or a country."""

    class Kind(models.TextChoices):
        CASE_STUDY = "case_study", _("Case study")
        PROJECT = "project", _("Project")
        COUNTRY = "country", _("Country")
        OTHER = "other", _("Other")

    evaluation = models.ForeignKey(
        Evaluation, on_delete=models.CASCADE, related_name="assessed_units"
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.CASE_STUDY)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["evaluation", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "name"], name="assessed_unit_unique")
        ]

    def __str__(self) -> str:
        return self.name


class Assessment(models.Model):
    """One unit against one criterion: a free-text assessment, an optional rating on the
    evaluation's scale, and its sources. "No detailed information available" is a state of
    its own, distinct from "not yet assessed" (no row, or a row set back to it)."""

    class State(models.TextChoices):
        PENDING = "pending", _("Not yet assessed")
        ASSESSED = "assessed", _("Assessed")
        NO_INFORMATION = "no_information", _("No detailed information available")

    unit = models.ForeignKey(AssessedUnit, on_delete=models.CASCADE, related_name="assessments")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="assessments")
    state = models.CharField(
        _("state"), max_length=16, choices=State.choices, default=State.PENDING
    )
    text = models.TextField(_("assessment"), blank=True)
    rating = models.CharField(_("rating"), max_length=80, blank=True)
    documents = models.TextField(_("documents"), blank=True, help_text=_("One per line."))
    codings = models.ManyToManyField(
        Coding, blank=True, related_name="assessments", verbose_name=_("coded excerpts")
    )
    interviews = models.ManyToManyField(
        "interviews.Interview", blank=True, related_name="assessments", verbose_name=_("interviews")
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["unit", "criterion__order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "criterion"], name="assessment_unique")
        ]

    def __str__(self) -> str:
        return f"assessment {self.pk}"
