"""The evaluation's first page is its dashboard: where each questionnaire stands, interviews,
coverage gaps, downloads, activity and what needs attention, in a fixed number of queries."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from evaluations.models import Evaluation
from questionnaires.models import Distribution, Invitation, Message
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

# The whole page (session, user, evaluation, menus, every panel) on the demo evaluation.
QUERY_BUDGET = 25


@pytest.fixture
def demo(settings, tmp_path) -> Evaluation:
    settings.VAR_DIR = tmp_path
    call_command("load_demo", stdout=io.StringIO())
    return Evaluation.objects.get(slug="demo-migration-strategy")


def member(evaluation: Evaluation, role: str) -> Client:
    client = Client()
    client.force_login(evaluation.memberships.get(role=role).user)
    return client


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_first_page_shows_each_questionnaire_where_it_stands(demo) -> None:
    staff = Distribution.objects.get(evaluation=demo, title__icontains="staff")
    invitations = Invitation.objects.filter(distribution=staff)
    responded = invitations.filter(status__in=Invitation.RESPONDED).count()
    declined = invitations.filter(status=Invitation.Status.DECLINED).count()
    page = member(demo, "lead").get(f"/evaluations/{demo.slug}/").content.decode()
    row = page[page.index(f'id="dash-distribution-{staff.pk}"') :].split("</tr>")[0]
    assert staff.title in row
    cells = re.findall(r'data-label="(\w[^"]*)">([^<]*)<', row)
    shown = {label: value.strip() for label, value in cells}
    assert shown["Invited"] == str(invitations.exclude(status__in=["excluded", "revoked"]).count())
    assert shown["Submitted"] == str(responded)
    assert shown["Declined"] == str(declined)
    assert f"{responded} submitted" in page  # the bar's label
    assert 'id="dash-interviews"' in page and "12 interviews logged" in text(page)
    assert 'id="dash-coverage"' in page
    assert 'id="dash-activity"' in page
    # Every time shown names its zone (issue 20, item 1): the deadline's and the activity's.
    zone = staff.time_zone or demo.time_zone or "UTC"
    deadline = page[page.index(f'id="dash-distribution-{staff.pk}"') :].split("</tr>")[0]
    assert re.search(rf"\d{{2}}:\d{{2}} {re.escape(zone)}</time>", deadline), deadline
    activity = page[page.index('id="dash-activity"') :].split("</section>")[0]
    assert re.search(r"\d{2}:\d{2} [A-Za-z_/]+</time>", activity), activity


def test_the_dashboard_costs_a_fixed_number_of_queries(demo) -> None:
    client = member(demo, "lead")
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/evaluations/{demo.slug}/")
    assert response.status_code == 200
    assert len(queries) <= QUERY_BUDGET, "\n".join(q["sql"][:160] for q in queries)
    # More questionnaires and recipients cost no more queries (bulk_create: no new history
    # entries, whose kinds the activity panel would have to name).
    staff = Distribution.objects.get(evaluation=demo, title__icontains="staff")
    copies = []
    for n in range(3):
        copy = Distribution.objects.get(pk=staff.pk)
        copy.pk = None
        copy.title = f"Copy {n}"
        copies.append(copy)
    Distribution.objects.bulk_create(copies)
    model = Invitation.objects.filter(distribution=staff).first()
    Invitation.objects.bulk_create(
        Invitation(
            distribution=copy,
            selector=f"sel{copy.pk}x{i}",
            name=f"Extra {i}",
            status=Invitation.Status.SENT,
            person=model.person if i == 0 else None,
        )
        for copy in Distribution.objects.filter(title__startswith="Copy")
        for i in range(5)
    )
    with CaptureQueriesContext(connection) as more:
        client.get(f"/evaluations/{demo.slug}/")
    assert len(more) == len(queries), "\n".join(q["sql"][:200] for q in more)


def test_bounced_emails_need_attention_and_link_to_the_outbox(demo) -> None:
    staff = Distribution.objects.get(evaluation=demo, title__icontains="staff")
    Message.objects.create(
        key="bounce-1",
        distribution=staff,
        kind=Message.Kind.INVITATION,
        recipient="gone@example.org",
        subject="s",
        body="b",
        status=Message.Status.FAILED,
        error="550 no such user",
    )
    page = member(demo, "lead").get(f"/evaluations/{demo.slug}/").content.decode()
    attention = text(page[page.index('id="dash-attention"') :].split("</section>")[0])
    assert f"1 e-mail for “{staff.title}” could not be delivered." in attention
    unsent = staff.invitations.filter(status=Invitation.Status.CREATED).count()
    assert unsent and f"{unsent} invitations to “{staff.title}” are ready but not sent." in (
        attention
    )
    assert f"?distribution={staff.pk}&amp;status=failed" in page


def test_a_viewer_sees_counts_but_not_the_interview_log_nor_attention(demo) -> None:
    page = member(demo, "viewer").get(f"/evaluations/{demo.slug}/").content.decode()
    assert 'id="dash-questionnaires"' in page
    assert 'id="dash-interviews"' not in page
    assert 'id="dash-attention"' not in page


def test_the_dashboard_speaks_french(demo) -> None:
    client = member(demo, "lead")
    client.post("/i18n/setlang/", {"language": "fr", "next": "/"})
    page = text(client.get(f"/evaluations/{demo.slug}/").content.decode())
    assert "Lacunes de couverture" in page and "Activité récente" in page
    assert "12 entretiens enregistrés" in page


@pytest.mark.parametrize("role", ["lead", "evaluator", "data_entry", "viewer"])
def test_every_role_gets_its_dashboard(demo, role) -> None:
    response = member(demo, role).get(f"/evaluations/{demo.slug}/")
    assert response.status_code == 200
    assert 'id="dash-questionnaires"' in response.content.decode()


def test_a_superuser_outside_the_team_gets_the_dashboard(demo) -> None:
    admin = UserFactory(is_superuser=True, is_staff=True)
    client = Client()
    client.force_login(admin)
    response = client.get(f"/evaluations/{demo.slug}/")
    assert response.status_code == 200
    assert 'id="dash-questionnaires"' in response.content.decode()


def test_a_viewer_never_sees_a_small_count(demo) -> None:
    # The country questionnaire: 6 invited, 3 returned and 3 waiting, both under 5. The staff
    # questionnaire: 28 submitted, 1 declined and 3 waiting: the two small ones hidden.
    country = Distribution.objects.get(evaluation=demo, title__icontains="country")
    staff = Distribution.objects.get(evaluation=demo, title__icontains="staff")
    viewer = member(demo, "viewer").get(f"/evaluations/{demo.slug}/").content.decode()

    def row(page: str, distribution: Distribution) -> str:
        return page[page.index(f'id="dash-distribution-{distribution.pk}"') :].split("</tr>")[0]

    shown = dict(re.findall(r'data-label="(\w[^"]*)">([^<]*)<', row(viewer, country)))
    assert (shown["Invited"], shown["Submitted"], shown["Opened"]) == ("6", "&lt;5", "0")
    assert "<svg" not in row(viewer, country)  # nor a bar whose lengths would tell
    shown = dict(re.findall(r'data-label="(\w[^"]*)">([^<]*)<', row(viewer, staff)))
    assert (shown["Submitted"], shown["Declined"]) == ("28", "&lt;5")
    lead = member(demo, "lead").get(f"/evaluations/{demo.slug}/").content.decode()
    shown = dict(re.findall(r'data-label="(\w[^"]*)">([^<]*)<', row(lead, country)))
    assert shown["Submitted"] == "3"
