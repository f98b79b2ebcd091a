"""Forms of the interview log pages: the interview (quick entry and edit), participants as
picked on the page, notes, exclusions, and the log's filters."""

from __future__ import annotations

import json
import re
from typing import Any

from django import forms
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from evaluations.forms import DateInput
from evaluations.models import Evaluation, Membership
from interviews.cells import split_interviewers
from interviews.guide import guide_attributes
from interviews.models import Interview, Interviewer, InterviewNote, ReportingCategory
from interviews.services.participants import ParticipantInput
from questionnaires.models import Instrument, InstrumentVersion, localized
from stakeholders.models import Country, Person, Region, StakeholderGroup

ATTRIBUTE_PREFIX = "guide_attr_"
HEADCOUNT_MAX = 100_000


def as_id(value: object) -> int | None:
    """A database id from a query string, a form or JSON: a whole positive number that fits,
    else None ("²", "abc", [1], true and 10**30 are not ids)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 0 < value < 2**63 else None
    if isinstance(value, str) and re.fullmatch(r"[0-9]{1,18}", value.strip()):
        return int(value) or None
    return None


def guide_versions(evaluation: Evaluation) -> Any:
    """The evaluation's interview guides, newest version first within each guide."""
    return (
        InstrumentVersion.objects.filter(
            instrument__evaluation=evaluation,
            instrument__kind=Instrument.Kind.INTERVIEW_GUIDE,
        )
        .select_related("instrument")
        .order_by("instrument__key", "-number")
    )


class _GuideChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: InstrumentVersion) -> str:
        title = localized(obj.title, "en") or obj.instrument.key
        return f"{title} (v{obj.number})"


