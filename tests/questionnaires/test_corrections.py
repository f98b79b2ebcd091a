"""Corrections after submission, at the service: asking, deciding, reopening with a reason,
resubmitting, what the tables count meanwhile, and what the history keeps (and shows whom)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from common.errors import ValidationProblem
from history.models import Entry
from history.selectors.entries import distribution_history
from questionnaires.models import Answer, Correction, Response
from questionnaires.services import response_enter, response_submit
from questionnaires.services.corrections import (
    correction_approve,
    correction_decline,
    correction_enter,
    correction_request,
    correction_save,
    correction_submit,
    draft_answers,
    open_correction,
    response_reopen,
)
from questionnaires.services.distributions import distribution_responses_lock
from questionnaires.services.responses import StaleSave
from reports.selectors.likert import likert_summary
from tests.conftest import COMPLETE

pytestmark = pytest.mark.django_db


def c1_counts(user, distribution) -> tuple[int, list[int | None]]:
    table = likert_summary(user=user, distribution=distribution, unsuppressed=True)[0]
    row = next(row for row in table.rows if row.question_key == "C1")
    return row.n, [point.count for point in row.points]


def submitted(make_distribution, invite, confidentiality="team", **answers):
    invitation = invite(make_distribution(confidentiality))
    response = response_submit(invitation=invitation, answers={**COMPLETE, **answers}).response
    return invitation, response


def test_request_approved_reopens_the_link_and_resubmission_replaces(
    make_distribution, invite, team
) -> None:
    invitation, response = submitted(make_distribution, invite, C1="4")
    request = correction_request(invitation=invitation, message="I mixed up C1.")
    assert request.status == Correction.Status.REQUESTED
    assert correction_request(invitation=invitation).pk == request.pk  # asked twice: one
    assert open_correction(invitation) is None  # not before the lead decides

    correction_approve(correction=request, by=team["lead"].user)
    correction = open_correction(invitation)
    assert correction is not None and correction.draft["C1"] == "4"
    _response, errors = correction_save(invitation=invitation, answers={"C1": "1"}, keys=["C1"])
    assert errors == {}
    assert {a.question.key: a.choice for a in draft_answers(correction_of(invitation))}["C1"] == "1"
    # Until resubmitted the tables count the previous submission, once.
    assert c1_counts(team["lead"].user, response.distribution) == (1, [1, 0, 0, 0])

    correction_submit(invitation=invitation)

    response.refresh_from_db()
    assert response.status == Response.Status.SUBMITTED
    assert Answer.objects.get(response=response, question__key="C1").choice == "1"
    assert response.document["C1"] == "1"
    assert Response.objects.filter(distribution=response.distribution).count() == 1
    assert c1_counts(team["lead"].user, response.distribution) == (1, [0, 0, 0, 1])
    assert open_correction(invitation) is None
    entry = Entry.objects.get(verb="resubmit")
    assert entry.changes == {"C1": ["4", "1"]}
    assert entry.actor_id is None and entry.person_id == invitation.person_id
    assert entry.anchor == f"distribution:{response.distribution_id}"


def correction_of(invitation) -> Correction:
    correction = open_correction(invitation)
    assert correction is not None
    return correction


def test_only_the_lead_decides(make_distribution, invite, team) -> None:
    invitation, _response = submitted(make_distribution, invite)
    request = correction_request(invitation=invitation)
    for role in ("evaluator", "data_entry", "viewer"):
        with pytest.raises(PermissionDenied):
            correction_approve(correction=request, by=team[role].user)
    declined = correction_decline(correction=request, by=team["lead"].user, reason="Closed.")
    assert declined.status == Correction.Status.DECLINED
    with pytest.raises(ValidationProblem, match="already decided"):
        correction_approve(correction=request, by=team["lead"].user)
    assert open_correction(invitation) is None


def test_lead_reopens_with_a_required_reason(make_distribution, invite, team) -> None:
    _invitation, response = submitted(make_distribution, invite)
    with pytest.raises(ValidationProblem) as problem:
        response_reopen(response=response, by=team["lead"].user, reason="  ")
    assert "reason" in problem.value.errors
    with pytest.raises(PermissionDenied):
        response_reopen(response=response, by=team["evaluator"].user, reason="typo")
    correction = response_reopen(response=response, by=team["lead"].user, reason="Wrong unit")
    assert correction.status == Correction.Status.OPEN
    with pytest.raises(ValidationProblem, match="already reopened"):
        response_reopen(response=response, by=team["lead"].user, reason="again")
    entry = Entry.objects.get(verb="reopen")
    assert entry.reason == "Wrong unit" and entry.actor_id == team["lead"].user.pk


def test_resubmission_is_checked_like_a_submission(make_distribution, invite, team) -> None:
    invitation, response = submitted(make_distribution, invite, C1="4")
    response_reopen(response=response, by=team["lead"].user, reason="check")
    correction_save(invitation=invitation, answers={"C1": "9"}, keys=["C1"])
    with pytest.raises(ValidationProblem) as problem:
        correction_submit(invitation=invitation)
    assert problem.value.errors["C1"] == ["Not one of the choices."]
    assert Answer.objects.get(response=response, question__key="C1").choice == "4"
    assert open_correction(invitation) is not None  # still open: nothing lost


def test_data_entry_corrects_what_it_keyed_in(make_distribution, team) -> None:
    distribution = make_distribution()
    clerk = team["data_entry"].user
    response = response_enter(
        distribution=distribution, by=clerk, name="Paper One", answers=COMPLETE, channel="paper"
    )
    correction = response_reopen(response=response, by=clerk, reason="Misread the paper")
    correction_enter(correction=correction, by=clerk, answers={**COMPLETE, "A1": "Fixed"})
    response.refresh_from_db()
    assert response.document["A1"] == "Fixed"
    entry = Entry.objects.get(verb="resubmit")
    assert entry.actor_id == clerk.pk and entry.reason == "Misread the paper"
    assert entry.changes == {"A1": ["Background answer 1", "Fixed"]}


def test_lead_only_previous_answers_stay_with_the_lead(make_distribution, invite, team) -> None:
    invitation, response = submitted(make_distribution, invite, "lead", C1="4")
    response_reopen(response=response, by=team["lead"].user, reason="asked by phone")
    correction_save(invitation=invitation, answers={"C1": "2"}, keys=["C1"])
    correction_submit(invitation=invitation)
    evaluation = response.distribution.evaluation
    lead = distribution_history(
        user=team["lead"].user, evaluation=evaluation, distribution_id=response.distribution_id
    )
    evaluator = distribution_history(
        user=team["evaluator"].user, evaluation=evaluation, distribution_id=response.distribution_id
    )
    assert lead.filter(verb="resubmit").get().changes == {"C1": ["4", "2"]}
    assert not evaluator.filter(verb__in=["resubmit", "reopen"]).exists()


def test_anonymous_response_is_corrected_by_the_team_without_a_person(
    make_distribution, invite, team
) -> None:
    invitation, response = submitted(make_distribution, invite, "anonymous", C1="3")
    assert response.invitation_id is None
    with pytest.raises(ValidationProblem):  # the link no longer leads to it
        correction_request(invitation=invitation)
    correction = response_reopen(response=response, by=team["lead"].user, reason="duplicate key")
    correction_enter(correction=correction, by=team["lead"].user, answers={**COMPLETE, "C1": "2"})
    entries = Entry.objects.filter(object_pk=response.pk)
    assert entries.count() == 2
    assert all(entry.person_id is None for entry in entries)
    assert entries.get(verb="resubmit").changes == {"C1": ["3", "2"]}


def test_locked_responses_are_not_reopened(make_distribution, invite, team) -> None:
    _invitation, response = submitted(make_distribution, invite)
    distribution_responses_lock(
        distribution=response.distribution, by=team["lead"].user, reason="Report written"
    )
    with pytest.raises(Exception, match="Report written"):
        response_reopen(response=response, by=team["lead"].user, reason="late fix")
    assert not Correction.objects.exists()


def test_after_the_close_a_web_response_is_not_reopened(make_distribution, invite, team) -> None:
    distribution = make_distribution()
    invitation = invite(distribution)
    response = response_submit(invitation=invitation, answers=COMPLETE).response
    request = correction_request(invitation=invitation)
    past = timezone.now() - dt.timedelta(hours=1)
    distribution.deadline, distribution.closes_at = past - dt.timedelta(days=1), past
    distribution.save(update_fields=["deadline", "closes_at"])
    with pytest.raises(ValidationProblem, match="questionnaire is closed"):
        correction_approve(correction=request, by=team["lead"].user)
    with pytest.raises(ValidationProblem, match="questionnaire is closed"):
        response_reopen(response=response, by=team["lead"].user, reason="late")
    assert Correction.objects.get().status == Correction.Status.REQUESTED


def test_a_late_autosave_does_not_undo_a_corrected_page(make_distribution, invite, team) -> None:
    invitation, response = submitted(make_distribution, invite, C1="4")
    response_reopen(response=response, by=team["lead"].user, reason="check")
    shown = timezone.now()
    correction_save(invitation=invitation, answers={"C1": "2"}, keys=["C1"], page_save=True)
    with pytest.raises(StaleSave):
        correction_save(invitation=invitation, answers={"C1": "3"}, keys=["C1"], shown_at=shown)
    assert correction_of(invitation).draft["C1"] == "2"
