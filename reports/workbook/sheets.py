"""The sheets of the evaluation workbook, one writer each. They are pure: they take the
computed tables (reports.tables) and write them; no queries here."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from common.spreadsheets import safe_text
from common.xlsx import MAX_SHEET_ROWS, Sheet
from interviews.models import DATE_UNKNOWN
from questionnaires.selectors.tracking import COUNTED
from reports.selectors.annex import annex_rows
from reports.selectors.likert import likert_rows
from reports.selectors.overview import overview_rows
from reports.workbook.book import Book

if TYPE_CHECKING:
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
            "Suppressed: in breakdowns, groups and cells built from fewer than %(n)s respondents "
            "are hidden (shown as “<%(n)s”)."
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
                "In a breakdown (by region, group …), a group or cell built from fewer than %(n)s "
                "respondents is shown as “<%(n)s”, and further cells are hidden where a hidden "
                "one could be worked out from the totals. A row of all respondents is hidden "
                "only when fewer than %(n)s answered; its counts per point are shown."
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
            sheet.line(each.cells(row), formats, style="total" if row.is_total else None)
        if each.channels:
            channels = ", ".join(
                f"{label}: {f'<{each.threshold}' if count is None else count}"
                for label, count in each.channel_labels
            )
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
        note = _(
            "Respondents: %(n)s. In the breakdowns, numbers from fewer than %(t)s respondents: "
            "“<%(t)s”."
        ) % {
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
        label = question.question_ref or question.question_key
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
    count: int,
) -> None:
    """The raw responses of one questionnaire (`count` of them, as counted beforehand),
    streamed when the book is closed (common.xlsx_stream), continued on further sheets past
    Excel's row limit. The book's stats count the responses written, and those left out (more
    than were counted: submitted while the book was written)."""
    header = [label if labels else code for code, label in columns]
    widths = (34, 17, 9, *([14] * (len(columns) - 3)))
    name = _("Raw – %(title)s") % {"title": title}
    if not count:
        sheet = book.sheet(name, widths, freeze=1)
        sheet.line(header, style="header")
        sheet.line([_("No responses you may read.")], style="note")
        return

    def streamed(written: int, left_out: int) -> None:
        book.stats.raw_responses += written
        book.stats.raw_left_out += left_out

    book.streamed_sheets(
        name,
        widths,
        header=header,
        rows=rows,
        parts=-(-count // (MAX_SHEET_ROWS - 1)),
        step=_("Raw responses: %(title)s") % {"title": title},
        streamed=streamed,
    )


def overview_sheet(book: Book, table: OverviewTable) -> None:
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
            sheet.line([each.label, each.date or str(DATE_UNKNOWN), each.reason])


def annex_sheet(book: Book, annex: Annex) -> None:
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
        if cell is None:
            values += ["", "", ""]
        else:  # a hidden count of respondents: "<N", and no gap (it would give it back)
            gap = "" if cell.gap is None else cell.gap
            values += [cell.planned, cell.reached_shown, gap]
    return values
