"""The questionnaire API: instruments as YAML, sending, links, responses, submission by token."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from questionnaires.models import Answer, Instrument, Response
from questionnaires.services import response_submit
from tests.conftest import COMPLETE, STAFF_FILE

pytestmark = pytest.mark.django_db


def base(evaluation) -> str:
    return f"/api/v1/evaluations/{evaluation.slug}"


def test_import_then_read_back_as_json_and_yaml(api_client, team, evaluation) -> None:
    api_client.force_authenticate(team["lead"].user)
    response = api_client.post(
        f"{base(evaluation)}/instruments/import/", {"yaml": STAFF_FILE.read_text()}, format="json"
    )
    assert response.status_code == 201
    assert (
        response.json()["summary"]
        == "ilo-staff-questionnaire-2008 version 1 (created): 3 sections, 19 questions"
    )
    again = api_client.post(
        f"{base(evaluation)}/instruments/import/", {"yaml": STAFF_FILE.read_text()}, format="json"
    )
    assert (again.status_code, again.json()["outcome"]) == (200, "unchanged")
    listing = api_client.get(f"{base(evaluation)}/instruments/").json()["results"]
    assert listing[0]["key"] == "ilo-staff-questionnaire-2008"
    assert listing[0]["versions"][0]["frozen"] is False
    version = api_client.get(
        f"{base(evaluation)}/instruments/ilo-staff-questionnaire-2008/versions/1/"
    ).json()
    assert version["spec"]["sections"][2]["questions"][0]["key"] == "C1"
    text = api_client.get(
        f"{base(evaluation)}/instruments/ilo-staff-questionnaire-2008/versions/1/yaml/"
    )
    assert text["Content-Type"].startswith("application/yaml")
    assert text.content.decode().startswith(
        "consulta_instrument: 1\nkey: ilo-staff-questionnaire-2008\n"
    )


def test_bad_yaml_gets_400_with_lines_and_saves_nothing(api_client, team, evaluation) -> None:
    api_client.force_authenticate(team["lead"].user)
    bad = STAFF_FILE.read_text().replace("code: 3", "code: 4", 1)
    response = api_client.post(
        f"{base(evaluation)}/instruments/import/", {"yaml": bad}, format="json"
    )
    assert response.status_code == 400
    body = response.json()
    assert "duplicate scale code “4”" in body["detail"]
    assert all(key.startswith("line ") for key in body["errors"])
    assert not Instrument.objects.exists()


@pytest.mark.parametrize("role", ["evaluator", "data_entry", "viewer"])
def test_only_the_lead_imports(api_client, team, evaluation, role) -> None:
    api_client.force_authenticate(team[role].user)
    response = api_client.post(
        f"{base(evaluation)}/instruments/import/", {"yaml": STAFF_FILE.read_text()}, format="json"
    )
    assert response.status_code == 403


def test_frozen_version_cannot_be_replaced(api_client, team, evaluation, make_distribution) -> None:
    make_distribution()
    api_client.force_authenticate(team["lead"].user)
    url = f"{base(evaluation)}/instruments/ilo-staff-questionnaire-2008/versions/1/"
    response = api_client.put(
        url, {"yaml": STAFF_FILE.read_text().replace("Friday", "Monday")}, format="json"
    )
    assert response.status_code == 409
    assert "Version 1 is frozen" in response.json()["detail"]


def test_draft_version_is_replaced(api_client, team, evaluation, staff_version) -> None:
    api_client.force_authenticate(team["lead"].user)
    url = f"{base(evaluation)}/instruments/ilo-staff-questionnaire-2008/versions/1/"
    response = api_client.put(
        url,
        {"yaml": STAFF_FILE.read_text().replace("replies by {", "replies before {")},
        format="json",
    )
    assert response.json()["outcome"] == "draft replaced"
    staff_version.refresh_from_db()
    assert staff_version.deadline_text == {"en": "Please submit replies before {deadline}"}


def test_send_add_a_respondent_and_submit_by_token(
    api_client, team, evaluation, staff_version
) -> None:
    api_client.force_authenticate(team["lead"].user)
    sent = api_client.post(
        f"{base(evaluation)}/distributions/",
        {
            "instrument": "ilo-staff-questionnaire-2008",
            "version": 1,
            "title": "Staff",
            "confidentiality": "team",
        },
        format="json",
    )
    assert sent.status_code == 201, sent.json()
    distribution_id = sent.json()["id"]
    link = api_client.post(
        f"{base(evaluation)}/distributions/{distribution_id}/invitations/",
        {"name": "Ana", "email": "ana@example.org", "attributes": {"region": "Africa"}},
        format="json",
    ).json()["link"]
    token = link.rstrip("/").rsplit("/", 1)[1]
    respondent = type(api_client)()
    first = respondent.post(f"/api/v1/respond/{token}/", {"answers": COMPLETE}, format="json")
    second = respondent.post(f"/api/v1/respond/{token}/", {"answers": COMPLETE}, format="json")
    assert (first.status_code, first.json()["status"]) == (201, "submitted")
    assert (second.status_code, second.json()["status"]) == (409, "already submitted")
    assert Response.objects.filter(status="submitted").count() == 1
    bad = respondent.post("/api/v1/respond/nope-nope-nope-nope/", {"answers": {}}, format="json")
    assert bad.status_code == 404


def test_submission_with_bad_answers_gets_field_errors(
    api_client, make_distribution, invite
) -> None:
    invitation = invite(make_distribution())
    response = api_client.post(
        f"/api/v1/respond/{invitation.token}/", {"answers": {**COMPLETE, "C1": "5"}}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {"C1": ["Not one of the choices."]}
    assert not Response.objects.filter(status="submitted").exists()


def test_closed_questionnaire_refuses_submissions(api_client, make_distribution, invite) -> None:
    past = timezone.now() - dt.timedelta(hours=1)
    invitation = invite(make_distribution(deadline=past, closes_at=past))
    response = api_client.post(
        f"/api/v1/respond/{invitation.token}/", {"answers": COMPLETE}, format="json"
    )
    assert response.status_code == 403


@pytest.mark.parametrize(
    ("role", "status", "visible"),
    [
        ("lead", 200, True),
        ("evaluator", 200, False),
        ("data_entry", 200, False),
        ("viewer", 403, False),
    ],
)
def test_lead_only_answers_never_reach_others_through_the_api(
    api_client, team, evaluation, make_distribution, invite, role, status, visible
) -> None:
    distribution = make_distribution("lead")
    response_submit(
        invitation=invite(distribution), answers={**COMPLETE, "B8": "For the lead only"}
    )
    api_client.force_authenticate(team[role].user)
    listing = api_client.get(f"{base(evaluation)}/distributions/{distribution.pk}/responses/")
    assert listing.status_code == status
    assert ("For the lead only" in listing.content.decode()) is visible
    if status == 200:
        row = listing.json()["results"][0]
        assert row["answers_withheld"] == (None if visible else "lead evaluator only")


def test_anonymous_responses_carry_no_name_through_the_api(
    api_client, team, evaluation, make_distribution, invite
) -> None:
    distribution = make_distribution("anonymous")
    response_submit(
        invitation=invite(distribution, name="Hidden Person", attributes={"region": "Asia"}),
        answers=COMPLETE,
    )
    api_client.force_authenticate(team["lead"].user)
    body = api_client.get(
        f"{base(evaluation)}/distributions/{distribution.pk}/responses/"
    ).content.decode()
    assert "Hidden Person" not in body
    assert '"region":"Asia"' in body.replace(" ", "")


def test_listing_responses_costs_the_same_for_one_or_many(
    api_client, team, evaluation, make_distribution, invite
) -> None:
    distribution = make_distribution("team")
    api_client.force_authenticate(team["evaluator"].user)
    url = f"{base(evaluation)}/distributions/{distribution.pk}/responses/"
    response_submit(invitation=invite(distribution, name="One"), answers=COMPLETE)
    with CaptureQueriesContext(connection) as one:
        assert len(api_client.get(url).json()["results"]) == 1
    for n in range(4):
        response_submit(invitation=invite(distribution, name=f"More {n}"), answers=COMPLETE)
    with CaptureQueriesContext(connection) as five:
        rows = api_client.get(url).json()["results"]
    assert len(rows) == 5 and all(row["answers"]["B1"] == "Open answer 1" for row in rows)
    assert len(five) == len(one)


def _respond(invitation, answers):
    return APIClient().post(
        f"/api/v1/respond/{invitation.token}/", {"answers": answers}, format="json"
    )


def _kept(invitation) -> dict[str, str]:
    """The stored answers of the invitation's response: text or choice code by question key."""
    answers = Answer.objects.filter(response__invitation=invitation).select_related("question")
    return {answer.question.key: answer.text or answer.choice for answer in answers}


