"""Disabled actions look disabled and say why beside them: the interview import's "Import"
while a row is in error, and "Send invitations" after the close."""

from __future__ import annotations

import datetime as dt

from django.test import Client
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from interviews.models import InterviewImportJob
from tests.e2e.test_distribution_journey import _log_in
from tests.interviews.test_import_pages import LIST, csv_bytes, send

ACCENT = "rgb(31, 95, 168)"  # --accent: an enabled primary button's background


def looks(page: Page, selector: str) -> dict[str, str]:
    return page.eval_on_selector(
        selector,
        "e => { const s = getComputedStyle(e);"
        " return {background: s.backgroundColor, cursor: s.cursor}; }",
    )


def test_import_button_looks_disabled_with_its_reason(live_server, page: Page, team, evaluation):
    member = Client()
    member.force_login(team["evaluator"].user)
    rows = [*LIST, ["D. Demo", "Office", "31.2.2013", "EV", ""]]  # no 31 February
    send(member, evaluation, csv_bytes(rows))
    job = InterviewImportJob.objects.get()
    _log_in(page, live_server.url, team["evaluator"].user.email)
    page.goto(live_server.url + reverse("interviews:import_report", args=[evaluation.slug, job.pk]))
    button = page.locator("#import-confirm")
    expect(button).to_be_disabled()
    style = looks(page, "#import-confirm")
    assert style["background"] != ACCENT and style["cursor"] == "not-allowed"
    expect(page.locator("#import-blocked")).to_be_visible()
    expect(page.locator("#import-blocked")).to_contain_text("Fix the rows in error first")


def test_send_after_the_close_looks_disabled_with_its_reason(
    live_server, page: Page, team, make_distribution, invite
):
    past = timezone.now() - dt.timedelta(days=1)
    distribution = make_distribution(deadline=past, closes_at=past)
    invite(distribution, "Ana", email="ana@example.org")
    open_one = make_distribution(deadline=timezone.now() + dt.timedelta(days=9))
    invite(open_one, "Ben", email="ben@example.org")
    _log_in(page, live_server.url, team["lead"].user.email)
    slug = distribution.evaluation.slug
    page.goto(f"{live_server.url}/evaluations/{slug}/distributions/{open_one.pk}/")
    assert looks(page, "#send-invitations")["background"] == ACCENT  # the enabled look
    page.goto(f"{live_server.url}/evaluations/{slug}/distributions/{distribution.pk}/")
    expect(page.locator("#send-invitations")).to_be_disabled()
    style = looks(page, "#send-invitations")
    assert style["background"] != ACCENT and style["cursor"] == "not-allowed"
    expect(page.locator("#send-refusal")).to_have_text(
        "This questionnaire is closed; move its close date first."
    )
