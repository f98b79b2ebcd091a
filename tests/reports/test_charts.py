"""The diverging bar chart: series signs and stacking order, colours in scale order, a middle
point split in halves, suppressed values left out, and the SVG (accessible, escaped)."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from reports.charts import diverging_chart, diverging_svg, legend_order, palette
from reports.selectors.likert import likert_summary
from reports.tables import LikertCount, LikertRow, LikertTable, ScaleColumn
from tests.reports.builders import likert_answers, staff_survey

SVG = "{http://www.w3.org/2000/svg}"


def five_point_table(text: str = "Statement", title: str = "Views") -> LikertTable:
    """A hand-made table on a 5-point scale (1 disagree … 5 agree), listed 5 first."""
    points = [
        ScaleColumn(code=str(v), label=f"Point {v}", value=v, in_scale=True)
        for v in (5, 4, 3, 2, 1)
    ]
    row = LikertRow(
        question_key="Q1",
        question_label="1)",
        question_ref="Q1",
        question_text=text,
        group="",
        group_label="All respondents",
        n=10,
        points=[LikertCount(c, c * 10.0) for c in (4, 2, 2, 1, 1)],
        outside=[],
        agree_percent=60.0,
        mean=3.7,
        sd=1.34,
    )
    return LikertTable(
        distribution_id=1,
        distribution_title="Survey",
        block_key="b",
        block_title=title,
        points=points,
        by="",
        by_label="",
        rows=[row],
        threshold=5,
        suppressed_view=True,
        respondents=10,
    )


@pytest.mark.django_db
def test_disagree_is_negative_and_series_stack_outwards_from_zero(evaluation, team) -> None:
    distribution = staff_survey(evaluation, likert_answers("4433211"))
    (table,) = likert_summary(user=team["viewer"].user, distribution=distribution)

    chart = diverging_chart(table)

    assert [s.code for s in chart.series] == ["2", "1", "3", "4"]
    assert [s.color for s in chart.series] == ["#F4A582", "#CA0020", "#92C5DE", "#0571B0"]
    assert chart.title == "Evaluation Survey"
    # The first item is drawn on top: last of the categories (listed bottom to top).
    assert chart.categories[-1].startswith("C1 The ILO activities on migration")
    assert len(chart.categories) == 6
    c1 = {s.code: s.values[-1] for s in chart.series}
    assert c1 == {"2": -14.3, "1": -28.6, "3": 28.6, "4": 28.6}
    # Nobody answered C2: no percent to draw.
    assert {s.values[-2] for s in chart.series} == {None}


@pytest.mark.django_db
def test_suppressed_percents_stay_empty_in_the_chart(evaluation, team) -> None:
    distribution = staff_survey(evaluation, likert_answers("443"))
    (table,) = likert_summary(user=team["viewer"].user, distribution=distribution)

    chart = diverging_chart(table)

    assert all(value is None for s in chart.series for value in s.values)
    assert "suppressed" in diverging_svg(chart)


def test_a_middle_point_is_split_half_each_side_nearest_zero() -> None:
    chart = diverging_chart(five_point_table())

    assert [s.code for s in chart.series] == ["3", "2", "1", "3", "4", "5"]
    assert [s.values[0] for s in chart.series] == [-10.0, -10.0, -10.0, 10.0, 20.0, 40.0]
    assert chart.series[0].color == chart.series[3].color == "#BABABA"
    assert [s.code for s in legend_order(chart)] == ["1", "2", "3", "4", "5"]


def test_palettes_run_from_red_to_blue_for_any_size() -> None:
    assert palette(4) == ["#CA0020", "#F4A582", "#92C5DE", "#0571B0"]
    nine = palette(9)
    assert len(nine) == 9 and nine[0] == "#CA0020" and nine[-1] == "#0571B0"
    assert nine[4] == "#BABABA"


def test_the_svg_is_accessible_with_tooltips_and_a_legend_in_scale_order() -> None:
    svg = diverging_svg(diverging_chart(five_point_table()))

    root = ET.fromstring(svg)  # noqa: S314 -- our own markup, not untrusted input
    assert root.get("role") == "img"
    title = root.find(f"{SVG}title")
    assert title is not None and title.text == "Views"
    assert set(root.get("aria-labelledby").split()) == {
        title.get("id"),
        root.find(f"{SVG}desc").get("id"),
    }
    tips = [t.text for t in root.iter(f"{SVG}title")]
    assert "Q1 Statement: Point 5 40%" in tips
    assert "Q1 Statement: Point 1 10%" in tips
    bars = [r for r in root.iter(f"{SVG}rect") if r.find(f"{SVG}title") is not None]
    assert len(bars) == 6  # five points, the middle one in two halves
    texts = [t.text for t in root.iter(f"{SVG}text") if t.text]
    legend = [t for t in texts if t.startswith("Point")]
    assert legend == ["Point 1", "Point 2", "Point 3", "Point 4", "Point 5"]
    # The axis: 0 in the middle, percents both sides.
    assert "0%" in texts and texts.count("50%") == 2


def test_the_svg_escapes_every_text() -> None:
    table = five_point_table(text='<script>alert("x")</script>', title="R&D <b>views</b>")

    svg = diverging_svg(diverging_chart(table))

    assert "<script" not in svg and "<b>" not in svg
    assert "&lt;script&gt;" in svg and "R&amp;D &lt;b&gt;views&lt;/b&gt;" in svg
    ET.fromstring(svg)  # noqa: S314 -- still well-formed
