"""The history's review fixes: the respondent door never names a signed-in member, the pages
read a constant number of queries whatever the entries point at, a former member can still be
picked in the filter, an id that never existed is a 404 on the API too, every explicit record
reads in words, and the likert CSV (answers, broken down) is a recorded download."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from evaluations import services as evaluations
from history.context import Kind, acting
from history.models import Entry
from questionnaires.instrument_format.dumper import instrument_dump_document
from questionnaires.models import Invitation
from questionnaires.services import distribution_create, instrument_load
from tests.reports.builders import staff_survey

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _entries(invitation: Invitation) -> list[Entry]:
    return list(
        Entry.objects.filter(content_type__model="invitation", object_id=invitation.pk).order_by(
            "pk"
        )
    )


# --- the respondent door ----------------------------------------------------------------------


def test_a_signed_in_member_answering_an_anonymous_questionnaire_leaves_no_entry(
    team, make_distribution, invite
) -> None:
    member = team["evaluator"].user
    invitation = invite(make_distribution("anonymous"), name="Staff Member")
    before = Entry.objects.count()
    answer = _client(member).post(f"/r/{invitation.token}/decline/", {"reason": "no time"})
    assert answer.status_code == 200
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.DECLINED
    assert Entry.objects.count() == before
    assert not Entry.objects.filter(actor=member, content_type__model="invitation").exists()


def test_a_signed_in_member_at_the_respondent_door_is_a_respondent(
    team, make_distribution, invite
) -> None:
    member = team["evaluator"].user
    invitation = invite(make_distribution("team"), name="Staff Member")
    _client(member).post(f"/r/{invitation.token}/decline/", {"reason": "no time"})
    declined = _entries(invitation)[-1]
    assert declined.changes["status"][1] == Invitation.Status.DECLINED
    assert (declined.actor, declined.actor_kind) == (None, Kind.RESPONDENT)


# --- queries ----------------------------------------------------------------------------------


def _survey(evaluation, lead, key: str):
    document = {
        "consulta_instrument": 1, "key": key, "kind": "questionnaire", "languages": ["en"],
        "title": f"Survey {key}",
        "sections": [{"key": "A", "questions": [{"key": "Q1", "kind": "short_text", "text": "?"}]}],
    }  # fmt: skip
    with acting(lead):
        version = instrument_load(
            evaluation=evaluation, text=instrument_dump_document(document), by=lead
        ).version
        return distribution_create(evaluation=evaluation, by=lead, version=version, title=key)


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as done:
        answer = client.get(url)
    assert answer.status_code == 200
    return len(done)


def test_the_activity_reads_the_same_number_of_queries_for_more_versions(evaluation, team):
    lead = team["lead"].user
    client = _client(lead)
    page = f"/evaluations/{evaluation.slug}/activity/"
    api = f"/api/v1/evaluations/{evaluation.slug}/history/"
    _survey(evaluation, lead, "first")
    few = (_queries(client, page), _queries(client, api))
    for key in ("second", "third", "fourth", "fifth"):
        _survey(evaluation, lead, key)
    shown = client.get(page).context["rows"]
    assert Entry.objects.filter(evaluation_id=evaluation.pk).count() < 50  # one page
    names = {c.after for r in shown if r.kind == "distribution" for c in r.changes}
    assert {"first v1", "fifth v1"} <= names  # versions by name, not by id
    assert (_queries(client, page), _queries(client, api)) == few


# --- filters ----------------------------------------------------------------------------------


def test_a_former_member_can_still_be_picked_and_filtered(evaluation, team) -> None:
    lead, evaluator = team["lead"].user, team["evaluator"].user
    with acting(evaluator):
        evaluations.evaluation_update(evaluation=evaluation, by=lead, title="Renamed")
    with acting(lead):
        evaluations.membership_remove(membership=team["evaluator"], by=lead)
    client = _client(lead)
    page = client.get(f"/evaluations/{evaluation.slug}/activity/", {"member": evaluator.pk})
    assert page.status_code == 200, page.context["form"].errors
    rows = page.context["rows"]
    assert rows and {r.actor_id for r in rows} == {evaluator.pk}
    assert "No longer in the team" in page.content.decode()


def test_an_unknown_member_is_refused_next_to_the_field(evaluation, team) -> None:
    page = _client(team["lead"].user).get(
        f"/evaluations/{evaluation.slug}/activity/", {"member": "999999"}
    )
    assert page.status_code == 400
    assert page.context["form"].errors["member"]


# --- the API's 404 ----------------------------------------------------------------------------


def test_the_api_answers_404_for_an_id_that_never_existed(evaluation, team, as_role) -> None:
    client = as_role("lead")
    slug = evaluation.slug
    for url in (
        f"/api/v1/evaluations/{slug}/interviews/999999/history/",
        f"/api/v1/evaluations/{slug}/distributions/999999/history/",
        "/api/v1/registry/people/999999/history/",
    ):
        answer = client.get(url)
        assert answer.status_code == 404, url
        assert "no history" in answer.json()["detail"]


def test_a_deleted_distribution_keeps_its_history_on_the_api(
    evaluation, team, as_role, make_distribution
) -> None:
    distribution = make_distribution("team")
    pk = distribution.pk
    distribution.delete()
    answer = as_role("lead").get(
        f"/api/v1/evaluations/{evaluation.slug}/distributions/{pk}/history/"
    )
    assert answer.status_code == 200
    assert answer.json()["results"][0]["action"] == "deleted"


# --- words and downloads ----------------------------------------------------------------------


def test_a_freeze_reads_in_words(evaluation, team) -> None:
    lead = team["lead"].user
    distribution = _survey(evaluation, lead, "words")
    version = distribution.version
    page = _client(lead).get(
        f"/evaluations/{evaluation.slug}/instruments/words/v{version.number}/history/"
    )
    actions = {r.action for r in page.context["rows"]}
    assert "frozen" in actions and "freeze" not in actions
    assert "questions replaced" in actions or "created" in actions


def test_the_likert_csv_download_is_recorded(evaluation, team) -> None:
    distribution = staff_survey(
        evaluation, [{"attributes": {"region": "Africa"}, "answers": {"C1": "4"}}]
    )
    viewer = team["viewer"].user
    answer = _client(viewer).get(
        f"/evaluations/{evaluation.slug}/reports/likert.csv?distribution={distribution.pk}"
    )
    assert answer.status_code == 200
    entry = Entry.objects.get(verb="download", evaluation_id=evaluation.pk)
    assert entry.actor == viewer
    assert entry.changes["file"][1] == f"{evaluation.slug}-likert-{distribution.pk}.csv"


@pytest.mark.parametrize("member", ["9" * 30, "²"])
def test_an_impossible_member_id_is_a_400_not_a_crash(evaluation, team, as_role, member) -> None:
    answer = as_role("lead").get(
        f"/api/v1/evaluations/{evaluation.slug}/history/", {"member": member}
    )
    assert answer.status_code == 400
    assert "member" in answer.json()["errors"]


def test_the_first_and_last_possible_days_filter_nothing_out(evaluation, team, as_role) -> None:
    lead = team["lead"].user
    with acting(lead):
        evaluations.evaluation_update(evaluation=evaluation, by=lead, title="Renamed")
    dates = {"since": "0001-01-01", "until": "9999-12-31"}
    answer = as_role("lead").get(f"/api/v1/evaluations/{evaluation.slug}/history/", dates)
    assert answer.status_code == 200
    assert answer.json()["count"] == Entry.objects.filter(evaluation_id=evaluation.pk).count()
    page = _client(lead).get(f"/evaluations/{evaluation.slug}/activity/", dates)
    assert page.status_code == 200
    assert len(page.context["rows"]) == answer.json()["count"]
