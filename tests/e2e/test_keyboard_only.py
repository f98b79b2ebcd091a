"""A respondent without a mouse: Tab, Shift+Tab, Space, Enter and the arrow keys alone take
them from the invitation link through the staff questionnaire's three pages, the choice of
reader and the submit, to the receipt. Every control they land on shows where the focus is."""

from __future__ import annotations

from playwright.sync_api import Locator, Page, Response, expect

from questionnaires.models import Answer
from questionnaires.models import Response as Submitted
from tests.conftest import STAFF_FILE  # noqa: F401 - the seed the fixtures load

MOST_TABS = 80  # more than the longest page's tab stops


def _focused(target: Locator) -> bool:
    return target.evaluate("el => el === document.activeElement")


def _tab_to(page: Page, target: Locator, *, back: bool = False) -> None:
    """Press Tab (Shift+Tab when back) until the target has the focus; it must show a ring."""
    key = "Shift+Tab" if back else "Tab"
    for _ in range(MOST_TABS):
        if _focused(target):
            break
        page.keyboard.press(key)
    else:
        raise AssertionError(f"{key} never reached {target}")
    outline = target.evaluate("el => getComputedStyle(el).outlineStyle")
    assert outline != "none", f"no visible focus on {target}"


def _is_autosave(response: Response) -> bool:
    return "/autosave/" in response.url


def _settled(page: Page) -> None:
    """No autosave in flight (leaving a changed field or ticking a radio saves at once)."""
    expect(page.locator(".htmx-request")).to_have_count(0)


def _type(page: Page, text: str) -> None:
    """Type where the focus is and wait for the autosave that follows a pause in typing."""
    with page.expect_response(_is_autosave):
        page.keyboard.type(text)


def _type_into(page: Page, field: Locator, text: str) -> None:
    _tab_to(page, field)
    _type(page, text)


def _choose(page: Page, group: Locator, label: str) -> None:
    """Tab into a radio group, Space on the first option, arrow down to the wanted one."""
    first = group.get_by_role("radio").first
    _tab_to(page, first)
    page.keyboard.press("Space")
    wanted = group.get_by_label(label)
    for _ in range(group.get_by_role("radio").count()):
        if wanted.is_checked():
            break
        page.keyboard.press("ArrowDown")
    expect(wanted).to_be_checked()
    assert _focused(wanted)
    _settled(page)


def _press(page: Page, control: Locator) -> None:
    _tab_to(page, control)
    _settled(page)
    page.keyboard.press("Enter")


def test_the_staff_questionnaire_with_the_keyboard_alone(
    live_server, page: Page, make_distribution, invite
) -> None:
    invitation = invite(make_distribution("respondent"), name="Kim Keyboard")
    page.goto(f"{live_server.url}/r/{invitation.token}/")

    _press(page, page.get_by_role("link", name="Start"))
    expect(page.get_by_text("Page 1 of 3")).to_be_visible()
    name = page.get_by_label("What is your name?")
    _type_into(page, name, "Kim Keyboard")
    _type_into(page, page.get_by_label("How long have you held this position?"), "Two years")
    _tab_to(page, name, back=True)  # back up to correct the name
    page.keyboard.press("End")
    _type(page, " Jr")
    _press(page, page.get_by_role("button", name="Save and continue"))

    expect(page.get_by_text("Page 2 of 3")).to_be_visible()
    _type_into(page, page.get_by_label("1) What are ILO’s successes"), "Two ratifications.")
    _press(page, page.get_by_role("button", name="Save and continue"))

    expect(page.get_by_text("Page 3 of 3")).to_be_visible()
    _choose(page, page.get_by_role("group", name="1) The ILO activities"), "3 Agree somewhat")
    _choose(page, page.get_by_role("group", name="5) ILO has a comparative"), "4 Strongly agree")
    _press(page, page.get_by_role("button", name="Review my answers"))

    expect(page.get_by_role("heading", name="Review your answers")).to_be_visible()
    _choose(
        page,
        page.get_by_role("group", name="Who should read your answers?"),
        "The lead evaluator only, for her or his sole attention",
    )
    _press(page, page.get_by_role("button", name="Submit my answers"))

    expect(
        page.get_by_role("heading", name="Thank you: your answers were received")
    ).to_be_visible()
    response = Submitted.objects.get()
    assert response.status == "submitted" and response.confidentiality == "lead"
    answers = dict(Answer.objects.filter(response=response).values_list("question__key", "text"))
    assert answers["A1"] == "Kim Keyboard Jr" and answers["A4"] == "Two years"
    assert answers["B1"] == "Two ratifications."
    likert = dict(
        Answer.objects.filter(response=response, question__kind="likert").values_list(
            "question__key", "choice"
        )
    )
    assert likert == {"C1": "3", "C5": "4"}
