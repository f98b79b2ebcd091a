"""The instrument file upload."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

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
