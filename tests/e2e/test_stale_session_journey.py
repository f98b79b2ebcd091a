"""Item 7 of issue 14 in a browser: the cookies are cleared between loading the page and
sending it; the answers come back in the fields, and sending again stores them."""

from __future__ import annotations

from playwright.sync_api import Browser, expect

from questionnaires.models import Answer
from tests.conftest import STAFF_FILE  # noqa: F401 - the seed the fixtures load


def test_cleared_cookies_keep_the_typed_answers(
    live_server, browser: Browser, make_distribution, invite
) -> None:
    invitation = invite(make_distribution("lead"))
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{live_server.url}/r/{invitation.token}/page/1/")
    page.get_by_label("What is your name?").fill("Sam Respondent")
    page.get_by_label("How long have you held this position?").fill("Four years")
    context.clear_cookies()
    page.get_by_role("button", name="Save and continue").click()

    expect(page.get_by_text("Your session had expired; check your answers")).to_be_visible()
    expect(page.get_by_label("What is your name?")).to_have_value("Sam Respondent")
    expect(page.get_by_label("How long have you held this position?")).to_have_value("Four years")
    # (A1 may have been autosaved before the cookies went; A4 was typed into a stale page.)
    assert not Answer.objects.filter(question__key="A4", text="Four years").exists()

    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_text("Page 2 of 3")).to_be_visible()
    stored = dict(Answer.objects.values_list("question__key", "text"))
    assert stored["A1"] == "Sam Respondent" and stored["A4"] == "Four years"
    context.close()
