"""The respondent API's submission in a fixed, small number of statements (issue 17, part 4):
on PostgreSQL the row lock, then the response, its answers, the invitation and its event in
one statement; what it stores is what the ORM path stores (both databases)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from evaluations.permissions import SYSTEM
from questionnaires.models import Answer, Invitation, InvitationEvent, Response
from questionnaires.services import (
    invitation_create,
    response_enter,
)
from questionnaires.services.events import day_start
from tests.questionnaires.makers import distribution_maker
from tests.questionnaires.test_documents import kept

QUESTIONS = 50
FORM = (
    "consulta_instrument: 1\nkey: wide\nkind: questionnaire\nlanguages: [en]\ntitle: Wide\n"
    "sections:\n- key: S\n  title: All\n  questions:\n"
    + "".join(f"  - {{key: q{n}, kind: short_text, text: Q{n}}}\n" for n in range(1, QUESTIONS + 1))
)
TRANSACTION = ("BEGIN", "COMMIT")


@pytest.fixture
def make(evaluation, team):
    return distribution_maker(evaluation, team["lead"].user, FORM, "Wide")


def invite(distribution, name: str, **attributes: str) -> Invitation:
    return invitation_create(distribution=distribution, by=SYSTEM, name=name, attributes=attributes)


def answers(n: int) -> dict[str, str]:
    return {f"q{k}": f"Answer {k}" for k in range(1, n + 1)}


def submit(invitation: Invitation, n: int) -> list[str]:
    """The statements of one API submission of n answers, BEGIN and COMMIT left out."""
    with CaptureQueriesContext(connection) as queries:
        sent = APIClient().post(
            f"/api/v1/respond/{invitation.token}/", {"answers": answers(n)}, format="json"
        )
    assert sent.status_code == 201, sent.content
    return [q["sql"] for q in queries.captured_queries if q["sql"] not in TRANSACTION]


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the submission's writes are folded into one statement on PostgreSQL only",
)
@pytest.mark.django_db(transaction=True)  # as served: the service's transaction is the outermost
def test_one_submission_is_two_statements_whatever_its_answers(make) -> None:
    distribution = make()
    submit(invite(distribution, "Warm"), 1)  # the version's questions, read once per process
    five = submit(invite(distribution, "Five"), 5)
    fifty = submit(invite(distribution, "Fifty"), QUESTIONS)
    assert len(five) == len(fifty) == 2, fifty
    assert fifty[0].startswith("SELECT") and fifty[0].endswith(
        'FOR UPDATE OF "questionnaires_invitation"'
    )
    assert fifty[1].startswith("WITH ") and "SAVEPOINT" not in " ".join(fifty)
    assert Answer.objects.count() == 1 + 5 + QUESTIONS
    assert Response.objects.filter(status="submitted").count() == 3


def test_what_a_submission_stores(make) -> None:
    distribution = make()
    invitation = invite(distribution, "Named", region="Africa", unit="Inspection")
    before = timezone.now()
    submit(invitation, 5)
    invitation.refresh_from_db()
    response = Response.objects.get(invitation=invitation)
    assert (response.status, response.channel, response.language) == ("submitted", "web", "en")
    assert response.attributes == {"region": "Africa", "unit": "Inspection"}
    assert response.submitted_at is not None and response.submitted_at == invitation.submitted_at
    assert before <= response.submitted_at <= timezone.now()
    assert invitation.status == Invitation.Status.SUBMITTED
    assert kept(response.pk) == answers(5)
    [event] = InvitationEvent.objects.filter(invitation=invitation, status="submitted")
    assert (event.by_id, event.note) == (None, "")
    assert before <= event.at <= timezone.now()


def test_what_an_anonymous_submission_stores(make) -> None:
    distribution = make("anonymous")
    invitation = invite(distribution, "Anonymous", region="Africa", unit="Inspection")
    submit(invitation, 3)
    invitation.refresh_from_db()
    [response] = Response.objects.all()
    today = day_start(timezone.now())
    assert response.invitation_id is None and len(response.pk) == 32
    assert response.attributes == {"region": "Africa"}  # the coarse attributes only
    assert response.submitted_at == invitation.submitted_at == today
    assert (response.started_at, response.last_saved_at) == (None, None)
    assert invitation.status == Invitation.Status.SUBMITTED
    assert kept(response.pk) == answers(3)
    [event] = InvitationEvent.objects.filter(invitation=invitation, status="submitted")
    assert event.at == today
    again = APIClient().post(
        f"/api/v1/respond/{invitation.token}/", {"answers": answers(1)}, format="json"
    )
    assert again.status_code == 409 and Response.objects.count() == 1


def test_what_data_entry_stores(make, team) -> None:
    distribution = make()
    invitation = invite(distribution, "On Paper")
    response = response_enter(
        distribution=distribution,
        by=team["data_entry"].user,
        invitation=invitation,
        answers=answers(2),
        channel="paper",
    )
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.RETURNED
    assert (response.channel, response.entered_by) == ("paper", team["data_entry"].user)
    assert kept(response.pk) == answers(2)
    [event] = InvitationEvent.objects.filter(invitation=invitation, status="returned")
    assert (event.by, event.note) == (team["data_entry"].user, "paper")
