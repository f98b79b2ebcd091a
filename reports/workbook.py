"""The evaluation workbook: every report table of an evaluation in one Excel file, as one user
may see it.

Written with XlsxWriter in constant-memory mode: each row goes to disk once the next starts, so
sheets are written top to bottom and the raw responses stream from the database without
growing memory. Every cell goes through `write_cell`: text is never a formula, control
characters are replaced and over-long text is cut with a marker (common.spreadsheets)."""

from __future__ import annotations

import datetime as dt
import math
import shutil
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO, TYPE_CHECKING, Any

import xlsxwriter
from django.utils import timezone
from django.utils.translation import gettext as _

from common.spreadsheets import safe_sheet_name, safe_text
from evaluations.permissions import Role

if TYPE_CHECKING:
    from pathlib import Path

    from django.contrib.auth.models import AnonymousUser
    from xlsxwriter.format import Format
    from xlsxwriter.worksheet import Worksheet

    from accounts.models import User
    from evaluations.models import Evaluation
    from interviews.selectors import CoverageMatrix
    from questionnaires.models import Distribution
    from reports.tables import (
        Annex,
        DistributionRates,
        DivergingChart,
        LikertTable,
        OpenQuestion,
        OverviewTable,
        ReportAccess,
    )

Progress = Callable[[int, int, str], None]

MAX_SHEET_ROWS = 1_048_576  # Excel's rows per sheet
PROGRESS_EVERY = 1000  # rows between progress calls within a sheet
FORMATS: dict[str, dict[str, Any]] = {
    "title": {"bold": True, "font_size": 13},
    "bold": {"bold": True},
    "header": {
        "bold": True,
        "text_wrap": True,
        "valign": "top",
        "bg_color": "#E7E6E6",
        "bottom": 1,
    },
    "percent": {"num_format": "0.0"},
    "mean": {"num_format": "0.00"},
    "date": {"num_format": "yyyy-mm-dd"},
    "datetime": {"num_format": "yyyy-mm-dd hh:mm"},
    "wrap": {"text_wrap": True, "valign": "top"},
    "note": {"italic": True, "font_color": "#555555"},
    "warning": {"bold": True, "font_color": "#9C0006"},
    "total": {"bold": True, "top": 1},
}


@dataclass
class WorkbookStats:
    sheets: list[str] = field(default_factory=list)
    rows: int = 0  # rows written, every sheet
    raw_responses: int = 0


# --- the one safe-cell function ---------------------------------------------------------------


def write_cell(sheet: Worksheet, row: int, col: int, value: object, fmt: Format | None = None):
    """Write one value by its type; text always as text (never a formula), made safe."""
    if value is None or value == "":
        if fmt is not None:
            sheet.write_blank(row, col, None, fmt)
        return
    if isinstance(value, bool):
        sheet.write_boolean(row, col, value, fmt)
    elif isinstance(value, int | float | Decimal):
        number = float(value)
        if math.isfinite(number):
            sheet.write_number(row, col, number, fmt)
        else:
            sheet.write_string(row, col, safe_text(str(value)), fmt)
    elif isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value).replace(tzinfo=None)
        sheet.write_datetime(row, col, value, fmt)
    elif isinstance(value, dt.date):
        sheet.write_datetime(row, col, dt.datetime.combine(value, dt.time()), fmt)
    else:
        sheet.write_string(row, col, safe_text(str(value)), fmt)


# --- writing sheets top to bottom -------------------------------------------------------------