@pytest.mark.parametrize(
    ("answers", "kept"),
    [
        ({"A1__other__other": "x"}, {}),  # no such question: ignored
        ({"B1": None, "A2": 5}, {"A2": "5"}),  # null is no answer; a number is read as text
        ({"C1": ["4"]}, {"C1": "4"}),  # a list of one code is that code
        ({"A1": "with a NUL \x00 inside"}, {"A1": "with a NUL  inside"}),  # PostgreSQL refuses NUL
    ],
)
def test_odd_answer_values_the_api_accepts(make_distribution, invite, answers, kept) -> None:
    invitation = invite(make_distribution())
    response = _respond(invitation, answers)
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "submitted"
    assert _kept(invitation) == kept


def test_a_choice_that_is_no_code_is_refused_through_the_api(make_distribution, invite) -> None:
    invitation = invite(make_distribution())
    response = _respond(invitation, {"C1": True})
    assert response.status_code == 400
    assert response.json() == {
        "detail": "Some answers need attention (1), starting with C1: Not one of the choices.",
        "errors": {"C1": ["Not one of the choices."]},
    }
    assert not Response.objects.filter(status="submitted").exists()


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        (
            {"A1": {"nested": 1}},
            "Give one answer: a text, a number or a code, not a list or an object.",
        ),
        ({"C1": [1, 2]}, "Give one answer: a text, a number or a code, not a list or an object."),
        (
            {"A1": [["nested"]]},
            "Give one answer: a text, a number or a code, not a list or an object.",
        ),
    ],
)
def test_values_that_are_no_answer_are_refused_through_the_api(
    make_distribution, invite, answers, message
) -> None:
    invitation = invite(make_distribution())
    response = _respond(invitation, answers)
    assert response.status_code == 400, response.content
    assert response.json()["errors"] == {key: [message] for key in answers}
    assert not Response.objects.filter(status="submitted").exists()
    assert not Answer.objects.filter(text__contains="nested").exists()


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


def test_a_complete_submission_still_works_after_odd_ones(make_distribution, invite) -> None:
    invitation = invite(make_distribution())
    APIClient().post(
        f"/api/v1/respond/{invitation.token}/", "oops", content_type="application/json"
    )
    response = APIClient().post(
        f"/api/v1/respond/{invitation.token}/", {"answers": COMPLETE}, format="json"
    )
    assert response.status_code == 201
