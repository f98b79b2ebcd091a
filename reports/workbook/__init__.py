"""The evaluation workbook: every report table of an evaluation in one Excel file, as one user
may see it.

Written through common.xlsx (XlsxWriter in constant-memory mode): each row goes to disk once
the next starts, so sheets are written top to bottom and the raw responses stream from the
database without growing memory. Every cell goes through `write_cell`: text is never a formula,
control characters are replaced and over-long text is cut with a marker (common.spreadsheets).

The package: book.py (common.xlsx's Book with the report formats), sheets.py (one writer per
sheet), and here the whole workbook as one user may see it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING

from django.utils import timezone
from django.utils.translation import gettext as _

from evaluations.permissions import Role, role_stand_in
from interviews.selectors import coverage_matrix
from questionnaires.models import Distribution
from reports.charts import diverging_chart
from reports.selectors.access import report_access
from reports.selectors.annex import annex
from reports.selectors.likert import likert_breakdowns, likert_summary
from reports.selectors.open_answers import open_answers
from reports.selectors.overview import interview_overview
from reports.selectors.rates import evaluation_rates
from reports.selectors.raw import raw_columns, raw_response_count, raw_response_rows
from reports.statistics import codebook_sheet_write
from reports.workbook.book import Book, Progress, WorkbookStats, write_cell

if TYPE_CHECKING:
    from pathlib import Path

    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User
    from evaluations.models import Evaluation
    from interviews.selectors import CoverageMatrix
    from reports.tables import (
        Annex,
        DistributionRates,
        DivergingChart,
        LikertTable,
        OpenQuestion,
        OverviewTable,
        ReportAccess,
    )

from reports.workbook.sheets import (
    about_sheet,
    annex_sheet,
    coverage_sheet,
    likert_sheet,
    open_answers_sheet,
    overview_sheet,
    rates_sheet,
    raw_sheet,
)

# --- the whole workbook -----------------------------------------------------------------------

__all__ = ["Book", "WorkbookStats", "raw_sheet", "sheets_register", "workbook_write", "write_cell"]

# Sheets of the apps above this one (the analysis), written after the report sheets: each app
# registers its writer at start-up (its AppConfig.ready), so this app never imports them.
SheetsWriter = Callable[..., None]  # (book, *, evaluation, reader, access) -> None
EXTRA_SHEETS: list[SheetsWriter] = []


def sheets_register(writer: SheetsWriter) -> None:
    """Add sheets to every evaluation workbook: `writer(book, evaluation=…, reader=…,
    access=…)` writes them as `reader` may see them (once per writer, however often called)."""
    if writer not in EXTRA_SHEETS:
        EXTRA_SHEETS.append(writer)


@dataclass
class _Content:
    """The small tables, computed before writing (the raw responses stream later)."""

    rates: list[DistributionRates]
    likert: list[LikertTable]
    charts: dict[int, DivergingChart]
    breakdowns: list[LikertTable]
    open_answers: list[OpenQuestion]
    overview: OverviewTable
    annex: Annex
    coverage: CoverageMatrix
    raw: list[tuple[Distribution, int]]
    cutoff: dt.datetime  # raw responses submitted by then: counted, then streamed

    @property
    def rows(self) -> int:
        likert = sum(len(t.rows) + 3 for t in [*self.likert, *self.breakdowns])
        rates = sum(len(r.rows) + 4 for r in self.rates)
        answers = sum(len(g.answers) for q in self.open_answers for g in q.groups)
        annex = sum(len(g.lines) + 1 for g in self.annex.groups)
        coverage = sum(len(t.rows) + 4 for t in self.coverage.tables)
        return 25 + likert + rates + answers + annex + coverage + len(self.overview.rows) + 10


def _gather(
    evaluation: Evaluation,
    user: User | AnonymousUser,
    access: ReportAccess,
    by: str,
    beat: Callable[[], object],
) -> _Content:
    """Every table of the workbook, computed before writing; `beat()` after each one, so a
    running export keeps its heartbeat while the database works (a long evaluation's tables
    take minutes)."""
    unsuppressed = not access.suppressed
    distributions = list(
        Distribution.objects.filter(evaluation=evaluation)
        .select_related("evaluation")
        .order_by("created_at", "pk")
    )
    likert, breakdowns, answers, raw = [], [], [], []
    cutoff = timezone.now()
    for distribution in distributions:
        likert += likert_summary(user=user, distribution=distribution, unsuppressed=unsuppressed)
        beat()
        if by and by in dict(likert_breakdowns(distribution, access)):
            breakdowns += likert_summary(
                user=user, distribution=distribution, by=by, unsuppressed=unsuppressed
            )
            beat()
        if access.raw_answers:
            answers += open_answers(user=user, distribution=distribution)
            count = raw_response_count(user=user, distribution=distribution, cutoff=cutoff)
            raw.append((distribution, count))
            beat()
    likert = [table for table in likert if table.rows]
    rates = evaluation_rates(user=user, evaluation=evaluation, unsuppressed=unsuppressed)
    beat()
    overview = interview_overview(evaluation=evaluation, user=user)
    beat()
    return _Content(
        rates=rates,
        likert=likert,
        charts={i: diverging_chart(table) for i, table in enumerate(likert)},
        breakdowns=[table for table in breakdowns if table.rows],
        open_answers=answers,
        overview=overview,
        annex=annex(evaluation=evaluation, user=user),
        coverage=coverage_matrix(evaluation=evaluation, user=user),
        raw=raw,
        cutoff=cutoff,
    )


def workbook_write(
    target: str | Path | IO[bytes],
    *,
    evaluation: Evaluation,
    user: User | AnonymousUser | None,
    unsuppressed: bool = False,
    labels: bool = False,
    progress: Progress | None = None,
    by: str = "region",
    tmpdir: str | Path | None = None,
) -> WorkbookStats:
    """Write the evaluation workbook as `user` may see it (None: a viewer's view) to a path
    or a binary file. `progress(rows_done, rows_total, step)` is called as rows are written;
    an exception it raises stops the writing (nothing is written to `target`). The sheets'
    temporary files go under `tmpdir` (default: the system's)."""
    reader = user if user is not None else role_stand_in(evaluation, Role.VIEWER)
    access = report_access(reader, evaluation, unsuppressed=unsuppressed)
    step = _("Computing the tables")

    def beat() -> None:
        if progress is not None:
            progress(0, 0, step)

    beat()
    content = _gather(evaluation, reader, access, by, beat)
    total = content.rows + sum(count for _d, count in content.raw)
    with Book.open(target, progress=progress, total=total, tmpdir=tmpdir) as book:
        book.step(_("About"))
        about_sheet(
            book,
            evaluation=evaluation,
            access=access,
            prepared_for=_prepared_for(user, access),
            generated_at=timezone.localtime().replace(microsecond=0),
            labels=labels,
            by_label=content.breakdowns[0].by_label if content.breakdowns else "",
        )
        book.step(_("Response rates"))
        rates_sheet(book, content.rates)
        book.step(_("Likert"))
        likert_sheet(book, content.likert, content.charts, content.breakdowns)
        if access.raw_answers:
            book.step(_("Open answers"))
            titles = {d.pk: d.title for d, _count in content.raw}
            open_answers_sheet(book, content.open_answers, titles)
            for distribution, count in content.raw:
                rows = raw_response_rows(
                    user=reader, distribution=distribution, labels=labels, cutoff=content.cutoff
                )
                raw_sheet(
                    book,
                    title=distribution.title,
                    columns=raw_columns(distribution),
                    rows=rows,
                    labels=labels,
                    count=count,
                )
                codebook_sheet_write(
                    book, distribution=distribution, user=reader, cutoff=content.cutoff
                )
        book.step(_("Interview overview"))
        overview_sheet(book, content.overview)
        book.step(_("Annex"))
        annex_sheet(book, content.annex)
        book.step(_("Coverage"))
        coverage_sheet(book, content.coverage)
        for writer in EXTRA_SHEETS:
            writer(book, evaluation=evaluation, reader=reader, access=access)
        book.step(_("Saving the file"))
    return book.stats


def _prepared_for(user: User | AnonymousUser | None, access: ReportAccess) -> str:
    role = dict(Role.choices).get(access.role or "", access.role or "")
    if user is None:
        return _("A viewer's view (no particular user)")
    return f"{getattr(user, 'email', '')} ({role})"
