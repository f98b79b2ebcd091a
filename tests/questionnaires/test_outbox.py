"""The outbox: filtered by questionnaire, status and recipient; subjects that fit in a list
(the evaluation's short title, not its full one)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from questionnaires.message_texts import message_texts
from questionnaires.models import Message
from questionnaires.services import distribution_send

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_sent(evaluation, team, make_distribution, invite, django_capture_on_commit_callbacks):
    deadline = timezone.now() + dt.timedelta(days=10)
    staff = make_distribution(deadline=deadline)
    partners = make_distribution("lead", deadline=deadline)
    for distribution, title in ((staff, "Staff 2026"), (partners, "Partners 2026")):
        distribution.title = title
        distribution.save(update_fields=["title"])
    invite(staff, name="Ana Example", email="ana@example.org")
    invite(staff, name="Bruno Example", email="bruno@example.org")
    invite(partners, name="Chidi Partner", email="chidi@partner.example")
    with django_capture_on_commit_callbacks(execute=True):
        distribution_send(distribution=staff, by=team["lead"].user)
        distribution_send(distribution=partners, by=team["lead"].user)
    Message.objects.filter(recipient="bruno@example.org").update(
        status=Message.Status.FAILED, error="550 unknown user"
    )
    return staff, partners


def _recipients(client, evaluation, **query) -> list[str]:
    response = client.get(f"/evaluations/{evaluation.slug}/outbox/", query)
    assert response.status_code == 200, response.content.decode()
    return sorted(m.recipient for m in response.context["page"].object_list)


def test_outbox_filters_by_questionnaire_status_and_recipient(
    client, evaluation, team, two_sent
) -> None:
    staff, partners = two_sent
    client.force_login(team["evaluator"].user)
    assert _recipients(client, evaluation) == [
        "ana@example.org",
        "bruno@example.org",
        "chidi@partner.example",
    ]
    assert _recipients(client, evaluation, distribution=partners.pk) == ["chidi@partner.example"]
    assert _recipients(client, evaluation, distribution=staff.pk, status="failed") == [
        "bruno@example.org"
    ]
    assert _recipients(client, evaluation, q="ANA") == ["ana@example.org"]  # name, any case
    assert _recipients(client, evaluation, q="partner.example") == ["chidi@partner.example"]
    page = client.get(
        f"/evaluations/{evaluation.slug}/outbox/", {"distribution": staff.pk, "q": "bru"}
    ).content.decode()
    assert f'<option value="{staff.pk}" selected>Staff 2026</option>' in page
    assert 'value="bru"' in page and "1 message" in page


def test_an_unknown_questionnaire_or_status_is_said_not_ignored(
    client, evaluation, team, two_sent
) -> None:
    client.force_login(team["lead"].user)
    response = client.get(
        f"/evaluations/{evaluation.slug}/outbox/", {"distribution": "999999", "status": "lost"}
    )
    text = response.content.decode()
    assert response.status_code == 400
    assert "Questionnaire: there is no such questionnaire in this evaluation." in text
    assert "Status: “lost” is not a status of a message." in text


def test_subjects_use_the_short_title(evaluation, team, two_sent) -> None:
    staff, _partners = two_sent
    assert Message.objects.filter(distribution=staff).first().subject == (
        f"{evaluation.title}: Staff 2026"  # no short title: the title
    )
    evaluation.short_title = "Migrants 2026"
    evaluation.save(update_fields=["short_title"])
    message = Message.objects.filter(distribution=staff).first()
    subject, _body = message_texts(staff, message.invitation, Message.Kind.INVITATION)
    assert subject == "Migrants 2026: Staff 2026"


def test_the_lead_sets_the_short_title_on_the_settings_page(client, evaluation, team) -> None:
    client.force_login(team["lead"].user)
    page = client.get(f"/evaluations/{evaluation.slug}/edit/").content.decode()
    assert 'name="short_title"' in page
