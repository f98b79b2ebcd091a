"""Two members edit one person at once: the second is told what changed meanwhile and keeps what
they typed; the lead reads both changes in the person's History; a viewer sees no History."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, Page, expect

from stakeholders.models import Person
from tests.factories import (
    PASSWORD,
    EvaluationFactory,
    MembershipFactory,
    PersonFactory,
    UserFactory,
)


def _signed_in(browser: Browser, base: str, email: str) -> Page:
    page = browser.new_context().new_page()
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Evaluations")).to_be_visible()
    return page


def test_a_stale_edit_is_refused_with_the_change_and_the_history_tells_both(
    live_server, browser: Browser
) -> None:
    evaluation = EvaluationFactory()
    lead = UserFactory(email="lena@example.org", name="Lena Example")
    evaluator = UserFactory(email="eric@example.org", name="Eric Sample")
    viewer = UserFactory(email="victor@example.org", name="Victor Demo")
    for user, role in ((lead, "lead"), (evaluator, "evaluator"), (viewer, "viewer")):
        MembershipFactory(evaluation=evaluation, user=user, role=role)
    person = PersonFactory(display_name="Ivan Beispiel", notes="")
    edit = f"{live_server.url}/registry/people/{person.pk}/edit/"

    first = _signed_in(browser, live_server.url, "lena@example.org")
    second = _signed_in(browser, live_server.url, "eric@example.org")
    first.goto(edit)
    second.goto(edit)  # both load revision 1

    first.get_by_label("Notes").fill("Met in Chisinau")
    first.get_by_role("button", name="Save").click()
    expect(first.get_by_text("Changes to Ivan Beispiel saved.")).to_be_visible()

    second.get_by_label("Notes").fill("Prefers phone calls")
    second.get_by_role("button", name="Save").click()
    expect(second.get_by_text(re.compile("was changed by Lena Example"))).to_be_visible()
    expect(second.get_by_text(re.compile("Lena Example changed notes"))).to_be_visible()
    expect(second.get_by_label("Notes")).to_have_value("Prefers phone calls")  # kept
    assert Person.objects.get(pk=person.pk).notes == "Met in Chisinau"  # nothing overwritten

    second.get_by_role("button", name="Save").click()  # having read it, on the new revision
    expect(second.get_by_text("Changes to Ivan Beispiel saved.")).to_be_visible()
    assert Person.objects.get(pk=person.pk).notes == "Prefers phone calls"

    first.goto(f"{live_server.url}/registry/people/{person.pk}/")
    first.get_by_role("link", name="History").click()
    rows = first.locator("tbody tr")
    expect(rows.filter(has_text="Eric Sample")).to_contain_text("Prefers phone calls")
    expect(rows.filter(has_text="Lena Example")).to_contain_text("Met in Chisinau")

    watcher = _signed_in(browser, live_server.url, "victor@example.org")
    answer = watcher.goto(f"{live_server.url}/evaluations/{evaluation.slug}/activity/")
    assert answer is not None and answer.status == 403
    watcher.goto(f"{live_server.url}/evaluations/{evaluation.slug}/")
    expect(watcher.get_by_role("link", name="Activity")).to_have_count(0)