class Book:
    """The workbook being written, its formats, the sheet names taken and the progress."""

    def __init__(
        self, target: str | Path | IO[bytes], *, progress: Progress | None = None, total: int = 0
    ) -> None:
        self._tmpdir = tempfile.mkdtemp(prefix="consulta-xlsx-")
        options = {
            "constant_memory": True,
            "tmpdir": self._tmpdir,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        }
        self.workbook = xlsxwriter.Workbook(target, options)
        self.workbook.use_zip64()  # sheets past 4 GiB of XML (the biggest raw exports)
        self.formats = {name: self.workbook.add_format(spec) for name, spec in FORMATS.items()}
        self.taken: set[str] = set()
        self.progress, self.total, self.done, self.step_name = progress, total, 0, ""
        self._reported = 0
        self.stats = WorkbookStats()

    def sheet(self, name: str, widths: Sequence[float] = (), *, freeze: int = 0) -> Sheet:
        worksheet = self.workbook.add_worksheet(safe_sheet_name(name, self.taken))
        for col, width in enumerate(widths):
            worksheet.set_column(col, col, width)
        if freeze:
            worksheet.freeze_panes(freeze, 0)
        self.stats.sheets.append(worksheet.name)
        return Sheet(self, worksheet)

    def step(self, name: str) -> None:
        self.step_name = name
        self._report()

    def tick(self, rows: int = 1) -> None:
        self.done += rows
        self.stats.rows += rows
        if self.done - self._reported >= PROGRESS_EVERY:
            self._report()

    def _report(self) -> None:
        self._reported = self.done
        if self.progress is not None:
            self.progress(self.done, max(self.total, self.done), self.step_name)

    def close(self) -> WorkbookStats:
        try:
            self.workbook.close()
        finally:
            shutil.rmtree(self._tmpdir, ignore_errors=True)
        self.total = self.done  # the estimate made way for the count
        self.step_name = _("Done")
        self._report()
        return self.stats

    def abandon(self) -> None:
        """Stop without writing the file: close and remove the sheets' temporary files."""
        for worksheet in self.workbook.worksheets():
            handle = getattr(worksheet, "row_data_fh", None)
            if handle is not None and not handle.closed:
                handle.close()
        shutil.rmtree(self._tmpdir, ignore_errors=True)


class Sheet:
    """One worksheet, written row after row (`row` is the next one)."""

    def __init__(self, book: Book, worksheet: Worksheet) -> None:
        self.book, self.ws, self.row = book, worksheet, 0

    def fmt(self, name: str | None) -> Format | None:
        return None if name is None else self.book.formats[name]

    def line(
        self,
        values: Sequence[object],
        formats: Sequence[str | None] = (),
        style: str | None = None,
    ) -> None:
        """One row: each cell in its column's format, else `style`, else by its type."""
        for col, value in enumerate(values):
            name = formats[col] if col < len(formats) and formats[col] else style
            if name is None and isinstance(value, dt.datetime):
                name = "datetime"
            elif name is None and isinstance(value, dt.date):
                name = "date"
            write_cell(self.ws, self.row, col, value, self.fmt(name))
        self.row += 1
        self.book.tick()

    def skip(self, rows: int = 1) -> None:
        self.row += rows

    def table(self, rows: Sequence[Sequence[object]], formats: Sequence[str | None] = ()) -> None:
        """A header row, then the rows in the columns' formats."""
        if not rows:
            return
        self.line(rows[0], style="header")
        for values in rows[1:]:
            self.line(values, formats)


# --- the sheets (pure: they take the computed tables) -----------------------------------------


def about_sheet(
    book: Book,
    *,
    evaluation: Evaluation,
    access: ReportAccess,
    prepared_for: str,
    generated_at: dt.datetime,
    labels: bool,
    by_label: str,
) -> None:
    sheet = book.sheet(_("About"), (34, 100))
    sheet.line([_("Evaluation workbook")], style="title")
    sheet.line([_("Evaluation"), evaluation.title])
    sheet.line([_("Generated at"), generated_at], ["bold"])
    sheet.line([_("Prepared for"), prepared_for], ["bold"])
    if access.suppressed:
        view = _(
            "Suppressed: numbers from fewer than %(n)s respondents are hidden (shown as “<%(n)s”)."
        ) % {"n": access.threshold}
        sheet.line([_("View"), view], ["bold"])
    else:
        sheet.line([_("View"), _("UNSUPPRESSED (lead view)")], ["bold", "warning"])
    sheet.line([_("Suppression threshold"), access.threshold], ["bold"])
    sheet.line([_("Likert breakdown"), by_label or _("none")], ["bold"])
    sheet.line([_("Answers shown as"), _("labels") if labels else _("codes")], ["bold"])
    included = access.raw_answers
    sheet.line(
        [
            _("Open answers and raw responses"),
            _("included (only those this user may read)")
            if included
            else _("not included: aggregates only"),
        ],
        ["bold"],
    )
    sheet.skip()
    sheet.line([_("Definitions")], style="title")
    for term, text in definitions(access.threshold):
        sheet.line([term, text], ["bold", "wrap"])


