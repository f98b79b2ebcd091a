"""Drafts stay with respondents; anonymous ids change at submission; entry never overwrites
an online draft; files only for those who may read the answers."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from rest_framework.test import APIClient

from common.errors import ValidationProblem
from questionnaires.models import Answer, Response
from questionnaires.services import response_enter, response_save, response_submit
from tests.conftest import COMPLETE

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("mode", ["team", "anonymous"])
def test_drafts_are_never_shown_to_the_team(
    team, evaluation, make_distribution, invite, mode
) -> None:
    distribution = make_distribution(mode)
    draft, _errors = response_save(
        invitation=invite(distribution, name="Alice Secret"), answers={"B1": "unfinished thought"}
    )
    base = f"/evaluations/{evaluation.slug}/distributions/{distribution.pk}"
    for role in ("lead", "evaluator"):
        client = client_for(team[role].user)
        assert client.get(f"{base}/responses/{draft.pk}/").status_code == 403
        assert draft.pk not in client.get(f"{base}/").content.decode()
        api = APIClient()
        api.force_authenticate(team[role].user)
        body = api.get(f"/api/v1{base}/responses/").content.decode()
        assert draft.pk not in body and "unfinished thought" not in body


def test_an_anonymous_response_leaves_its_draft_id_behind(make_distribution, invite) -> None:
    invitation = invite(make_distribution("anonymous"))
    draft, _errors = response_save(invitation=invitation, answers={"B1": "kept"})
    submitted = response_submit(invitation=invitation)
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


def test_numbers_beyond_the_column_are_refused(make_distribution, invite) -> None:
    from questionnaires.answers import QuestionMeta, answer_values

    question = QuestionMeta(id=1, key="n", kind="number", required=False, section="S")
    assert answer_values(question, "1e20")[1] == "The number is too large."
    assert answer_values(question, "9999999999.5")[1] is None


def test_returned_files_only_for_those_who_read_the_answers(
    team, evaluation, make_distribution
) -> None:
    distribution = make_distribution("lead")
    response = response_enter(
        distribution=distribution,
        by=team["lead"].user,
        name="Mailed",
        answers=COMPLETE,
        channel="email",
        returned_file=SimpleUploadedFile("reply.txt", b"scanned answers"),
    )
    base = f"/evaluations/{evaluation.slug}/distributions/{distribution.pk}"
    url = f"{base}/responses/{response.pk}/file/"
    lead = client_for(team["lead"].user).get(url)
    assert lead.status_code == 200 and b"".join(lead.streaming_content) == b"scanned answers"
    assert client_for(team["evaluator"].user).get(url).status_code == 403
    assert client_for(team["viewer"].user).get(url).status_code == 403
