"""The evaluation's first page as the demo's lead sees it on a phone: the dashboard's panels,
each questionnaire's bar, and no sideways scrolling at 390 px."""

from __future__ import annotations

import io

from django.core.management import call_command
from playwright.sync_api import Page, expect

from evaluations.models import Evaluation
from tests.e2e.test_distribution_journey import _log_in
from tests.factories import PASSWORD


def test_the_dashboard_on_a_phone(live_server, page: Page, settings, tmp_path, monkeypatch):
    settings.VAR_DIR = tmp_path
    monkeypatch.setenv("DEMO_PASSWORD", PASSWORD)
    call_command("load_demo", stdout=io.StringIO())
    evaluation = Evaluation.objects.get(slug="demo-migration-strategy")
    page.set_viewport_size({"width": 390, "height": 844})
    _log_in(page, live_server.url, "lena.lead@example.org")
    page.goto(f"{live_server.url}/evaluations/{evaluation.slug}/")
    for heading in ("Needs attention", "Questionnaires", "Interviews", "Coverage gaps"):
        expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
    staff = page.locator("#dash-questionnaires tr", has_text="Staff questionnaire 2026")
    expect(staff.get_by_role("img")).to_have_attribute(
        "aria-label", "28 submitted, 1 declined, 3 not opened"
    )
    expect(page.locator("#dash-interviews")).to_contain_text("12 interviews logged")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
