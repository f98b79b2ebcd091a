"""The respondent form through the test client: links, errors, closing, languages, receipt."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.utils import timezone

from evaluations.permissions import SYSTEM
from questionnaires.models import Answer, Response
from questionnaires.services import (
    distribution_create,
    instrument_load,
    invitation_create,
    response_submit,
)
from tests.conftest import COMPLETE
from tests.factories import ResponseFactory

pytestmark = pytest.mark.django_db

FORM = """\
consulta_instrument: 1
key: small
kind: questionnaire
languages: [en, fr]
title: {en: Small form, fr: Petit formulaire}
sections:
  - key: S
    title: {en: Numbers, fr: Nombres}
    questions:
      - key: age
        label: "1."
        kind: number
        min: 0
        max: 120
        text: {en: "Years of service?", fr: "Années de service ?"}
      - key: unit
        kind: single_choice
        text: {en: Unit, fr: Unité}
        choices:
          - {code: hq, label: {en: Headquarters, fr: Siège}}
          - {code: other, label: {en: Other, fr: Autre}, other: true}
"""


@pytest.fixture
def small_link(evaluation, team) -> str:
    version = instrument_load(evaluation=evaluation, text=FORM, by=SYSTEM).version
    distribution = distribution_create(
        evaluation=evaluation,
        by=team["lead"].user,
        version=version,
        title="Small",
        languages=["en", "fr"],
    )
    return "/r/" + invitation_create(distribution=distribution, by=SYSTEM, name="Ana").token


def test_unknown_link_gets_a_neutral_page() -> None:
    response = Client().get("/r/not-a-real-token-at-all-0123456789abcdef/")
    assert response.status_code == 404
    assert "This link does not open a questionnaire" in response.content.decode()


def test_guessing_links_is_rate_limited(settings) -> None:
    settings.RESPONDENT_BAD_LINK_LIMIT = 3
    client = Client(REMOTE_ADDR="10.9.8.7")
    codes = [client.get(f"/r/guess-{n:040d}/").status_code for n in range(5)]
    assert codes == [404, 404, 404, 429, 429]


def test_invalid_number_stays_on_the_page_with_the_text_kept(small_link: str) -> None:
    client = Client()
    response = client.post(
        f"{small_link}/page/1/",
        {"q-age": "twelve", "q-unit": "other", "q-unit__other": "Field project", "action": "next"},
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "Enter a number, like 12 or 3.5." in page
    assert 'value="twelve"' in page and 'value="Field project"' in page
    answer = Answer.objects.get(question__key="age")
    assert (answer.text, answer.number) == ("twelve", None)
    response = client.post(f"{small_link}/page/1/", {"q-age": "130", "action": "next"})
    assert "The largest accepted is 120." in response.content.decode()
    response = client.post(
        f"{small_link}/page/1/", {"q-age": "12,5", "q-unit": "hq", "action": "next"}
    )
    assert response.status_code == 302 and response["Location"].endswith("/review/")
    assert Answer.objects.get(question__key="age").number == 12.5


def test_language_switch_among_the_instrument_languages(small_link: str) -> None:
    client = Client()
    page = client.get(f"{small_link}/page/1/?lang=fr").content.decode()
    assert "Années de service ?" in page and '<html lang="fr">' in page
    assert "Relire mes réponses" in page  # the form's own words follow the language too
    assert "Années de service ?" in client.get(f"{small_link}/page/1/").content.decode()
    assert "Years of service?" in client.get(f"{small_link}/page/1/?lang=en").content.decode()
    assert "Years of service?" in client.get(f"{small_link}/page/1/?lang=de").content.decode()


def test_closed_form_says_so_and_keeps_the_draft(make_distribution, invite) -> None:
    past = timezone.now() - dt.timedelta(hours=1)
    distribution = make_distribution(deadline=past - dt.timedelta(days=1), closes_at=past)
    invitation = invite(distribution)
    ResponseFactory(invitation=invitation)  # a draft saved while it was still open
    client = Client()
    start = client.get(f"/r/{invitation.token}/").content.decode()
    assert "This questionnaire is closed" in start
    response = client.post(f"/r/{invitation.token}/page/1/", {"q-A1": "too late"})
    assert response.status_code == 403
    assert not Answer.objects.exists()
    assert Response.objects.filter(invitation=invitation, status="draft").exists()


def test_receipt_copy_only_when_not_anonymous(make_distribution, invite) -> None:
    named = invite(make_distribution("team"))
    response_submit(invitation=named, answers=COMPLETE)
    page = Client().get(f"/r/{named.token}/", follow=True).content.decode()
    assert "A copy of your answers" in page and "Open answer 3" in page

    anonymous = invite(make_distribution("anonymous"))
    response_submit(invitation=anonymous, answers=COMPLETE)
    page = Client().get(f"/r/{anonymous.token}/", follow=True).content.decode()
    assert "Thank you: your answers were received" in page
    assert "Open answer 3" not in page


def test_submitting_twice_through_the_form_keeps_one_response(make_distribution, invite) -> None:
    invitation = invite(make_distribution())
    client = Client()
    client.post(f"/r/{invitation.token}/page/1/", {"q-A1": "Ana", "action": "next"})
    first = client.post(f"/r/{invitation.token}/review/")
    second = client.post(f"/r/{invitation.token}/review/")
    assert first["Location"].endswith("/done/") and second["Location"].endswith("/done/")
    assert Response.objects.filter(status="submitted").count() == 1


def test_autosave_answers_with_a_status_line(make_distribution, invite) -> None:
    invitation = invite(make_distribution())
    response = Client().post(
        f"/r/{invitation.token}/page/2/autosave/", {"q-B1": "typing…"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200 and "Saved at" in response.content.decode()
    assert Answer.objects.get(question__key="B1").text == "typing…"


def test_an_autosave_that_arrives_after_the_page_was_saved_changes_nothing(
    make_distribution, invite
) -> None:
    """The autosave leaves as focus leaves a field, "Save and continue" right after: when the
    autosave lands last, its older answers must not replace the page's save."""
    invitation = invite(make_distribution())
    client = Client()
    shown = client.get(f"/r/{invitation.token}/page/2/").content.decode()
    shown_at = re.search(r'name="shown_at" value="([^"]+)"', shown).group(1)
    saved = client.post(
        f"/r/{invitation.token}/page/2/", {"q-B1": "the whole sentence", "action": "next"}
    )
    assert saved.status_code == 302
    late = client.post(
        f"/r/{invitation.token}/page/2/autosave/",
        {"q-B1": "the whole", "shown_at": shown_at},
        HTTP_HX_REQUEST="true",
    )
    assert late.status_code == 204
    assert Answer.objects.get(question__key="B1").text == "the whole sentence"
    assert Response.objects.get().document["B1"] == "the whole sentence"
    # The page shown again after the save autosaves as before.
    again = client.get(f"/r/{invitation.token}/page/2/").content.decode()
    shown_again = re.search(r'name="shown_at" value="([^"]+)"', again).group(1)
    typed = client.post(
        f"/r/{invitation.token}/page/2/autosave/",
        {"q-B1": "the whole sentence, and more", "shown_at": shown_again},
        HTTP_HX_REQUEST="true",
    )
    assert typed.status_code == 200
    assert Answer.objects.get(question__key="B1").text == "the whole sentence, and more"


def test_odd_form_posts(make_distribution, invite) -> None:
    invitation = invite(make_distribution())
    client = Client()
    url = f"/r/{invitation.token}/page/3/"
    # An unknown action moves on, as "next" does: page 3 is the last, so to the review.
    sideways = client.post(url, {"q-C1": ["4", "3", "1"], "action": "sideways"})
    assert sideways.status_code == 302 and sideways["Location"].endswith("/review/")
    assert client.post(url, {"q-C1": "\x00"}).status_code == 302  # read as no answer
    text = client.post(f"/r/{invitation.token}/page/1/", {"q-A1": "Ana\x00Bo", "action": "next"})
    assert text.status_code == 302  # NUL is dropped: PostgreSQL text cannot hold it
    assert client.post(f"/r/{invitation.token}/page/99/", {"q-A1": "x"}).status_code == 302
    # Fields the review form does not have are ignored: the post submits.
    review = client.post(f"/r/{invitation.token}/review/", {"anything": "x"})
    assert review.status_code == 302 and review["Location"].endswith("/done/")
