"""At a phone's width (390 px) the team's and the manager's pages fit: no sideways scrolling,
and axe finds nothing serious there either. The dashboard, the recipient picker in use and the
Likert results (overall and one small chart per group) are screenshotted into the test's output
folder (test-results/), whole page, and the picture is no wider than the phone. The result
tables, stacked on a phone, name each number; the charts keep legible words and scroll
sideways in their own frame."""

from __future__ import annotations

import struct
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.e2e.axe import assert_no_serious_violations
from tests.e2e.test_accessibility import demo, open_staff_distribution  # noqa: F401 - fixture
from tests.e2e.test_distribution_journey import _log_in

PHONE = {"width": 390, "height": 844}


def _fits(page: Page) -> None:
    width = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert width[0] <= width[1], f"{page.url}: {width[0]} px of content in {width[1]} px"
    assert_no_serious_violations(page)


def _numbers_named(page: Page, tables: str) -> None:
    """Stacked on a phone, the header row is hidden: every number carries its column's name."""
    unnamed = page.evaluate(
        """(sel) => [...document.querySelectorAll(sel)].flatMap(t =>
            [...t.querySelectorAll('tbody td')].filter(td => td.innerText.trim()
                && !td.dataset.label).map(td => td.innerText.trim()))""",
        tables,
    )
    assert page.locator(tables).count() and not unnamed, unnamed[:5]


def _chart_legible(page: Page) -> None:
    """The first chart's words are drawn at their size (12 px), not shrunk to the phone."""
    chart = page.locator("figure.chart").first
    height = chart.locator("svg text").nth(1).evaluate("t => t.getBoundingClientRect().height")
    assert height >= 11, f"chart text {height:.1f} px high"
    assert chart.evaluate("f => f.scrollWidth > f.clientWidth")  # it scrolls in its frame
    assert chart.get_attribute("tabindex") == "0"  # and takes the focus to be scrolled


def _png_width(path: Path) -> int:
    return struct.unpack(">I", path.read_bytes()[16:20])[0]


def _screenshot(page: Page, folder: Path, name: str) -> None:
    _fits(page)
    path = folder / f"{name}-390.png"
    page.screenshot(path=path, full_page=True)
    assert _png_width(path) == PHONE["width"], name


def test_pages_fit_a_phone(live_server, page: Page, demo, output_path) -> None:  # noqa: F811
    folder = Path(output_path)
    folder.mkdir(parents=True, exist_ok=True)
    distribution = open_staff_distribution()
    page.set_viewport_size(PHONE)
    _log_in(page, live_server.url, "lena.lead@example.org")
    base = f"{live_server.url}/evaluations/{demo.slug}"

    page.goto(f"{base}/")
    expect(page.get_by_role("heading", name="Needs attention")).to_be_visible()
    _screenshot(page, folder, "dashboard")

    page.goto(f"{base}/distributions/{distribution.pk}/audience/")
    countries = page.locator("#picker-countries")
    countries.get_by_placeholder("Type to filter the list").fill("ken")
    countries.get_by_label("Kenya").check()
    expect(page.locator("#audience-count")).to_contain_text("match")
    _screenshot(page, folder, "recipient-picker")

    page.goto(f"{base}/reports/questionnaires/")
    expect(page.locator("table.likert").first).to_be_visible()
    _numbers_named(page, "table.likert")
    _chart_legible(page)
    _screenshot(page, folder, "likert")
    page.goto(f"{base}/reports/questionnaires/?by=region")
    expect(page.locator(".chart svg").first).to_be_visible()
    _numbers_named(page, "table.likert")
    _screenshot(page, folder, "likert-by-region")

    page.goto(f"{base}/reports/rates/")
    _numbers_named(page, ".rates-block table")
    _chart_legible(page)
    _fits(page)

    for path in (
        f"/distributions/{distribution.pk}/",
        f"/distributions/{distribution.pk}/send/",
        "/outbox/",
        "/interviews/",
        "/interviews/new/",
        "/interviews/import/",
        "/reports/",
        "/reports/annex/",
        "/reports/downloads/",
    ):
        page.goto(base + path)
        expect(page.locator("main")).to_be_visible()
        _fits(page)
