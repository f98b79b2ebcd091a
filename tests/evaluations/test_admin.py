"""The admin keeps the services' rules."""

from __future__ import annotations

import pytest
from django.test import Client

from evaluations.models import Evaluation, Membership
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_() -> Client:
    client = Client()
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    return client


def test_the_last_lead_cannot_be_deleted_in_the_admin(admin_client_, team) -> None:
    lead = team["lead"]
    response = admin_client_.post(
        f"/admin/evaluations/membership/{lead.pk}/delete/", {"post": "yes"}, follow=True
    )
    assert "only lead evaluator" in response.content.decode()
    assert Membership.objects.filter(pk=lead.pk).exists()


def test_the_last_lead_cannot_be_demoted_in_the_admin(admin_client_, team) -> None:
    lead = team["lead"]
    admin_client_.post(
        f"/admin/evaluations/membership/{lead.pk}/change/",
        {"role": "viewer", "initials": lead.initials},
        follow=True,
    )
    lead.refresh_from_db()
    assert lead.role == "lead"


def test_an_active_evaluation_cannot_be_deleted_in_the_admin(admin_client_, evaluation) -> None:
    response = admin_client_.post(
        f"/admin/evaluations/evaluation/{evaluation.pk}/delete/", {"post": "yes"}, follow=True
    )
    assert "Only a draft evaluation can be deleted" in response.content.decode()
    assert Evaluation.objects.filter(pk=evaluation.pk).exists()


def test_the_team_is_shown_read_only_on_the_evaluation_page(admin_client_, team) -> None:
    evaluation = team["lead"].evaluation
    page = admin_client_.get(f"/admin/evaluations/evaluation/{evaluation.pk}/change/")
    html = page.content.decode()
    assert page.status_code == 200
    assert str(team["lead"].user) in html
    assert '-0-role"' not in html  # no input for a member's role here
