"""Recipient picking in the browser, at a phone's width: the country list filters as one
types, ticking boxes updates "N people match", the recipients are added, then the table's
select-all ticks every row and the bulk exclude takes them out with a reason."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from playwright.sync_api import Page, expect

from evaluations.permissions import SYSTEM
from stakeholders.models import Country, StakeholderGroup
from stakeholders.services import affiliation_add, person_create
from tests.e2e.test_distribution_journey import _log_in

KENYANS = ["Achieng Otieno", "Wanjiru Kamau", "Kiprop Cheruiyot"]


def _registry() -> None:
    government = StakeholderGroup.objects.get(code="government")
    workers = StakeholderGroup.objects.get(code="workers")
    kenya, vietnam = Country.objects.get(code="KE"), Country.objects.get(code="VN")
    for i, name in enumerate(KENYANS):
        person = person_create(by=SYSTEM, name=name, emails=[f"ke{i}@example.org"])
        affiliation_add(person=person, stakeholder_group=government, country=kenya)
    person = person_create(by=SYSTEM, name="Tran Van An", emails=["vn@example.org"])
    affiliation_add(person=person, stakeholder_group=government, country=vietnam)
    person = person_create(by=SYSTEM, name="Otieno Worker", emails=["w@example.org"])
    affiliation_add(person=person, stakeholder_group=workers, country=kenya)


def test_pick_by_country_with_a_live_count_then_bulk_exclude(
    live_server, page: Page, team, evaluation, make_distribution
) -> None:
    _registry()
    distribution = make_distribution(deadline=timezone.now() + dt.timedelta(days=10))
    page.set_viewport_size({"width": 390, "height": 844})
    _log_in(page, live_server.url, team["evaluator"].user.email)
    base = f"{live_server.url}/evaluations/{evaluation.slug}/distributions/{distribution.pk}/"
    page.goto(base + "audience/")

    countries = page.locator("#picker-countries")
    countries.get_by_placeholder("Type to filter the list").fill("ken")
    expect(countries.locator("label:visible")).to_have_count(1)
    countries.get_by_label("Kenya").check()
    expect(page.locator("#audience-count")).to_have_text("4 people match")
    page.locator("#picker-groups").get_by_label("Government", exact=True).check()
    expect(page.locator("#audience-count")).to_have_text("3 people match")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    page.get_by_role("button", name="Add them all").click()
    expect(page.get_by_text("3 recipient(s) added.")).to_be_visible()
    page.get_by_label("Select all recipients").check()
    expect(page.locator("input[name=invitation]:checked")).to_have_count(3)
    expect(page.locator("[data-bulk-count]")).to_have_text("(3 / 3)")
    page.get_by_label("Select Wanjiru Kamau").uncheck()
    page.locator("#bulk-reason").fill("Left the ministry")
    page.get_by_role("button", name="Exclude them").click()
    expect(page.get_by_text("Done for 2 recipients.")).to_be_visible()
    assert set(
        distribution.invitations.filter(status="excluded").values_list("name", flat=True)
    ) == {"Achieng Otieno", "Kiprop Cheruiyot"}
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
