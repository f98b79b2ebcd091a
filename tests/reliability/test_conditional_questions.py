"""Conditional questions (issue 14, item 2): one rule, questionnaires.answers.applies, decides
what the respondent form shows, what the respondent API accepts (an answer to a question the
respondent's attributes exclude is refused with a 400 naming it, never stored), what the team's
data-entry form shows and accepts, which questions are required, and so who a Likert item's n
counts."""

from __future__ import annotations

import pytest
from django.test import Client
from rest_framework.test import APIClient

from common.errors import ValidationProblem
from evaluations.permissions import SYSTEM
from questionnaires.models import Answer, Response
from questionnaires.services import (
    distribution_create,
    instrument_load,
    invitation_create,
    response_save,
    response_submit,
)
from reports.selectors.likert import likert_summary

pytestmark = pytest.mark.django_db

CONDITIONAL = """\
consulta_instrument: 1
key: conditional
kind: questionnaire
languages: [en]
title: Conditional questions
scales:
  - key: agree
    points:
      - {code: 4, label: Agree}
      - {code: 1, label: Disagree}
sections:
  - key: S
    questions:
      - key: everyone
        kind: short_text
        text: Asked of everyone
      - key: africa_only
        kind: short_text
        required: true
        text: Asked in Africa only
        applies_to: {attribute: region, in: [Africa]}
      - key: outside_hq
        kind: short_text
        text: Asked outside headquarters
        applies_to: {attribute: office_type, not_in: [HQ]}
  - key: L
    questions:
      - key: L1
        kind: likert
        scale: agree
        block: views
        text: Asked of everyone
      - key: L2
        kind: likert
        scale: agree
        block: views
        text: Asked in Africa only
        applies_to: {attribute: region, in: [Africa]}
"""


@pytest.fixture
def distribution(evaluation, team):
    version = instrument_load(evaluation=evaluation, text=CONDITIONAL, by=SYSTEM).version
    return distribution_create(
        evaluation=evaluation,
        by=team["lead"].user,
        version=version,
        title="Conditional",
        confidentiality="team",
    )


def _invite(distribution, team, name: str, **attributes: str):
    return invitation_create(
        distribution=distribution, by=team["evaluator"].user, name=name, attributes=attributes
    )


def _respond(invitation, answers: dict) -> object:
    return APIClient().post(
        f"/api/v1/respond/{invitation.token}/", {"answers": answers}, format="json"
    )


def _stored(invitation) -> dict[str, str]:
    return {
        key: text or choice
        for key, text, choice in Answer.objects.filter(response__invitation=invitation).values_list(
            "question__key", "text", "choice"
        )
    }


def test_api_refuses_an_answer_to_a_question_the_attributes_exclude(distribution, team) -> None:
    asia = _invite(distribution, team, "Asia Person", region="Asia", office_type="HQ")
    refused = _respond(asia, {"everyone": "yes", "africa_only": "no", "L2": "4"})
    assert refused.status_code == 400, refused.content
    body = refused.json()
    assert set(body["errors"]) == {"africa_only", "L2"}
    assert "not asked of this respondent" in body["errors"]["africa_only"][0]
    assert "Region is Africa" in body["errors"]["africa_only"][0]
    assert not Response.objects.exists()
    # With no attributes at all, a question for Africa is not asked either.
    nobody = _invite(distribution, team, "No Attributes")
    refused = _respond(nobody, {"everyone": "yes", "africa_only": "x"})
    assert refused.status_code == 400 and set(refused.json()["errors"]) == {"africa_only"}
    # not_in: HQ is excluded; no attribute is not HQ, so the question is asked.
    refused = _respond(asia, {"everyone": "yes", "outside_hq": "x"})
    assert refused.status_code == 400 and set(refused.json()["errors"]) == {"outside_hq"}
    # An empty value for a question not asked is no answer; what applies is stored.
    accepted = _respond(asia, {"everyone": "yes", "africa_only": "", "L1": "4", "L2": None})
    assert accepted.status_code == 201, accepted.content
    assert _stored(asia) == {"everyone": "yes", "L1": "4"}
    accepted = _respond(nobody, {"everyone": "fine", "outside_hq": "asked"})
    assert accepted.status_code == 201, accepted.content
    assert _stored(nobody) == {"everyone": "fine", "outside_hq": "asked"}


