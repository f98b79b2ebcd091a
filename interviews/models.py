"""The interview log: interviews of an evaluation, who took part (with the affiliation that
held on the day, copied), who interviewed, notes per guide question, and the coverage plan.

A participant is a registry person or an unnamed group with a headcount (unknown allowed);
counts are of distinct people, and an unknown group size is never counted as 0 or 1."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from common.models import ImportJobBase
from evaluations.models import Evaluation
from stakeholders.models import Country, Region, StakeholderGroup

# How an interview without a date shows its date, on every page, export and API answer.
DATE_UNKNOWN = _("date unknown")


class ReportingCategory(models.Model):
    """A row of the evaluation's overview table (a place, region or constituent group)."""

    evaluation = models.ForeignKey(
        Evaluation, on_delete=models.CASCADE, related_name="reporting_categories"
    )
    name = models.CharField(_("name"), max_length=200)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["evaluation", "order", "name"]
        verbose_name_plural = _("reporting categories")
        constraints = [
            models.UniqueConstraint(
                Lower("name"), "evaluation", name="reporting_category_unique_ci"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class CategoryRule(models.Model):
    """ "An interview with a participant whose stakeholder group is Government goes in
    Governments": tried in order, the first that matches decides; an interview whose category
    was set by hand is left alone."""

    class Field(models.TextChoices):
        PARTICIPANT_GROUP = "participant_group", _("a participant's stakeholder group is")
        GROUPING = "grouping", _("the interview's grouping (heading) is")
        OFFICE_REGION = "office_region", _("a participant's office is in the region")
        REGION = "region", _("the interview's region is")
        COUNTRY = "country", _("the interview's country is")
        MODE = "mode", _("the interview's mode is")
        ANY = "any", _("any interview (the fallback)")

    evaluation = models.ForeignKey(
        Evaluation, on_delete=models.CASCADE, related_name="category_rules"
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    field = models.CharField(_("when"), max_length=20, choices=Field.choices)
    value = models.CharField(
        _("value"),
        max_length=200,
        blank=True,
        help_text=_("A group's code or name, a grouping, a region or country name, a mode."),
    )
    category = models.ForeignKey(
        ReportingCategory,
        on_delete=models.CASCADE,
        related_name="rules",
        verbose_name=_("then the category is"),
    )

    class Meta:
        ordering = ["evaluation", "order", "pk"]
        db_table = "reports_categoryrule"  # created by the reports app, which first held it

    def __str__(self) -> str:
        return rule_texts([self])[0]


class Interview(models.Model):
    """One interview (an event): a date or a date range, where, how, with whom."""

    class Mode(models.TextChoices):
        IN_PERSON = "in_person", _("In person")
        VIDEO = "video", _("Video call")
        PHONE = "phone", _("Phone")
        EMAIL = "email", _("E-mail exchange")
        FIELD_VISIT = "field_visit", _("Field visit")
        FOCUS_GROUP = "focus_group", _("Focus group")
        DEBRIEF = "debrief", _("Debrief")

    class Kind(models.TextChoices):
        INDIVIDUAL = "individual", _("Individual")
        GROUP = "group", _("Group")

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="interviews")
    # Empty when the date is not known (a list of persons interviewed printed without dates):
    # shown as "date unknown", sorted last, counted like any other interview.
    date = models.DateField(_("date"), null=True, blank=True)
    date_end = models.DateField(
        _("until"), null=True, blank=True, help_text=_("For an interview over several days.")
    )
    grouping = models.CharField(
        _("grouping"),
        max_length=200,
        blank=True,
        help_text=_("The heading the list of persons interviewed shows it under, e.g. a place."),
    )
    venue = models.CharField(_("venue / city"), max_length=200, blank=True)
    country = models.ForeignKey(
        "stakeholders.Country",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="interviews",
    )
    region = models.ForeignKey(
        "stakeholders.Region",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="interviews",
    )
    mode = models.CharField(_("mode"), max_length=12, choices=Mode.choices)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    category = models.ForeignKey(
        ReportingCategory,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="interviews",
        verbose_name=_("reporting category"),
    )
    # Set by a member (or the import's Category column): the category rules leave it alone.
    category_by_hand = models.BooleanField(_("category set by hand"), default=False)
    follow_up_of = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="follow_ups",
        verbose_name=_("follow-up of"),
    )
    about = models.TextField(_("about"), blank=True, help_text=_("e.g. about the Bangkok office"))
    referred_by = models.ForeignKey(
        "stakeholders.Person",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="referrals",
        verbose_name=_("referred by"),
    )
    guide_version = models.ForeignKey(
        "questionnaires.InstrumentVersion",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="interviews",
        verbose_name=_("interview guide"),
    )
    # The guide's declared attributes for this interview (e.g. {"interviewee_type": "M_GMG"}):
    # only the guide questions that apply to them are offered for notes.
    guide_attributes = models.JSONField(_("interviewee type"), default=dict, blank=True)
    excluded = models.BooleanField(_("excluded from tables"), default=False)
    excluded_reason = models.TextField(_("why excluded"), blank=True)
    source = models.CharField(
        _("source"), max_length=300, blank=True, help_text=_("e.g. import: log.xlsx row 12")
    )
    # Set by an import (file and row, or the row's content): a second import of the same file
    # finds it and creates nothing. Null, not "", when not imported: unique only when set.
    import_key = models.CharField(  # noqa: DJ001
        max_length=200, null=True, blank=True, editable=False
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Edit conflicts (README, "History and personal data"): bumped by every service write; an edit
    # based on an older revision is refused.
    revision = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["evaluation", F("date").asc(nulls_last=True), "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(date_end__isnull=True)
                | (Q(date__isnull=False) & Q(date_end__gte=F("date"))),
                name="interview_ends_after_start",
            ),
            models.UniqueConstraint(
                fields=["evaluation", "import_key"],
                condition=Q(import_key__isnull=False),
                name="interview_import_key_unique",
            ),
        ]
        indexes = [models.Index(fields=["evaluation", "date"])]

    def __str__(self) -> str:
        where = self.grouping or self.venue
        if self.date is None:
            return str(_("Interview, date unknown")) + (f" ({where})" if where else "")
        return _("Interview of %(when)s") % {"when": self.when()} + (f" ({where})" if where else "")

    def when(self, format: str = "j M Y", dash: str = "–") -> str:
        """The day or days as people read them ("15 Mar 2013–17 Mar 2013"), never 03/04 (which
        is the month?); "date unknown" when the list it came from printed no date."""
        if self.date is None:
            return str(DATE_UNKNOWN)
        when = date_format(self.date, format)
        if self.date_end and self.date_end != self.date:
            when = f"{when}{dash}{date_format(self.date_end, format)}"
        return when


class Participation(models.Model):
    """Who took part: a registry person with the affiliation of the day (copied, so later
    job changes do not rewrite history), or an unnamed group with its headcount."""

    interview = models.ForeignKey(
        Interview, on_delete=models.CASCADE, related_name="participations"
    )
    person = models.ForeignKey(
        "stakeholders.Person",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="participations",
    )
    organisation = models.ForeignKey(
        "stakeholders.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="participations",
    )
    organisation_name = models.CharField(_("organisation"), max_length=300, blank=True)
    unit = models.CharField(_("unit / department"), max_length=200, blank=True)
    job_title = models.CharField(_("job title"), max_length=200, blank=True)
    office = models.ForeignKey(
        "stakeholders.Office",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="participations",
    )
    country = models.ForeignKey(
        "stakeholders.Country",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="participations",
    )
    stakeholder_group = models.ForeignKey(
        "stakeholders.StakeholderGroup",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="participations",
    )
    group_label = models.CharField(
        _("group"), max_length=300, blank=True, help_text=_("e.g. Ministry of Labour delegation")
    )
    headcount = models.PositiveIntegerField(
        _("number of people"), null=True, blank=True, help_text=_("Empty when not known.")
    )
    original_text = models.TextField(_("as written"), blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["interview", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(person__isnull=False) & Q(group_label=""))
                | (Q(person__isnull=True) & ~Q(group_label="")),
                name="participation_person_or_group",
            ),
            models.CheckConstraint(
                condition=Q(headcount__isnull=True)
                | (Q(person__isnull=True) & Q(headcount__gte=1)),
                name="participation_headcount_of_group",
            ),
            models.UniqueConstraint(
                fields=["interview", "person"],
                condition=Q(person__isnull=False),
                name="participation_once_per_person",
            ),
        ]

    def __str__(self) -> str:
        if self.person_id:
            return str(self.person)
        if self.headcount:
            return f"{self.group_label} ({self.headcount})"
        return self.group_label

    @property
    def is_group(self) -> bool:
        return self.person_id is None


