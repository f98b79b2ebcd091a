"""The erase and retention forms: a reason, and a typed confirmation word."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


def confirmation_word() -> str:
    """What the user types to confirm an erasure, in their language."""
    return _("ERASE")


class ConfirmationMixin:
    def clean_confirm(self) -> str:
        typed = (self.cleaned_data.get("confirm") or "").strip()
        if typed.casefold() != confirmation_word().casefold():
            raise forms.ValidationError(
                _("Type %(word)s to confirm: the erasure cannot be undone.")
                % {"word": confirmation_word()}
            )
        return typed


class EraseForm(ConfirmationMixin, forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Why is this person erased?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=gettext_lazy("e.g. Their request by e-mail of 3 May 2025. Kept in the history."),
    )
    confirm = forms.CharField(label=gettext_lazy("Type ERASE to confirm"), max_length=40)


class RetentionForm(ConfirmationMixin, forms.Form):
    confirm = forms.CharField(label=gettext_lazy("Type ERASE to confirm"), max_length=40)
    people = forms.CharField(widget=forms.HiddenInput, required=False)

    def clean_people(self) -> list[int]:
        """The people listed when the page was shown: only they are erased."""
        raw = self.cleaned_data.get("people") or ""
        try:
            return [int(p) for p in raw.split(",") if p.strip()]
        except ValueError:
            raise forms.ValidationError(
                _("The list of people was damaged; reload the page.")
            ) from None
