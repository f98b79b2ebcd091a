from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from common.moments import time_zone_choices
from evaluations.models import EVALUATION_EDITABLE_FIELDS, Evaluation, Membership


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: object) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class EvaluationForm(forms.ModelForm):
    """The evaluation's settings. Shapes only; the rules are checked by the services."""

    languages = forms.MultipleChoiceField(
        label=_("Languages"),
        choices=settings.LANGUAGES,
        widget=forms.CheckboxSelectMultiple,
        initial=["en"],
        help_text=_("Languages the instruments are offered in. English is always included."),
    )

    time_zone = forms.ChoiceField(
        label=_("Time zone"), choices=time_zone_choices, initial="UTC", required=False
    )

    class Meta:
        model = Evaluation
        fields = list(EVALUATION_EDITABLE_FIELDS)
        widgets = {
            "period_start": DateInput(),
            "period_end": DateInput(),
            "collection_start": DateInput(),
            "collection_end": DateInput(),
            "report_date": DateInput(),
            "description": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args: object, creating: bool = False, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        if creating:
            self.fields["slug"].required = False
            self.fields["slug"].help_text = _(
                "Used in addresses. Leave empty to make one from the title."
            )

    def clean_time_zone(self) -> str:
        """Left out (an older form, a script): the evaluation's zone stays as it is."""
        return self.cleaned_data.get("time_zone") or self.instance.time_zone or "UTC"

    def _post_clean(self) -> None:
        # Model validation and saving belong to the services; the form only checks shapes.
        pass


class MemberAddForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address"),
        help_text=_("Someone without an account gets one, and an e-mail to set a password."),
    )
    name = forms.CharField(label=_("Full name"), max_length=200, required=False)
    role = forms.ChoiceField(
        label=_("Role"), choices=Membership.Role.choices, initial=Membership.Role.EVALUATOR
    )
    initials = forms.CharField(
        label=_("Initials"),
        max_length=12,
        required=False,
        help_text=_("As written in interview logs. Left empty: taken from the name."),
    )


class MemberChangeForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices)
    initials = forms.CharField(label=_("Initials"), max_length=12, required=False)


class LockForm(forms.Form):
    """Locking or unlocking records: why, and a confirmation."""

    reason = forms.CharField(
        label=_("Why"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Kept in the history, and shown to everyone whose change is refused."),
    )
    confirm = forms.BooleanField(label=_("I confirm"), required=True)


class LegalHoldForm(forms.Form):
    legal_hold = forms.BooleanField(
        label=_("On legal hold"),
        required=False,
        help_text=_("While on hold, nobody who appears in this evaluation can be erased."),
    )
    reason = forms.CharField(
        label=_("Why the hold is set or lifted"), max_length=2000, widget=forms.TextInput()
    )
