"""Forms of a distribution: making one, its settings and attachments, its audience and
recipients, and the team's actions on an invitation."""

from __future__ import annotations

import zoneinfo

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.attributes import attribute_label
from common.moments import time_zone_choices
from questionnaires.models import Distribution, Invitation
from stakeholders.models import Country, Office, Region, StakeholderGroup, Tag

# The channels the team chooses from (an open link's visitors get theirs from the link).
PLANNED_CHANNELS = [c for c in Invitation.Channel.choices if c[0] in Invitation.PLANNED_CHANNELS]


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: object) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class DeadlineFields(forms.Form):
    """Deadline and close typed as local times in the chosen time zone."""

    deadline = forms.DateTimeField(label=_("Deadline"), required=False, widget=DateTimeInput())
    closes_at = forms.DateTimeField(
        label=_("Closes"),
        required=False,
        widget=DateTimeInput(),
        help_text=_("Left empty: at the deadline. Late e-mail replies can still be keyed in."),
    )
    time_zone = forms.ChoiceField(label=_("Time zone"), initial="UTC", choices=[], required=False)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].choices = time_zone_choices()

    def clean(self) -> dict:
        data = super().clean()
        data["time_zone"] = data.get("time_zone") or "UTC"
        zone = zoneinfo.ZoneInfo(data["time_zone"])
        for name in ("deadline", "closes_at"):
            if data.get(name):
                # Django read the time in the site's zone; it was meant in the chosen one.
                local = timezone.make_naive(data[name])
                data[name] = local.replace(tzinfo=zone)
        return data


class DistributionForm(DeadlineFields):
    title = forms.CharField(label=_("Title"), max_length=300)
    confidentiality = forms.ChoiceField(
        label=_("Who reads the answers"), choices=Distribution.Confidentiality.choices
    )
    field_order = ["title", "confidentiality", "deadline", "closes_at", "time_zone"]


def parse_days(text: str) -> list[int]:
    """'5, 2' -> [5, 2]."""
    days = []
    for part in text.replace(";", ",").split(","):
        part = part.strip()
        if not part:
            continue
        if not part.isdigit():
            raise forms.ValidationError(
                _("“%(part)s” is not a number of days. Write e.g. 5, 2.") % {"part": part}
            )
        days.append(int(part))
    return days


class DistributionSettingsForm(DeadlineFields):
    title = forms.CharField(label=_("Title"), max_length=300)
    sender_name = forms.CharField(label=_("Sender name"), max_length=200, required=False)
    reply_to = forms.EmailField(
        label=_("Replies go to"),
        required=False,
        help_text=_("Left empty: the address of the person who created the distribution."),
    )
    reminder_days = forms.CharField(
        label=_("Reminders, days before the deadline"),
        required=False,
        help_text=_("e.g. 5, 2. Only to people who have not answered, declined or been excluded."),
    )
    max_reminders = forms.IntegerField(
        label=_("At most this many reminders per person"), min_value=0, max_value=10
    )
    invitation_subject = forms.CharField(label=_("Invitation subject"), max_length=300)
    invitation_body = forms.CharField(
        label=_("Invitation message"), widget=forms.Textarea(attrs={"rows": 12})
    )
    reminder_subject = forms.CharField(label=_("Reminder subject"), max_length=300)
    reminder_body = forms.CharField(
        label=_("Reminder message"), widget=forms.Textarea(attrs={"rows": 10})
    )

    field_order = ["title", "deadline", "closes_at", "time_zone", "sender_name", "reply_to"]

    def clean_reminder_days(self) -> list[int]:
        return parse_days(self.cleaned_data.get("reminder_days") or "")


class AudienceForm(forms.Form):
    """A registry query: people whose current affiliation matches every chosen criterion."""

    # Checkboxes, not <select multiple>: no Ctrl-click to learn, and on the page each list
    # gets a filter box (static/js/consulta.js, data-picker) for the 249 countries.
    groups = forms.MultipleChoiceField(
        label=_("Stakeholder groups"), required=False, widget=forms.CheckboxSelectMultiple
    )
    regions = forms.MultipleChoiceField(
        label=_("Regions"), required=False, widget=forms.CheckboxSelectMultiple
    )
    countries = forms.MultipleChoiceField(
        label=_("Countries"), required=False, widget=forms.CheckboxSelectMultiple
    )
    offices = forms.MultipleChoiceField(
        label=_("Offices"), required=False, widget=forms.CheckboxSelectMultiple
    )
    tags = forms.MultipleChoiceField(
        label=_("Tags"), required=False, widget=forms.CheckboxSelectMultiple
    )
    channel = forms.ChoiceField(
        label=_("Channel"),
        choices=PLANNED_CHANNELS,
        initial=Invitation.Channel.WEB,
        required=False,
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["groups"].choices = list(
            StakeholderGroup.objects.filter(active=True).values_list("code", "name")
        )
        self.fields["regions"].choices = list(Region.objects.values_list("code", "name"))
        self.fields["countries"].choices = list(Country.objects.values_list("code", "name"))
        self.fields["offices"].choices = [
            (str(pk), name) for pk, name in Office.objects.values_list("pk", "name")
        ]
        self.fields["tags"].choices = [(n, n) for n in Tag.objects.values_list("name", flat=True)]

    def clean(self) -> dict:
        data = super().clean()
        if not any(data.get(k) for k in ("groups", "regions", "countries", "offices", "tags")):
            raise forms.ValidationError(
                _("Choose at least one group, region, country, office or tag.")
            )
        return data


class AudienceFileForm(forms.Form):
    file = forms.FileField(
        label=_("List of recipients (CSV or XLSX)"),
        help_text=_(
            "Columns as for the registry import: Name (or Given name and Family name), "
            "Organisation, Country, E-mail, Stakeholder group … New people join the registry."
        ),
    )
    channel = forms.ChoiceField(
        label=_("Channel"),
        choices=PLANNED_CHANNELS,
        initial=Invitation.Channel.WEB,
        required=False,
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        # It shares its page with the picker, which has a "channel" too: ids stay unique.
        kwargs.setdefault("auto_id", "list_%s")
        super().__init__(*args, **kwargs)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=2000, required=False)


class AttachmentForm(forms.Form):
    attribute = forms.ChoiceField(label=_("For recipients whose"), required=False, choices=[])
    value = forms.CharField(label=_("is"), max_length=200, required=False)
    file = forms.FileField(label=_("File"))

    def __init__(self, *args: object, attributes: list[str], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attribute"].choices = [("", _("(everyone)"))] + [
            (a, attribute_label(a)) for a in attributes
        ]

    def clean(self) -> dict:
        data = super().clean()
        if data.get("attribute") and not (data.get("value") or "").strip():
            self.add_error("value", _("Say which value, e.g. the country's name."))
        return data


class InvitationForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    email = forms.EmailField(label=_("E-mail address"), required=False)
    channel = forms.ChoiceField(
        label=_("Channel"),
        choices=PLANNED_CHANNELS,
        initial=Invitation.Channel.WEB,
        required=False,
    )
    language = forms.ChoiceField(label=_("Language"), choices=[])
    region = forms.CharField(label=_("Region"), max_length=100, required=False)
    country = forms.CharField(label=_("Country"), max_length=100, required=False)

    def __init__(self, *args: object, languages: list[str], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [(code, code) for code in languages]

    @property
    def attributes(self) -> dict[str, str]:
        return {k: self.cleaned_data[k] for k in ("region", "country") if self.cleaned_data.get(k)}
