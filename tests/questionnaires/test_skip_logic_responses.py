"""Skip logic decides the respondent form (skipped pages, progress, quoted answers), the API
(an answer to a question that does not apply refused with its condition), data entry and the
required questions, and what is stored at submission (answers that no longer apply dropped)."""

from __future__ import annotations

import json
import re
from html import unescape

import pytest
from django.test import Client

from evaluations.permissions import SYSTEM
from questionnaires.models import Answer, Response
from questionnaires.services import (
    distribution_create,
    instrument_load,
    invitation_create,
    response_submit,
)
from questionnaires.services.corrections import correction_save, correction_submit, response_reopen
from reports.selectors.likert import likert_summary
from tests.questionnaires.skip_form import SKIP_FORM

pytestmark = pytest.mark.django_db


@pytest.fixture
def distribution(evaluation, team):
    version = instrument_load(evaluation=evaluation, text=SKIP_FORM, by=SYSTEM).version
    return distribution_create(
        evaluation=evaluation,
        by=team["lead"].user,
        version=version,
        title="Travel",
        languages=["en", "fr"],
    )


@pytest.fixture
def link(distribution):
    return "/r/" + invitation_create(distribution=distribution, by=SYSTEM, name="Ana").token


def _text(response) -> str:
    return unescape(re.sub(r"\s+", " ", response.content.decode()))


def _answers(response: Response) -> dict[str, str]:
    return {
        a.question.key: a.choice or a.text or str(a.number or "")
        for a in Answer.objects.filter(response=response).select_related("question")
    }


def test_no_travel_skips_the_trips_page_and_counts_only_what_applies(link) -> None:
    client = Client()
    first = client.get(f"{link}/page/1/")
    page = _text(first)
    assert "Page 1 of 2" in page  # travel unanswered: page B does not apply
    assert "Answer only if A1 is “Yes”." in page  # the trips question, for pages without script
    shown_if = re.findall(r'data-show-if="([^"]*)"', first.content.decode())
    # The condition as the page's script reads it (JSON; PostgreSQL keeps its keys in its order).
    assert [json.loads(unescape(c)) for c in shown_if] == [{"question": "travel", "equals": "yes"}]
    # Without a script, trips was shown and typed in; "No" leaves it out and skips page B.
    saved = client.post(f"{link}/page/1/", {"q-travel": "no", "q-trips": "abc", "action": "next"})
    assert saved.status_code == 302 and saved["Location"].endswith("/page/3/")
    assert "Page 2 of 2" in _text(client.get(f"{link}/page/3/"))
    # Page B asked for directly goes on to the next page that applies.
    assert client.get(f"{link}/page/2/")["Location"].endswith("/page/3/")
    back = client.post(f"{link}/page/3/", {"q-c1": "", "action": "back"})
    assert back["Location"].endswith("/page/1/")
    start = _text(client.get(f"{link}/"))
    assert "You have answered 1 of 2 questions." in start  # travel and c1
    review = _text(client.get(f"{link}/review/"))
    assert "How many trips?" not in review and "Your trips" not in review
    done = client.post(f"{link}/review/", {})
    assert done.status_code == 302 and done["Location"].endswith("/done/")
    # The trips typed before "No" was a draft only: not stored with the submission.
    assert _answers(Response.objects.get()) == {"travel": "no"}


def test_travel_brings_the_page_back_with_the_answers_quoted_and_required_items(link) -> None:
    client = Client()
    saved = client.post(f"{link}/page/1/", {"q-travel": "yes", "q-trips": "4", "action": "next"})
    assert saved["Location"].endswith("/page/2/")
    page = _text(client.get(f"{link}/page/2/"))
    assert "Page 2 of 3" in page
    assert "You answered Yes and 4 trips: what did they bring?" in page
    french = _text(client.get(f"{link}/page/2/?lang=fr"))
    assert "Vous avez répondu Oui et 4 voyages" in french
    client.get(f"{link}/page/2/?lang=en")
    # b2 (required, shown when trips > 2) is asked: submitting without it is refused.
    client.post(f"{link}/page/2/", {"q-b1": "3", "action": "next"})
    refused = client.post(f"{link}/review/", {})
    assert refused.status_code == 400
    assert "This question needs an answer." in _text(refused)
    # Fewer trips: b2 no longer applies, so it is not required and its answer not kept.
    client.post(f"{link}/page/2/", {"q-b1": "3", "q-b2": "2", "action": "next"})
    client.post(f"{link}/page/1/", {"q-travel": "yes", "q-trips": "1", "action": "next"})
    assert client.post(f"{link}/review/", {}).status_code == 302
    assert _answers(Response.objects.get()) == {"travel": "yes", "trips": "1", "b1": "3"}


def test_a_later_answer_depending_on_a_hidden_one_is_left_out_too(link) -> None:
    """trips 5, then travel "No": trips no longer applies, so b2 (trips > 2) does not either."""
    client = Client()
    client.post(f"{link}/page/1/", {"q-travel": "yes", "q-trips": "5", "action": "next"})
    client.post(f"{link}/page/2/", {"q-b1": "1", "q-b2": "3", "action": "next"})
    client.post(f"{link}/page/1/", {"q-travel": "no", "q-trips": "5", "action": "next"})
    assert client.post(f"{link}/review/", {}).status_code == 302
    assert _answers(Response.objects.get()) == {"travel": "no"}