class Interviewer(models.Model):
    """A team member who conducted the interview, or the initials as written when unknown."""

    interview = models.ForeignKey(Interview, on_delete=models.CASCADE, related_name="interviewers")
    membership = models.ForeignKey(
        "evaluations.Membership",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="interviews_conducted",
    )
    initials = models.CharField(_("initials"), max_length=100, blank=True)

    class Meta:
        ordering = ["interview", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["interview", "membership"],
                condition=Q(membership__isnull=False),
                name="interviewer_once_per_member",
            ),
        ]

    def __str__(self) -> str:
        return self.initials or (str(self.membership.user) if self.membership_id else "?")


class InterviewNote(models.Model):
    """A note on an interview, on one question of its guide or free."""

    class Visibility(models.TextChoices):
        TEAM = "team", _("The whole evaluation team")
        LEAD = "lead", _("The lead evaluator only")

    interview = models.ForeignKey(Interview, on_delete=models.CASCADE, related_name="notes")
    question = models.ForeignKey(
        "questionnaires.Question",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="interview_notes",
    )
    text = models.TextField(_("note"))
    attribution = models.CharField(
        _("attribution"),
        max_length=300,
        blank=True,
        help_text=_("How to name the source when quoting, e.g. an ILO official in Bangkok."),
    )
    visibility = models.CharField(
        _("who reads it"), max_length=4, choices=Visibility.choices, default=Visibility.TEAM
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["interview", "created_at", "pk"]

    def __str__(self) -> str:
        return self.text[:60]


class CoverageTarget(models.Model):
    """How many of a stakeholder group, in a country or a region, the team plans to reach by a
    method. Reached is computed (selectors.coverage), never stored."""

    class Method(models.TextChoices):
        INTERVIEW = "interview", _("Interview")
        QUESTIONNAIRE = "questionnaire", _("Questionnaire")
        FOCUS_GROUP = "focus_group", _("Focus group")
        FIELD_VISIT = "field_visit", _("Field visit")

    evaluation = models.ForeignKey(
        Evaluation, on_delete=models.CASCADE, related_name="coverage_targets"
    )
    stakeholder_group = models.ForeignKey(
        "stakeholders.StakeholderGroup", on_delete=models.PROTECT, related_name="+"
    )
    country = models.ForeignKey(
        "stakeholders.Country", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    region = models.ForeignKey(
        "stakeholders.Region", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    method = models.CharField(_("method"), max_length=14, choices=Method.choices)
    planned = models.PositiveIntegerField(_("planned"))

    class Meta:
        ordering = ["evaluation", "stakeholder_group__order", "method", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(country__isnull=False) & Q(region__isnull=True))
                | (Q(country__isnull=True) & Q(region__isnull=False)),
                name="coverage_country_or_region",
            ),
            models.CheckConstraint(condition=Q(planned__gte=1), name="coverage_planned_positive"),
            models.UniqueConstraint(
                fields=["evaluation", "stakeholder_group", "country", "method"],
                condition=Q(country__isnull=False),
                name="coverage_unique_per_country",
            ),
            models.UniqueConstraint(
                fields=["evaluation", "stakeholder_group", "region", "method"],
                condition=Q(region__isnull=False),
                name="coverage_unique_per_region",
            ),
        ]

    def __str__(self) -> str:
        place = self.country or self.region
        return f"{self.stakeholder_group} × {place} × {self.get_method_display()}: {self.planned}"


class InterviewImportJob(ImportJobBase):
    """One uploaded "List of persons interviewed": dry-run, reviewed (near matches, group or
    person), then imported all or nothing into the evaluation's log. The decisions: row number
    -> "person:<id>" | "new" | "group" | "person"."""

    evaluation = models.ForeignKey(
        Evaluation, on_delete=models.CASCADE, related_name="interview_imports"
    )

    class Layout(models.TextChoices):
        COLUMNS = "columns", _("Columns (name, department, date, interviewers)")
        UNDATED = "undated", _("One column, without dates (headings, then names)")

    file = models.FileField(upload_to="imports/interviews/%Y/%m/")
    layout = models.CharField(
        _("layout"), max_length=10, choices=Layout.choices, default=Layout.COLUMNS
    )
    month_first = models.BooleanField(_("dates are month first"), default=False)
    # The last dry run (or the import): {"lines", "errors", "near_matches", "counts",
    # "already_imported", "sheets"} as plain JSON.
    report = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]


