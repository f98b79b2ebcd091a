"""The diverging stacked bar chart of a Likert block: disagree to the left of zero, agree to
the right, one bar per item. `diverging_chart` computes its numbers from a LikertTable (the
page's SVG and the workbook's native chart both draw these); `diverging_svg` draws it.

Series are ordered for stacking outwards from zero: the disagree side nearest zero first
("2", then "1"), then the agree side ("3", then "4"). On a scale with a middle point, that
point is split in two halves, one on each side of zero, each nearest to zero on its side.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import replace
from typing import TYPE_CHECKING

from django.utils.html import escape
from django.utils.translation import gettext as _

from reports.selectors.likert import overall_rows
from reports.tables import ChartSeries, DivergingChart, LikertRow, LikertTable, ScaleColumn

if TYPE_CHECKING:
    from questionnaires.selectors.tracking import RateRow

# Colours from the most disagreeing point to the most agreeing (ColorBrewer RdBu, with a
# neutral grey for a middle point), by the number of points on the scale.
PALETTES = {
    2: ["#CA0020", "#0571B0"],
    3: ["#CA0020", "#BABABA", "#0571B0"],
    4: ["#CA0020", "#F4A582", "#92C5DE", "#0571B0"],
    5: ["#CA0020", "#F4A582", "#BABABA", "#92C5DE", "#0571B0"],
    6: ["#B2182B", "#EF8A62", "#FDDBC7", "#D1E5F0", "#67A9CF", "#2166AC"],
    7: ["#B2182B", "#EF8A62", "#FDDBC7", "#BABABA", "#D1E5F0", "#67A9CF", "#2166AC"],
}
RED, BLUE, GREY = (202, 0, 32), (5, 113, 176), (186, 186, 186)


def palette(size: int) -> list[str]:
    """`size` colours from red (disagree) to blue (agree), grey in the middle of odd scales."""
    if size in PALETTES:
        return PALETTES[size]
    colours = []
    for i in range(size):
        t = i / max(size - 1, 1)
        end, share = (RED, 1 - 2 * t) if t < 0.5 else (BLUE, 2 * t - 1)
        rgb = [round(g + (e - g) * share) for g, e in zip(GREY, end, strict=True)]
        colours.append("#" + "".join(f"{c:02X}" for c in rgb))
    return colours


def item_label(row: LikertRow) -> str:
    return f"{row.question_ref} {row.question_text}".strip()


def _values(rows: list[LikertRow], index: int, sign: float) -> list[float | None]:
    values = []
    for row in rows:
        share = row.points[index].percent
        values.append(None if share is None else round(sign * share, 2) + 0.0)
    return values


def diverging_chart(table: LikertTable) -> DivergingChart:
    """The chart of a block's overall rows: per item, each in-scale point's percent (negative
    on the disagree side); a suppressed percent stays None."""
    rows = list(reversed(overall_rows(table)))  # bottom to top: the first item on top
    columns: list[ScaleColumn] = table.in_scale
    ranked = sorted(range(len(columns)), key=lambda i: columns[i].value or 0)  # disagree first
    colours = dict(zip(ranked, palette(len(ranked)), strict=True))
    half = len(ranked) // 2
    lower, upper = ranked[:half], ranked[len(ranked) - half :]
    middle = ranked[half] if len(ranked) % 2 else None

    def series(index: int, sign: float) -> ChartSeries:
        column = columns[index]
        return ChartSeries(
            code=column.code,
            label=column.label,
            color=colours[index],
            values=_values(rows, index, sign),
        )

    disagree = [series(i, -1) for i in reversed(lower)]
    agree = [series(i, 1) for i in upper]
    if middle is not None:
        disagree.insert(0, series(middle, -0.5))
        agree.insert(0, series(middle, 0.5))
    return DivergingChart(
        title=table.block_title or table.distribution_title,
        categories=[item_label(row) for row in rows],
        series=disagree + agree,
    )


# --- SVG ---------------------------------------------------------------------------------------

WIDTH, LABEL_WIDTH, PLOT_LEFT, PLOT_RIGHT = 760, 270, 290, 740
BAR, GAP, TOP = 22, 10, 44
LABEL_CHARS = 42


def legend_order(chart: DivergingChart) -> list[ChartSeries]:
    """The scale's points from the most disagreeing to the most agreeing, each once."""
    half = len(chart.series) // 2
    seen: dict[str, ChartSeries] = {}
    for each in [*reversed(chart.series[:half]), *chart.series[half:]]:
        seen.setdefault(each.code, each)
    return list(seen.values())


