"""The criteria grid's sheet in the evaluation workbook (registered at start-up by
AnalysisConfig.ready, as analysis.workbook's sheets are), laid out as reports print it: per
assessed unit a heading, then Criteria | Assessment (| Rating, when the evaluation has a
scale) | Sources. An evaluation with no assessed unit gets no sheet."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from analysis.models import AssessedUnit, Assessment
from analysis.selectors.grid import grid_of, sources_text

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User
    from evaluations.models import Evaluation
    from reports.tables import ReportAccess
    from reports.workbook import Book


def grid_sheet(
    book: Book, *, evaluation: Evaluation, reader: User | AnonymousUser, access: ReportAccess
) -> None:
    if not AssessedUnit.objects.filter(evaluation=evaluation).exists():
        return
    book.step(_("Criteria grid"))
    grid = grid_of(user=reader, evaluation=evaluation)
    rated = bool(grid.levels)
    widths = (34, 80, *((20,) if rated else ()), 50)
    sheet = book.sheet(_("Criteria grid"), widths)
    headers = [_("Criteria"), _("Assessment"), *([_("Rating")] if rated else []), _("Sources")]
    for number, unit in enumerate(grid.units):
        if number:
            sheet.skip()
        sheet.line([f"{unit.name} ({unit.kind_label})"], style="title")
        if unit.description:
            sheet.line([unit.description], style="note")
        sheet.line(headers, style="header")
        for cell in unit.cells:
            shown = cell.text if cell.state == Assessment.State.ASSESSED else cell.state_label
            values = [cell.criterion, shown, *([cell.rating] if rated else []), sources_text(cell)]
            sheet.line(values, ["bold", "wrap", *([None] if rated else []), "wrap"])
