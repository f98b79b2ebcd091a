"""An open link in the browser: the lead makes it and copies its address, a workshop
participant answers through it, and the team sees the response counted and marked apart."""

from __future__ import annotations

from playwright.sync_api import Browser, Page, expect

from questionnaires.models import Invitation, Response
from tests.conftest import STAFF_FILE  # noqa: F401 - the seed the fixtures load
from tests.e2e.test_distribution_journey import _log_in


def answer_the_form(page: Page) -> None:
    page.get_by_role("link", name="Start").click()
    expect(page.get_by_text("Page 1 of 3")).to_be_visible()
    page.get_by_label("What is your name?").fill("Workshop Participant")
    page.get_by_label("How long have you held this position?").fill("Two years")
    page.get_by_role("button", name="Save and continue").click()
    page.get_by_label("1) What are ILO’s successes").fill("Training of trainers.")
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_text("Page 3 of 3")).to_be_visible()
    page.get_by_role(
        "group", name="1) The ILO activities on migration are a priority"
    ).get_by_label("3 Agree somewhat").check()
    page.get_by_role("group", name="5) ILO has a comparative advantage").get_by_label(
        "4 Strongly agree"
    ).check()
    page.get_by_role("button", name="Review my answers").click()
    page.get_by_role("button", name="Submit my answers").click()
    expect(
        page.get_by_role("heading", name="Thank you: your answers were received")
    ).to_be_visible()


def test_an_open_link_response_is_counted_and_marked(
    live_server, page: Page, browser: Browser, team, make_distribution, invite
):
    distribution = make_distribution("team")
    invite(distribution, name="Ana Invited")
    base = f"{live_server.url}/evaluations/{distribution.evaluation.slug}"
    _log_in(page, live_server.url, team["lead"].user.email)
    page.goto(f"{base}/distributions/{distribution.pk}/")
    card = page.locator("#open-link")
    card.get_by_label("Ask for an e-mail address").select_option("optional")
    card.get_by_role("button", name="Make an open link").click()
    expect(page.locator("#open-link-counts")).to_contain_text("0 responses submitted")
    expect(page.locator("#open-link-browser-note")).to_contain_text("not a security boundary")
    address = page.locator("#open-link-url").input_value()
    assert "/o/" in address

    visitor = browser.new_context()
    # The page buttons save here; an autosave (tested in the respondent journeys) in flight
    # as a button is pressed would meet the live server's one SQLite database mid-write.
    visitor.route("**/autosave/", lambda route: route.abort())
    form = visitor.new_page()
    form.goto(address)
    form.get_by_label("Your e-mail address (optional)").fill("participant@example.org")
    form.get_by_role("button", name="Start").click()
    expect(form.locator("#own-address")).to_contain_text("Your own address for these answers")
    answer_the_form(form)
    form.goto(address)  # one response per browser: back to the receipt, not a new form
    expect(
        form.get_by_role("heading", name="Thank you: your answers were received")
    ).to_be_visible()

    page.reload()
    expect(page.locator("#open-link-counts")).to_contain_text(
        "1 response submitted through the link."
    )
    row = page.locator("#responses tr", has_text="Open link respondent 1")
    expect(row.get_by_role("cell", name="Open link", exact=True)).to_be_visible()
    expect(page.locator("#invitation-table")).not_to_contain_text("Open link respondent")

    page.get_by_role("link", name="Tracking and response rates").click()
    expect(page.locator("#channels")).to_contain_text("Open link 1")
    expect(page.locator("#open-link-apart")).to_contain_text("1 response submitted")
    expect(page.locator("#status-counts [data-status='submitted']")).to_have_text("0")

    page.goto(f"{base}/")
    expect(page.locator(f"#dash-distribution-{distribution.pk}")).to_contain_text("+ 1 open link")

    page.goto(f"{base}/distributions/{distribution.pk}/")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Make a new address").click()
    expect(page.locator("#open-link-url")).not_to_have_value(address)
    stranger = browser.new_context().new_page()
    stranger.goto(address)
    expect(stranger.locator("#open-link-refusal")).to_contain_text("replaced by a new one")

    submitted = Response.objects.get(channel=Response.Channel.OPEN)
    assert submitted.status == Response.Status.SUBMITTED
    assert Invitation.objects.get(channel="open").email == "participant@example.org"
    visitor.close()
