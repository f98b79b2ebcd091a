"""Issue 14, items 8 and 9: what a respondent sends that the server cannot store as it is —
a lone surrogate, NUL, an endless text, a page of more than 1,000 fields — gets a clear answer
naming the question, on the page and through the API alike, and nothing typed is lost."""

from __future__ import annotations

import json
from urllib.parse import urlencode

import pytest
from django.test import Client
from rest_framework.test import APIClient

from evaluations.permissions import SYSTEM
from questionnaires.models import Answer, Response
from questionnaires.services import distribution_create, instrument_load, invitation_create
from questionnaires.services.responses import response_save
from tests.conftest import COMPLETE

pytestmark = pytest.mark.django_db


def _submit_raw(token: str, body: str):
    return APIClient().post(f"/api/v1/respond/{token}/", data=body, content_type="application/json")


def test_lone_surrogate_in_api_answer_is_a_400_naming_the_question(
    make_distribution, invite
) -> None:
    invitation = invite(make_distribution())
    body = json.dumps({"answers": {**COMPLETE, "B1": "PLACEHOLDER"}}).replace(
        "PLACEHOLDER", "before \\ud800 after"
    )
    response = _submit_raw(invitation.token, body)
    assert response.status_code == 400, response.content[:300]
    problem = response.json()
    assert list(problem["errors"]) == ["answers.B1"]
    assert "answers.B1" in problem["detail"] and "surrogate" in problem["detail"]
    assert not Response.objects.exists()


def test_lone_surrogate_in_a_key_or_the_language_is_a_400(make_distribution, invite) -> None:
    invitation = invite(make_distribution())
    in_key = _submit_raw(invitation.token, '{"answers": {"B\\udfff": "x"}}')
    in_language = _submit_raw(invitation.token, '{"answers": {}, "language": "\\udc80"}')
    assert (in_key.status_code, list(in_key.json()["errors"])) == (400, ["answers"])
    assert (in_language.status_code, list(in_language.json()["errors"])) == (400, ["language"])


def test_a_surrogate_never_reaches_a_draft_whatever_the_door(make_distribution, invite) -> None:
    invitation = invite(make_distribution())
    _response, errors = response_save(invitation=invitation, answers={"B1": "a\ud800b"})
    assert "B1" in errors
    assert not Answer.objects.filter(question__key="B1").exclude(text="").exists()
    # Form posts cannot carry one: bytes that are not UTF-8 arrive as U+FFFD, never a 500.
    page = Client().post(
        f"/r/{invitation.token}/page/2/",
        data=b"q-B1=%ED%A0%80&action=next",
        content_type="application/x-www-form-urlencoded",
    )
    assert page.status_code in (200, 302)


def test_nul_is_removed_from_answers_in_the_page_and_the_api_alike(
    make_distribution, invite
) -> None:
    distribution = make_distribution()
    by_page, by_api = invite(distribution, name="Page"), invite(distribution, name="Api")
    page = Client().post(f"/r/{by_page.token}/page/2/", {"q-B1": "page\x00text", "action": "next"})
    assert page.status_code == 302
    api = APIClient().post(
        f"/api/v1/respond/{by_api.token}/",
        {"answers": {**COMPLETE, "B1": "api\x00text"}, "language": "e\x00n"},
        format="json",
    )
    assert api.status_code == 201, api.content
    texts = set(Answer.objects.filter(question__key="B1").values_list("text", flat=True))
    assert texts == {"pagetext", "apitext"}
    assert Response.objects.get(status=Response.Status.SUBMITTED).language == "en"


def test_text_answer_longer_than_the_limit_is_refused_with_a_message(
    make_distribution, invite, settings
) -> None:
    settings.ANSWER_TEXT_MAX = 2000
    distribution = make_distribution()
    by_api, by_page = invite(distribution, name="Api"), invite(distribution, name="Page")
    long_text = "x" * 2001
    api = APIClient().post(
        f"/api/v1/respond/{by_api.token}/",
        {"answers": {**COMPLETE, "B2": long_text}},
        format="json",
    )
    assert api.status_code == 400
    assert api.json()["errors"] == {
        "B2": ["At most 2,000 characters; this answer has 2,001. Please shorten it."]
    }
    assert not Response.objects.filter(status=Response.Status.SUBMITTED).exists()
    page = Client().post(f"/r/{by_page.token}/page/2/", {"q-B2": long_text, "action": "next"})
    assert page.status_code == 400
    html = page.content.decode()
    assert "At most 2,000 characters; this answer has 2,001." in html
    assert long_text in html  # kept on the page to shorten


def test_text_answer_limit_defaults_to_50000_characters(make_distribution, invite) -> None:
    invitation = invite(make_distribution())
    answers = {**COMPLETE, "B1": "y" * 50_000, "B2": "z" * 50_001}
    response = APIClient().post(
        f"/api/v1/respond/{invitation.token}/", {"answers": answers}, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["B2"]


def _many_likert_items(count: int) -> str:
    items = "\n".join(
        f"      - {{key: L{n:04d}, kind: likert, scale: agree, block: grid, text: Statement {n}}}"
        for n in range(1, count + 1)
    )
    return f"""\
consulta_instrument: 1
key: long-grid
kind: questionnaire
languages: [en]
title: A long grid
scales:
  - key: agree
    points:
      - {{code: 1, label: Disagree}}
      - {{code: 2, label: Agree}}
sections:
  - key: G
    title: Statements
    questions:
{items}
"""


@pytest.fixture
def long_grid_link(evaluation, team) -> str:
    version = instrument_load(evaluation=evaluation, text=_many_likert_items(1500), by=SYSTEM)
    distribution = distribution_create(
        evaluation=evaluation, by=team["lead"].user, version=version.version, title="Grid"
    )
    return "/r/" + invitation_create(distribution=distribution, by=SYSTEM, name="Ana").token


@pytest.mark.slow
def test_a_page_of_1500_likert_items_is_saved(long_grid_link: str) -> None:
    client = Client()
    assert client.get(f"{long_grid_link}/page/1/").status_code == 200
    posted = {f"q-L{n:04d}": str(1 + n % 2) for n in range(1, 1501)}
    response = client.post(
        f"{long_grid_link}/page/1/",
        urlencode({**posted, "action": "next"}),
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 302, response.content[:300]
    assert Answer.objects.filter(choice__in=["1", "2"]).count() == 1500


@pytest.mark.slow
def test_a_page_over_the_field_limit_comes_back_with_its_answers(
    long_grid_link: str, settings
) -> None:
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000
    client = Client(enforce_csrf_checks=True)  # refused where a browser's POST is: the CSRF check
    assert client.get(f"{long_grid_link}/page/1/").status_code == 200
    posted = {f"q-L{n:04d}": "2" for n in range(1, 1501)}
    posted |= {"action": "next", "csrfmiddlewaretoken": client.cookies["csrftoken"].value}
    response = client.post(
        f"{long_grid_link}/page/1/",
        urlencode(posted),
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 413
    html = response.content.decode()
    assert "more answers at once than this server accepts" in html
    assert html.count('value="2" checked') == 1500  # every choice still ticked
    assert 'action="' + f"{long_grid_link}/page/1/" in html  # and the form to send again
