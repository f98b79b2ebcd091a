"""Every door that changes answers keeps each response's answers document equal to the
document of its answer rows (questionnaires.documents), with the values the raw export reads:
the form's pages and autosave, the form's submit, the API, data entry, an anonymous draft
moving to a new id, answers no longer asked removed at submit, erasure and its sweep."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from rest_framework.test import APIClient

from evaluations.permissions import SYSTEM
from privacy.services.erasure import person_erase
from questionnaires.documents import document_of
from questionnaires.models import Answer, Invitation, Response
from questionnaires.services import (
    invitation_create,
    response_enter,
    response_save,
    response_submit,
)
from stakeholders import services as registry
from tests.questionnaires.makers import distribution_maker

pytestmark = pytest.mark.django_db

FORM = """\
consulta_instrument: 1
key: every-door
kind: questionnaire
languages: [en]
title: Every door
scales:
- key: agree4
  points:
  - {code: 4, label: Strongly agree}
  - {code: 3, label: Agree}
  - {code: 2, label: Disagree}
  - {code: 1, label: Strongly disagree}
sections:
- key: S1
  title: Facts
  questions:
  - key: colour
    kind: single_choice
    text: Favourite colour?
    choices:
    - {code: r, label: Red}
    - {code: o, label: Other, other: true}
  - key: tools
    kind: multiple_choice
    text: Tools used?
    choices:
    - {code: mail, label: E-mail}
    - {code: tel, label: Telephone}
    - {code: x, label: Something else, other: true}
  - {key: staff, kind: number, text: "How many staff?"}
  - {key: since, kind: date, text: "Since when?"}
- key: S2
  title: Views
  questions:
  - {key: views, kind: long_text, text: Your views}
  - {key: L1, kind: likert, text: It works, scale: agree4, block: b}
  - key: africa
    kind: short_text
    text: Asked in Africa only
    applies_to: {attribute: region, in: [Africa]}
"""
COLUMNS = ("text", "number", "date", "choice", "choices")
NAME = "Zoë Brontë"
EMAIL = "zoe.bronte@example.org"


@pytest.fixture
def make(evaluation, team):
    return distribution_maker(evaluation, team["lead"].user, FORM, "Every door")


def invite(distribution, name: str = "Sam Respondent", **kwargs: Any) -> Invitation:
    kwargs.setdefault("attributes", {"region": "Africa"})
    return invitation_create(distribution=distribution, by=SYSTEM, name=name, **kwargs)


def rows_document(response_id: str) -> dict[str, Any]:
    """The document of the response's answer rows, read back from the database."""
    rows = Answer.objects.filter(response_id=response_id).values_list(
        "question__key", "question__kind", *COLUMNS
    )
    return document_of((key, kind, dict(zip(COLUMNS, v, strict=True))) for key, kind, *v in rows)


def kept(response_id: str) -> dict[str, Any]:
    """The stored document, once checked equal to the rows'."""
    document = Response.objects.get(pk=response_id).document
    assert document == rows_document(response_id)
    return document


def the_response(invitation: Invitation) -> Response:
    return Response.objects.get(invitation=invitation)


def test_form_pages_autosave_and_submit(make) -> None:
    invitation = invite(make())
    client, base = Client(), f"/r/{invitation.token}"
    page1 = {
        "q-colour": "o",
        "q-colour__other": "Teal",
        "q-tools": ["mail", "x"],
        "q-tools__other": "Fax",
        "q-staff": "3,50",
        "q-since": "2020-01-31",
        "action": "next",
    }
    assert client.post(f"{base}/page/1/", page1).status_code == 302
    response = the_response(invitation)
    assert kept(response.pk) == {
        "colour": ["o", "Teal"],
        "tools": [["mail", "x"], "Fax"],
        "staff": "3.5",
        "since": "2020-01-31",
    }
    page2 = {"q-views": "It works well.", "q-L1": "3", "q-africa": "Nairobi", "action": "next"}
    assert client.post(f"{base}/page/2/", page2).status_code == 302
    assert kept(response.pk) == {
        "colour": ["o", "Teal"],
        "tools": [["mail", "x"], "Fax"],
        "staff": "3.5",
        "since": "2020-01-31",
        "views": "It works well.",
        "L1": "3",
        "africa": "Nairobi",
    }
    # Page 1 again: another choice, nothing ticked, a number not valid yet, a date emptied.
    again = {"q-colour": "r", "q-staff": "twelve", "q-since": "", "action": "next"}
    assert client.post(f"{base}/page/1/", again).status_code == 400
    document = kept(response.pk)
    assert (document["colour"], document["staff"]) == ("r", "twelve")
    assert "tools" not in document and "since" not in document
    assert document["views"] == "It works well."  # the other page's answers stay
    autosaved = client.post(
        f"{base}/page/2/autosave/",
        {"q-views": "Typing…", "q-L1": "4", "q-africa": "Nairobi"},
        HTTP_HX_REQUEST="true",
    )
    assert autosaved.status_code == 200
    assert (kept(response.pk)["views"], kept(response.pk)["L1"]) == ("Typing…", "4")
    assert client.post(f"{base}/page/1/", {"q-staff": "12.25", "q-colour": "r"}).status_code == 302
    assert client.post(f"{base}/review/").status_code == 302
    response.refresh_from_db()
    assert response.status == "submitted"
    assert kept(response.pk) == {
        "colour": "r",
        "staff": "12.25",
        "views": "Typing…",
        "L1": "4",
        "africa": "Nairobi",
    }


