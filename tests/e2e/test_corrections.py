"""A respondent asks to correct their submitted answers; the lead approves; the link shows the
answers again; the resubmission replaces them and the lead reads what changed in the response's
history. And a questionnaire with a privacy notice opens on its consent page."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, Page, expect

from evaluations.permissions import SYSTEM
from questionnaires.models import Answer, Response
from questionnaires.services import (
    distribution_create,
    instrument_load,
    invitation_create,
    response_submit,
)
from tests.conftest import COMPLETE
from tests.factories import PASSWORD
from tests.questionnaires.test_correction_pages import CONSENT_FORM


def _signed_in(browser: Browser, base: str, email: str) -> Page:
    page = browser.new_context().new_page()
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Evaluations")).to_be_visible()
    return page


def test_reopened_response_is_resubmitted_with_its_history(
    live_server, browser: Browser, make_distribution, invite, team
) -> None:
    distribution = make_distribution("team")
    invitation = invite(distribution, name="Sam Respondent")
    response_submit(invitation=invitation, answers={**COMPLETE, "A1": "Sam Old"})
    link = f"{live_server.url}/r/{invitation.token}/"

    respondent = browser.new_context().new_page()
    respondent.goto(link)
    expect(
        respondent.get_by_role("heading", name="Thank you: your answers were received")
    ).to_be_visible()
    respondent.get_by_text("Ask to correct your answers").click()
    respondent.get_by_label("What would you like to correct? (optional)").fill("My name is wrong")
    respondent.get_by_role("button", name="Ask the lead evaluator to reopen my answers").click()
    expect(respondent.get_by_text("You asked on")).to_be_visible()

    lead = _signed_in(browser, live_server.url, team["lead"].user.email)
    lead.goto(
        f"{live_server.url}/evaluations/{distribution.evaluation.slug}/distributions/{distribution.pk}/"
    )
    requests = lead.locator("#correction-requests")
    expect(requests).to_contain_text("Sam Respondent")
    expect(requests).to_contain_text("My name is wrong")
    requests.get_by_role("button", name="Approve").click()
    expect(
        lead.get_by_text("Approved: the respondent's link shows their answers again.")
    ).to_be_visible()

    respondent.goto(link)
    expect(respondent.locator("#correcting")).to_be_visible()
    respondent.get_by_role("link", name="Back to the first page").click()
    name = respondent.get_by_label("What is your name?")
    expect(name).to_have_value("Sam Old")
    name.fill("Sam New")
    respondent.get_by_role("button", name="Save and continue").click()
    expect(respondent.get_by_text("Page 2 of 3")).to_be_visible()  # saved: the next page
    # Not yet resubmitted: the answers counted are still those sent before.
    assert Answer.objects.get(question__key="A1").text == "Sam Old"
    respondent.goto(f"{link}review/")
    respondent.get_by_role("button", name="Submit my answers").click()
    expect(
        respondent.get_by_role("heading", name="Thank you: your answers were received")
    ).to_be_visible()
    assert Response.objects.count() == 1
    assert Answer.objects.get(question__key="A1").text == "Sam New"

    response = Response.objects.get()
    lead.goto(
        f"{live_server.url}/evaluations/{distribution.evaluation.slug}/distributions/"
        f"{distribution.pk}/responses/{response.pk}/"
    )
    expect(lead.get_by_role("heading", name="Corrections")).to_be_visible()
    history = lead.locator("#history")
    expect(history).to_contain_text("corrected and resubmitted")
    expect(history.locator("del", has_text="Sam Old")).to_be_visible()
    expect(history.locator("ins", has_text="Sam New")).to_be_visible()
    expect(history).to_contain_text("reopened for a correction")


def test_consent_page_comes_before_the_first_question(
    live_server, browser: Browser, evaluation, team
) -> None:
    version = instrument_load(evaluation=evaluation, text=CONSENT_FORM, by=SYSTEM).version
    distribution = distribution_create(
        evaluation=evaluation, by=team["lead"].user, version=version, title="Consent",
        languages=["en", "fr"],
    )  # fmt: skip
    invitation = invitation_create(distribution=distribution, by=SYSTEM, name="Ana")
    page = browser.new_context().new_page()
    page.goto(f"{live_server.url}/r/{invitation.token}/")
    expect(page).to_have_url(re.compile(r"/consent/$"))
    expect(page.get_by_text("We keep your answers for two years.")).to_be_visible()
    page.get_by_role("button", name="Agree and start").click()  # the box is required
    expect(page).to_have_url(re.compile(r"/consent/$"))
    assert not Response.objects.exists()
    page.get_by_label("I agree").check()
    page.get_by_role("button", name="Agree and start").click()
    expect(page.get_by_label("Years of service?")).to_be_visible()
    assert Response.objects.get().consented_at is not None
