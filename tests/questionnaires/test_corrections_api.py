"""Corrections and consent through the API: request, approve/decline (lead only), reopen with a
reason, resubmission by the link or by the team, the list, and consent on submission."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from evaluations.permissions import SYSTEM
from questionnaires.models import Correction, Response
from questionnaires.services import (
    distribution_create,
    instrument_load,
    invitation_create,
    response_enter,
    response_submit,
)
from tests.conftest import COMPLETE
from tests.questionnaires.test_correction_pages import CONSENT_FORM

pytestmark = pytest.mark.django_db


def base(distribution) -> str:
    return f"/api/v1/evaluations/{distribution.evaluation.slug}/distributions/{distribution.pk}"


def test_respondent_asks_lead_decides_respondent_resubmits(
    make_distribution, invite, as_role
) -> None:
    distribution = make_distribution()
    invitation = invite(distribution)
    response_submit(invitation=invitation, answers={**COMPLETE, "C1": "4"})
    link = f"/api/v1/respond/{invitation.token}/correction/"

    not_yet = APIClient().put(link, {"answers": COMPLETE}, format="json")
    assert not_yet.status_code == 409 and "not reopened" in not_yet.json()["detail"]
    asked = APIClient().post(link, {"message": "C1 was wrong"}, format="json")
    assert asked.status_code == 201
    assert asked.json()["status"] == "requested" and asked.json()["message"] == "C1 was wrong"
    correction_id = asked.json()["id"]

    for role in ("evaluator", "data_entry", "viewer"):
        refused = as_role(role).post(f"{base(distribution)}/corrections/{correction_id}/approve/")
        assert refused.status_code == 403, role
        assert "detail" in refused.json()
    listed = as_role("lead").get(f"{base(distribution)}/corrections/")
    assert [row["status"] for row in listed.json()] == ["requested"]
    approved = as_role("lead").post(
        f"{base(distribution)}/corrections/{correction_id}/approve/",
        {"reason": "ok"},
        format="json",
    )
    assert approved.status_code == 200 and approved.json()["status"] == "open"

    wrong = APIClient().put(link, {"answers": {**COMPLETE, "C1": "9"}}, format="json")
    assert wrong.status_code == 400 and wrong.json()["errors"]["C1"] == ["Not one of the choices."]
    done = APIClient().put(link, {"answers": {**COMPLETE, "C1": "1"}}, format="json")
    assert done.status_code == 200 and done.json()["status"] == "resubmitted"
    response = Response.objects.get()
    assert response.document["C1"] == "1"
    assert Correction.objects.get().status == "done"
    again = APIClient().put(link, {"answers": COMPLETE}, format="json")
    assert again.status_code == 409


def test_decline_keeps_the_answers(make_distribution, invite, as_role) -> None:
    distribution = make_distribution()
    invitation = invite(distribution)
    response_submit(invitation=invitation, answers=COMPLETE)
    asked = APIClient().post(f"/api/v1/respond/{invitation.token}/correction/", {}, format="json")
    declined = as_role("lead").post(
        f"{base(distribution)}/corrections/{asked.json()['id']}/decline/",
        {"reason": "The report is written"},
        format="json",
    )
    assert declined.status_code == 200 and declined.json()["status"] == "declined"
    twice = as_role("lead").post(f"{base(distribution)}/corrections/{asked.json()['id']}/approve/")
    assert twice.status_code == 400 and "already decided" in twice.json()["detail"]


def test_reopen_needs_a_reason_and_the_right_role(make_distribution, invite, as_role) -> None:
    distribution = make_distribution()
    response = response_submit(invitation=invite(distribution), answers=COMPLETE).response
    url = f"{base(distribution)}/responses/{response.pk}/reopen/"
    assert as_role("evaluator").post(url, {"reason": "x"}, format="json").status_code == 403
    empty = as_role("lead").post(url, {"reason": ""}, format="json")
    assert empty.status_code == 400 and "reason" in empty.json()["errors"]
    reopened = as_role("lead").post(url, {"reason": "Wrong person"}, format="json")
    assert reopened.status_code == 201 and reopened.json()["reason"] == "Wrong person"
    assert as_role("lead").post(url, {"reason": "again"}, format="json").status_code == 400
    unknown = as_role("lead").post(
        f"{base(distribution)}/responses/{'0' * 32}/reopen/", {"reason": "x"}, format="json"
    )
    assert unknown.status_code == 404


def test_team_corrects_a_keyed_in_response(make_distribution, team, as_role) -> None:
    distribution = make_distribution()
    response = response_enter(
        distribution=distribution, by=team["data_entry"].user, name="Paper",
        answers=COMPLETE, channel="paper",
    )  # fmt: skip
    client = as_role("data_entry")
    reopened = client.post(
        f"{base(distribution)}/responses/{response.pk}/reopen/", {"reason": "typo"}, format="json"
    )
    assert reopened.status_code == 201
    corrected = client.post(
        f"{base(distribution)}/responses/{response.pk}/correction/",
        {"answers": {**COMPLETE, "B1": "Typed again"}},
        format="json",
    )
    assert corrected.status_code == 200
    response.refresh_from_db()
    assert response.document["B1"] == "Typed again"
    assert [row["status"] for row in client.get(f"{base(distribution)}/corrections/").json()] == [
        "done"
    ]
    assert as_role("viewer").get(f"{base(distribution)}/corrections/").status_code == 403


def test_api_submission_needs_consent_where_the_version_asks(evaluation, team, as_role) -> None:
    version = instrument_load(evaluation=evaluation, text=CONSENT_FORM, by=SYSTEM).version
    distribution = distribution_create(
        evaluation=evaluation, by=team["lead"].user, version=version, title="Consent",
        languages=["en", "fr"], confidentiality="anonymous",
    )  # fmt: skip
    invitation = invitation_create(distribution=distribution, by=SYSTEM, name="Ana")
    url = f"/api/v1/respond/{invitation.token}/"
    refused = APIClient().post(url, {"answers": {"age": 3}}, format="json")
    assert refused.status_code == 400 and "consent" in refused.json()["errors"]
    assert not Response.objects.exists()
    done = APIClient().post(url, {"answers": {"age": 3}, "consent": True}, format="json")
    assert done.status_code == 201
    response = Response.objects.get()
    # Anonymous: the day only, as the submission.
    assert response.consented_at is not None
    assert (response.consented_at.hour, response.consented_at.minute) == (0, 0)
    listed = as_role("lead").get(f"{base(distribution)}/responses/").json()
    rows = listed["results"] if isinstance(listed, dict) else listed
    assert rows[0]["consented_at"] == str(response.consented_at.date())


def test_anonymous_corrections_show_days_only(make_distribution, invite, as_role) -> None:
    distribution = make_distribution("anonymous")
    response = response_submit(invitation=invite(distribution), answers=COMPLETE).response
    client = as_role("lead")
    reopened = client.post(
        f"{base(distribution)}/responses/{response.pk}/reopen/", {"reason": "dup"}, format="json"
    )
    assert reopened.status_code == 201
    assert reopened.json()["respondent"] is None
    (row,) = client.get(f"{base(distribution)}/corrections/").json()
    assert row["decided_at"] == str(Correction.objects.get().decided_at.date())
    corrected = client.post(
        f"{base(distribution)}/responses/{response.pk}/correction/",
        {"answers": {**COMPLETE, "C1": "1"}},
        format="json",
    )
    assert corrected.status_code == 200
    assert Response.objects.get().document["C1"] == "1"