def test_api_submission_and_a_repeat(make) -> None:
    invitation = invite(make())
    url = f"/api/v1/respond/{invitation.token}/"
    answers = {
        "colour": "o",
        "colour__other": "Teal",
        "tools": ["tel", "x"],
        "tools__other": "Radio",
        "staff": "3,50",
        "since": "2021-02-03",
        "views": "Fine.",
        "L1": 3,
        "africa": "",
    }
    created = APIClient().post(url, {"answers": answers}, format="json")
    assert created.status_code == 201, created.content
    response = the_response(invitation)
    expected = {
        "colour": ["o", "Teal"],
        "tools": [["tel", "x"], "Radio"],
        "staff": "3.5",
        "since": "2021-02-03",
        "views": "Fine.",
        "L1": "3",
    }
    assert kept(response.pk) == expected
    repeated = APIClient().post(url, {"answers": {"views": "Other"}}, format="json")
    assert repeated.status_code == 409
    assert kept(response.pk) == expected


def test_api_submission_replaces_a_form_draft(make) -> None:
    invitation = invite(make())
    draft, _errors = response_save(
        invitation=invitation, answers={"since": "2020-01-01", "views": "draft"}
    )
    created = APIClient().post(
        f"/api/v1/respond/{invitation.token}/",
        {"answers": {"views": "sent", "staff": "7"}},
        format="json",
    )
    assert created.status_code == 201, created.content
    assert the_response(invitation).pk == draft.pk
    assert kept(draft.pk) == {"views": "sent", "staff": "7"}


def test_data_entry(make, team) -> None:
    distribution = make()
    response = response_enter(
        distribution=distribution,
        by=team["data_entry"].user,
        name="Paper Person",
        attributes={"region": "Asia"},
        answers={"colour": "r", "tools": ["mail"], "staff": "2e3", "L1": "1"},
        channel="paper",
    )
    assert kept(response.pk) == {"colour": "r", "tools": [["mail"], ""], "staff": "2000", "L1": "1"}
    second = response_enter(
        distribution=distribution,
        by=team["data_entry"].user,
        invitation=invite(distribution, "Invited On Paper"),
        answers={"views": "Typed from the paper form."},
        channel="email",
    )
    assert kept(second.pk) == {"views": "Typed from the paper form."}


def test_anonymous_draft_moves_to_a_new_id_with_its_document(make) -> None:
    distribution = make("anonymous")
    invitation = invite(distribution)
    draft, _errors = response_save(invitation=invitation, answers={"views": "kept", "L1": "2"})
    assert kept(draft.pk) == {"views": "kept", "L1": "2"}
    submitted = response_submit(invitation=invitation).response
    assert submitted.pk != draft.pk and not Response.objects.filter(pk=draft.pk).exists()
    assert submitted.invitation_id is None
    assert kept(submitted.pk) == {"views": "kept", "L1": "2"}
    # Through the API: a new response, cut from its invitation from the start.
    other = invite(distribution, "Other Person")
    sent = APIClient().post(
        f"/api/v1/respond/{other.token}/", {"answers": {"staff": "1.23456"}}, format="json"
    )
    assert sent.status_code == 201, sent.content
    [response] = Response.objects.exclude(pk=submitted.pk)
    assert response.invitation_id is None
    assert kept(response.pk) == {"staff": "1.2346"}


def test_answers_no_longer_asked_leave_the_document_at_submit(make) -> None:
    invitation = invite(make())
    draft, errors = response_save(
        invitation=invitation, answers={"views": "v", "africa": "Nairobi"}
    )
    assert errors == {} and kept(draft.pk) == {"views": "v", "africa": "Nairobi"}
    invitation.attributes = {"region": "Asia"}
    invitation.save(update_fields=["attributes"])
    response_submit(invitation=invitation)
    assert kept(draft.pk) == {"views": "v"}
    assert not Answer.objects.filter(question__key="africa").exists()


def test_erasure_moves_the_document_and_its_sweep_rewrites_rows_and_document_alike(
    make, team
) -> None:
    distribution = make()
    zoe = registry.person_create(
        by=SYSTEM, name=NAME, given_name="Zoë", family_name="Brontë", emails=[EMAIL]
    )
    hers = response_enter(
        distribution=distribution,
        by=team["evaluator"].user,
        invitation=invite(distribution, NAME, person=zoe, email=EMAIL),
        answers={"views": f"I am {NAME}; write to {EMAIL}.", "L1": "4", "staff": "2"},
        channel="email",
    )
    colleague = invite(distribution, "Sam Colleague")
    quoted = {
        "views": f"{NAME} ran the training.",
        "tools": ["x"],
        "tools__other": f"calls with {NAME}",
        "L1": "3",
    }
    theirs = response_submit(invitation=colleague, answers=quoted).response
    erasure = person_erase(by=team["lead"].user, person=zoe, reason="Her request")
    placeholder = erasure.placeholder
    assert not Response.objects.filter(pk=hers.pk).exists()
    [anonymous] = Response.objects.exclude(pk=theirs.pk)
    assert anonymous.invitation_id is None
    assert kept(anonymous.pk) == {
        "views": f"I am {placeholder}; write to {placeholder}.",
        "L1": "4",
        "staff": "2",
    }
    assert kept(theirs.pk) == {
        "views": f"{placeholder} ran the training.",
        "tools": [["x"], f"calls with {placeholder}"],
        "L1": "3",
    }
    texts = dict(Answer.objects.filter(response=theirs).values_list("question__key", "text"))
    assert (texts["views"], texts["tools"]) == (
        f"{placeholder} ran the training.",
        f"calls with {placeholder}",
    )
