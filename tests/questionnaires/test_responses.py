"""Drafts, submission once, confidentiality and anonymity, at the service."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from common.errors import ValidationProblem
from questionnaires.models import Answer, Invitation, Response
from questionnaires.services import (
    AlreadySubmitted,
    FormClosed,
    invitation_by_token,
    response_enter,
    response_save,
    response_submit,
)
from tests.conftest import COMPLETE

pytestmark = pytest.mark.django_db


def test_distribution_freezes_the_version(make_distribution, staff_version) -> None:
    assert not staff_version.is_frozen
    make_distribution()
    staff_version.refresh_from_db()
    assert staff_version.is_frozen


def test_tokens_are_long_random_and_looked_up_exactly(make_distribution, invite) -> None:
    distribution = make_distribution()
    a, b = invite(distribution), invite(distribution, name="Other")
    assert a.token != b.token and len(a.token) >= 40
    assert invitation_by_token(a.token) == a
    assert invitation_by_token(a.token[:-1] + ("A" if a.token[-1] != "A" else "B")) is None
    assert invitation_by_token(a.token[:11]) is None
    assert invitation_by_token("x" * 500) is None
    assert invitation_by_token(None) is None


def test_draft_keeps_what_was_typed_even_when_not_valid(make_distribution, invite) -> None:
    invitation = invite(make_distribution())
    response, errors = response_save(invitation=invitation, answers={"A1": "Sam", "C1": "9"})
    assert errors == {"C1": ["Not one of the choices."]}
    assert Answer.objects.get(response=response, question__key="C1").choice == "9"
    assert Answer.objects.get(response=response, question__key="A1").text == "Sam"
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.STARTED
    with pytest.raises(ValidationProblem) as problem:
        response_submit(invitation=invitation)
    assert problem.value.errors["C1"] == ["Not one of the choices."]
    assert Response.objects.get().status == "draft"


def test_submit_twice_keeps_one_response(make_distribution, invite) -> None:
    invitation = invite(make_distribution())
    response_save(invitation=invitation, answers=COMPLETE)
    first = response_submit(invitation=invitation)
    second = response_submit(invitation=invitation)
    assert (first.created, second.created) == (True, False)
    assert first.response.pk == second.response.pk
    assert Response.objects.count() == 1
    assert Answer.objects.filter(response=first.response).count() == 19
    with pytest.raises(AlreadySubmitted):
        response_save(invitation=invitation, answers={"A1": "changed"})
    assert Answer.objects.get(question__key="A1").text == "Background answer 1"


def test_submit_with_all_answers_at_once(make_distribution, invite) -> None:
    invitation = invite(make_distribution(), attributes={"region": "Africa"})
    response = response_submit(invitation=invitation, answers=COMPLETE).response
    assert response.status == "submitted" and response.channel == "web"
    assert response.attributes == {"region": "Africa"}
    codes = dict(
        Answer.objects.filter(response=response, question__kind="likert").values_list(
            "question__key", "choice"
        )
    )
    assert codes == {"C1": "4", "C2": "3", "C3": "2", "C4": "1", "C5": "4", "C6": "3"}


def test_unknown_question_keys_are_refused(make_distribution, invite) -> None:
    invitation = invite(make_distribution())
    with pytest.raises(ValidationProblem, match="Unknown question"):
        response_submit(invitation=invitation, answers={**COMPLETE, "Z9": "x"})
    assert not Answer.objects.exists()


def test_anonymous_submission_cannot_be_linked_back(make_distribution, invite) -> None:
    invitation = invite(
        make_distribution("anonymous"), attributes={"region": "Asia", "name_hint": "Sam"}
    )
    response_save(invitation=invitation, answers=COMPLETE)
    response = response_submit(invitation=invitation).response
    response.refresh_from_db()
    assert response.invitation_id is None
    assert response.attributes == {"region": "Asia"}
    assert response.started_at is None and response.last_saved_at is None
    assert response.submitted_at.time() == dt.time(0, 0)
    assert not Response.objects.filter(invitation=invitation).exists()
    invitation.refresh_from_db()
    assert invitation.status == "submitted"
    with pytest.raises(AlreadySubmitted):
        response_submit(invitation=invitation)
    assert Response.objects.count() == 1


def test_closed_form_keeps_the_draft_and_refuses_answers(make_distribution, invite) -> None:
    past = timezone.now() - dt.timedelta(days=1)
    invitation = invite(make_distribution(deadline=past - dt.timedelta(days=1), closes_at=past))
    with pytest.raises(FormClosed):
        response_save(invitation=invitation, answers={"A1": "late"})
    with pytest.raises(FormClosed):
        response_submit(invitation=invitation, answers=COMPLETE)
    assert not Response.objects.filter(status="submitted").exists()


def test_team_enters_a_returned_questionnaire_marked_late(make_distribution, team) -> None:
    past = timezone.now() - dt.timedelta(days=1)
    distribution = make_distribution(deadline=past, closes_at=past)
    response = response_enter(
        distribution=distribution,
        by=team["data_entry"].user,
        name="Returned By Mail",
        answers=COMPLETE,
        channel="email",
    )
    assert (response.channel, response.entered_by, response.late) == (
        "email",
        team["data_entry"].user,
        True,
    )
    with pytest.raises(ValidationProblem, match="already submitted"):
        response_enter(
            distribution=distribution,
            by=team["data_entry"].user,
            invitation=response.invitation,
            answers=COMPLETE,
            channel="phone",
        )
    with pytest.raises(ValidationProblem, match="e-mail, phone or paper"):
        response_enter(
            distribution=distribution,
            by=team["lead"].user,
            name="X",
            answers=COMPLETE,
            channel="web",
        )
    assert Response.objects.count() == 1


def test_viewers_cannot_enter_responses(make_distribution, team) -> None:
    with pytest.raises(PermissionDenied):
        response_enter(
            distribution=make_distribution(),
            by=team["viewer"].user,
            name="X",
            answers=COMPLETE,
            channel="email",
        )


def test_submission_uses_a_fixed_number_of_queries(
    make_distribution, invite, django_assert_num_queries
) -> None:
    distribution = make_distribution()
    few, many = invite(distribution, name="Few"), invite(distribution, name="Many")
    response_submit(
        invitation=invite(distribution, name="Warm"), answers=COMPLETE
    )  # caches metadata
    small = {k: v for k, v in COMPLETE.items() if k.startswith("C")}
    with CaptureQueriesContext(connection) as q_few:
        response_submit(
            invitation=few, answers={**small, **{k: "" for k in COMPLETE if not k.startswith("C")}}
        )
    with CaptureQueriesContext(connection) as q_many:
        response_submit(invitation=many, answers=COMPLETE)
    assert len(q_few) == len(q_many)
    assert len(q_many) <= 8, [q["sql"][:60] for q in q_many.captured_queries]


def test_an_anonymous_response_leaves_its_draft_id_behind(make_distribution, invite) -> None:
    invitation = invite(make_distribution("anonymous"))
    draft, _errors = response_save(invitation=invitation, answers={"B1": "kept"})
    submitted = response_submit(invitation=invitation).response
    assert submitted.pk != draft.pk
    assert not Response.objects.filter(pk=draft.pk).exists()
    assert Answer.objects.get(question__key="B1").response_id == submitted.pk
    assert Response.objects.get().invitation_id is None


def test_entry_on_behalf_never_overwrites_an_online_draft(team, make_distribution, invite) -> None:
    distribution = make_distribution()
    invitation = invite(distribution, name="Typing Now")
    response_save(invitation=invitation, answers={"A1": "my own words"})
    with pytest.raises(ValidationProblem, match="has started answering online"):
        response_enter(
            distribution=distribution,
            by=team["data_entry"].user,
            invitation=invitation,
            answers=COMPLETE,
            channel="email",
        )
    assert Answer.objects.get(question__key="A1").text == "my own words"
    assert not Response.objects.filter(status="submitted").exists()