def definitions(threshold: int) -> list[tuple[str, str]]:
    return [
        (_("Interviews"), _("Interviews logged; excluded interviews are left out.")),
        (
            _("Participants"),
            _(
                "Distinct people interviewed (a person interviewed twice counts once) plus the "
                "headcounts of unnamed groups."
            ),
        ),
        (
            "≥",
            _("A group of unknown size is in the number: at least this many participants."),
        ),
        (_("n"), _("Answers on the scale; Don't know and N/A are counted apart, not in n.")),
        (_("Point (%)"), _("The point's answers as a percentage of n.")),
        (
            _("Agree (%)"),
            _("The top two points of the scale (the top one on shorter scales), as % of n."),
        ),
        (_("Mean"), _("The mean of the codes (e.g. 4 strongly agree … 1 strongly disagree).")),
        (_("SD"), _("Sample standard deviation (n − 1) of the codes; blank under two answers.")),
        (
            _("Suppression"),
            _(
                "A number built from fewer than %(n)s respondents is shown as “<%(n)s”; further "
                "cells are hidden where a hidden one could be worked out from the totals."
            )
            % {"n": threshold},
        ),
        (
            _("Response rate"),
            _(
                "Responded (submitted online or returned through the team, any channel) as % of "
                "invited (everyone but those excluded or whose link was revoked)."
            ),
        ),
        (
            _("Coverage"),
            _("Planned: the target; reached: interviews or questionnaires that match it."),
        ),
    ]


def rates_sheet(book: Book, rates: Sequence[DistributionRates]) -> None:
    from questionnaires.tracking import COUNTED

    sheet = book.sheet(_("Response rates"), (28, *([12] * (len(COUNTED) + 1))))
    if not rates:
        sheet.line([_("No questionnaire has been sent yet.")], style="note")
    headers = {
        "invited": _("Invited"),
        "excluded": _("Excluded"),
        "declined": _("Declined"),
        "opened": _("Opened"),
        "started": _("Started"),
        "submitted_online": _("Submitted online"),
        "returned": _("Returned (team)"),
        "responded": _("Responded"),
    }
    for each in rates:
        sheet.line([each.title], style="title")
        header = [each.by_label, *(headers.get(name, name) for name in COUNTED), _("Rate (%)")]
        sheet.line(header, style="header")
        formats = [None] * (len(COUNTED) + 1) + ["percent"]
        for row in each.rows:
            cells = [row.label, *(getattr(row, name) for name in COUNTED), row.percent]
            sheet.line(cells, formats, style="total" if row.is_total else None)
        if each.channels:
            channels = ", ".join(f"{key}: {count}" for key, count in each.channels.items())
            sheet.line([_("Responses by channel"), channels], ["bold"])
        if each.rollup.summary:
            sheet.line([_("Countries"), each.rollup.summary], ["bold"])
        sheet.skip()


def likert_formats(table: LikertTable) -> list[str | None]:
    """The number format of each column of likert_rows(table)."""
    formats: list[str | None] = [None, "wrap"] + ([None] if table.by else []) + [None]
    formats += [None, "percent"] * len(table.in_scale)
    formats += ["percent", "mean", "mean"]
    formats += [None, "percent"] * len(table.outside)
    return formats


def likert_sheet(
    book: Book,
    tables: Sequence[LikertTable],
    charts: dict[int, DivergingChart],
    breakdowns: Sequence[LikertTable] = (),
) -> None:
    """Each overall table with its diverging chart (its numbers next to the table), then the
    tables by the breakdown. `charts` are keyed by the index of their table."""
    from reports.selectors.likert import likert_rows

    sheet = book.sheet(_("Likert"), (8, 50, 8, *([10] * 30)))
    if not tables:
        sheet.line([_("No Likert answers yet.")], style="note")
    for index, table in enumerate(tables):
        _likert_heading(sheet, table)
        rows = likert_rows(table)
        chart = charts.get(index)
        side = _chart_cells(chart) if chart is not None else []
        gap = len(rows[0]) + 1
        first = sheet.row
        for i in range(max(len(rows), len(side))):
            values = list(rows[i]) if i < len(rows) else [""] * len(rows[0])
            formats = likert_formats(table) if i else ["header"] * len(values)
            if i < len(side):
                values += ["", *side[i]]
                formats += [None, *_side_formats(i, len(side[i]))]
            sheet.line(values, formats)
        if chart is not None and chart.categories:
            _insert_chart(sheet, chart, data_row=first, data_col=gap)
        sheet.skip()
    for table in breakdowns:
        _likert_heading(sheet, table)
        sheet.table(likert_rows(table), likert_formats(table))
        sheet.skip()


