"""The open link through the API: read with its counts, made and changed, rotated, closed;
role checks and the error shape as the distributions' other routes."""

from __future__ import annotations

import pytest

from questionnaires.models import OpenLink
from questionnaires.services.distributions import distribution_responses_lock
from questionnaires.services.open_links import open_link_enter, open_link_save
from questionnaires.services.responses import response_submit
from tests.conftest import COMPLETE

pytestmark = pytest.mark.django_db


def url(distribution, tail: str = "") -> str:
    slug = distribution.evaluation.slug
    return f"/api/v1/evaluations/{slug}/distributions/{distribution.pk}/open-link/{tail}"


def test_lead_makes_then_changes_the_link(as_role, make_distribution):
    distribution = make_distribution()
    api = as_role("lead")
    assert api.get(url(distribution)).status_code == 404
    made = api.post(url(distribution), {"quota": 10, "email_capture": "required"}, format="json")
    assert made.status_code == 201
    link = OpenLink.objects.get(distribution=distribution)
    body = made.json()
    assert body["url"] == f"http://testserver/o/{link.token}/"
    assert (body["quota"], body["email_capture"], body["one_per_browser"]) == (10, "required", True)
    assert (body["submitted"], body["in_progress"], body["remaining"]) == (0, 0, 10)
    changed = api.post(url(distribution), {"quota": None}, format="json")
    assert changed.status_code == 200
    assert changed.json()["quota"] is None
    assert changed.json()["email_capture"] == "required"


def test_counts_follow_the_visitors(as_role, make_distribution, team):
    distribution = make_distribution()
    link = open_link_save(distribution=distribution, by=team["lead"].user, quota=3)
    response_submit(invitation=open_link_enter(link=link), answers=COMPLETE)
    open_link_enter(link=link)
    body = as_role("lead").get(url(distribution)).json()
    assert (body["submitted"], body["in_progress"], body["remaining"]) == (1, 1, 2)


def test_bad_settings_are_a_400_naming_the_field(as_role, make_distribution):
    distribution = make_distribution()
    api = as_role("lead")
    answer = api.post(url(distribution), {"quota": 0}, format="json")
    assert answer.status_code == 400
    assert "quota" in answer.json()["errors"]
    answer = api.post(url(distribution), {"quota": 10**12}, format="json")
    assert answer.status_code == 400 and "quota" in answer.json()["errors"]
    answer = api.post(url(distribution), {"closes_at": "2001-01-01T00:00:00Z"}, format="json")
    assert answer.status_code == 400
    assert "past" in answer.json()["errors"]["closes_at"][0]
    assert not OpenLink.objects.exists()


def test_rotate_and_close(as_role, make_distribution, team):
    distribution = make_distribution()
    api = as_role("evaluator")
    assert api.post(url(distribution, "rotate/")).status_code == 400  # no link yet
    old = open_link_save(distribution=distribution, by=team["lead"].user)
    rotated = api.post(url(distribution, "rotate/"))
    assert rotated.status_code == 200
    new = OpenLink.objects.get(distribution=distribution, replaced_at__isnull=True)
    assert rotated.json()["url"].endswith(f"/o/{new.token}/") and new.pk != old.pk
    closed = api.post(url(distribution, "close/"), {}, format="json")
    assert closed.json()["closed_at"] is not None
    opened = api.post(url(distribution, "close/"), {"closed": False}, format="json")
    assert opened.json()["closed_at"] is None


@pytest.mark.parametrize("role", ["viewer", "data_entry"])
def test_roles_without_respondents_cannot_change_it(as_role, make_distribution, team, role):
    distribution = make_distribution()
    open_link_save(distribution=distribution, by=team["lead"].user)
    api = as_role(role)
    for tail in ("", "rotate/", "close/"):
        answer = api.post(url(distribution, tail), {}, format="json")
        assert answer.status_code in (403, 404)
        assert "detail" in answer.json()
    assert OpenLink.objects.get(distribution=distribution).closed_at is None


def test_data_entry_reads_the_counts_without_the_address(as_role, make_distribution, team):
    distribution = make_distribution()
    open_link_save(distribution=distribution, by=team["lead"].user)
    body = as_role("data_entry").get(url(distribution)).json()
    assert body["url"] is None and body["submitted"] == 0


def test_locked_responses_are_a_409(as_role, make_distribution, team):
    distribution = make_distribution()
    open_link_save(distribution=distribution, by=team["lead"].user)
    distribution_responses_lock(distribution=distribution, by=team["lead"].user, reason="Final")
    answer = as_role("lead").post(url(distribution, "rotate/"))
    assert answer.status_code == 409
    assert "Final" in answer.json()["detail"]
