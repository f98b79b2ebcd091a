"""The analysis's sheets in the evaluation workbook (reports.workbook, registered at start-up
by AnalysisConfig.ready): the evaluation matrix, the codebook, the code tallies by stakeholder
group as the reader may see them (suppressed unless a lead's unsuppressed workbook), and the
coded excerpts with their attribution for readers of individual answers. An evaluation with no
matrix or no codebook gets no empty sheets for them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from analysis.formats.matrix_format import matrix_rows
from analysis.formats.qdc import codebook_rows
from analysis.models import Code, Criterion
from analysis.selectors.codebook import codebook_of
from analysis.selectors.codings import attribution_of, codings_of
from analysis.selectors.matrix import matrix_of
from analysis.selectors.tallies import TallyCell, code_tallies

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User
    from evaluations.models import Evaluation
    from reports.tables import ReportAccess
    from reports.workbook import Book


def analysis_sheets(
    book: Book, *, evaluation: Evaluation, reader: User | AnonymousUser, access: ReportAccess
) -> None:
    if Criterion.objects.filter(evaluation=evaluation).exists():
        book.step(_("Evaluation matrix"))
        sheet = book.sheet(_("Evaluation matrix"), (14, 30, 50, 10, 60, 10, 40), freeze=1)
        sheet.table(matrix_rows(matrix_of(user=reader, evaluation=evaluation)))
    if not Code.objects.filter(evaluation=evaluation).exists():
        return
    book.step(_("Codebook"))
    sheet = book.sheet(_("Codebook"), (30, 50, 50, 20, 10, 38), freeze=1)
    sheet.table(codebook_rows(codebook_of(user=reader, evaluation=evaluation)))
    book.step(_("Code tallies"))
    _tallies_sheet(book, evaluation, reader, access)
    if access.raw_answers:
        book.step(_("Coded excerpts"))
        _excerpts_sheet(book, evaluation, reader)


def _count(cell: TallyCell, threshold: int) -> str | int:
    if cell.count is None:
        return f"<{threshold}"
    return f"≥{cell.count}" if cell.at_least else cell.count


def _tallies_sheet(
    book: Book, evaluation: Evaluation, reader: User | AnonymousUser, access: ReportAccess
) -> None:
    table = code_tallies(
        user=reader,
        evaluation=evaluation,
        by="stakeholder_group",
        unsuppressed=not access.suppressed,
    )
    sheet = book.sheet(_("Code tallies"), (34, *([14] * (len(table.columns) + 1)), 40), freeze=2)
    if table.suppressed:
        note = _("Distinct people per code. Counts under %(n)s, and cells that would give them "
                 "away, are shown as “<%(n)s”.") % {"n": table.threshold}  # fmt: skip
    else:
        note = _("Distinct people per code. UNSUPPRESSED (lead view).")
    sheet.line([note], style="note")

    def n_of(n: int | None, at_least: bool) -> str:
        return f"n = <{table.threshold}" if n is None else f"n = {'≥' if at_least else ''}{n}"

    labels = [f"{c.label} ({n_of(c.n, c.n_at_least)})" for c in table.columns]
    total = f"{_('Total')} ({n_of(table.n, table.n_at_least)})"
    sheet.line([table.by_label, *labels, total, _("In words")], style="header")
    for row in table.rows:
        name = "   " * (row.depth - 1) + row.code
        cells = [_count(cell, table.threshold) for cell in row.cells]
        sheet.line([name, *cells, _count(row.total, table.threshold), row.total.words])


def _excerpts_sheet(book: Book, evaluation: Evaluation, reader: User | AnonymousUser) -> None:
    sheet = book.sheet(_("Coded excerpts"), (30, 60, 36, 24, 40, 20, 18), freeze=1)
    headers = [_("Codes"), _("Excerpt"), _("Attribution"), _("Source"), _("Memo"), _("Coder")]
    sheet.line([*headers, _("Coded at")], style="header")
    for coding in codings_of(user=reader, evaluation=evaluation):
        if coding.answer is not None:
            source = _("answer to %(question)s") % {"question": coding.answer.question.key}
        else:
            source = _("interview note")
        sheet.line(
            [
                ", ".join(code.name for code in coding.codes.all()),
                coding.text,
                attribution_of(coding),
                source,
                coding.memo,
                str(coding.coder) if coding.coder_id else "",
                coding.created_at,
            ],
            ["wrap", "wrap", "wrap", None, "wrap", None, None],
        )