def _likert_heading(sheet: Sheet, table: LikertTable) -> None:
    title = f"{table.distribution_title} — {table.block_title}"
    if table.by:
        title += " — " + _("by %(attribute)s") % {"attribute": table.by_label}
    sheet.line([title], style="title")
    if table.suppressed_view:
        note = _("Respondents: %(n)s. Numbers from fewer than %(t)s respondents: “<%(t)s”.") % {
            "n": table.respondents,
            "t": table.threshold,
        }
        sheet.line([note], style="note")
    else:
        sheet.line([_("UNSUPPRESSED (lead view)")], style="warning")


def _side_formats(index: int, width: int) -> list[str | None]:
    if index == 0:
        return ["header"] * width
    return [None, *["percent"] * (width - 1)]


def _chart_cells(chart: DivergingChart) -> list[list[object]]:
    """The chart's numbers as cells: a header (the points), then a row per item in the
    table's order (the chart lists them bottom to top; the axis is reversed instead)."""
    rows: list[list[object]] = [[_("Chart"), *(series.label for series in chart.series)]]
    for i, category in reversed(list(enumerate(chart.categories))):
        rows.append([category, *(series.values[i] for series in chart.series)])
    return rows


def _insert_chart(sheet: Sheet, chart: DivergingChart, *, data_row: int, data_col: int) -> None:
    """A native diverging stacked bar chart over the cells `_chart_cells` wrote."""
    book, name = sheet.book, sheet.ws.name
    first, last = data_row + 1, data_row + len(chart.categories)
    bars = book.workbook.add_chart({"type": "bar", "subtype": "stacked"})
    for offset, series in enumerate(chart.series, start=1):
        bars.add_series(
            {
                "name": [name, data_row, data_col + offset],
                "categories": [name, first, data_col, last, data_col],
                "values": [name, first, data_col + offset, last, data_col + offset],
                "fill": {"color": series.color},
                "border": {"none": True},
                "gap": 60,
                "overlap": 100,
            }
        )
    bars.set_title({"name": safe_text(chart.title)[:255], "name_font": {"size": 11}})
    # Reversed, the first item is at the top; the values' axis then stays at the bottom.
    bars.set_y_axis({"reverse": True, "crossing": "max", "label_position": "low"})
    bars.set_x_axis({"num_format": '0"%";0"%"', "min": -100, "max": 100, "major_unit": 25})
    bars.set_legend({"position": "bottom"})
    height = 90 + 28 * len(chart.categories)
    bars.set_size({"width": 760, "height": height})
    sheet.ws.insert_chart(sheet.row + 1, 1, bars)
    sheet.skip(2 + math.ceil(height / 20))


def open_answers_sheet(
    book: Book, questions: Sequence[OpenQuestion], titles: dict[int, str]
) -> None:
    sheet = book.sheet(_("Open answers"), (28, 10, 40, 22, 90), freeze=1)
    sheet.line(
        [_("Questionnaire"), _("Question"), _("Text"), _("Group"), _("Answer")], style="header"
    )
    for question in questions:
        title = titles.get(question.distribution_id, "")
        label = question.question_label or question.question_key
        for group in question.groups:
            for answer in group.answers:
                sheet.line(
                    [title, label, question.question_text, group.label, answer],
                    [None, None, "wrap", None, "wrap"],
                )
        if question.withheld:
            note = _("%(n)s answer(s) for the lead evaluator only: not shown.") % {
                "n": question.withheld
            }
            sheet.line([title, label, question.question_text, "", note], [None] * 4 + ["note"])


