"""Forms of the interview list import: the file, how to read it, and the review of the rows the
dry run asks about (near matches in the registry, names read as a group or as a person)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.forms import SpreadsheetUploadForm
from interviews.importing.plan import GROUP_LINE, LOCATION, PERSON_LINE, SKIP, UNIT
from interviews.models import InterviewImportJob

NEW = "new"
GROUP = "group"
PERSON = "person"


class UploadForm(SpreadsheetUploadForm):
    file_help = gettext_lazy(
        "A .csv or .xlsx file of up to 5 MB laid out as a list of persons interviewed: "
        "Name, Department, Date, Interviewers, and optionally Location, Country, Mode, "
        "Category, Notes."
    )

    month_first = forms.BooleanField(
        label=gettext_lazy("Dates are month first (3/15/2013)"),
        required=False,
        help_text=gettext_lazy("Leave unticked for day first (15.3.2013, 15/03/2013)."),
    )
    layout = forms.ChoiceField(
        label=gettext_lazy("Layout"),
        choices=InterviewImportJob.Layout.choices,
        initial=InterviewImportJob.Layout.COLUMNS,
        required=False,
        widget=forms.RadioSelect,
        help_text=gettext_lazy(
            "Without dates: a list of one column (.txt, .csv or .xlsx) with location headings "
            "(countries, cities, offices), unit or organisation headings, then one person a "
            "line; each person is an interview whose date is unknown."
        ),
    )


class ReadingForm(forms.Form):
    """Read the stored file again: another sheet of the workbook, or dates month first."""

    sheet = forms.ChoiceField(label=gettext_lazy("Sheet"), required=False)
    month_first = forms.BooleanField(
        label=gettext_lazy("Dates are month first (3/15/2013)"), required=False
    )

    def __init__(
        self, data: Mapping[str, Any] | None = None, *, sheets: Sequence[str], **kwargs: Any
    ) -> None:
        super().__init__(data, **kwargs)
        self.fields["sheet"].choices = [(s, s) for s in sheets]
        if len(sheets) < 2:
            del self.fields["sheet"]


class ReviewForm(forms.Form):
    """One radio per row the dry run asks about: near matches ("same person as …" or "a new
    person") and names read as a group or as a person."""

    def __init__(
        self,
        data: Mapping[str, Any] | None = None,
        *,
        near_matches: Sequence[Mapping[str, Any]],
        readings: Mapping[int, str],
        decisions: Mapping[str, str],
        lines: Mapping[int, str] | None = None,
    ) -> None:
        super().__init__(data)
        self.rows: list[int] = []
        self.readings: set[int] = set()
        # A list without dates: how each line reads, corrected with a select per line.
        self.lines = dict(lines or {})
        self.decided = {int(row) for row in decisions if str(row).isdigit()}
        for row, reading in sorted(self.lines.items()):
            self.fields[f"line{row}"] = forms.ChoiceField(
                label=_("How row %(row)s reads") % {"row": row},
                choices=line_choices(),
                initial=reading,
            )
        # A name corrected to a person keeps that choice (one choice a row): its reading first.
        for row, reading in sorted(readings.items()):
            choices = [(GROUP, _("A group")), (PERSON, _("A person"))]
            self._add(row, choices, decisions.get(str(row)) or reading)
            self.readings.add(row)
        for near in near_matches:
            row = int(near["row"])
            if row in self.readings:
                continue
            choices = [
                (
                    f"person:{c['person_id']}",
                    _("Same person as %(label)s (score %(score)s)")
                    % {"label": c["label"], "score": c["score"]},
                )
                for c in near["candidates"]
            ]
            choices.append((NEW, _("A new person")))
            self._add(row, choices, decisions.get(str(row)) or NEW)

    def _add(self, row: int, choices: list[tuple[str, str]], initial: str) -> None:
        self.rows.append(row)
        self.fields[f"row{row}"] = forms.ChoiceField(
            label=_("Row %(row)s") % {"row": row},
            choices=choices,
            initial=initial,
            widget=forms.RadioSelect,
        )

    def decisions(self) -> dict[str, str]:
        """The choices as the importer takes them; "" drops one (a group stays as read)."""
        chosen = {str(row): self.cleaned_data[f"row{row}"] for row in self.rows}
        found = {
            row: "" if int(row) in self.readings and choice == GROUP else choice
            for row, choice in chosen.items()
        }
        for row, reading in self.lines.items():
            kind = self.cleaned_data[f"line{row}"]
            if kind != PERSON_LINE or str(row) not in found:
                # A line read otherwise is decided by its reading; a person keeps the near-match
                # choice. A line left as read and never decided stays undecided.
                if kind != reading or row in self.decided:
                    found[str(row)] = kind
                else:
                    found.pop(str(row), None)
        return found


def line_choices() -> list[tuple[str, str]]:
    """How a line of a list without dates can read, as the reviewer chooses it."""
    return [
        (LOCATION, _("Location heading")),
        (UNIT, _("Unit or organisation heading")),
        (PERSON_LINE, _("A person (one interview)")),
        (GROUP_LINE, _("A group (one interview)")),
        (SKIP, _("Left out")),
    ]
