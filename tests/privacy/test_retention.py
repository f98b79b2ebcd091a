"""Retention: the lead sees who would be erased now and erases them on confirmation only."""

from __future__ import annotations

import datetime as dt

import pytest

from privacy.selectors.retention import retention_ends, retention_plan
from stakeholders.models import Person
from tests.factories import EvaluationFactory
from tests.interviews.builders import log, person

pytestmark = pytest.mark.django_db

PAST = dt.date(2015, 1, 31)


def _expire(evaluation, months: int = 12) -> None:
    evaluation.report_date = PAST
    evaluation.retention_months = months
    evaluation.save(update_fields=["report_date", "retention_months"])


@pytest.fixture
def people(evaluation):
    only_here = person("Amara Only-Here")
    also_live = person("Bruno Also-Elsewhere")
    log(evaluation, only_here, also_live)
    live = EvaluationFactory(report_date=dt.date.today(), retention_months=24)
    log(live, also_live)
    return only_here, also_live


def test_period_end_is_report_date_plus_months(evaluation) -> None:
    _expire(evaluation, months=13)
    assert retention_ends(evaluation) == dt.date(2016, 2, 29)


def test_lists_only_people_whose_every_evaluation_is_past(evaluation, people) -> None:
    only_here, _also_live = people
    assert retention_plan(evaluation=evaluation).due == []  # no period set: nothing due
    _expire(evaluation)
    plan = retention_plan(evaluation=evaluation)
    assert [d.person.pk for d in plan.due] == [only_here.pk]
    assert plan.counts == {
        "people": 1,
        "interviews": 1,
        "invitations": 0,
        "kept_elsewhere": 1,
        "held_elsewhere": 0,
    }


def test_nothing_is_erased_without_the_post(evaluation, people, as_role) -> None:
    _expire(evaluation)
    response = as_role("lead").get(f"/api/v1/evaluations/{evaluation.slug}/retention/")
    assert response.status_code == 200
    assert [p["name"] for p in response.json()["people"]] == ["Amara Only-Here"]
    assert not Person.objects.filter(erased_at__isnull=False).exists()


def test_api_post_erases_the_due_people_only(evaluation, people, as_role) -> None:
    only_here, also_live = people
    _expire(evaluation)
    response = as_role("lead").post(f"/api/v1/evaluations/{evaluation.slug}/retention/", {})
    assert response.status_code == 200
    assert response.json() == {"erased": [only_here.pk], "count": 1}
    assert Person.objects.get(pk=only_here.pk).display_name == f"Erased person {only_here.pk}"
    assert Person.objects.get(pk=also_live.pk).erased_at is None


def test_legal_hold_blocks_with_the_reason(evaluation, people, as_role) -> None:
    _expire(evaluation)
    evaluation.legal_hold, evaluation.legal_hold_reason = True, "Audit of 2016."
    evaluation.save(update_fields=["legal_hold", "legal_hold_reason"])
    client = as_role("lead")
    assert (
        "Audit of 2016."
        in client.get(f"/api/v1/evaluations/{evaluation.slug}/retention/").json()["blocked"]
    )
    response = client.post(f"/api/v1/evaluations/{evaluation.slug}/retention/", {})
    assert response.status_code == 400
    assert "Audit of 2016." in response.json()["detail"]
    assert not Person.objects.filter(erased_at__isnull=False).exists()


def test_hold_on_another_evaluation_keeps_the_person(evaluation, people) -> None:
    only_here, _also = people
    _expire(evaluation)
    held = EvaluationFactory(report_date=PAST, retention_months=1, legal_hold=True)
    log(held, only_here)
    plan = retention_plan(evaluation=evaluation)
    assert plan.due == [] and plan.counts["held_elsewhere"] == 1


def test_only_the_lead_may(evaluation, people, as_role) -> None:
    _expire(evaluation)
    for role in ("evaluator", "viewer"):
        url = f"/api/v1/evaluations/{evaluation.slug}/retention/"
        assert as_role(role).post(url, {}).status_code == 403
    assert not Person.objects.filter(erased_at__isnull=False).exists()


def test_page_lists_counts_and_erases_on_typed_confirmation(
    client, evaluation, team, people
) -> None:
    only_here, _also = people
    _expire(evaluation)
    client.force_login(team["lead"].user)
    url = f"/evaluations/{evaluation.slug}/retention/"
    page = client.get(url).content.decode()
    assert "Amara Only-Here" in page and "1 person would be erased now" in page
    wrong = client.post(url, {"confirm": "ok", "people": str(only_here.pk)})
    assert wrong.status_code == 400
    assert Person.objects.get(pk=only_here.pk).erased_at is None
    done = client.post(url, {"confirm": "ERASE", "people": str(only_here.pk)})
    assert done.status_code == 302
    assert Person.objects.get(pk=only_here.pk).erased_at is not None


def test_confirmed_list_limits_the_erasure(evaluation, people, as_role) -> None:
    only_here, _also = people
    late = person("Chen Joined-Later")
    log(evaluation, late)
    _expire(evaluation)
    response = as_role("lead").post(
        f"/api/v1/evaluations/{evaluation.slug}/retention/",
        {"people": [only_here.pk]},
        format="json",
    )
    assert response.json()["erased"] == [only_here.pk]
    assert Person.objects.get(pk=late.pk).erased_at is None


def test_edit_form_sets_the_retention(client, evaluation, team) -> None:
    client.force_login(team["lead"].user)
    page = client.get(f"/evaluations/{evaluation.slug}/edit/").content.decode()
    assert 'name="report_date"' in page and 'name="retention_months"' in page
