"""The API: same permissions as the pages, clear 4xx bodies, token authentication."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from rest_framework.authtoken.models import Token

from evaluations.models import Evaluation, Membership
from tests.factories import PASSWORD, EvaluationFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

BASE = "/api/v1/evaluations/"


def members_url(evaluation: Evaluation, pk: int | None = None) -> str:
    return f"{BASE}{evaluation.slug}/members/" + (f"{pk}/" if pk else "")


def test_schema_validates_without_warnings(tmp_path) -> None:
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    text = target.read_text()
    assert "/api/v1/evaluations/{slug}/" in text
    assert "/api/v1/evaluations/{evaluation_slug}/members/{id}/" in text


def test_schema_and_docs_are_served(api_client) -> None:
    assert api_client.get("/api/v1/schema/").status_code == 200
    docs = api_client.get("/api/v1/docs/")
    assert docs.status_code == 200
    assert b"swagger-ui" in docs.content
    assert b"//cdn" not in docs.content and b"unpkg" not in docs.content


def test_no_credentials_get_401_with_a_message(api_client, evaluation) -> None:
    response = api_client.get(BASE)
    assert response.status_code == 401
    assert response.json()["detail"] == "Authentication credentials were not provided."
    assert api_client.get(members_url(evaluation)).status_code == 401


def test_token_is_obtained_with_email_and_password_and_authenticates(api_client, team) -> None:
    lead = team["lead"].user
    response = api_client.post(
        "/api/v1/auth/token/", {"email": lead.email.upper(), "password": PASSWORD}
    )
    assert response.status_code == 200
    token = response.json()["token"]
    assert Token.objects.get(user=lead).key == token
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    listing = api_client.get(BASE).json()
    assert [e["slug"] for e in listing["results"]] == [team["lead"].evaluation.slug]
    assert listing["results"][0]["my_role"] == "lead"


def test_wrong_password_gets_400_and_no_token(api_client, team) -> None:
    response = api_client.post(
        "/api/v1/auth/token/", {"email": team["lead"].user.email, "password": "nope"}
    )
    assert response.status_code == 400
    assert "No active account" in response.json()["detail"]
    assert not Token.objects.exists()


def test_bad_token_is_refused(api_client) -> None:
    api_client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    response = api_client.get(BASE)
    assert response.status_code == 401
    assert response.json()["detail"] == "Invalid token."


def test_list_shows_only_the_users_evaluations(api_client, team) -> None:
    EvaluationFactory(title="Someone else's")
    api_client.force_authenticate(team["viewer"].user)
    results = api_client.get(BASE).json()["results"]
    assert [(e["slug"], e["my_role"]) for e in results] == [
        (team["viewer"].evaluation.slug, "viewer")
    ]


def test_unknown_or_foreign_slug_is_404_with_a_message(api_client, team) -> None:
    foreign = EvaluationFactory()
    api_client.force_authenticate(team["lead"].user)
    for slug in ("no-such-evaluation", foreign.slug):
        response = api_client.get(f"{BASE}{slug}/")
        assert response.status_code == 404
        assert f"no evaluation “{slug}” that you can open" in response.json()["detail"]


def test_create_makes_the_caller_lead(api_client) -> None:
    api_client.force_authenticate(UserFactory(can_create_evaluations=True))
    response = api_client.post(
        BASE,
        {"title": "API evaluation", "languages": ["en", "fr"], "period_start": "2020-01-01"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["slug"], body["my_role"], body["languages"]) == (
        "api-evaluation",
        "lead",
        ["en", "fr"],
    )
    assert Evaluation.objects.get(slug="api-evaluation").memberships.get().role == "lead"


def test_create_with_missing_and_bad_fields_gets_field_errors(api_client) -> None:
    api_client.force_authenticate(UserFactory(can_create_evaluations=True))
    response = api_client.post(
        BASE, {"languages": ["en", "de"], "small_cell_threshold": 0}, format="json"
    )
    assert response.status_code == 400
    body = response.json()
    errors = body["errors"]
    assert errors["title"] == ["This field is required."]
    assert "languages.1" in errors and "small_cell_threshold" in errors
    assert body["detail"].startswith("title: This field is required.")
    response = api_client.post(
        BASE,
        {"title": "T", "period_start": "2024-01-01", "period_end": "2023-01-01"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "period_end": ["The period covered cannot end before it starts."]
    }
    assert not Evaluation.objects.exists()


def test_create_without_permission_is_403(api_client) -> None:
    api_client.force_authenticate(UserFactory())
    response = api_client.post(BASE, {"title": "Nope"}, format="json")
    assert response.status_code == 403
    assert "may not create evaluations" in response.json()["detail"]


@pytest.mark.parametrize(
    ("role", "status"), [("lead", 200), ("evaluator", 403), ("data_entry", 403), ("viewer", 403)]
)
def test_only_the_lead_changes_the_evaluation(api_client, team, evaluation, role, status) -> None:
    api_client.force_authenticate(team[role].user)
    response = api_client.patch(
        f"{BASE}{evaluation.slug}/", {"small_cell_threshold": 7}, format="json"
    )
    assert response.status_code == status
    evaluation.refresh_from_db()
    assert evaluation.small_cell_threshold == (7 if status == 200 else 5)


def test_delete_active_evaluation_is_refused_with_the_reason(api_client, team, evaluation) -> None:
    api_client.force_authenticate(team["lead"].user)
    response = api_client.delete(f"{BASE}{evaluation.slug}/")
    assert response.status_code == 400
    assert "Only a draft evaluation can be deleted" in response.json()["detail"]
    assert Evaluation.objects.filter(pk=evaluation.pk).exists()


@pytest.mark.parametrize("role", ["lead", "evaluator", "data_entry", "viewer"])
def test_every_member_lists_the_team(api_client, team, evaluation, role) -> None:
    api_client.force_authenticate(team[role].user)
    response = api_client.get(members_url(evaluation))
    assert response.status_code == 200
    rows = response.json()["results"]
    assert [r["role"] for r in rows] == ["lead", "evaluator", "data_entry", "viewer"]
    assert {"id", "email", "name", "role", "initials", "invitation_pending", "created_at"} == set(
        rows[0]
    )


def test_outsider_cannot_see_the_team(api_client, team, evaluation, outsider) -> None:
    api_client.force_authenticate(outsider)
    assert api_client.get(members_url(evaluation)).status_code == 404


@pytest.mark.parametrize("role", ["evaluator", "data_entry", "viewer"])
def test_non_leads_cannot_change_the_team(api_client, team, evaluation, role) -> None:
    api_client.force_authenticate(team[role].user)
    viewer = team["viewer"]
    add = api_client.post(
        members_url(evaluation), {"email": "n@example.org", "role": "viewer"}, format="json"
    )
    change = api_client.patch(members_url(evaluation, viewer.pk), {"role": "lead"}, format="json")
    remove = api_client.delete(members_url(evaluation, viewer.pk))
    assert (add.status_code, change.status_code, remove.status_code) == (403, 403, 403)
    assert "Only the lead evaluator" in add.json()["detail"]
    viewer.refresh_from_db()
    assert viewer.role == "viewer"
    assert evaluation.memberships.count() == 4


def test_lead_adds_changes_and_removes_a_member(api_client, team, evaluation) -> None:
    api_client.force_authenticate(team["lead"].user)
    added = api_client.post(
        members_url(evaluation),
        {
            "email": "Nia.Example@example.org",
            "name": "Nia Example",
            "role": "evaluator",
            "initials": "NE",
        },
        format="json",
    )
    assert added.status_code == 201, added.json()
    body = added.json()
    assert (body["email"], body["name"], body["role"], body["initials"]) == (
        "nia.example@example.org",
        "Nia Example",
        "evaluator",
        "NE",
    )
    changed = api_client.patch(
        members_url(evaluation, body["id"]), {"role": "data_entry"}, format="json"
    )
    assert changed.status_code == 200 and changed.json()["role"] == "data_entry"
    assert api_client.delete(members_url(evaluation, body["id"])).status_code == 204
    assert not Membership.objects.filter(pk=body["id"]).exists()


def test_member_added_twice_gets_400_and_nothing_changes(api_client, team, evaluation) -> None:
    api_client.force_authenticate(team["lead"].user)
    response = api_client.post(
        members_url(evaluation), {"email": team["viewer"].user.email, "role": "lead"}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {
        "detail": f"{team['viewer'].user.name} is already a member of this evaluation, as Viewer.",
        "errors": {"email": ["Already a member."]},
    }
    assert evaluation.memberships.get(user=team["viewer"].user).role == "viewer"


def test_member_with_bad_fields_gets_field_errors(api_client, team, evaluation) -> None:
    api_client.force_authenticate(team["lead"].user)
    response = api_client.post(
        members_url(evaluation), {"email": "not-an-address", "role": "boss"}, format="json"
    )
    assert response.status_code == 400
    assert set(response.json()) == {"detail", "errors"}
    assert set(response.json()["errors"]) == {"email", "role"}


def test_last_lead_cannot_be_removed_through_the_api(api_client, team, evaluation) -> None:
    api_client.force_authenticate(team["lead"].user)
    response = api_client.delete(members_url(evaluation, team["lead"].pk))
    assert response.status_code == 400
    assert "only lead evaluator" in response.json()["detail"]
    assert Membership.objects.filter(pk=team["lead"].pk).exists()


def test_member_of_another_evaluation_is_404(api_client, team, evaluation) -> None:
    elsewhere = MembershipFactory()
    api_client.force_authenticate(team["lead"].user)
    assert (
        api_client.patch(
            members_url(evaluation, elsewhere.pk), {"role": "lead"}, format="json"
        ).status_code
        == 404
    )
    elsewhere.refresh_from_db()
    assert elsewhere.role == "evaluator"