def extent(chart: DivergingChart) -> int:
    """The axis reaches ± this percent: the longest side, rounded up to 25."""
    longest = 0.0
    for i in range(len(chart.categories)):
        values = [s.values[i] for s in chart.series if s.values[i] is not None]
        longest = max(longest, -sum(v for v in values if v < 0), sum(v for v in values if v > 0))
    return int(min(100, max(25, math.ceil(longest / 25) * 25)))


def _short(text: str) -> str:
    return text if len(text) <= LABEL_CHARS else text[: LABEL_CHARS - 1].rstrip() + "…"


def _percent(value: float) -> str:
    return f"{abs(value):.1f}".rstrip("0").rstrip(".") + "%"


def _axis(reach: int, x_of, bottom: int) -> list[str]:
    parts = []
    for tick in range(-reach, reach + 1, 25):
        x = x_of(tick)
        stroke = "#333333" if tick == 0 else "#DDDDDD"
        parts.append(
            f'<line x1="{x:.1f}" y1="{TOP - 4}" x2="{x:.1f}" y2="{bottom}" stroke="{stroke}"/>'
        )
        parts.append(
            f'<text x="{x:.1f}" y="{bottom + 14}" text-anchor="middle">{abs(tick)}%</text>'
        )
    return parts


def _bars(chart: DivergingChart, i: int, y: int, x_of) -> list[str]:
    parts, left, right = [], 0.0, 0.0
    category = chart.categories[i]
    for each in chart.series:
        value = each.values[i]
        if not value:
            continue
        start = left if value < 0 else right
        end = start + value
        left, right = (end, right) if value < 0 else (left, end)
        x, width = min(x_of(start), x_of(end)), abs(x_of(end) - x_of(start))
        tip = f"{category}: {each.label} {_percent(value)}"
        parts.append(
            f'<rect x="{x:.1f}" y="{y}" width="{width:.1f}" height="{BAR}" fill="{each.color}">'
            f"<title>{escape(tip)}</title></rect>"
        )
    if all(s.values[i] is None for s in chart.series):
        parts.append(
            f'<text x="{x_of(0) + 4:.1f}" y="{y + BAR - 6}" fill="#666666">'
            f"{escape(_('suppressed (too few answers)'))}</text>"
        )
    return parts


def _legend(chart: DivergingChart, y: int) -> list[str]:
    parts, x = [], PLOT_LEFT - LABEL_WIDTH
    for each in legend_order(chart):
        parts.append(f'<rect x="{x}" y="{y}" width="12" height="12" fill="{each.color}"/>')
        parts.append(f'<text x="{x + 16}" y="{y + 10}">{escape(each.label)}</text>')
        x += 24 + 7 * len(each.label)
    return parts


def diverging_svg(chart: DivergingChart, reach: int | None = None) -> str:
    """The chart as self-contained, accessible SVG markup; every text is escaped. `reach`: the
    axis's extent, the same for charts drawn side by side (group_charts)."""
    reach = reach or extent(chart)
    scale = (PLOT_RIGHT - PLOT_LEFT) / (2 * reach)

    def x_of(value: float) -> float:
        return PLOT_LEFT + (value + reach) * scale

    count = len(chart.categories)
    bottom = TOP + count * (BAR + GAP)
    height = bottom + 60
    key = hashlib.sha256(repr(chart).encode()).hexdigest()[:10]
    description = _(
        "Diverging stacked bars, one per statement: disagreement to the left of zero, "
        "agreement to the right, in percent of the answers on the scale."
    )
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'width="{WIDTH}" height="{height}" role="img" '
        f'aria-labelledby="chart-{key}-title chart-{key}-desc" font-family="sans-serif" '
        f'font-size="12">',
        f'<title id="chart-{key}-title">{escape(chart.title)}</title>',
        f'<desc id="chart-{key}-desc">{escape(description)}</desc>',
        f'<text x="{PLOT_LEFT - LABEL_WIDTH}" y="20" font-size="14" font-weight="bold">'
        f"{escape(chart.title)}</text>",
        *_axis(reach, x_of, bottom),
    ]
    for i, category in enumerate(chart.categories):
        y = TOP + (count - 1 - i) * (BAR + GAP)  # the first category at the bottom
        parts.append(
            f'<text x="{PLOT_LEFT - 8}" y="{y + BAR - 7}" text-anchor="end">'
            f"<title>{escape(category)}</title>{escape(_short(category))}</text>"
        )
        parts += _bars(chart, i, y, x_of)
    parts += _legend(chart, bottom + 30)
    parts.append("</svg>")
    return "\n".join(parts)


