"""A respondent fills half the staff questionnaire, leaves, comes back elsewhere, submits twice."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from questionnaires.models import Answer, Question, Response
from tests.conftest import STAFF_FILE  # noqa: F401 - the seed the fixtures load

STATEMENT_1 = "1) The ILO activities on migration are a priority"


@pytest.fixture
def link(live_server, make_distribution, invite) -> str:
    invitation = invite(make_distribution("lead"), name="Sam Respondent")
    return f"{live_server.url}/r/{invitation.token}/"


def first_visit(page: Page, url: str) -> None:
    page.goto(url)
    expect(page.get_by_text("the lead evaluator only.")).to_be_visible()
    page.get_by_role("link", name="Start").click()
    expect(page.get_by_text("Page 1 of 3")).to_be_visible()
    page.get_by_label("What is your name?").fill("Sam Respondent")
    page.get_by_label("How long have you held this position?").fill("Four years")
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_text("Page 2 of 3")).to_be_visible()
    page.get_by_label("1) What are ILO’s successes").fill("Ratifications in two countries.")


def second_visit(page: Page, url: str, *, half_saved: bool) -> None:
    page.goto(url)
    page.get_by_role("link", name="Continue").click()
    expect(page.get_by_label("What is your name?")).to_have_value("Sam Respondent")
    expect(page.get_by_label("How long have you held this position?")).to_have_value("Four years")
    page.get_by_role("button", name="Save and continue").click()
    successes = page.get_by_label("1) What are ILO’s successes")
    if half_saved:
        expect(successes).to_have_value("Ratifications in two countries.")
    else:
        successes.fill("Ratifications in two countries.")
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_text("Page 3 of 3")).to_be_visible()
    statement = page.get_by_role("group", name=STATEMENT_1)
    statement.get_by_label("3 Agree somewhat").check()
    page.get_by_role("group", name="5) ILO has a comparative advantage").get_by_label(
        "4 Strongly agree"
    ).check()
    page.get_by_role("button", name="Review my answers").click()
    expect(page.get_by_role("heading", name="Review your answers")).to_be_visible()
    expect(page.get_by_text("Agree somewhat")).to_be_visible()
    page.get_by_role("button", name="Submit my answers").dblclick()
    expect(
        page.get_by_role("heading", name="Thank you: your answers were received")
    ).to_be_visible()


def assert_one_response() -> None:
    assert Response.objects.count() == 1
    response = Response.objects.get()
    assert response.status == "submitted"
    answers = dict(Answer.objects.filter(response=response).values_list("question__key", "text"))
    assert answers["A1"] == "Sam Respondent" and answers["B1"] == "Ratifications in two countries."
    likert = dict(
        Answer.objects.filter(response=response, question__kind="likert").values_list(
            "question__key", "choice"
        )
    )
    assert likert == {"C1": "3", "C5": "4"}


def test_respondent_resumes_elsewhere_and_submits_once(link: str, browser: Browser) -> None:
    first = browser.new_context()
    page = first.new_page()
    first_visit(page, link)
    expect(page.get_by_text("Saved at")).to_be_visible()  # htmx autosave, no button pressed
    first.close()

    second = browser.new_context()
    second_visit(second.new_page(), link, half_saved=True)
    second.close()
    assert_one_response()

    third = browser.new_context()
    receipt = third.new_page()
    receipt.goto(link)
    expect(
        receipt.get_by_role("heading", name="Thank you: your answers were received")
    ).to_be_visible()
    expect(receipt.get_by_text("Ratifications in two countries.")).to_be_visible()
    third.close()


def test_respondent_without_javascript(link: str, browser: Browser) -> None:
    first = browser.new_context(java_script_enabled=False)
    page = first.new_page()
    first_visit(page, link)
    page.get_by_role("button", name="Save and continue").click()  # no autosave: saving by page
    expect(page.get_by_text("Page 3 of 3")).to_be_visible()
    first.close()

    second = browser.new_context(java_script_enabled=False)
    second_visit(second.new_page(), link, half_saved=True)
    second.close()
    assert_one_response()


def test_validation_message_sits_next_to_the_field_and_keeps_the_text(
    live_server, browser: Browser, make_distribution, invite
) -> None:
    distribution = make_distribution()
    Question.objects.filter(key="A1").update(required=True)  # (before any answer exists)
    invitation = invite(distribution)
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(f"{live_server.url}/r/{invitation.token}/page/3/")
    page.get_by_role("button", name="Review my answers").click()
    page.get_by_role("button", name="Submit my answers").click()
    expect(page.get_by_text("This question needs an answer.")).to_be_visible()
    assert not Response.objects.filter(status="submitted").exists()
    context.close()


def test_continue_picks_up_at_the_first_required_question_left(
    live_server, browser: Browser, make_distribution, invite
) -> None:
    distribution = make_distribution()
    Question.objects.filter(key="B2").update(required=True)  # (before any answer exists)
    invitation = invite(distribution)
    url = f"{live_server.url}/r/{invitation.token}/"
    first = browser.new_context()
    page = first.new_page()
    page.goto(url)
    page.get_by_role("link", name="Start").click()
    page.get_by_label("What is your name?").fill("Sam Respondent")
    page.get_by_label("How long have you held this position?").fill("Four years")
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_text("Page 2 of 3")).to_be_visible()
    first.close()

    second = browser.new_context(viewport={"width": 390, "height": 844})
    page = second.new_page()
    page.goto(url)
    expect(page.locator("#progress")).to_have_text("You have answered 2 of 19 questions.")
    page.get_by_role("link", name="Continue").click()
    expect(page.get_by_text("Page 2 of 3")).to_be_visible()
    second.close()
