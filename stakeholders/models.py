"""The stakeholder registry, shared by every evaluation: places, organisations, people and
their affiliations over time. Names are matched through their normalised form
(`common.names.normalise`), stored beside the name so lookups are indexed."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from common.models import ImportJobBase


class Region(models.Model):
    """A region as the evaluation's tables use it (the ILO regions by default); editable."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    code = models.SlugField(_("code"), max_length=40, unique=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class Country(models.Model):
    """A country or territory by its ISO 3166-1 alpha-2 code, with the names people write."""

    code = models.CharField(_("ISO code"), max_length=2, unique=True)
    name = models.CharField(_("name"), max_length=120, unique=True)
    official_name = models.CharField(_("official name"), max_length=200, blank=True)
    region = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.SET_NULL, related_name="countries"
    )
    aliases = models.JSONField(
        _("other names"),
        default=list,
        blank=True,
        help_text=_("Names as people write them, e.g. Vietnam, UR Tanzania, Cote d'Ivoire."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name_plural = _("countries")

    def __str__(self) -> str:
        return self.name


class StakeholderGroup(models.Model):
    """One entry of the controlled list of stakeholder groups (Government, Workers' …)."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    code = models.SlugField(_("code"), max_length=40, unique=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    aliases = models.JSONField(
        _("other names"),
        default=list,
        blank=True,
        help_text=_("Other ways a spreadsheet may name the group, e.g. Workers, Trade unions."),
    )
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class Tag(models.Model):
    """A free label on people and organisations, for audiences and filters."""

    name = models.CharField(_("name"), max_length=60, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Office(models.Model):
    class Type(models.TextChoices):
        HEADQUARTERS = "hq", _("Headquarters")
        REGIONAL = "regional", _("Regional office")
        SUBREGIONAL = "subregional", _("Sub-regional office / decent work team")
        COUNTRY = "country", _("Country office")
        LIAISON = "liaison", _("Liaison office")
        PROJECT = "project", _("Project office")

    name = models.CharField(_("name"), max_length=200, unique=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    country = models.ForeignKey(
        Country, null=True, blank=True, on_delete=models.SET_NULL, related_name="offices"
    )
    region = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.SET_NULL, related_name="offices"
    )
    type = models.CharField(_("type"), max_length=12, choices=Type.choices)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Organisation(models.Model):
    class Kind(models.TextChoices):
        GOVERNMENT = "government", _("Government body")
        WORKERS = "workers", _("Workers' organisation")
        EMPLOYERS = "employers", _("Employers' organisation")
        INTERNATIONAL = "international", _("UN or international organisation")
        NGO = "ngo", _("NGO / civil society")
        ACADEMIC = "academic", _("Academic / research")
        DONOR = "donor", _("Donor")
        UNIT = "unit", _("Unit of the commissioning organisation")
        COMPANY = "company", _("Company")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=300)
    normalised = models.CharField(max_length=300, db_index=True, editable=False)
    acronym = models.CharField(_("acronym"), max_length=40, blank=True, db_index=True)
    kind = models.CharField(_("kind"), max_length=14, choices=Kind.choices, default=Kind.OTHER)
    country = models.ForeignKey(
        Country, null=True, blank=True, on_delete=models.SET_NULL, related_name="organisations"
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children"
    )
    stakeholder_group = models.ForeignKey(
        StakeholderGroup,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="organisations",
    )
    aliases = models.JSONField(_("other names"), default=list, blank=True)
    tags = models.ManyToManyField(Tag, blank=True, related_name="organisations")
    created_at = models.DateTimeField(auto_now_add=True)
    # Edit conflicts (README, "History and personal data"): bumped by every service write; an edit
    # based on an older revision is refused.
    revision = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["normalised", "country"], name="organisation_unique_name_per_country"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.acronym})" if self.acronym else self.name


class Person(models.Model):
    """Someone the evaluation may ask: a respondent, an interviewee, a contact."""

    class Sex(models.TextChoices):
        FEMALE = "f", _("Female")
        MALE = "m", _("Male")
        OTHER = "x", _("Other")

    given_name = models.CharField(_("given name"), max_length=150, blank=True)
    family_name = models.CharField(_("family name"), max_length=150, blank=True)
    display_name = models.CharField(_("name"), max_length=300)
    normalised = models.CharField(max_length=300, db_index=True, editable=False)
    honorific = models.CharField(_("honorific"), max_length=30, blank=True)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, blank=True)
    emails = models.JSONField(_("e-mail addresses"), default=list, blank=True)
    phones = models.JSONField(_("phone numbers"), default=list, blank=True)
    language = models.CharField(_("preferred language"), max_length=8, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    tags = models.ManyToManyField(Tag, blank=True, related_name="people")
    # A merged person stays, pointing at the one kept, so a merge can be undone.
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="merged"
    )
    # Set when the person's personal data was erased (their name is then "Erased person <id>").
    erased_at = models.DateTimeField(null=True, blank=True)
    # Edit conflicts (README, "History and personal data"): bumped by every service write; an edit
    # based on an older revision is refused.
    revision = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["family_name", "given_name", "display_name"]
        verbose_name_plural = _("people")

    def __str__(self) -> str:
        return self.display_name

    def get_absolute_url(self) -> str:
        return reverse("stakeholders:person", args=[self.pk])

    @property
    def email(self) -> str:
        return self.emails[0] if self.emails else ""

    def affiliation_on(self, day: dt.date | None = None) -> Affiliation | None:
        """The affiliation that held on a day (today by default): the latest started."""
        day = day or dt.date.today()
        return (
            self.affiliations.filter(Q(start__isnull=True) | Q(start__lte=day))
            .filter(Q(end__isnull=True) | Q(end__gte=day))
            .select_related("organisation", "office", "stakeholder_group", "country")
            .order_by("-start", "-pk")
            .first()
        )


class PersonAlias(models.Model):
    """Another way the person's name has been written; matched like the name itself."""

    class Source(models.TextChoices):
        MANUAL = "manual", _("Added by hand")
        IMPORT = "import", _("Import")
        MERGE = "merge", _("Merge")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(_("name"), max_length=300)
    normalised = models.CharField(max_length=300, db_index=True, editable=False)
    source = models.CharField(max_length=8, choices=Source.choices, default=Source.MANUAL)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = _("person aliases")
        constraints = [
            models.UniqueConstraint(fields=["person", "normalised"], name="alias_once_per_person"),
        ]

    def __str__(self) -> str:
        return self.name


class Affiliation(models.Model):
    """Where a person worked, in what role, for which stakeholder group, from when to when."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="affiliations")
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="affiliations"
    )
    unit = models.CharField(_("unit / department"), max_length=200, blank=True)
    job_title = models.CharField(_("job title"), max_length=200, blank=True)
    office = models.ForeignKey(
        Office, null=True, blank=True, on_delete=models.SET_NULL, related_name="affiliations"
    )
    country = models.ForeignKey(
        Country, null=True, blank=True, on_delete=models.SET_NULL, related_name="affiliations"
    )
    stakeholder_group = models.ForeignKey(
        StakeholderGroup,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="affiliations",
    )
    start = models.DateField(_("from"), null=True, blank=True)
    end = models.DateField(_("to"), null=True, blank=True)
    # Edit conflicts (README, "History and personal data"): bumped by every service write; an edit
    # based on an older revision is refused.
    revision = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["person", "-start", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(start__isnull=True)
                | Q(end__isnull=True)
                | Q(end__gte=models.F("start")),
                name="affiliation_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        parts = [self.job_title, self.unit, str(self.organisation or "")]
        return ", ".join(p for p in parts if p) or str(self.person)


class PersonMerge(models.Model):
    """A merge of one person into another: who, when, and what moved, so it can be undone."""

    kept = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="merges_kept")
    merged = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="merges_merged")
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)
    score = models.FloatField(_("similarity"), null=True, blank=True)
    # {"affiliations": [ids], "invitations": [ids], "participations": [ids], "aliases": [ids],
    #  "emails": [...], "phones": [...]} — what the merge changed, for the undo.
    moved = models.JSONField(default=dict)
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.merged} → {self.kept}"


class NotDuplicate(models.Model):
    """Two people a member said are different, so they are not proposed again."""

    first = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["first", "second"], name="not_duplicate_once"),
            models.CheckConstraint(condition=Q(first__lt=models.F("second")), name="pair_ordered"),
        ]

    def __str__(self) -> str:
        return f"{self.first_id} ≠ {self.second_id}"


class ColumnLayout(models.Model):
    """The column mapping last used for a file layout (its normalised headers), remembered."""

    signature = models.CharField(max_length=64, unique=True)
    headers = models.JSONField(default=list)
    mapping = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return ", ".join(self.headers)


class ImportJob(ImportJobBase):
    """One uploaded file of people (and their organisations): mapped, dry-run, reviewed,
    committed all or nothing. The decisions: row number -> "merge:<person id>" | "new" |
    "skip"."""

    class State(models.TextChoices):
        UPLOADED = "uploaded", _("Uploaded")
        CHECKED = "checked", _("Checked (dry run)")
        COMMITTED = "committed", _("Imported")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")

    file = models.FileField(upload_to="imports/%Y/%m/")
    headers = models.JSONField(default=list)
    mapping = models.JSONField(default=dict)
    state = models.CharField(max_length=10, choices=State.choices, default=State.UPLOADED)
    # The dry run: one entry per row {"row", "status", "name", "message", "candidates": [...]}.
    report = models.JSONField(default=list, blank=True)
    counts = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at"]
