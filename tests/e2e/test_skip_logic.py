"""Skip logic in the browser: a question hides and shows as the answer it depends on changes,
a page is skipped or brought back, an earlier answer is quoted — with JavaScript, and without
it, where the server decides on the next page."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from evaluations.permissions import SYSTEM
from questionnaires.models import Answer, Response
from questionnaires.services import distribution_create, instrument_load, invitation_create
from tests.questionnaires.skip_form import SKIP_FORM


@pytest.fixture
def link(live_server, evaluation, team) -> str:
    version = instrument_load(evaluation=evaluation, text=SKIP_FORM, by=SYSTEM).version
    distribution = distribution_create(
        evaluation=evaluation, by=team["lead"].user, version=version, title="Travel"
    )
    invitation = invitation_create(distribution=distribution, by=SYSTEM, name="Ana")
    return f"{live_server.url}/r/{invitation.token}/"


def stored() -> dict[str, str]:
    response = Response.objects.get()
    assert response.status == "submitted"
    return {
        a.question.key: a.choice or a.text
        for a in Answer.objects.filter(response=response).select_related("question")
    }


def settle(page: Page) -> None:
    """Let the page's autosave (htmx, 1.5 s after typing) finish before the page's button:
    SQLite, in a run without PostgreSQL, takes one writer at a time."""
    page.wait_for_timeout(1700)


def save(page: Page) -> None:
    settle(page)
    page.get_by_role("button", name="Save and continue").click()


def submit(page: Page) -> None:
    settle(page)
    page.get_by_role("button", name="Review my answers").click()
    page.get_by_role("button", name="Submit my answers").click()
    expect(
        page.get_by_role("heading", name="Thank you: your answers were received")
    ).to_be_visible()


def test_with_javascript_questions_and_pages_follow_the_answers(link: str, browser: Browser):
    page = browser.new_context().new_page()
    page.goto(link)
    page.get_by_role("link", name="Start").click()
    expect(page.get_by_text("Page 1 of 2")).to_be_visible()
    trips = page.get_by_label("2) How many trips?")
    expect(trips).to_be_hidden()
    page.get_by_role("radio", name="Yes").check()
    expect(trips).to_be_visible()
    page.get_by_role("radio", name="No").check()
    expect(trips).to_be_hidden()
    page.get_by_role("radio", name="Yes").check()
    trips.fill("4")
    save(page)
    # Travelling brings page B in, with the answers quoted and b2 asked (more than 2 trips).
    expect(page.get_by_text("Page 2 of 3")).to_be_visible()
    expect(page.get_by_role("heading", name="B) Your trips")).to_be_visible()
    expect(page.get_by_text("You answered Yes and 4 trips: what did they bring?")).to_be_visible()
    expect(page.get_by_role("group", name="2) The trips were too many")).to_be_visible()
    page.get_by_role("group", name="1) The trips were useful").get_by_label("3 Agree").check()
    page.get_by_role("button", name="Back").click()
    # "No": the trips page is skipped, and the trips typed are not sent.
    page.get_by_role("radio", name="No").check()
    expect(page.get_by_label("2) How many trips?")).to_be_hidden()
    save(page)
    expect(page.get_by_text("Page 2 of 2")).to_be_visible()
    expect(page.get_by_role("heading", name="C) Last words")).to_be_visible()
    page.get_by_label("1) Anything else?").fill("No travel this year.")
    submit(page)
    assert stored() == {"travel": "no", "c1": "No travel this year."}


def test_without_javascript_the_server_decides_on_the_next_page(link: str, browser: Browser):
    page = browser.new_context(java_script_enabled=False).new_page()
    page.goto(link)
    page.get_by_role("link", name="Start").click()
    expect(page.get_by_text("Page 1 of 2")).to_be_visible()
    # The question that depends on this page's answer is shown, with its condition in words.
    trips = page.get_by_label("2) How many trips?")
    expect(trips).to_be_visible()
    expect(page.get_by_text("Answer only if A1 is “Yes”.")).to_be_visible()
    page.get_by_role("radio", name="No").check()
    trips.fill("3")
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("heading", name="C) Last words")).to_be_visible()
    expect(page.get_by_text("Page 2 of 2")).to_be_visible()
    page.get_by_role("button", name="Back").click()
    page.get_by_role("radio", name="Yes").check()
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("heading", name="B) Your trips")).to_be_visible()
    expect(page.get_by_text("Page 2 of 3")).to_be_visible()
    expect(page.get_by_text("You answered Yes and 3 trips: what did they bring?")).to_be_visible()
    page.get_by_role("group", name="2) The trips were too many").get_by_label("2 Neutral").check()
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("heading", name="C) Last words")).to_be_visible()
    submit(page)
    assert stored() == {"travel": "yes", "trips": "3", "b2": "2"}
