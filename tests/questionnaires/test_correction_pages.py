"""Corrections and consent through the pages: the receipt's request, the lead's decision on
the distribution page, the reopened link, the team's reopen and correction, and the consent
page before the first answer."""

from __future__ import annotations

import pytest
from django.test import Client

from evaluations.permissions import SYSTEM
from questionnaires.models import Answer, Correction, Response
from questionnaires.services import (
    distribution_create,
    instrument_load,
    invitation_create,
    response_enter,
    response_submit,
)
from tests.conftest import COMPLETE

pytestmark = pytest.mark.django_db

CONSENT_FORM = """\
consulta_instrument: 1
key: consented
kind: questionnaire
languages: [en, fr]
title: {en: Small form, fr: Petit formulaire}
consent:
  notice: {en: "We keep your answers for two years.", fr: "Nous gardons vos réponses deux ans."}
  checkbox: {en: "I agree", fr: "J'accepte"}
sections:
  - key: S
    title: {en: Numbers, fr: Nombres}
    questions:
      - key: age
        kind: number
        text: {en: "Years of service?", fr: "Années de service ?"}
"""


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_respondent_asks_lead_approves_link_shows_answers_again(
    make_distribution, invite, team
) -> None:
    distribution = make_distribution()
    invitation = invite(distribution)
    response_submit(invitation=invitation, answers={**COMPLETE, "A1": "Old unit"})
    link = f"/r/{invitation.token}"
    receipt = Client().get(f"{link}/done/").content.decode()
    assert "Ask to correct your answers" in receipt

    asked = Client().post(f"{link}/correction/", {"message": "My unit changed"})
    assert asked.status_code == 302
    assert "You asked on" in Client().get(f"{link}/done/").content.decode()
    request = Correction.objects.get()
    assert request.message == "My unit changed"

    lead = signed_in(team["lead"].user)
    base = f"/evaluations/{distribution.evaluation.slug}/distributions/{distribution.pk}"
    page = lead.get(f"{base}/").content.decode()
    assert "Requests to correct answers" in page and "My unit changed" in page
    assert "asked to correct" in page  # beside the response in the table
    evaluator_page = signed_in(team["evaluator"].user).get(f"{base}/").content.decode()
    assert "Requests to correct answers" not in evaluator_page
    refused = signed_in(team["evaluator"].user).post(
        f"{base}/corrections/{request.pk}/decide/", {"decision": "approve"}
    )
    assert refused.status_code == 403
    lead.post(f"{base}/corrections/{request.pk}/decide/", {"decision": "approve"})
    assert Correction.objects.get().status == Correction.Status.OPEN
    assert "reopened for a correction" in lead.get(f"{base}/").content.decode()

    # The link shows the form again, with the submitted answers, until resubmitted.
    start = Client().get(f"{link}/")
    assert start.status_code == 200 and "reopened for a correction" in start.content.decode()
    first = Client().get(f"{link}/page/1/").content.decode()
    assert 'value="Old unit"' in first
    saved = Client().post(
        f"{link}/page/1/", {**{f"q-A{n}": f"Background answer {n}" for n in range(2, 6)},
                            "q-A1": "New unit", "action": "review"},
    )  # fmt: skip
    assert saved.status_code == 302 and saved["Location"].endswith("/review/")
    assert Answer.objects.get(question__key="A1").text == "Old unit"  # still counted
    sent = Client().post(f"{link}/review/", {})
    assert sent.status_code == 302 and sent["Location"].endswith("/done/")
    assert Answer.objects.get(question__key="A1").text == "New unit"
    assert Response.objects.count() == 1

    response = Response.objects.get()
    shown = lead.get(f"{base}/responses/{response.pk}/").content.decode()
    assert "Corrections" in shown and "Old unit" in shown and "New unit" in shown


def test_team_reopens_what_it_keyed_in_and_types_the_correction(make_distribution, team) -> None:
    distribution = make_distribution()
    clerk = team["data_entry"].user
    response = response_enter(
        distribution=distribution, by=clerk, name="Paper", answers=COMPLETE, channel="paper"
    )
    base = f"/evaluations/{distribution.evaluation.slug}/distributions/{distribution.pk}"
    client = signed_in(clerk)
    refused = client.post(f"{base}/responses/{response.pk}/reopen/", {"reason": ""})
    assert refused.status_code == 302 and not Correction.objects.exists()
    reopened = client.post(f"{base}/responses/{response.pk}/reopen/", {"reason": "Misread"})
    assert reopened["Location"].endswith(f"/responses/{response.pk}/correct/")
    form = client.get(reopened["Location"]).content.decode()
    assert 'value="Background answer 1"' in form
    posted = {f"q-{key}": value for key, value in COMPLETE.items()} | {"q-A1": "Corrected"}
    wrong = client.post(reopened["Location"], {**posted, "q-C1": "9"})
    assert wrong.status_code == 400 and "Not one of the choices." in wrong.content.decode()
    assert response.answers.get(question__key="A1").text == "Background answer 1"
    done = client.post(reopened["Location"], posted)
    assert done.status_code == 302
    response.refresh_from_db()
    assert response.document["A1"] == "Corrected"
    assert Correction.objects.get().status == Correction.Status.DONE


def test_viewer_cannot_reopen(make_distribution, invite, team) -> None:
    distribution = make_distribution()
    response = response_submit(invitation=invite(distribution), answers=COMPLETE).response
    base = f"/evaluations/{distribution.evaluation.slug}/distributions/{distribution.pk}"
    refused = signed_in(team["viewer"].user).post(
        f"{base}/responses/{response.pk}/reopen/", {"reason": "x"}
    )
    assert refused.status_code == 403
    assert not Correction.objects.exists()


@pytest.fixture
def consent_link(evaluation, team) -> str:
    version = instrument_load(evaluation=evaluation, text=CONSENT_FORM, by=SYSTEM).version
    distribution = distribution_create(
        evaluation=evaluation, by=team["lead"].user, version=version, title="Consent",
        languages=["en", "fr"],
    )  # fmt: skip
    return "/r/" + invitation_create(distribution=distribution, by=SYSTEM, name="Ana").token


def test_consent_page_comes_first_and_records_the_time(consent_link: str) -> None:
    client = Client()
    start = client.get(f"{consent_link}/")
    assert start.status_code == 302 and start["Location"].endswith("/consent/")
    page = client.get(f"{consent_link}/page/1/")
    assert page["Location"].endswith("/consent/")
    shown = client.get(f"{consent_link}/consent/?lang=fr").content.decode()
    assert "Nous gardons vos réponses deux ans." in shown and "J&#x27;accepte" in shown
    # Answers posted before consenting are not stored.
    client.post(f"{consent_link}/page/1/", {"q-age": "3", "action": "next"})
    assert not Answer.objects.exists()
    refused = client.post(f"{consent_link}/consent/", {})
    assert refused.status_code == 400 and not Response.objects.exists()
    agreed = client.post(f"{consent_link}/consent/", {"consent": "yes"})
    assert agreed.status_code == 302 and agreed["Location"].endswith("/page/1/")
    response = Response.objects.get()
    assert response.consented_at is not None
    client.post(f"{consent_link}/page/1/", {"q-age": "3", "action": "review"})
    client.post(f"{consent_link}/review/", {})
    response.refresh_from_db()
    assert response.status == "submitted" and response.consented_at is not None