def test_the_api_refuses_an_answer_to_a_question_that_does_not_apply(distribution) -> None:
    invitation = invitation_create(distribution=distribution, by=SYSTEM, name="Bo")
    client = Client()
    url = f"/api/v1/respond/{invitation.token}/"
    body = {"answers": {"travel": "no", "trips": 3, "c1": "fine"}}
    refused = client.post(url, body, content_type="application/json")
    assert refused.status_code == 400
    problem = refused.json()
    assert problem["errors"]["trips"] == [
        "This question is not asked of this respondent: it applies only where A1 is “Yes”."
    ]
    assert not Response.objects.exists()
    # A section's condition: page B's items are not asked when travel is "No".
    b1 = client.post(url, {"answers": {"travel": "no", "b1": 2}}, content_type="application/json")
    assert "it applies only where A1 is “Yes”" in b1.json()["errors"]["b1"][0]
    # Both conditions in words: the section's and the item's.
    b2 = client.post(
        url, {"answers": {"travel": "yes", "trips": 1, "b2": 2}}, content_type="application/json"
    )
    assert b2.json()["errors"]["b2"] == [
        "This question is not asked of this respondent: it applies only where A1 is “Yes” "
        "and A2 is more than 2."
    ]
    # Required where asked: trips is required once travel is "yes".
    missing = client.post(url, {"answers": {"travel": "yes"}}, content_type="application/json")
    assert missing.json()["errors"]["trips"] == ["This question needs an answer."]
    accepted = client.post(
        url,
        {"answers": {"travel": "yes", "trips": 4, "b1": 3, "b2": "DK", "c1": ""}},
        content_type="application/json",
    )
    assert accepted.status_code == 201, accepted.json()
    assert _answers(Response.objects.get()) == {
        "travel": "yes",
        "trips": "4",
        "b1": "3",
        "b2": "DK",
    }


def test_data_entry_refuses_an_answer_that_does_not_apply_and_keeps_the_rest(
    evaluation, team, distribution
) -> None:
    client = Client()
    client.force_login(team["data_entry"].user)
    url = f"/evaluations/{evaluation.slug}/distributions/{distribution.pk}/enter/"
    page = _text(client.get(url))
    assert "This section is asked only if A1 is “Yes”." in page
    form = {"name": "Paper Person", "channel": "paper", "q-travel": "no", "q-b1": "2"}
    refused = client.post(url, form)
    assert refused.status_code == 400
    assert "it applies only where A1 is “Yes”" in _text(refused)
    assert not Response.objects.exists()
    form["q-b1"] = ""
    assert client.post(url, form).status_code == 302
    assert _answers(Response.objects.get()) == {"travel": "no"}


def test_submission_with_answers_counts_only_what_applies(distribution) -> None:
    invitation = invitation_create(distribution=distribution, by=SYSTEM, name="Cy")
    response = response_submit(
        invitation=invitation, answers={"travel": "no", "c1": "", "trips": ""}
    ).response
    assert _answers(response) == {"travel": "no"}


def test_likert_n_counts_only_the_respondents_the_item_applied_to(distribution, team) -> None:
    given = [
        {"travel": "yes", "trips": 4, "b1": 3, "b2": 2},
        {"travel": "yes", "trips": 1, "b1": 1},  # b2 (trips > 2) not asked
        {"travel": "no"},  # page B not asked
        {"travel": "yes", "trips": 3, "b1": 3, "b2": 3},
        {"travel": "yes", "trips": 5, "b1": 2, "b2": "DK"},
    ]
    for i, answers in enumerate(given):
        invitation = invitation_create(distribution=distribution, by=SYSTEM, name=f"R{i}")
        response_submit(invitation=invitation, answers=answers)
    # A stale answer to b2 where it does not apply (as an import of old data might leave):
    # never counted.
    second = Response.objects.get(invitation__name="R1")
    b2 = second.version.questions.get(key="b2")
    Answer.objects.create(response=second, question=b2, choice="1")
    (table,) = likert_summary(user=team["lead"].user, distribution=distribution, unsuppressed=True)
    rows = {row.question_key: row for row in table.rows}
    assert table.respondents == 5
    # b1: asked of the four who travelled.
    assert rows["b1"].n == 4
    assert [p.count for p in rows["b1"].points] == [1, 1, 2]
    assert rows["b1"].mean == 2.25
    # b2: asked of the three with more than two trips; one said Don't know: n = 2 on the scale.
    assert rows["b2"].n == 2
    assert [p.count for p in rows["b2"].points] == [0, 1, 1]
    assert [p.count for p in rows["b2"].outside] == [1]
    assert rows["b2"].mean == 2.5


def test_a_correction_that_skips_a_page_resubmits_without_its_answers(distribution, team) -> None:
    """Reopened, the respondent says they did not travel after all: the trips page they can no
    longer open keeps its typed answers in the draft, but they are not sent, nor refused."""
    invitation = invitation_create(distribution=distribution, by=SYSTEM, name="Di")
    answers = {"travel": "yes", "trips": 4, "b1": "3", "b2": "2"}
    response = response_submit(invitation=invitation, answers=answers).response
    response_reopen(response=response, by=team["lead"].user, reason="asked by phone")
    correction_save(invitation=invitation, answers={"travel": "no"}, keys=["travel", "trips"])
    correction_submit(invitation=invitation)
    assert _answers(Response.objects.get(pk=response.pk)) == {"travel": "no"}
    assert Response.objects.get(pk=response.pk).document == {"travel": "no"}