def test_a_required_question_is_required_only_where_it_applies(distribution, team) -> None:
    africa = _invite(distribution, team, "Africa Person", region="Africa")
    missing = _respond(africa, {"everyone": "yes"})
    assert missing.status_code == 400
    assert missing.json()["errors"]["africa_only"] == ["This question needs an answer."]
    asia = _invite(distribution, team, "Asia Person", region="Asia")
    assert _respond(asia, {"everyone": "yes"}).status_code == 201
    assert _respond(africa, {"everyone": "yes", "africa_only": "here"}).status_code == 201
    assert _stored(africa) == {"everyone": "yes", "africa_only": "here"}


def test_the_service_never_stores_a_draft_answer_to_a_question_not_asked(
    distribution, team
) -> None:
    asia = _invite(distribution, team, "Asia Person", region="Asia")
    _response, errors = response_save(
        invitation=asia, answers={"everyone": "a", "africa_only": "b"}
    )
    assert set(errors) == {"africa_only"}
    assert _stored(asia) == {"everyone": "a"}
    # Attributes changed after a draft was typed: the answer no longer asked is not submitted.
    africa = _invite(distribution, team, "Moved Person", region="Africa")
    response_save(invitation=africa, answers={"everyone": "a", "africa_only": "b", "L2": "4"})
    africa.attributes = {"region": "Asia"}
    africa.save(update_fields=["attributes"])
    response_submit(invitation=africa)
    assert Answer.objects.filter(response__status="submitted").count() == 1
    assert _stored(africa) == {"everyone": "a"}
    with pytest.raises(ValidationProblem) as problem:
        response_submit(
            invitation=_invite(distribution, team, "Third", region="Asia"),
            answers={"everyone": "a", "L2": "1"},
        )
    assert set(problem.value.errors) == {"L2"}


def test_data_entry_shows_every_question_that_applies_to_the_invitation(
    distribution, team, evaluation
) -> None:
    africa = _invite(distribution, team, "Africa Person", region="Africa", office_type="HQ")
    asia = _invite(distribution, team, "Asia Person", region="Asia")
    client = Client()
    client.force_login(team["data_entry"].user)
    url = f"/evaluations/{evaluation.slug}/distributions/{distribution.pk}/enter/"

    def shown(page) -> set[str]:
        text = page.content.decode()
        keys = ("everyone", "africa_only", "outside_hq", "L1", "L2")
        return {key for key in keys if f'name="q-{key}"' in text}

    assert shown(client.get(url, {"invitation": africa.pk})) == {
        "everyone", "africa_only", "L1", "L2",
    }  # fmt: skip
    assert shown(client.get(url, {"invitation": asia.pk})) == {"everyone", "outside_hq", "L1"}
    # Keyed in for the Africa respondent: their Africa-only answers are stored.
    saved = client.post(
        url,
        {"invitation": africa.pk, "channel": "paper", "q-everyone": "e",
         "q-africa_only": "from the paper", "q-L2": "4"},
    )  # fmt: skip
    assert saved.status_code == 302, saved.content.decode()[:2000]
    assert _stored(africa) == {"everyone": "e", "africa_only": "from the paper", "L2": "4"}
    # An answer typed for a question not asked of the chosen respondent is refused by name.
    refused = client.post(
        url, {"invitation": asia.pk, "channel": "paper", "q-everyone": "e", "q-L2": "4"}
    )
    assert refused.status_code == 400
    assert "not asked of this respondent" in refused.content.decode()
    assert "L2" in refused.content.decode()
    assert not Response.objects.filter(invitation=asia).exists()


def test_likert_n_counts_only_those_the_item_applies_to(distribution, team) -> None:
    for n in range(3):
        invitation = _invite(distribution, team, f"Africa {n}", region="Africa")
        answered = {"everyone": "x", "africa_only": "y", "L1": "4", "L2": "1"}
        assert _respond(invitation, answered).status_code == 201
    for n in range(4):
        invitation = _invite(distribution, team, f"Asia {n}", region="Asia")
        assert _respond(invitation, {"L1": "1", "L2": "4"}).status_code == 400
        assert _respond(invitation, {"L1": "1"}).status_code == 201
    (table,) = likert_summary(user=team["lead"].user, distribution=distribution, unsuppressed=True)
    n_of = {row.question_key: row.n for row in table.rows if row.is_overall}
    assert n_of == {"L1": 7, "L2": 3}
    l2 = next(row for row in table.rows if row.question_key == "L2")
    assert [point.count for point in l2.points] == [0, 3]
