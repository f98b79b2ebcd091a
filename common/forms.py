"""Form pieces the importers share: the uploaded spreadsheet and the sheet to read."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy

from common.upload_limits import limits, too_large_message


class SpreadsheetUploadForm(forms.Form):
    """A CSV or XLSX file and, for a workbook, the sheet. Subclasses say what the file holds in
    `file_help`. Empty files pass: the reader says "The file is empty." as the commands do."""

    file_help = ""

    file = forms.FileField(
        label=gettext_lazy("File"),
        allow_empty_file=True,
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,.xlsm,.tsv,.txt"}),
    )
    sheet = forms.CharField(
        label=gettext_lazy("Sheet"),
        required=False,
        max_length=100,
        help_text=gettext_lazy("For a workbook: the sheet to read. The first one by default."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = self.file_help

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > limits().max_bytes:
            raise forms.ValidationError(too_large_message(limits().max_bytes))
        return upload
