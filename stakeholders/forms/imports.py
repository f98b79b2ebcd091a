"""Forms of the people import: the file, the columns, the review of possible duplicates."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.forms import SpreadsheetUploadForm
from stakeholders.importing.columns import FIELDS
from stakeholders.importing.plan import KEEP_SEPARATE, MERGE, SKIP


class UploadForm(SpreadsheetUploadForm):
    file_help = gettext_lazy(
        "A .csv or .xlsx file of up to 5 MB and 20,000 rows; the first row holds the "
        "headers (Name, Organisation, Country, E-mail …)."
    )


class MappingForm(forms.Form):
    """One select per column of the file: the field it holds, or not imported."""

    def __init__(
        self,
        data: Mapping[str, Any] | None = None,
        *,
        headers: Sequence[str],
        mapping: Mapping[str, str],
        samples: Mapping[str, list[str]],
    ) -> None:
        super().__init__(data)
        self.headers = list(dict.fromkeys(headers))
        choices = [("", _("— not imported —")), *((f.key, f.label) for f in FIELDS)]
        for index, header in enumerate(self.headers):
            shown = ", ".join(samples.get(header, []))
            self.fields[f"column{index}"] = forms.ChoiceField(
                label=header,
                choices=choices,
                required=False,
                initial=mapping.get(header, ""),
                help_text=_("For example: %(values)s") % {"values": shown} if shown else "",
            )

    def mapping(self) -> dict[str, str]:
        return {h: self.cleaned_data[f"column{i}"] for i, h in enumerate(self.headers)}


def choice_label(choice: str, candidates: Sequence[Mapping[str, Any]]) -> str:
    if choice == SKIP:
        return _("Skip this row")
    if choice == KEEP_SEPARATE:
        return _("Keep separate (create a new person)")
    pk = int(choice.removeprefix(MERGE))
    found = next((c for c in candidates if c["person_id"] == pk), {"name": pk, "score": ""})
    return _("Merge into “%(name)s” (%(score)s)") % {
        "name": found["name"],
        "score": f"{found['score']:g}" if found["score"] != "" else "?",
    }


class DecisionForm(forms.Form):
    """A choice for each shown row that needs one (possible duplicates, outdated choices)."""

    def __init__(
        self,
        data: Mapping[str, Any] | None = None,
        *,
        rows: Sequence[Mapping[str, Any]],
        decisions: Mapping[str, str],
    ) -> None:
        super().__init__(data)
        self.rows = [row for row in rows if needs_decision(row)]
        for row in self.rows:
            choices = [(c, choice_label(c, row["candidates"])) for c in row["choices"]]
            self.fields[f"row{row['row']}"] = forms.ChoiceField(
                label=_("Row %(row)s") % {"row": row["row"]},
                choices=choices,
                initial=decisions.get(str(row["row"])) or KEEP_SEPARATE,
            )

    def decisions(self) -> dict[str, str]:
        return {str(row["row"]): self.cleaned_data[f"row{row['row']}"] for row in self.rows}


def needs_decision(row: Mapping[str, Any]) -> bool:
    """Rows the review page asks about: possible duplicates, and rows whose earlier choice no
    longer fits."""
    return bool(row.get("choices")) and (
        row["status"] == "duplicate" or (row["status"] == "error" and not row["problems"])
    )
