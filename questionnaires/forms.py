from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from questionnaires.models import Distribution, Response

MAX_YAML_BYTES = 1024 * 1024


class InstrumentUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Instrument file (YAML)"),
        help_text=_("The format is described in seeds/instruments/README.md."),
    )

    def clean_file(self) -> str:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_YAML_BYTES:
            raise forms.ValidationError(_("The file is larger than 1 MB."))
        try:
            return upload.read().decode("utf-8")
        except UnicodeDecodeError as exc:
            raise forms.ValidationError(_("The file is not UTF-8 text.")) from exc


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: object) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class DistributionForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    confidentiality = forms.ChoiceField(
        label=_("Who reads the answers"), choices=Distribution.Confidentiality.choices
    )
    deadline = forms.DateTimeField(label=_("Deadline"), required=False, widget=DateTimeInput())
    closes_at = forms.DateTimeField(
        label=_("Closes"),
        required=False,
        widget=DateTimeInput(),
        help_text=_("Left empty: at the deadline. Late e-mail replies can still be keyed in."),
    )


class InvitationForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    email = forms.EmailField(label=_("E-mail address"), required=False)
    language = forms.ChoiceField(label=_("Language"), choices=[])
    region = forms.CharField(label=_("Region"), max_length=100, required=False)
    country = forms.CharField(label=_("Country"), max_length=100, required=False)

    def __init__(self, *args: object, languages: list[str], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [(code, code) for code in languages]

    @property
    def attributes(self) -> dict[str, str]:
        return {k: self.cleaned_data[k] for k in ("region", "country") if self.cleaned_data.get(k)}


class EntryForm(forms.Form):
    """The envelope of a returned questionnaire; the answers come from the question inputs."""

    invitation = forms.ChoiceField(label=_("Respondent"), required=False)
    name = forms.CharField(label=_("Or a new respondent's name"), max_length=200, required=False)
    channel = forms.ChoiceField(
        label=_("Came back by"),
        choices=[c for c in Response.Channel.choices if c[0] != Response.Channel.WEB],
    )
    returned_file = forms.FileField(label=_("Returned file"), required=False)
    route = forms.ChoiceField(
        label=_("Sent to (where the respondent chooses)"),
        required=False,
        choices=[("", "—"), *Response._meta.get_field("route").choices],
    )

    def __init__(self, *args: object, invitations: list[tuple[int, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["invitation"].choices = [("", "—"), *invitations]

    def clean(self) -> dict:
        data = super().clean()
        if not data.get("invitation") and not (data.get("name") or "").strip():
            raise forms.ValidationError(_("Choose a respondent or give a new one's name."))
        return data