# --- small multiples: one chart per group of the breakdown --------------------------------------


def group_charts(table: LikertTable) -> list[tuple[str, DivergingChart]]:
    """With a breakdown, one chart per group (its label, its chart), in the table's order of
    groups; empty without a breakdown. Each is drawn from the group's own rows."""
    if not table.by:
        return []
    groups: dict[str, list[LikertRow]] = {}
    for row in table.rows:
        if not row.is_overall:
            groups.setdefault(row.group_label, []).append(_whole_or_hidden(row))
    charts = []
    for label, rows in groups.items():
        chart = diverging_chart(replace(table, rows=rows))
        charts.append((label, replace(chart, title=label)))
    return charts


def _whole_or_hidden(row: LikertRow) -> LikertRow:
    """The group's row as its chart draws it: a bar with a suppressed point would be drawn
    short of it, so the whole bar is hidden then."""
    points = row.points
    if any(point.percent is None for point in points):
        points = [replace(point, percent=None) for point in points]
    return replace(row, points=points, is_overall=True)


def group_svgs(table: LikertTable) -> list[str]:
    """The group charts as SVG, all on the axis of the widest, so bars compare by length."""
    charts = [chart for _label, chart in group_charts(table)]
    reach = max((extent(chart) for chart in charts), default=None)
    return [diverging_svg(chart, reach) for chart in charts]


# --- response rates: a bar per group --------------------------------------------------------------

RATE_LABEL, RATE_PLOT, RATE_BAR, RATE_GAP = 200, 440, 18, 8


def rates_svg(title: str, rows: list[RateRow]) -> str:
    """Response rate per group as horizontal bars on a 0–100% axis (the Total last, bold);
    a suppressed rate is named, not drawn. Every text is escaped."""
    height = 30 + len(rows) * (RATE_BAR + RATE_GAP) + 24
    width = RATE_LABEL + RATE_PLOT + 60
    x0 = RATE_LABEL + 10
    key = hashlib.sha256(repr((title, rows)).encode()).hexdigest()[:10]
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-labelledby="rates-{key}-title" '
        f'font-family="sans-serif" font-size="12">',
        f'<title id="rates-{key}-title">{escape(title)}</title>',
    ]
    for tick in range(0, 101, 25):
        x = x0 + RATE_PLOT * tick / 100
        parts.append(
            f'<line x1="{x:.1f}" y1="20" x2="{x:.1f}" y2="{height - 20}" stroke="#DDDDDD"/>'
            f'<text x="{x:.1f}" y="{height - 6}" text-anchor="middle">{tick}%</text>'
        )
    for i, row in enumerate(rows):
        y = 24 + i * (RATE_BAR + RATE_GAP)
        weight = ' font-weight="bold"' if row.is_total else ""
        parts.append(
            f'<text x="{RATE_LABEL}" y="{y + RATE_BAR - 5}" text-anchor="end"{weight}>'
            f"<title>{escape(row.label)}</title>{escape(_short(row.label))}</text>"
        )
        if row.percent is None:
            parts.append(
                f'<text x="{x0 + 4}" y="{y + RATE_BAR - 5}" fill="#666666">'
                f"{escape(_('suppressed (too few answers)') if row.invited else '–')}</text>"
            )
            continue
        bar = RATE_PLOT * row.percent / 100
        colour = "#15324F" if row.is_total else "#1F5FA8"
        tip = f"{row.label}: {row.percent:.1f}% ({row.responded} / {row.invited})"
        parts.append(
            f'<rect x="{x0}" y="{y}" width="{bar:.1f}" height="{RATE_BAR}" fill="{colour}">'
            f"<title>{escape(tip)}</title></rect>"
            f'<text x="{x0 + bar + 4:.1f}" y="{y + RATE_BAR - 5}">{row.percent:.1f}%</text>'
        )
    parts.append("</svg>")
    return "\n".join(parts)
