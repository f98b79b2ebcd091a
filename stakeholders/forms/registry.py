"""Forms of the registry pages. Shapes only: the rules are the services' (one place for every
door), and their refusals come back next to the fields (common.errors.form_add_problem)."""

from __future__ import annotations

import datetime as dt
import re

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from evaluations.forms import DateInput
from stakeholders.models import (
    Affiliation,
    Country,
    Office,
    Organisation,
    Person,
    Region,
    StakeholderGroup,
    Tag,
)


class ListField(forms.CharField):
    """Several values in one box, one per line (or split by `separators`); a list in Python."""

    def __init__(self, *, separators: str = r"\n", rows: int = 3, **kwargs: object) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": rows}))
        super().__init__(**kwargs)
        self.pattern = re.compile(f"[{separators}\r]")

    def to_python(self, value: object) -> list[str]:
        text = super().to_python(value)
        return [part.strip() for part in self.pattern.split(text) if part.strip()]

    def prepare_value(self, value: object) -> object:
        if isinstance(value, list | tuple):
            return "\n".join(str(v) for v in value)
        return value


class OrganisationChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Organisation) -> str:
        return f"{obj} — {obj.country}" if obj.country_id else str(obj)


def _organisations() -> object:
    return Organisation.objects.select_related("country").order_by("name", "pk")


class PersonSearchForm(forms.Form):
    """The filters of the people list (GET); codes and ids, the same as the API takes."""

    q = forms.CharField(
        label=_("Name or e-mail"),
        required=False,
        help_text=_("Case, accents, punctuation and word order do not matter; aliases count."),
    )
    organisation = OrganisationChoice(
        label=_("Organisation"), queryset=_organisations(), required=False
    )
    group = forms.ModelChoiceField(
        label=_("Stakeholder group"),
        queryset=StakeholderGroup.objects.all(),
        to_field_name="code",
        required=False,
    )
    country = forms.ModelChoiceField(
        label=_("Country"), queryset=Country.objects.all(), to_field_name="code", required=False
    )
    region = forms.ModelChoiceField(
        label=_("Region"), queryset=Region.objects.all(), to_field_name="code", required=False
    )
    office = forms.ModelChoiceField(
        label=_("Office"), queryset=Office.objects.all(), required=False
    )
    tag = forms.ModelChoiceField(
        label=_("Tag"), queryset=Tag.objects.all(), to_field_name="name", required=False
    )


class PersonForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=300,
        help_text=_("As the person writes it, e.g. José García-López; a title is taken apart."),
    )
    given_name = forms.CharField(label=_("Given name"), max_length=150, required=False)
    family_name = forms.CharField(label=_("Family name"), max_length=150, required=False)
    honorific = forms.CharField(label=_("Honorific"), max_length=30, required=False)
    sex = forms.ChoiceField(
        label=_("Sex"), choices=[("", "–"), *Person.Sex.choices], required=False
    )
    emails = ListField(
        label=_("E-mail addresses"),
        separators=r"\n,;",
        help_text=_("One per line; the first is used for invitations."),
    )
    phones = ListField(label=_("Phone numbers"), separators=r"\n;", help_text=_("One per line."))
    language = forms.ChoiceField(label=_("Preferred language"), required=False)
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    tags = ListField(
        label=_("Tags"),
        separators=r"\n,",
        rows=1,
        help_text=_("Separated by commas, e.g. focal point, steering committee."),
    )
    aliases = ListField(
        label=_("Other spellings of the name"),
        help_text=_("One per line, e.g. Garcia Lopez, J. García. Searches and imports find them."),
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", "–"), *settings.LANGUAGES]
        current = self.initial.get("language") or ""
        if current and current not in dict(choices):
            choices.append((current, current))
        self.fields["language"].choices = choices

    @staticmethod
    def initial_for(person: Person) -> dict[str, object]:
        return {
            "name": person.display_name,
            "given_name": person.given_name,
            "family_name": person.family_name,
            "honorific": person.honorific,
            "sex": person.sex,
            "emails": person.emails,
            "phones": person.phones,
            "language": person.language,
            "notes": person.notes,
            "tags": ", ".join(t.name for t in person.tags.all()),
            "aliases": [a.name for a in person.aliases.all()],
        }


class AffiliationForm(forms.Form):
    organisation = OrganisationChoice(
        label=_("Organisation"),
        queryset=_organisations(),
        required=False,
        help_text=_("From the registry; add a missing one on the Organisations page first."),
    )
    unit = forms.CharField(label=_("Unit / department"), max_length=200, required=False)
    job_title = forms.CharField(label=_("Job title"), max_length=200, required=False)
    office = forms.ModelChoiceField(
        label=_("Office"), queryset=Office.objects.all(), required=False
    )
    country = forms.ModelChoiceField(
        label=_("Country"),
        queryset=Country.objects.all(),
        required=False,
        help_text=_("Left empty: the office's or the organisation's country."),
    )
    stakeholder_group = forms.ModelChoiceField(
        label=_("Stakeholder group"),
        queryset=StakeholderGroup.objects.filter(active=True),
        required=False,
        help_text=_("Left empty: the organisation's group."),
    )
    start = forms.DateField(label=_("From"), required=False, widget=DateInput())
    end = forms.DateField(label=_("To"), required=False, widget=DateInput())

    def __init__(self, *args: object, affiliation: Affiliation | None = None, **kwargs: object):
        if affiliation is not None:
            kwargs.setdefault(
                "initial",
                {
                    "organisation": affiliation.organisation_id,
                    "unit": affiliation.unit,
                    "job_title": affiliation.job_title,
                    "office": affiliation.office_id,
                    "country": affiliation.country_id,
                    "stakeholder_group": affiliation.stakeholder_group_id,
                    "start": affiliation.start,
                    "end": affiliation.end,
                },
            )
        super().__init__(*args, **kwargs)
        if affiliation is not None and affiliation.stakeholder_group_id:
            # A group deactivated since stays choosable on the affiliations that have it.
            self.fields["stakeholder_group"].queryset = StakeholderGroup.objects.filter(
                active=True
            ) | StakeholderGroup.objects.filter(pk=affiliation.stakeholder_group_id)


class AffiliationEndForm(forms.Form):
    end = forms.DateField(label=_("Left on"), widget=DateInput(), initial=dt.date.today)


class OrganisationSearchForm(forms.Form):
    q = forms.CharField(label=_("Name, acronym or other name"), required=False)
    country = forms.ModelChoiceField(
        label=_("Country"), queryset=Country.objects.all(), to_field_name="code", required=False
    )
    group = forms.ModelChoiceField(
        label=_("Stakeholder group"),
        queryset=StakeholderGroup.objects.all(),
        to_field_name="code",
        required=False,
    )
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[("", "–"), *Organisation.Kind.choices], required=False
    )


class OrganisationForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=300)
    acronym = forms.CharField(label=_("Acronym"), max_length=40, required=False)
    kind = forms.ChoiceField(
        label=_("Kind"), choices=Organisation.Kind.choices, initial=Organisation.Kind.OTHER
    )
    country = forms.ModelChoiceField(
        label=_("Country"), queryset=Country.objects.all(), required=False
    )
    parent = OrganisationChoice(
        label=_("Part of"),
        queryset=_organisations(),
        required=False,
        help_text=_("e.g. the ministry a department belongs to."),
    )
    stakeholder_group = forms.ModelChoiceField(
        label=_("Stakeholder group"),
        queryset=StakeholderGroup.objects.all(),
        required=False,
        help_text=_("New affiliations with the organisation take this group."),
    )
    aliases = ListField(label=_("Other names"), help_text=_("One per line."))

    @staticmethod
    def initial_for(organisation: Organisation) -> dict[str, object]:
        return {
            "name": organisation.name,
            "acronym": organisation.acronym,
            "kind": organisation.kind,
            "country": organisation.country_id,
            "parent": organisation.parent_id,
            "stakeholder_group": organisation.stakeholder_group_id,
            "aliases": organisation.aliases,
        }


class OfficeForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    type = forms.ChoiceField(label=_("Type"), choices=[("", "–"), *Office.Type.choices])
    city = forms.CharField(label=_("City"), max_length=100, required=False)
    country = forms.ModelChoiceField(
        label=_("Country"), queryset=Country.objects.all(), required=False
    )
    region = forms.ModelChoiceField(
        label=_("Region"),
        queryset=Region.objects.all(),
        required=False,
        help_text=_("Left empty: the country's region."),
    )

    @staticmethod
    def initial_for(office: Office) -> dict[str, object]:
        return {
            "name": office.name,
            "type": office.type,
            "city": office.city,
            "country": office.country_id,
            "region": office.region_id,
        }


class CountryForm(forms.Form):
    region = forms.ModelChoiceField(
        label=_("Region"), queryset=Region.objects.all(), required=False
    )
    aliases = ListField(
        label=_("Other names"),
        rows=4,
        help_text=_("One per line: the names people write, e.g. Vietnam, UR Tanzania."),
    )


class GroupForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    code = forms.SlugField(
        label=_("Code"),
        max_length=40,
        required=False,
        help_text=_("Used in files and saved audiences; never changes. Left empty: from the name."),
    )
    order = forms.IntegerField(label=_("Position"), min_value=0, max_value=32767, required=False)
    aliases = ListField(
        label=_("Other names"),
        help_text=_("One per line: how spreadsheets name the group, e.g. Trade unions."),
    )
    active = forms.BooleanField(
        label=_("In use"),
        required=False,
        initial=True,
        help_text=_("A group no longer in use is kept on past affiliations but not offered."),
    )

    def __init__(self, *args: object, group: StakeholderGroup | None = None, **kwargs: object):
        if group is not None:
            kwargs.setdefault(
                "initial",
                {
                    "name": group.name,
                    "order": group.order,
                    "aliases": group.aliases,
                    "active": group.active,
                },
            )
        super().__init__(*args, **kwargs)
        if group is not None:
            del self.fields["code"]
        else:
            del self.fields["active"]


class MergeForm(forms.Form):
    kept = forms.ModelChoiceField(queryset=Person.objects.all(), widget=forms.HiddenInput)
    merged = forms.ModelChoiceField(queryset=Person.objects.all(), widget=forms.HiddenInput)
    score = forms.FloatField(required=False, min_value=0, max_value=100, widget=forms.HiddenInput)


class PairForm(forms.Form):
    first = forms.ModelChoiceField(queryset=Person.objects.all(), widget=forms.HiddenInput)
    second = forms.ModelChoiceField(queryset=Person.objects.all(), widget=forms.HiddenInput)
    next = forms.CharField(required=False, widget=forms.HiddenInput)