class InterviewForm(forms.Form):
    """One interview as a member logs it. Participants come separately (see
    participants_from_post); the guide's questions about the interviewee are added as
    `guide_attr_<name>` fields for the chosen guide."""

    date = forms.DateField(label=gettext_lazy("Date"), widget=DateInput())
    date_end = forms.DateField(
        label=gettext_lazy("Until"),
        required=False,
        widget=DateInput(),
        help_text=gettext_lazy("Only for an interview over several days."),
    )
    mode = forms.ChoiceField(
        label=gettext_lazy("Mode"), choices=Interview.Mode.choices, initial="in_person"
    )
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind"),
        required=False,
        choices=[("", gettext_lazy("From the participants")), *Interview.Kind.choices],
    )
    grouping = forms.CharField(
        label=gettext_lazy("Listed under"),
        required=False,
        max_length=200,
        help_text=gettext_lazy("The heading of the list of persons interviewed, e.g. a place."),
    )
    venue = forms.CharField(label=gettext_lazy("Venue / city"), required=False, max_length=200)
    country = forms.ModelChoiceField(
        label=gettext_lazy("Country"), required=False, queryset=Country.objects.order_by("name")
    )
    region = forms.ModelChoiceField(
        label=gettext_lazy("Region"),
        required=False,
        queryset=Region.objects.all(),
        help_text=gettext_lazy("Follows the country when left empty."),
    )
    interviewers = forms.CharField(
        label=gettext_lazy("Interviewers"),
        required=False,
        max_length=300,
        help_text=gettext_lazy("Initials, e.g. “MS & VvdV”."),
    )
    category = forms.CharField(
        label=gettext_lazy("Reporting category"),
        required=False,
        max_length=200,
        help_text=gettext_lazy(
            "A row of the overview table; leave empty for the table's rules to decide. "
            "A new name adds a category."
        ),
    )
    about = forms.CharField(
        label=gettext_lazy("About"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("e.g. about the Bangkok office"),
    )
    guide_version = _GuideChoice(
        label=gettext_lazy("Interview guide"), required=False, queryset=InstrumentVersion.objects
    )
    follow_up_of = forms.IntegerField(required=False, widget=forms.HiddenInput())
    # One per entry form: a second submission of the same form finds the interview logged.
    entry_token = forms.CharField(required=False, max_length=40, widget=forms.HiddenInput())

    def __init__(
        self, *args: Any, evaluation: Evaluation, date_unknown: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.evaluation = evaluation
        if date_unknown:
            self.fields["date"].required = False
            self.fields["date"].help_text = _(
                "The date is unknown (the list it was imported from printed none): leave it "
                "empty to keep it so."
            )
        self.fields["guide_version"].queryset = guide_versions(evaluation)
        team = (
            Membership.objects.filter(evaluation=evaluation)
            .exclude(initials="")
            .select_related("user")
            .order_by("initials")
        )
        self.team_initials = [(m.initials, str(m.user)) for m in team]
        self.categories = list(
            ReportingCategory.objects.filter(evaluation=evaluation).values_list("name", flat=True)
        )
        self.groupings = list(
            Interview.objects.filter(evaluation=evaluation)
            .exclude(grouping="")
            .order_by("grouping")
            .values_list("grouping", flat=True)
            .distinct()
        )
        self.fields["grouping"].widget.attrs["list"] = "groupings"
        self.fields["category"].widget.attrs["list"] = "categories"
        self.fields["guide_version"].widget.attrs |= {
            "hx-get": reverse("interviews:guide_fields", args=[evaluation.slug]),
            "hx-target": "#guide-fields",
            "hx-swap": "outerHTML",
            "hx-trigger": "change",
        }
        self.guide = self._chosen_guide()
        for attribute in guide_attributes(self.guide):
            self.fields[ATTRIBUTE_PREFIX + attribute.name] = forms.ChoiceField(
                label=attribute.label,
                required=False,
                choices=[("", _("Not recorded")), *attribute.choices],
                help_text=_("Only the guide's questions for this interviewee are offered."),
            )

    def _chosen_guide(self) -> InstrumentVersion | None:
        raw = self.data.get("guide_version") if self.is_bound else self.initial.get("guide_version")
        if isinstance(raw, InstrumentVersion):
            return raw
        pk = as_id(raw)
        return None if pk is None else self.fields["guide_version"].queryset.filter(pk=pk).first()

    def attribute_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name.startswith(ATTRIBUTE_PREFIX)]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        data["guide_attributes"] = {
            name[len(ATTRIBUTE_PREFIX) :]: value
            for name, value in data.items()
            if name.startswith(ATTRIBUTE_PREFIX) and value
        }
        data["interviewer_list"] = split_interviewers(data.get("interviewers") or "")
        return data

    def service_values(self) -> dict[str, Any]:
        """What the services take, from the cleaned data (the category by name)."""
        data = self.cleaned_data
        return {
            "date": data["date"],
            "date_end": data.get("date_end"),
            "mode": data["mode"],
            "grouping": data.get("grouping") or "",
            "venue": data.get("venue") or "",
            "country": data.get("country"),
            "region": data.get("region"),
            "about": data.get("about") or "",
            "guide_version": data.get("guide_version"),
            "guide_attributes": data["guide_attributes"],
        }


def interview_initial(interview: Interview) -> dict[str, Any]:
    """The form's initial values for an interview (its follow-up starts from them too)."""
    initial: dict[str, Any] = {
        field: getattr(interview, field)
        for field in ("date", "date_end", "mode", "kind", "grouping", "venue", "about")
    }
    initial |= {
        "country": interview.country_id,
        "region": interview.region_id,
        "guide_version": interview.guide_version_id,
        "category": interview.category.name if interview.category_by_hand else "",
        "interviewers": " & ".join(str(i) for i in interview.interviewers.all()),
    }
    for name, value in (interview.guide_attributes or {}).items():
        initial[ATTRIBUTE_PREFIX + name] = value
    return initial


# --- participants as picked on the page --------------------------------------------------------


def participant_value(
    *,
    person: Person | None = None,
    group_label: str = "",
    headcount: int | None = None,
    stakeholder_group: StakeholderGroup | None = None,
) -> str:
    """The hidden input's value for one participant row of the page."""
    if person is not None:
        return json.dumps({"person": person.pk})
    return json.dumps(
        {
            "group_label": group_label,
            "headcount": headcount,
            "stakeholder_group": stakeholder_group.pk if stakeholder_group else None,
        }
    )


class ParticipantProblem(ValueError):
    pass


def _whole_number(value: object, index: int) -> int | None:
    if value in (None, ""):
        return None
    number = as_id(value)
    if number is None or number > HEADCOUNT_MAX:
        raise ParticipantProblem(
            _("Participant %(n)d: the number of people must be a whole number from 1 to %(max)d.")
            % {"n": index, "max": HEADCOUNT_MAX}
        )
    return number


def participants_from_post(values: list[str]) -> list[ParticipantInput]:
    """The participants of the page's hidden inputs, in the page's order."""
    rows = []
    for index, raw in enumerate(values, start=1):
        try:
            item = json.loads(raw)
        except ValueError:
            item = None
        if not isinstance(item, dict):
            raise ParticipantProblem(_("Participant %(n)d could not be read.") % {"n": index})
        if item.get("person") is not None:
            pk = as_id(item["person"])
            person = Person.objects.filter(pk=pk).first() if pk else None
            if person is None:
                raise ParticipantProblem(
                    _("Participant %(n)d is no longer in the registry.") % {"n": index}
                )
            rows.append(ParticipantInput(person=person))
            continue
        group, label = None, item.get("group_label") or ""
        if item.get("stakeholder_group") is not None:
            pk = as_id(item["stakeholder_group"])
            group = StakeholderGroup.objects.filter(pk=pk).first() if pk else None
            if group is None:
                raise ParticipantProblem(
                    _("Participant %(n)d: unknown stakeholder group.") % {"n": index}
                )
        if not isinstance(label, str):
            raise ParticipantProblem(_("Participant %(n)d could not be read.") % {"n": index})
        rows.append(
            ParticipantInput(
                group_label=label,
                headcount=_whole_number(item.get("headcount"), index),
                stakeholder_group=group,
            )
        )
    return rows


def participant_rows(items: list[ParticipantInput]) -> list[dict[str, Any]]:
    """What the page shows for each participant, with its hidden value."""
    return [
        {
            "value": participant_value(
                person=item.person,
                group_label=item.group_label,
                headcount=item.headcount,
                stakeholder_group=item.stakeholder_group,
            ),
            "person": item.person,
            "group_label": item.group_label,
            "headcount": item.headcount,
            "stakeholder_group": item.stakeholder_group,
        }
        for item in items
    ]


class GroupForm(forms.Form):
    """An unnamed group added on the page."""

    group_label = forms.CharField(label=gettext_lazy("Group"), max_length=300)
    headcount = forms.IntegerField(
        label=gettext_lazy("Number of people"),
        required=False,
        min_value=1,
        max_value=HEADCOUNT_MAX,
        help_text=gettext_lazy("Leave empty when not known."),
    )
    stakeholder_group = forms.ModelChoiceField(
        label=gettext_lazy("Stakeholder group"),
        required=False,
        queryset=StakeholderGroup.objects.filter(active=True),
    )


class NewPersonForm(forms.Form):
    """A person not in the registry yet, created from the interview page."""

    new_name = forms.CharField(label=gettext_lazy("Name"), max_length=200)
    new_job_title = forms.CharField(label=gettext_lazy("Job title"), required=False, max_length=200)
    new_organisation = forms.CharField(
        label=gettext_lazy("Organisation"), required=False, max_length=300
    )
    new_email = forms.EmailField(label=gettext_lazy("E-mail"), required=False)


# --- notes, exclusions, filters ---------------------------------------------------------------


class NoteForm(forms.Form):
    question = forms.IntegerField(
        required=False, min_value=1, max_value=2**62, widget=forms.HiddenInput()
    )
    text = forms.CharField(label=gettext_lazy("Note"), widget=forms.Textarea(attrs={"rows": 3}))
    attribution = forms.CharField(
        label=gettext_lazy("Attribution"),
        required=False,
        max_length=300,
        help_text=gettext_lazy("How to name the source when quoting, e.g. an ILO official."),
    )
    visibility = forms.ChoiceField(
        label=gettext_lazy("Who reads it"),
        required=False,
        choices=InterviewNote.Visibility.choices,
        initial=InterviewNote.Visibility.TEAM,
    )

    def clean_visibility(self) -> str:
        return self.cleaned_data["visibility"] or InterviewNote.Visibility.TEAM


class ExcludeForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Why leave it out of the tables?"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class LogFilterForm(forms.Form):
    date_from = forms.DateField(label=gettext_lazy("From"), required=False, widget=DateInput())
    date_to = forms.DateField(label=gettext_lazy("To"), required=False, widget=DateInput())
    region = forms.ModelChoiceField(
        label=gettext_lazy("Region"), required=False, queryset=Region.objects.all()
    )
    category = forms.ModelChoiceField(
        label=gettext_lazy("Category"), required=False, queryset=ReportingCategory.objects.none()
    )
    grouping = forms.ChoiceField(label=gettext_lazy("Listed under"), required=False)
    interviewer = forms.CharField(
        label=gettext_lazy("Interviewer"),
        required=False,
        max_length=100,
        help_text=gettext_lazy("Initials, capitals ignored."),
    )
    mode = forms.ChoiceField(
        label=gettext_lazy("Mode"),
        required=False,
        choices=[("", gettext_lazy("Any")), *Interview.Mode.choices],
    )
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind"),
        required=False,
        choices=[("", gettext_lazy("Any")), *Interview.Kind.choices],
    )

    def __init__(self, *args: Any, evaluation: Evaluation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = ReportingCategory.objects.filter(evaluation=evaluation)
        groupings = (
            Interview.objects.filter(evaluation=evaluation)
            .exclude(grouping="")
            .order_by("grouping")
            .values_list("grouping", flat=True)
            .distinct()
        )
        self.fields["grouping"].choices = [("", _("Any")), *((g, g) for g in groupings)]
        written = [
            *Membership.objects.filter(evaluation=evaluation)
            .exclude(initials="")
            .values_list("initials", flat=True),
            *Interviewer.objects.filter(interview__evaluation=evaluation)
            .exclude(initials="")
            .values_list("initials", flat=True)
            .distinct(),
        ]
        initials: dict[str, str] = {}
        for text in written:  # one entry per code, whatever the capitals (the filter ignores them)
            initials.setdefault(text.strip().lower(), text.strip())
        self.initials = sorted(initials.values(), key=str.lower)
        self.fields["interviewer"].widget.attrs["list"] = "interviewer-initials"

    def filters(self) -> dict[str, Any]:
        if not self.is_valid():
            return {}
        return {name: value for name, value in self.cleaned_data.items() if value not in ("", None)}
