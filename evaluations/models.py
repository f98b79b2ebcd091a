from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from common.moments import validate_time_zone

# Path words under /evaluations/ that a slug must not take.
RESERVED_SLUGS = frozenset({"new"})


def default_languages() -> list[str]:
    return ["en"]


class Evaluation(models.Model):
    """One evaluation: the container of its team, instruments, interviews and reports."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ACTIVE = "active", _("Active")
        CLOSED = "closed", _("Closed")

    title = models.CharField(_("title"), max_length=300)
    slug = models.SlugField(
        _("short name"),
        max_length=80,
        unique=True,
        help_text=_("Used in addresses, e.g. migration-strategy-2008. Letters, digits, hyphens."),
    )
    short_title = models.CharField(
        _("short title"),
        max_length=80,
        blank=True,
        help_text=_(
            "Used where the title is too long: e-mail subjects, narrow screens. "
            "E.g. Migrant workers strategy 2019-2024."
        ),
    )
    description = models.TextField(_("description"), blank=True)
    period_start = models.DateField(_("period covered from"), null=True, blank=True)
    period_end = models.DateField(_("period covered to"), null=True, blank=True)
    collection_start = models.DateField(_("data collection from"), null=True, blank=True)
    collection_end = models.DateField(_("data collection to"), null=True, blank=True)
    languages = models.JSONField(
        _("languages"),
        default=default_languages,
        help_text=_("Languages the instruments are offered in; English is always one of them."),
    )
    small_cell_threshold = models.PositiveSmallIntegerField(
        _("small-cell threshold"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("Aggregates built from fewer respondents than this are suppressed."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        default="UTC",
        validators=[validate_time_zone],
        help_text=_(
            "Times of the evaluation (interviews logged, downloads, history) are shown in this "
            "zone, e.g. Europe/Zurich; a questionnaire's deadline in its own."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The interview log, locked by the lead once the report is final: reads and exports go on,
    # writes are refused with the reason.
    interview_log_locked_at = models.DateTimeField(null=True, blank=True)
    interview_log_locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    interview_log_lock_reason = models.TextField(blank=True)
    # A legal hold forbids erasing anyone who appears in the evaluation.
    legal_hold = models.BooleanField(_("legal hold"), default=False)
    legal_hold_reason = models.TextField(_("why on legal hold"), blank=True)
    # Retention: personal data may be erased N months after the report (on confirmation).
    report_date = models.DateField(_("report date"), null=True, blank=True)
    retention_months = models.PositiveSmallIntegerField(
        _("keep personal data for (months after the report)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(600)],
    )
    # Revisions of the plans edited as a whole (edit conflicts): the coverage plan, the rules.
    coverage_revision = models.PositiveIntegerField(default=1, editable=False)
    rules_revision = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["-created_at", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_start__isnull=True)
                | Q(period_end__isnull=True)
                | Q(period_end__gte=F("period_start")),
                name="evaluation_period_ordered",
            ),
            models.CheckConstraint(
                condition=Q(collection_start__isnull=True)
                | Q(collection_end__isnull=True)
                | Q(collection_end__gte=F("collection_start")),
                name="evaluation_collection_ordered",
            ),
            models.CheckConstraint(
                condition=Q(small_cell_threshold__gte=1), name="evaluation_threshold_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("evaluations:detail", kwargs={"slug": self.slug})

    @property
    def short(self) -> str:
        """The short title, or the title when it has none."""
        return self.short_title or self.title

    @property
    def my_role_display(self) -> str:
        """The label of the `my_role` annotation made by selectors.evaluation_list."""
        role = getattr(self, "my_role", None)
        return str(Membership.Role(role).label) if role else ""

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.period_start and self.period_end and self.period_end < self.period_start:
            errors["period_end"] = _("The period covered cannot end before it starts.")
        if (
            self.collection_start
            and self.collection_end
            and self.collection_end < self.collection_start
        ):
            errors["collection_end"] = _("Data collection cannot end before it starts.")
        if self.slug in RESERVED_SLUGS:
            errors["slug"] = _("“%(slug)s” is a reserved word; choose another.") % {
                "slug": self.slug
            }
        known = {code for code, _name in settings.LANGUAGES}
        if not isinstance(self.languages, list) or not all(
            isinstance(code, str) for code in self.languages
        ):
            errors["languages"] = _("Languages must be a list of language codes.")
        else:
            unknown = sorted(set(self.languages) - known)
            if unknown:
                errors["languages"] = _(
                    "Unknown language code(s): %(codes)s. Known: %(known)s."
                ) % {
                    "codes": ", ".join(unknown),
                    "known": ", ".join(sorted(known)),
                }
            elif "en" not in self.languages:
                errors["languages"] = _("English (en) must be one of the languages.")
        if errors:
            raise ValidationError(errors)


# What the lead may change on an evaluation: the form, the API and the service agree on it.
EVALUATION_EDITABLE_FIELDS = (
    "title",
    "short_title",
    "slug",
    "description",
    "period_start",
    "period_end",
    "collection_start",
    "collection_end",
    "languages",
    "small_cell_threshold",
    "status",
    "time_zone",
    "report_date",
    "retention_months",
)


class Membership(models.Model):
    """A user's role in one evaluation."""

    class Role(models.TextChoices):
        LEAD = "lead", _("Lead evaluator")
        EVALUATOR = "evaluator", _("Evaluator")
        DATA_ENTRY = "data_entry", _("Data entry")
        VIEWER = "viewer", _("Viewer")

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    initials = models.CharField(
        _("initials"),
        max_length=12,
        blank=True,
        help_text=_("As written in interview logs, e.g. AX or BvdY. Unique in the evaluation."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["evaluation", "user__name", "user__email"]
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "user"], name="membership_one_per_user"),
            models.UniqueConstraint(
                Lower("initials"),
                "evaluation",
                condition=~Q(initials=""),
                name="membership_initials_unique_ci",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()}) in {self.evaluation}"