def rule_texts(rules: list[CategoryRule]) -> list[str]:
    """Each rule as people read it: "A participant's stakeholder group is Government →
    Governments", the value by its name in the registry (a code such as "government" stored
    in the rule) or its label (a mode); one query per kind of place or group named."""
    Field = CategoryRule.Field
    registry: dict[str, type[StakeholderGroup] | type[Region] | type[Country]] = {
        Field.PARTICIPANT_GROUP: StakeholderGroup,
        Field.OFFICE_REGION: Region,
        Field.REGION: Region,
        Field.COUNTRY: Country,
    }
    names: dict[tuple[object, str], str] = {}
    for model in {registry[r.field] for r in rules if r.field in registry and r.value}:
        wanted = [r.value for r in rules if registry.get(r.field) is model and r.value]
        found = model.objects.filter(
            Q(code__in=wanted) | Q(name__in=wanted) | Q(code__in=[w.lower() for w in wanted])
        ).values_list("code", "name")
        for code, name in found:
            names[model, code.casefold()] = names[model, name.casefold()] = name
    modes = {code: str(label) for code, label in Interview.Mode.choices}
    texts = []
    for rule in rules:
        value = rule.value
        if rule.field in registry:
            value = names.get((registry[rule.field], value.casefold()), value)
        elif rule.field == Field.MODE:
            value = modes.get(value.casefold(), value)
        parts = (capfirst(str(rule.get_field_display())), value, "→", str(rule.category))
        texts.append(" ".join(part for part in parts if part))
    return texts
