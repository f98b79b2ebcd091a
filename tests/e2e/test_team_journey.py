"""The lead's first journey: log in, create an evaluation, add a member, see them, log out."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from evaluations.models import Evaluation, Membership
from tests.factories import PASSWORD, EvaluationFactory, MembershipFactory, UserFactory


def test_lead_creates_evaluation_adds_member_and_logs_out(live_server, page: Page) -> None:
    lead = UserFactory(email="lena@example.org", name="Lena Example", can_create_evaluations=True)

    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    page.get_by_label("E-mail address").fill("LENA@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Evaluations")).to_be_visible()

    page.get_by_role("link", name="New evaluation").click()
    page.get_by_role("textbox", name="Title:", exact=True).fill(
        "Evaluation of the Example Programme 2021-2025"
    )
    page.get_by_role("button", name="Create evaluation").click()
    expect(page.get_by_text("You are its lead evaluator")).to_be_visible()
    expect(
        page.get_by_role("heading", name="Evaluation of the Example Programme 2021-2025")
    ).to_be_visible()

    page.get_by_role("link", name="Manage the team").click()
    form = page.locator("#member-add")
    form.get_by_label("E-mail address").fill("omar.sample@example.org")
    form.get_by_label("Full name").fill("Omar Sample")
    form.get_by_label("Role").select_option("evaluator")
    form.get_by_label("Initials").fill("OS")
    form.get_by_role("button", name="Add member").click()

    expect(page.get_by_text("Omar Sample added as Evaluator.")).to_be_visible()
    row = page.locator("#members tr", has_text="omar.sample@example.org")
    expect(row).to_contain_text("Omar Sample")
    expect(row.locator("select")).to_have_value("evaluator")

    evaluation = Evaluation.objects.get(title="Evaluation of the Example Programme 2021-2025")
    member = Membership.objects.get(evaluation=evaluation, user__email="omar.sample@example.org")
    assert (member.role, member.initials) == ("evaluator", "OS")
    assert Membership.objects.get(evaluation=evaluation, user=lead).role == "lead"

    page.get_by_role("button", name="Log out").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    page.goto(f"{live_server.url}/evaluations/{evaluation.slug}/members/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next="))


def test_lead_changes_role_inline_without_reload(live_server, page: Page) -> None:
    lead = UserFactory(email="lead@example.org", name="Lead Person")
    evaluation = EvaluationFactory()
    MembershipFactory(evaluation=evaluation, user=lead, role="lead")
    other = MembershipFactory(evaluation=evaluation, role="viewer")

    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("E-mail address").fill("lead@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto(f"{live_server.url}/evaluations/{evaluation.slug}/members/")

    row = page.locator(f"#member-{other.pk}")
    row.locator("select").select_option("data_entry")
    row.get_by_role("button", name="Save").click()
    expect(page.locator(f"#member-{other.pk}")).to_contain_text("Saved")
    other.refresh_from_db()
    assert other.role == "data_entry"

    lead_row = page.locator("#members tr", has_text="lead@example.org")
    lead_row.locator("select").select_option("viewer")
    lead_row.get_by_role("button", name="Save").click()
    expect(page.locator("#members tr", has_text="lead@example.org")).to_contain_text(
        "the only lead evaluator"
    )
    assert evaluation.memberships.get(user=lead).role == "lead"
