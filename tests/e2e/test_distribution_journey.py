"""The team sends the staff questionnaire to a registry group with a deadline; a respondent
opens the link from the outbox and submits; tracking shows the rate per region; reminders go
only to the others, and none after the close."""

from __future__ import annotations

import datetime as dt
import re

from django.utils import timezone
from playwright.sync_api import Page, expect

from evaluations.permissions import SYSTEM
from questionnaires.models import Distribution, Message
from questionnaires.services import reminders_run
from stakeholders.models import Country, StakeholderGroup
from stakeholders.services import affiliation_add, person_create
from tests.e2e.test_respondent_journey import first_visit, second_visit
from tests.factories import PASSWORD

PEOPLE = [
    ("Sam Respondent", "sam@example.org", "KE"),
    ("Nguyễn Thị Minh Khai", "khai@example.org", "VN"),
    ("Zoë Ångström", "zoe@example.org", "SE"),
]


def _registry() -> None:
    staff = StakeholderGroup.objects.get(code="staff")
    for name, email, code in PEOPLE:
        person = person_create(by=SYSTEM, name=name, emails=[email])
        affiliation_add(
            person=person, stakeholder_group=staff, country=Country.objects.get(code=code)
        )


def _log_in(page: Page, url: str, email: str) -> None:
    page.goto(f"{url}/accounts/login/")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def test_team_sends_tracks_and_reminds(
    live_server, page: Page, team, evaluation, staff_version, settings
):
    settings.SITE_URL = live_server.url  # the links in the e-mails
    _registry()
    lead = team["lead"].user
    _log_in(page, live_server.url, lead.email)

    key, number = staff_version.instrument.key, staff_version.number
    page.goto(f"{live_server.url}/evaluations/{evaluation.slug}/instruments/{key}/v{number}/")
    deadline = (timezone.now() + dt.timedelta(days=10)).strftime("%Y-%m-%dT%H:%M")
    page.get_by_label("Title").fill("Staff questionnaire 2026")
    page.get_by_label("Who reads the answers").select_option("lead")
    page.get_by_label("Deadline").fill(deadline)
    page.get_by_role("button", name="New distribution").click()
    expect(page.get_by_role("heading", name="Staff questionnaire 2026")).to_be_visible()
    distribution = Distribution.objects.get(title="Staff questionnaire 2026")

    page.get_by_role("link", name="Deadline, messages and reminders").click()
    page.get_by_label("Reminders, days before the deadline").fill("5, 2")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Settings saved.")).to_be_visible()
    page.get_by_role("link", name="Staff questionnaire 2026").click()

    page.get_by_role("link", name="Add recipients from the registry").click()
    page.locator("#picker-groups").get_by_label("Staff", exact=True).check()
    expect(page.locator("#audience-count")).to_have_text("3 people match")
    page.get_by_role("button", name="Show who this is").click()
    expect(page.get_by_role("heading", name="3 people")).to_be_visible()
    page.get_by_role("button", name="Add them all").click()
    expect(page.get_by_text("3 recipient(s) added.")).to_be_visible()

    page.get_by_role("button", name="Send invitations").click()
    expect(page.get_by_role("heading", name="Send 3 invitations?")).to_be_visible()
    expect(page.locator("#sample-message")).to_contain_text("Staff questionnaire 2026")
    page.get_by_role("button", name="Send 3 invitations").click()
    expect(page.get_by_text("3 invitation(s) queued for sending")).to_be_visible()
    expect(page.locator("#invitation-table")).to_contain_text("Sent")

    page.get_by_role("link", name="Outbox").first.click()
    page.locator("#outbox tr", has_text="sam@example.org").get_by_role("link").click()
    link = page.locator("#message-body a", has_text="/r/").first.get_attribute("href")
    assert link and re.search(r"/r/[\w-]+/$", link)

    first_visit(page, link)
    expect(page.get_by_text("Saved at")).to_be_visible()  # the autosave is in before leaving
    second_visit(page, link, half_saved=True)

    page.goto(f"{live_server.url}/evaluations/{evaluation.slug}/distributions/{distribution.pk}/")
    page.get_by_role("link", name="Tracking and response rates").click()
    africa = page.locator("#rates tr[data-value='Africa']")
    expect(africa).to_contain_text("100.0")
    total = page.locator("#rates tfoot tr")
    expect(total.locator("td").first).to_have_text("3")  # invited
    expect(total).to_contain_text("33.3")
    expect(page.locator("#rollup-summary")).to_contain_text("1 of 3 recipients responded.")

    distribution.refresh_from_db()
    before_first = distribution.deadline - dt.timedelta(days=5) + dt.timedelta(minutes=1)
    assert reminders_run(now=before_first) == 2
    reminded = set(Message.objects.filter(kind="reminder").values_list("recipient", flat=True))
    assert reminded == {"khai@example.org", "zoe@example.org"}

    Distribution.objects.filter(pk=distribution.pk).update(
        closes_at=timezone.now() - dt.timedelta(minutes=1)
    )
    after_close = distribution.deadline - dt.timedelta(days=2) + dt.timedelta(minutes=1)
    assert reminders_run(now=after_close) == 0
    assert Message.objects.filter(kind="reminder").count() == 2