def raw_sheet(
    book: Book,
    *,
    title: str,
    columns: Sequence[tuple[str, str]],
    rows: Iterable[Sequence[object]],
    labels: bool,
) -> int:
    """The raw responses of one questionnaire, continued on a further sheet past Excel's row
    limit; returns the number of responses written."""
    header = [label if labels else code for code, label in columns]
    widths = (34, 17, 9, *([14] * (len(columns) - 3)))
    sheet = book.sheet(_("Raw – %(title)s") % {"title": title}, widths, freeze=1)
    sheet.line(header, style="header")
    written = 0
    for values in rows:
        if sheet.row >= MAX_SHEET_ROWS:
            sheet = book.sheet(_("Raw – %(title)s") % {"title": title}, widths, freeze=1)
            sheet.line(header, style="header")
        sheet.line(values)
        written += 1
    if not written:
        sheet.line([_("No responses you may read.")], style="note")
    return written


def overview_sheet(book: Book, table: OverviewTable) -> None:
    from reports.selectors.overview import overview_rows

    rows = overview_rows(table)
    sheet = book.sheet(_("Interview overview"), (34, *([13] * (len(rows[0]) - 2)), 50), freeze=2)
    sheet.line([table.title], style="title")
    sheet.line(rows[0], style="header")
    for values in rows[1:-1]:
        sheet.line(values)
    sheet.line(rows[-1], style="total")
    if table.footnotes:
        sheet.skip()
        for note in table.footnotes:
            sheet.line([note], style="note")
    if table.rules:
        sheet.skip()
        sheet.line([_("Rules (first match decides)"), _("Interviews")], style="header")
        for rule in table.rules:
            sheet.line([f"{rule.order}. {rule.text}", rule.matched])
        if table.by_hand:
            sheet.line([_("Category set by hand"), table.by_hand])
    if table.excluded:
        sheet.skip()
        sheet.line([_("Excluded interviews"), _("Date"), _("Reason")], style="header")
        for each in table.excluded:
            sheet.line([each.label, each.date, each.reason])


def annex_sheet(book: Book, annex: Annex) -> None:
    from reports.selectors.annex import annex_rows

    rows = annex_rows(annex)
    sheet = book.sheet(_("Annex"), (40, 50, 22, 16), freeze=1)
    sheet.line(rows[0], style="header")
    for values in rows[1:]:
        heading = bool(values and values[0]) and not any(values[1:])
        sheet.line(values, style="bold" if heading else None)
    if annex.names_withheld:
        sheet.skip()
        sheet.line([_("Names withheld: organisation and function only.")], style="note")


def coverage_sheet(book: Book, matrix: CoverageMatrix) -> None:
    """One block per method: places down, stakeholder groups across, planned/reached/gap."""
    sheet = book.sheet(_("Coverage"), (30, *([10] * 60)))
    if not matrix.tables:
        sheet.line([_("No coverage plan.")], style="note")
    parts = [_("planned"), _("reached"), _("gap")]
    for table in matrix.tables:
        sheet.line([table.label], style="title")
        groups = [g.name for g in table.groups] + [_("Total")]
        sheet.line(
            [_("Place"), *(n if i == 0 else "" for n in groups for i in range(3))], style="header"
        )
        sheet.line(["", *(parts * len(groups))], style="header")
        for row in table.rows:
            sheet.line([row.place.label, *_matrix_cells([*row.cells, row.total])])
        totals = [_("Total"), *_matrix_cells([*table.totals, table.total])]
        sheet.line(totals, style="total")
        sheet.skip()


def _matrix_cells(cells: Sequence[Any]) -> list[object]:
    values: list[object] = []
    for cell in cells:
        values += ["", "", ""] if cell is None else [cell.planned, cell.reached, cell.gap]
    return values


# --- the whole workbook -----------------------------------------------------------------------


