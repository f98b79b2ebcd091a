"""The codebook of a questionnaire's data file: one line per variable with its name, the
question's full text in each language, its type, its values and their labels, its
missing-value codes, when it applies, and how many of the responses the reader may read
answered it. Written as CSV beside the data, and as a sheet of the workbooks."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING

from django.utils.translation import gettext as _

from common.spreadsheets import safe_cell
from questionnaires.models import Question
from reports.statistics.data import STATA_MISSING_LETTERS
from reports.statistics.variables import Variable

if TYPE_CHECKING:
    from common.xlsx import Book


@dataclass
class Counts:
    """Responses read, and the answered ones per variable (in the variables' order)."""

    responses: int
    answered: list[int]


def counted(rows: Iterable[list[object]], counts: Counts) -> Iterator[list[object]]:
    """The rows as they are, counting the responses and each variable's answered values."""
    answered = counts.answered
    for row in rows:
        counts.responses += 1
        for i, value in enumerate(row):
            if value is not None and value != "":
                answered[i] += 1
        yield row


def _type(variable: Variable) -> str:
    if variable.other:
        return _("Text (the “other” answer)")
    if variable.choice:
        return _("Multiple choice: this choice (1 selected, 0 not)")
    by_kind: dict[str, str] = {
        Question.Kind.SINGLE_CHOICE.value: _("Single choice (coded)"),
        Question.Kind.LIKERT.value: _("Likert item (coded, ordered)"),
        Question.Kind.NUMBER.value: _("Number"),
        Question.Kind.DATE.value: _("Date"),
    }
    if variable.question_kind in by_kind:
        return str(by_kind[variable.question_kind])
    return {"datetime": _("Date and time"), "date": _("Date")}.get(variable.kind, _("Text"))


def _values(variable: Variable, language: str) -> str:
    shown = []
    for value in variable.values:
        text = f"{value.number} = {value.label(language)}"
        if value.code != str(value.number):
            text += f" [{value.code}]"
        shown.append(text)
    return "; ".join(shown)


def _missing(variable: Variable, language: str) -> str:
    if not variable.missing:
        return ""
    codes = ", ".join(f"{v.number} ({v.label(language)})" for v in variable.missing)
    letters = ", ".join(
        f".{STATA_MISSING_LETTERS[i]} = {v.number}" for i, v in enumerate(variable.missing[:26])
    )
    return _("SPSS and R: %(codes)s; Stata: %(letters)s") % {"codes": codes, "letters": letters}


def codebook_header(languages: list[str]) -> list[str]:
    return [
        _("Variable"),
        _("Question key"),
        _("Renamed from"),
        *[_("Label (%(language)s)") % {"language": lang} for lang in languages],
        _("Type"),
        _("Values and labels"),
        _("Missing-value codes"),
        _("Applies when"),
        _("n answered"),
    ]


def codebook_rows(
    variables: list[Variable], counts: Counts | None, languages: list[str], language: str = "en"
) -> list[list[object]]:
    """One line per variable, in the header's order."""
    rows: list[list[object]] = []
    for i, v in enumerate(variables):
        rows.append(
            [
                v.name,
                v.question,
                v.renamed_from,
                *[v.texts.get(lang, "") for lang in languages],
                _type(v),
                _values(v, language),
                _missing(v, language),
                v.applies_when or (_("Always") if v.question else ""),
                counts.answered[i] if counts is not None else "",
            ]
        )
    return rows


def codebook_csv(
    handle: IO[str], variables: list[Variable], counts: Counts | None, languages: list[str]
) -> None:
    writer = csv.writer(handle, lineterminator="\n")
    writer.writerow(codebook_header(languages))
    for row in codebook_rows(variables, counts, languages):
        writer.writerow([safe_cell(cell) for cell in row])


def codebook_sheet(
    book: Book,
    *,
    title: str,
    variables: list[Variable],
    counts: Counts | None,
    languages: list[str],
) -> None:
    """The codebook as a sheet of a workbook (its name: “Codebook – TITLE”)."""
    widths = (22, 18, 16, *([60] * len(languages)), 30, 60, 40, 40, 11)
    sheet = book.sheet(_("Codebook – %(title)s") % {"title": title}, widths, freeze=1)
    sheet.line(codebook_header(languages), style="header")
    for row in codebook_rows(variables, counts, languages):
        sheet.line(row)
    if counts is not None:
        sheet.skip()
        sheet.line(
            [
                _("n answered: of the %(count)s responses you may read.")
                % {"count": counts.responses}
            ],
            style="note",
        )
