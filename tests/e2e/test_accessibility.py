"""axe-core on every page of the three journeys, on the demo: the respondent's (start, each
section, review, receipt), the team's (distribution, recipient picker, send confirmation,
outbox, interview log, its entry form, the import) and the manager's (dashboard, reports).
No serious or critical violation; each test lists every one it finds, page by page."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.conf import settings as django_settings
from django.utils import timezone
from playwright.sync_api import Page, expect

from demo.loader import demo_load
from evaluations.models import Evaluation
from interviews.models import Interview
from questionnaires.models import Distribution, Invitation
from tests.e2e.axe import axe_violations, broken_references
from tests.e2e.test_distribution_journey import _log_in
from tests.factories import PASSWORD

DEMO_INTERVIEWS = django_settings.BASE_DIR / "seeds" / "demo" / "interviews.csv"


@pytest.fixture
def demo(settings, tmp_path, monkeypatch) -> Evaluation:
    settings.VAR_DIR = tmp_path
    monkeypatch.setenv("DEMO_PASSWORD", PASSWORD)
    demo_load()
    return Evaluation.objects.get(slug="demo-migration-strategy")


def _staff_distribution() -> Distribution:
    return Distribution.objects.get(title="Staff questionnaire 2026")


def open_staff_distribution() -> Distribution:
    """The demo's staff questionnaire, open for two more weeks (the demo's dates may lie in
    the past on the day the tests run)."""
    distribution = _staff_distribution()
    in_two_weeks = timezone.now() + dt.timedelta(days=14)
    Distribution.objects.filter(pk=distribution.pk).update(
        deadline=in_two_weeks, closes_at=in_two_weeks
    )
    return distribution


def open_staff_invitation() -> Invitation:
    """A demo recipient of the open staff questionnaire who has not answered."""
    distribution = open_staff_distribution()
    invitation = (
        distribution.invitations.filter(response=None)
        .exclude(status__in=("declined", "excluded"))
        .first()
    )
    assert invitation is not None
    return invitation


def _check(page: Page, found: list[str]) -> None:
    expect(page.locator("main")).to_be_visible()
    found.extend(axe_violations(page) + broken_references(page))
    scroll, client = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    if scroll > client:
        found.append(f"{page.url}: scrolls sideways ({scroll} px of content in {client} px)")


def test_the_helper_reports_what_axe_finds(page: Page) -> None:
    page.set_content('<html lang="en"><title>t</title><main><img src="x.png"></main></html>')
    found = axe_violations(page)
    assert len(found) == 1 and "[critical] image-alt" in found[0] and " at img." in found[0]


@pytest.mark.parametrize("width", [1280, 390])
def test_respondent_pages(live_server, page: Page, demo, width: int) -> None:
    """On a desktop and on a phone, where the Likert scale is laid out differently."""
    page.set_viewport_size({"width": width, "height": 844})
    invitation = open_staff_invitation()
    found: list[str] = []
    page.goto(f"{live_server.url}/r/{invitation.token}/")
    _check(page, found)
    page.get_by_role("link", name="Start").click()
    # Autosaves, awaited so that none runs beside the page's own save: after a pause in
    # typing, then at once on leaving the field.
    with page.expect_response(lambda response: "/autosave/" in response.url):
        page.get_by_label("What is your name?").fill("Alba Ejemplo")
    page.keyboard.press("Tab")
    expect(page.locator(".htmx-request")).to_have_count(0)
    while True:
        expect(page.get_by_text("Page ")).to_be_visible()
        _check(page, found)
        review = page.get_by_role("button", name="Review my answers")
        if review.count():
            review.click()
            break
        page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("heading", name="Review your answers")).to_be_visible()
    _check(page, found)
    page.get_by_role("button", name="Submit my answers").click()  # no reader chosen yet
    expect(page.get_by_role("alert").first).to_be_visible()
    _check(page, found)  # the page with its error messages
    page.get_by_label("The whole evaluation team").check()
    page.get_by_role("button", name="Submit my answers").click()
    expect(
        page.get_by_role("heading", name="Thank you: your answers were received")
    ).to_be_visible()
    _check(page, found)
    assert not found, "axe found:\n" + "\n".join(found)


def test_team_pages(live_server, page: Page, demo, settings) -> None:
    settings.SITE_URL = live_server.url
    found: list[str] = []
    page.goto(f"{live_server.url}/accounts/login/")
    _check(page, found)
    _log_in(page, live_server.url, "lena.lead@example.org")
    base = f"{live_server.url}/evaluations/{demo.slug}"
    distribution = open_staff_distribution()
    version = distribution.version
    interview = Interview.objects.filter(evaluation=demo).first()
    assert interview is not None
    for path in (
        "/instruments/",
        f"/instruments/{version.instrument.key}/v{version.number}/",
        f"/distributions/{distribution.pk}/",
        f"/distributions/{distribution.pk}/settings/",
        f"/distributions/{distribution.pk}/audience/",
        f"/distributions/{distribution.pk}/tracking/",
        "/outbox/",
        "/interviews/",
        f"/interviews/{interview.pk}/",
        "/interviews/new/",
        "/interviews/import/",
        "/coverage/",
    ):
        page.goto(base + path)
        _check(page, found)

    # The entry form refusing an empty interview, with its messages beside the fields.
    page.goto(f"{base}/interviews/new/")
    page.get_by_role("button", name="Log the interview").click()
    expect(page.get_by_role("alert").first).to_be_visible()
    _check(page, found)

    # The import's form with a field's error (no file chosen), then its check of a file.
    page.goto(f"{base}/interviews/import/")
    page.get_by_role("button", name="Upload and check").click()
    expect(page.locator("#id_file")).to_have_attribute("aria-invalid", "true")
    _check(page, found)
    page.get_by_label("File").set_input_files(DEMO_INTERVIEWS)
    page.get_by_role("button", name="Upload and check").click()
    expect(
        page.get_by_text("Already in the log", exact=True)
    ).to_be_visible()  # the dry run's report
    _check(page, found)

    # The picker in use: boxes ticked, the live count, the people it finds; then the
    # confirmation before sending.
    page.goto(f"{base}/distributions/{distribution.pk}/audience/")
    page.locator("#picker-regions").get_by_label("Africa", exact=True).check()
    expect(page.locator("#audience-count")).to_contain_text("people match")
    _check(page, found)
    page.get_by_role("button", name="Show who this is").click()
    expect(page.locator("#audience-people")).to_be_visible()
    _check(page, found)
    page.get_by_role("button", name="Add them all").click()
    expect(page.get_by_text("recipient(s) added.")).to_be_visible()
    _check(page, found)
    page.get_by_role("button", name="Send invitations").click()
    expect(
        page.get_by_role("heading", name=re.compile(r"^Send \d+ invitations?\?$"))
    ).to_be_visible()
    _check(page, found)
    page.get_by_role("button", name=re.compile(r"^Send \d+ invitations?$")).click()
    expect(page.get_by_text("queued for sending")).to_be_visible()
    _check(page, found)

    # A message in the outbox, as sent.
    page.goto(f"{base}/outbox/")
    page.locator("#outbox tbody tr").first.get_by_role("link").first.click()
    expect(page.locator("#message-body")).to_be_visible()
    _check(page, found)
    assert not found, "axe found:\n" + "\n".join(found)


@pytest.mark.parametrize("user", ["lena.lead@example.org", "victor.viewer@example.org"])
def test_manager_pages(live_server, page: Page, demo, user: str) -> None:
    _log_in(page, live_server.url, user)
    base = f"{live_server.url}/evaluations/{demo.slug}"
    found: list[str] = []
    for path in (
        "/",
        "/reports/",
        "/reports/annex/",
        "/reports/questionnaires/",
        "/reports/questionnaires/?by=region",
        "/reports/rates/",
        "/reports/downloads/",
    ):
        page.goto(base + path)
        _check(page, found)
    assert not found, "axe found:\n" + "\n".join(found)
