"""Charts that follow the breakdown: the response rate as a bar per group, and the Likert
chart drawn once per group of the chosen breakdown, every one on the same axis."""

from __future__ import annotations

import re

import pytest

from reports import charts
from tests.reports.builders import staff_survey
from tests.reports.test_pages import client_for, surveyed, url

pytestmark = pytest.mark.django_db


def _bars(svg: str) -> dict[str, float]:
    """Bar titles ("Africa: 70.0% (7 / 10)") -> drawn width."""
    return {
        title.split(":")[0]: float(width)
        for width, title in re.findall(
            r'<rect x="[\d.]+" y="\d+" width="([\d.]+)" height="\d+" fill="#\w+">'
            r"<title>([^<]+)</title>",
            svg,
        )
    }


def test_rates_page_draws_a_bar_per_group_as_long_as_its_rate(evaluation, team, invite) -> None:
    distribution = surveyed(evaluation)  # 7 in Africa and 2 in Europe, all answered
    for n in range(3):
        invite(distribution, name=f"Silent {n}", attributes={"region": "Africa"})
    lead = client_for(team["lead"])
    page = lead.get(url(evaluation, "rates/") + "?by=region&shown=1&unsuppressed=1")
    html = page.content.decode()
    figure = html[html.index(f'id="rates-chart-{distribution.pk}"') :].split("</figure>")[0]
    bars = _bars(figure)
    assert set(bars) == {"Africa", "Europe", "Total"}
    full = charts.RATE_PLOT
    assert bars["Africa"] == pytest.approx(full * 0.7, abs=0.1)
    assert bars["Europe"] == pytest.approx(full, abs=0.1)
    assert bars["Total"] == pytest.approx(full * 0.75, abs=0.1)
    assert "Africa: 70.0% (7 / 10)" in figure


def test_a_suppressed_rate_is_named_not_drawn(evaluation, team, invite) -> None:
    surveyed(evaluation)
    html = client_for(team["viewer"]).get(url(evaluation, "rates/")).content.decode()
    figure = html[html.index('id="rates-chart-') :].split("</figure>")[0]
    assert "Europe" in figure and "suppressed (too few answers)" in figure
    assert "Europe" not in _bars(figure)


def test_likert_breakdown_draws_one_chart_per_group_on_one_axis(evaluation, team) -> None:
    distribution = surveyed(evaluation)
    lead = client_for(team["lead"])
    plain = lead.get(
        url(evaluation, "questionnaires/") + f"?distribution={distribution.pk}&shown=1"
    ).content.decode()
    assert 'class="small-multiples"' not in plain  # no breakdown: the one chart
    html = lead.get(
        url(evaluation, "questionnaires/")
        + f"?distribution={distribution.pk}&by=region&shown=1&unsuppressed=1"
    ).content.decode()
    start = html.index('class="small-multiples"')
    small = html[start : html.index("</div>", start)]
    svgs = re.findall(r"<svg.*?</svg>", small, flags=re.S)
    titles = [re.search(r"<title id=[^>]+>([^<]+)</title>", svg).group(1) for svg in svgs]
    assert titles == ["Africa", "Europe"]
    axes = [re.findall(r">(\d+)%</text>", svg) for svg in svgs]
    assert axes[0] == axes[1]  # the same ticks: the bars compare by length
    # Europe's two answers: one "4", one "1" -> 50% on each side, Africa's differ.
    assert "Strongly agree 50%" in svgs[1] and "Strongly disagree 50%" in svgs[1]


def test_a_group_bar_with_a_suppressed_point_is_hidden_whole(evaluation, team) -> None:
    # Africa and Asia: seven answers each, five "Strongly agree" shown, the rest under 5.
    distribution = staff_survey(
        evaluation,
        [
            {"attributes": {"region": region}, "answers": {"C1": code}}
            for region, codes in (("Africa", "4444433"), ("Asia", "4444411"))
            for code in codes
        ],
    )
    response = client_for(team["viewer"]).get(
        url(evaluation, "questionnaires/") + f"?distribution={distribution.pk}&by=region"
    )
    (table, _chart), *_ = response.context["tables"]
    africa = next(r for r in table.rows if r.group_label == "Africa" and r.question_key == "C1")
    shown = [point.percent is not None for point in africa.points]
    assert any(shown) and not all(shown)  # the table shows 5 of 7, hides the rest
    for label, chart in charts.group_charts(table):
        for i, item in enumerate(chart.categories):
            drawn = [series.values[i] is not None for series in chart.series]
            assert all(drawn) or not any(drawn), (label, item)  # never a part of a bar
    html = response.content.decode()
    assert "Africa: Strongly agree" not in html