def viewer_stand_in(evaluation: Evaluation) -> User:
    """An unsaved user who is a viewer of the evaluation: the view `export_workbook` builds
    without --user (suppressed, aggregates only). evaluations.permissions reads the role from
    its per-user memo, so every selector treats this user as a viewer."""
    from accounts.models import User

    user = User(email="", is_active=True)
    user.__dict__["_evaluation_roles"] = {evaluation.pk: Role.VIEWER}
    user.__dict__["_registry_roles"] = frozenset({Role.VIEWER})
    return user


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

    @property
    def rows(self) -> int:
        likert = sum(len(t.rows) + 3 for t in [*self.likert, *self.breakdowns])
        rates = sum(len(r.rows) + 4 for r in self.rates)
        answers = sum(len(g.answers) for q in self.open_answers for g in q.groups)
        annex = sum(len(g.lines) + 1 for g in self.annex.groups)
        coverage = sum(len(t.rows) + 4 for t in self.coverage.tables)
        return 25 + likert + rates + answers + annex + coverage + len(self.overview.rows) + 10


def _gather(
    evaluation: Evaluation, user: User | AnonymousUser, access: ReportAccess, by: str
) -> _Content:
    from interviews.selectors import coverage_matrix
    from questionnaires.models import Distribution
    from reports.charts import diverging_chart
    from reports.selectors.annex import annex
    from reports.selectors.likert import likert_breakdowns, likert_summary
    from reports.selectors.open_answers import open_answers
    from reports.selectors.overview import interview_overview
    from reports.selectors.rates import evaluation_rates
    from reports.selectors.raw import raw_response_count

    unsuppressed = not access.suppressed
    distributions = list(
        Distribution.objects.filter(evaluation=evaluation)
        .select_related("evaluation")
        .order_by("created_at", "pk")
    )
    likert, breakdowns, answers, raw = [], [], [], []
    for distribution in distributions:
        likert += likert_summary(user=user, distribution=distribution, unsuppressed=unsuppressed)
        if by and by in dict(likert_breakdowns(distribution)):
            breakdowns += likert_summary(
                user=user, distribution=distribution, by=by, unsuppressed=unsuppressed
            )
        if access.raw_answers:
            answers += open_answers(user=user, distribution=distribution)
            raw.append((distribution, raw_response_count(user=user, distribution=distribution)))
    likert = [table for table in likert if table.rows]
    return _Content(
        rates=evaluation_rates(user=user, evaluation=evaluation),
        likert=likert,
        charts={i: diverging_chart(table) for i, table in enumerate(likert)},
        breakdowns=[table for table in breakdowns if table.rows],
        open_answers=answers,
        overview=interview_overview(evaluation=evaluation, user=user),
        annex=annex(evaluation=evaluation, user=user),
        coverage=coverage_matrix(evaluation=evaluation, user=user),
        raw=raw,
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
) -> WorkbookStats:
    """Write the evaluation workbook as `user` may see it (None: a viewer's view) to a path
    or a binary file. `progress(rows_done, rows_total, step)` is called as rows are written;
    an exception it raises stops the writing (nothing is written to `target`)."""
    from reports.selectors.access import report_access
    from reports.selectors.raw import raw_columns, raw_response_rows

    reader = user if user is not None else viewer_stand_in(evaluation)
    access = report_access(reader, evaluation, unsuppressed=unsuppressed)
    if progress is not None:
        progress(0, 0, _("Computing the tables"))
    content = _gather(evaluation, reader, access, by)
    total = content.rows + sum(count for _d, count in content.raw)
    book = Book(target, progress=progress, total=total)
    try:
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
            for distribution, _count in content.raw:
                book.step(_("Raw responses: %(title)s") % {"title": distribution.title})
                book.stats.raw_responses += raw_sheet(
                    book,
                    title=distribution.title,
                    columns=raw_columns(distribution),
                    rows=raw_response_rows(user=reader, distribution=distribution, labels=labels),
                    labels=labels,
                )
        book.step(_("Interview overview"))
        overview_sheet(book, content.overview)
        book.step(_("Annex"))
        annex_sheet(book, content.annex)
        book.step(_("Coverage"))
        coverage_sheet(book, content.coverage)
        book.step(_("Saving the file"))
    except BaseException:
        book.abandon()
        raise
    return book.close()


def _prepared_for(user: User | AnonymousUser | None, access: ReportAccess) -> str:
    role = dict(Role.choices).get(access.role or "", access.role or "")
    if user is None:
        return _("A viewer's view (no particular user)")
    return f"{getattr(user, 'email', '')} ({role})"
