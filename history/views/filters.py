"""The filters of the Activity page: member, kind and dates (the API takes the same names)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from evaluations.models import Evaluation
from evaluations.selectors import membership_list
from history.context import Kind
from history.selectors import ActivityFilter, former_actors, kind_choices


class ActivityFilterForm(forms.Form):
    member = forms.ChoiceField(label=_("Who"), required=False)
    kind = forms.ChoiceField(label=_("What"), required=False)
    since = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: object, evaluation: Evaluation, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        members = [
            (str(m.user_id), m.user.display_name) for m in membership_list(evaluation=evaluation)
        ]
        former = [(str(u.pk), u.display_name) for u in former_actors(evaluation=evaluation)]
        self.fields["member"].choices = [
            ("", _("Anyone")),
            (_("Team"), members),
            *([(_("No longer in the team"), former)] if former else []),
            (Kind.SYSTEM, _("The system")),
            (Kind.RESPONDENT, _("Respondents")),
        ]
        self.fields["kind"].choices = [("", _("Everything")), *kind_choices(evaluation=evaluation)]

    def clean(self) -> dict[str, object]:
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if since and until and until < since:
            self.add_error("until", _("The end date comes before the start date."))
        return data

    def filters(self) -> ActivityFilter:
        """The valid filters (an invalid one is left out: its error shows next to it)."""
        data = self.cleaned_data if self.is_bound else {}
        return ActivityFilter(
            member=data.get("member") or "",
            kind=data.get("kind") or "",
            since=data.get("since"),
            until=data.get("until") if "until" not in self.errors else None,
        )
