"""Malformed input at every door of the questionnaires: a 4xx with a message, never a 500."""

from __future__ import annotations

import pytest
from django.test import Client
from rest_framework.test import APIClient

from questionnaires.models import Response
from tests.conftest import COMPLETE

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "answers",
    [
        {"A1": {"nested": 1}, "C1": [1, 2], "B1": None, "A2": 5},
        {"A1__other__other": "x"},
        {"C1": True},
        {"C1": ["4"]},
        {"A1": "with a NUL \x00 inside"},
    ],
)
def test_odd_answer_values_through_the_api(make_distribution, invite, answers) -> None:
    invitation = invite(make_distribution())
    response = APIClient().post(
        f"/api/v1/respond/{invitation.token}/", {"answers": answers}, format="json"
    )
    assert response.status_code in (201, 400), response.content
    if response.status_code == 400:
        assert set(response.json()) == {"detail", "errors"}


@pytest.mark.parametrize(
    "body", ["not json", "[1, 2]", '{"answers": "text"}', '{"answers": {}, "language": 7}']
)
def test_malformed_bodies_through_the_api(make_distribution, invite, body) -> None:
    invitation = invite(make_distribution())
    response = APIClient().post(
        f"/api/v1/respond/{invitation.token}/", body, content_type="application/json"
    )
    assert response.status_code == 400
    assert not Response.objects.filter(status="submitted").exists()


def test_odd_form_posts(make_distribution, invite) -> None:
    invitation = invite(make_distribution())
    client = Client()
    url = f"/r/{invitation.token}/page/3/"
    assert client.post(url, {"q-C1": ["4", "3", "1"], "action": "sideways"}).status_code in (
        302,
        400,
    )
    assert client.post(url, {"q-C1": "\x00"}).status_code == 302  # read as no answer
    text = client.post(f"/r/{invitation.token}/page/1/", {"q-A1": "Ana\x00Bo", "action": "next"})
    assert text.status_code == 302  # NUL is dropped: PostgreSQL text cannot hold it
    assert client.post(f"/r/{invitation.token}/page/99/", {"q-A1": "x"}).status_code == 302
    assert client.post(f"/r/{invitation.token}/review/", {"anything": "x"}).status_code in (
        302,
        400,
    )


def test_unknown_ids_are_404(team, evaluation, make_distribution, invite) -> None:
    distribution = make_distribution()
    client = Client()
    client.force_login(team["lead"].user)
    base = f"/evaluations/{evaluation.slug}"
    assert client.get(f"{base}/distributions/999999/").status_code == 404
    assert client.get(f"{base}/distributions/{distribution.pk}/responses/zzz/").status_code == 404
    assert client.get(f"{base}/instruments/nope/v1/").status_code == 404
    assert client.get(f"{base}/instruments/ilo-staff-questionnaire-2008/v9/").status_code == 404
    api = APIClient()
    api.force_authenticate(team["lead"].user)
    assert (
        api.put(
            f"/api/v1{base}/instruments/ilo-staff-questionnaire-2008/versions/abc/", {}
        ).status_code
        == 404
    )
    assert api.get(f"/api/v1{base}/distributions/999999/responses/").status_code == 404
    assert (
        api.patch(f"/api/v1{base}/members/abc/", {"role": "lead"}, format="json").status_code == 404
    )


def test_distribution_of_another_evaluation_is_not_reachable(
    team, evaluation, make_distribution
) -> None:
    from tests.factories import MembershipFactory

    distribution = make_distribution()
    other = MembershipFactory(role="lead")
    client = Client()
    client.force_login(other.user)
    assert (
        client.get(
            f"/evaluations/{other.evaluation.slug}/distributions/{distribution.pk}/"
        ).status_code
        == 404
    )
    api = APIClient()
    api.force_authenticate(other.user)
    url = f"/api/v1/evaluations/{other.evaluation.slug}/distributions/{distribution.pk}/responses/"
    assert api.get(url).status_code == 404


def test_a_complete_submission_still_works_after_odd_ones(make_distribution, invite) -> None:
    invitation = invite(make_distribution())
    APIClient().post(
        f"/api/v1/respond/{invitation.token}/", "oops", content_type="application/json"
    )
    response = APIClient().post(
        f"/api/v1/respond/{invitation.token}/", {"answers": COMPLETE}, format="json"
    )
    assert response.status_code == 201
