"""The pages: what each role sees and can do, and bad input kept with its message."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client

from accounts.services import user_get_or_create
from evaluations.models import Evaluation, Membership
from tests.factories import EvaluationFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_pages_need_a_login(evaluation) -> None:
    for url in (
        "/",
        "/evaluations/",
        f"/evaluations/{evaluation.slug}/",
        f"/evaluations/{evaluation.slug}/members/",
    ):
        response = Client().get(url, follow=True)
        assert response.redirect_chain[-1][0].startswith("/accounts/login/?next="), url


def test_list_shows_own_evaluations_with_role(team, evaluation) -> None:
    EvaluationFactory(title="Not mine")
    page = client_for(team["data_entry"].user).get("/evaluations/").content.decode()
    assert evaluation.title in page
    assert "Data entry" in page
    assert "Not mine" not in page
    assert "New evaluation" not in page


def test_create_form_with_missing_title_keeps_what_was_typed(db) -> None:
    client = client_for(UserFactory(can_create_evaluations=True))
    response = client.post(
        "/evaluations/new/",
        {"title": "", "description": "Kept text", "languages": ["en"], "small_cell_threshold": "5"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "This field is required." in page
    assert "Kept text" in page
    assert not Evaluation.objects.exists()


def test_create_form_shows_service_errors_next_to_fields(db) -> None:
    client = client_for(UserFactory(can_create_evaluations=True))
    response = client.post(
        "/evaluations/new/",
        {
            "title": "Backwards",
            "languages": ["en"],
            "small_cell_threshold": "5",
            "period_start": "2024-01-01",
            "period_end": "2020-01-01",
        },
    )
    assert "The period covered cannot end before it starts." in response.content.decode()
    assert not Evaluation.objects.exists()


def test_create_then_land_on_the_evaluation_as_lead(db) -> None:
    user = UserFactory(can_create_evaluations=True)
    response = client_for(user).post(
        "/evaluations/new/",
        {"title": "Page evaluation", "languages": ["en", "es"], "small_cell_threshold": "4"},
        follow=True,
    )
    evaluation = Evaluation.objects.get(title="Page evaluation")
    assert response.redirect_chain[-1][0] == f"/evaluations/{evaluation.slug}/"
    assert "You are its lead evaluator" in response.content.decode()
    assert (evaluation.languages, evaluation.small_cell_threshold) == (["en", "es"], 4)
    assert Membership.objects.get(evaluation=evaluation).user == user


def test_create_page_is_refused_without_permission(db) -> None:
    response = client_for(UserFactory()).get("/evaluations/new/")
    assert response.status_code == 403
    assert "may not create evaluations" in response.content.decode()


def test_unknown_slug_says_so(team) -> None:
    response = client_for(team["lead"].user).get("/evaluations/no-such-thing/")
    assert response.status_code == 404
    assert "There is no evaluation “no-such-thing” that you can open" in response.content.decode()


def test_outsider_gets_404_not_the_title(team, evaluation, outsider) -> None:
    response = client_for(outsider).get(f"/evaluations/{evaluation.slug}/")
    assert response.status_code == 404
    assert evaluation.title not in response.content.decode()


@pytest.mark.parametrize(
    ("role", "detail", "edit", "members", "add_form"),
    [
        ("lead", 200, 200, 200, True),
        ("evaluator", 200, 403, 200, False),
        ("data_entry", 200, 403, 200, False),
        ("viewer", 200, 403, 200, False),
    ],
)
def test_role_page_matrix(team, evaluation, role, detail, edit, members, add_form) -> None:
    client = client_for(team[role].user)
    assert client.get(f"/evaluations/{evaluation.slug}/").status_code == detail
    edit_response = client.get(f"/evaluations/{evaluation.slug}/edit/")
    assert edit_response.status_code == edit
    if edit == 403:
        assert (
            "Only the lead evaluator can change this evaluation." in edit_response.content.decode()
        )
    members_response = client.get(f"/evaluations/{evaluation.slug}/members/")
    assert members_response.status_code == members
    assert ('id="member-add"' in members_response.content.decode()) is add_form


@pytest.mark.parametrize("role", ["evaluator", "data_entry", "viewer"])
def test_non_leads_cannot_post_team_changes(team, evaluation, role) -> None:
    client = client_for(team[role].user)
    viewer = team["viewer"]
    add = client.post(
        f"/evaluations/{evaluation.slug}/members/", {"email": "x@example.org", "role": "lead"}
    )
    change = client.post(
        f"/evaluations/{evaluation.slug}/members/{viewer.pk}/",
        {f"m{viewer.pk}-role": "lead", f"m{viewer.pk}-initials": ""},
    )
    remove = client.post(f"/evaluations/{evaluation.slug}/members/{viewer.pk}/remove/")
    assert (add.status_code, change.status_code, remove.status_code) == (403, 403, 403)
    assert sorted(evaluation.memberships.values_list("role", flat=True)) == sorted(
        Membership.Role.values
    )


def test_lead_edits_the_evaluation(team, evaluation) -> None:
    response = client_for(team["lead"].user).post(
        f"/evaluations/{evaluation.slug}/edit/",
        {
            "title": "Renamed",
            "slug": "renamed",
            "languages": ["en", "fr"],
            "small_cell_threshold": "10",
            "status": "closed",
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == "/evaluations/renamed/"
    evaluation.refresh_from_db()
    assert (evaluation.title, evaluation.status, evaluation.small_cell_threshold) == (
        "Renamed",
        "closed",
        10,
    )


def test_edit_to_a_taken_slug_keeps_the_form(team, evaluation) -> None:
    EvaluationFactory(slug="taken")
    response = client_for(team["lead"].user).post(
        f"/evaluations/{evaluation.slug}/edit/",
        {
            "title": "Changed title",
            "slug": "taken",
            "languages": ["en"],
            "small_cell_threshold": "5",
            "status": "active",
        },
    )
    page = response.content.decode()
    assert "Already used by another evaluation" in page
    assert 'value="Changed title"' in page
    evaluation.refresh_from_db()
    assert evaluation.title != "Changed title"


def test_member_added_twice_shows_the_error_and_keeps_the_form(team, evaluation) -> None:
    response = client_for(team["lead"].user).post(
        f"/evaluations/{evaluation.slug}/members/",
        {
            "email": team["viewer"].user.email,
            "name": "Typed name",
            "role": "lead",
            "initials": "TN",
        },
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "Already a member." in page
    assert 'value="Typed name"' in page
    assert evaluation.memberships.count() == 4


def test_member_add_with_missing_fields(team, evaluation) -> None:
    response = client_for(team["lead"].user).post(
        f"/evaluations/{evaluation.slug}/members/", {"email": ""}
    )
    assert response.status_code == 400
    assert response.content.decode().count("This field is required.") == 2


def test_inline_change_answers_htmx_with_the_row(team, evaluation) -> None:
    viewer = team["viewer"]
    response = client_for(team["lead"].user).post(
        f"/evaluations/{evaluation.slug}/members/{viewer.pk}/",
        {f"m{viewer.pk}-role": "evaluator", f"m{viewer.pk}-initials": "VW"},
        HTTP_HX_REQUEST="true",
    )
    page = response.content.decode()
    assert page.lstrip().startswith(f'<tr id="member-{viewer.pk}"')
    assert "Saved" in page
    viewer.refresh_from_db()
    assert (viewer.role, viewer.initials) == ("evaluator", "VW")


def test_inline_change_without_js_redirects_with_the_error(team, evaluation) -> None:
    lead = team["lead"]
    response = client_for(lead.user).post(
        f"/evaluations/{evaluation.slug}/members/{lead.pk}/",
        {f"m{lead.pk}-role": "viewer", f"m{lead.pk}-initials": lead.initials},
        follow=True,
    )
    assert "is the only lead evaluator" in response.content.decode()
    lead.refresh_from_db()
    assert lead.role == "lead"


def test_remove_asks_then_removes(team, evaluation) -> None:
    client = client_for(team["lead"].user)
    url = f"/evaluations/{evaluation.slug}/members/{team['viewer'].pk}/remove/"
    assert "Remove" in client.get(url).content.decode()
    assert Membership.objects.filter(pk=team["viewer"].pk).exists()
    response = client.post(url, follow=True)
    assert "removed from the team" in response.content.decode()
    assert not Membership.objects.filter(pk=team["viewer"].pk).exists()


def test_delete_draft_from_the_page(team, evaluation) -> None:
    client = client_for(team["lead"].user)
    refused = client.post(f"/evaluations/{evaluation.slug}/delete/", follow=True)
    assert "Only a draft evaluation can be deleted" in refused.content.decode()
    evaluation.status = "draft"
    evaluation.save()
    client.post(f"/evaluations/{evaluation.slug}/delete/")
    assert not Evaluation.objects.filter(pk=evaluation.pk).exists()


def test_navigation_lists_the_users_evaluations(team, evaluation) -> None:
    other = MembershipFactory(user=team["viewer"].user, role="viewer").evaluation
    page = client_for(team["viewer"].user).get(f"/evaluations/{evaluation.slug}/").content.decode()
    assert f'href="/evaluations/{other.slug}/"' in page
    assert f'href="/evaluations/{evaluation.slug}/" aria-current="page"' in page


def test_pages_are_translated(team, evaluation) -> None:
    client = client_for(team["lead"].user)
    client.post("/i18n/setlang/", {"language": "fr", "next": "/evaluations/"})
    page = client.get("/evaluations/").content.decode()
    assert '<html lang="fr">' in page
    assert "Évaluations" in page


@pytest.mark.parametrize(
    ("role", "shown"), [("lead", True), ("data_entry", True), ("viewer", False)]
)
def test_tabs_follow_the_role(team, evaluation, role, shown) -> None:
    page = client_for(team[role].user).get(f"/evaluations/{evaluation.slug}/").content.decode()
    assert (f'href="/evaluations/{evaluation.slug}/instruments/"' in page) is shown


def test_a_mail_failure_keeps_the_member_and_offers_to_send_again(
    team, evaluation, settings
) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 2
    client = client_for(team["lead"].user)
    response = client.post(
        f"/evaluations/{evaluation.slug}/members/",
        {"email": "new.person@example.org", "name": "New Person", "role": "viewer"},
        follow=True,
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "New Person added as Viewer." in page and "could not be sent" in page
    membership = Membership.objects.get(user__email="new.person@example.org")
    assert "invitation pending" in page
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    again = client.post(
        f"/evaluations/{evaluation.slug}/members/{membership.pk}/invite/", follow=True
    )
    assert "Invitation sent again to new.person@example.org." in again.content.decode()
    assert mail.outbox[-1].to == ["new.person@example.org"]


def test_adding_an_invited_person_to_a_second_evaluation_invites_again(team, evaluation) -> None:
    user_get_or_create(email="pending@example.org", name="Pending")
    client_for(team["lead"].user).post(
        f"/evaluations/{evaluation.slug}/members/",
        {"email": "pending@example.org", "role": "viewer"},
    )
    assert [m.to for m in mail.outbox] == [["pending@example.org"]]


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("post", "edit/"),
        ("post", "delete/"),
        ("post", "members/"),
        ("get", "instruments/"),
        ("post", "instruments/new/"),
    ],
)
def test_outsiders_get_404_and_change_nothing(team, evaluation, outsider, method, path) -> None:
    client = client_for(outsider)
    response = getattr(client, method)(
        f"/evaluations/{evaluation.slug}/{path}",
        {"title": "Hijack", "email": "x@example.org", "role": "lead"},
    )
    assert response.status_code == 404
    evaluation.refresh_from_db()
    assert evaluation.title != "Hijack"
    assert evaluation.memberships.count() == 4
