"""The envelope of a questionnaire keyed in by the team."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from questionnaires.models import Response


class EntryForm(forms.Form):
    """The envelope of a returned questionnaire; the answers come from the question inputs."""

    invitation = forms.ChoiceField(label=_("Respondent"), required=False)
    name = forms.CharField(label=_("Or a new respondent's name"), max_length=200, required=False)
    channel = forms.ChoiceField(
        label=_("Came back by"),
        choices=[c for c in Response.Channel.choices if c[0] not in (Response.Channel.WEB, "open")],
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
