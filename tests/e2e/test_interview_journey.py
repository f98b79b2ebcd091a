"""A member logs an individual interview and a group interview (three named participants from
the registry, typed ahead, and an unnamed group of 6), then a follow-up of the first; the log
counts them and the person's page shows their interviews."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from evaluations.permissions import SYSTEM
from interviews.models import Interview
from stakeholders.models import Organisation, Person
from stakeholders.services import affiliation_add, organisation_create, person_create
from tests.e2e.test_distribution_journey import _log_in

PEOPLE = [
    ("Anna Kowalska", "Ministry of Labour", "Director"),
    ("Ben Okafor", "Trade Union Congress", "General Secretary"),
    ("Chen Wei", "Employers Federation", "Adviser"),
]


def _registry() -> None:
    for name, organisation, job in PEOPLE:
        person = person_create(by=SYSTEM, name=name)
        affiliation_add(
            person=person,
            organisation=Organisation.objects.filter(name=organisation).first()
            or organisation_create(by=SYSTEM, name=organisation),
            job_title=job,
        )


def _pick(page: Page, typed: str, name: str) -> None:
    page.get_by_label("Find in the registry").fill(typed)
    page.locator("#found-people li", has_text=name).get_by_role("button", name="Add").click()
    expect(page.locator("#participants")).to_contain_text(name)


def test_member_logs_interviews_and_a_follow_up(live_server, page: Page, team, evaluation):
    _registry()
    _log_in(page, live_server.url, team["data_entry"].user.email)
    base = f"{live_server.url}/evaluations/{evaluation.slug}"

    # An individual interview.
    page.goto(f"{base}/interviews/")
    expect(page.get_by_text("No interview logged yet.")).to_be_visible()
    page.get_by_role("link", name="Log an interview").click()
    _pick(page, "kowal", "Anna Kowalska")
    page.locator("#id_date").fill("2013-03-15")
    page.get_by_label("Listed under").fill("Geneva")
    page.get_by_label("Interviewers").fill("LE & da")
    page.get_by_role("button", name="Log the interview").click()
    expect(page.get_by_text("Interview logged.")).to_be_visible()
    expect(page.locator("#facts")).to_contain_text("Individual")
    first = Interview.objects.get()

    # A group interview: three people typed ahead and an unnamed group of six.
    page.goto(f"{base}/interviews/new/")
    _pick(page, "anna", "Anna Kowalska")
    _pick(page, "okafor", "Ben Okafor")
    _pick(page, "wei chen", "Chen Wei")
    page.get_by_text("An unnamed group").click()
    page.locator("#id_group-group_label").fill("Ministry staff")
    page.get_by_label("Number of people").fill("6")
    page.get_by_role("button", name="Add the group").click()
    expect(page.locator("#participants")).to_contain_text("Ministry staff")
    expect(page.locator("#participants li")).to_have_count(4)
    page.locator("#id_date").fill("2013-03-18")
    page.get_by_label("Listed under").fill("Hanoi")
    page.get_by_label("Mode").select_option("Focus group")
    page.get_by_role("button", name="Log the interview").click()
    expect(page.get_by_text("Interview logged.")).to_be_visible()
    expect(page.locator("#facts")).to_contain_text("Group")
    expect(page.locator(".participants")).to_contain_text("6 people")

    # A follow-up of the first.
    page.goto(f"{base}/interviews/{first.pk}/")
    page.get_by_role("link", name="Log a follow-up").click()
    expect(page.locator("#participants")).to_contain_text("Anna Kowalska")
    page.locator("#id_date").fill("2013-04-02")
    page.get_by_role("button", name="Log the interview").click()
    expect(page.get_by_role("heading", name=re.compile("Follow-up interview"))).to_be_visible()
    follow_up = Interview.objects.get(follow_up_of=first)
    assert list(follow_up.participations.values_list("person__display_name", flat=True)) == [
        "Anna Kowalska"
    ]

    # The log counts distinct people: Anna three times is one; three named + six in the group.
    page.goto(f"{base}/interviews/")
    expect(page.locator("#log tbody tr")).to_have_count(3)
    expect(page.locator("#counts")).to_contain_text("3 interviews")
    expect(page.locator("#counts")).to_contain_text("9 participants")
    expect(page.locator("#log")).to_contain_text("follow-up")

    # The person's page shows the interviews.
    anna = Person.objects.get(display_name="Anna Kowalska")
    page.goto(f"{live_server.url}{anna.get_absolute_url()}")
    interviews = page.locator("#evaluations li.interview")
    expect(interviews).to_have_count(3)
    expect(page.locator("#evaluations")).to_contain_text("Follow-up interview 2 Apr 2013")
    expect(page.locator("#evaluations")).to_contain_text("Director, Ministry of Labour")
