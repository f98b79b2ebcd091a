"""The instrument file upload."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from common.upload_limits import size_text
from questionnaires.instrument_format import yaml_refusal
from questionnaires.instrument_format.xlsform import is_workbook


class InstrumentUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Instrument file (YAML or XLSForm)"),
        help_text=_(
            "The YAML format is described in seeds/instruments/README.md; an XLSForm workbook "
            "(.xlsx, as KoboToolbox and ODK write it) is read too."
        ),
    )

    def clean_file(self) -> str | bytes:
        """The YAML text, or the bytes of an XLSForm workbook (converted by the view, which
        shows its problems by sheet and row)."""
        upload = self.cleaned_data["file"]
        if upload.size > settings.INSTRUMENT_MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(limit)s.")
                % {"limit": size_text(settings.INSTRUMENT_MAX_BYTES)}
            )
        data = upload.read()
        if is_workbook(data):
            return data
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise forms.ValidationError(_("The file is not UTF-8 text.")) from exc
        refused = yaml_refusal(text)
        if refused is not None:  # e.g. an alias bomb, refused before the YAML is composed
            raise forms.ValidationError(
                _("Line %(line)s: %(problem)s") % {"line": refused[0], "problem": refused[1]}
            )
        return text
