"""Instrument texts hold placeholders the distribution fills ({deadline}, {team_names},
{lead_name}, {lead_email}, {contact}, and each recipient's own such as {country}); a text that
still holds an unfilled placeholder, a blank left as printed or a fixed past date is flagged on
the distribution page, and sending asks for a confirmation of what was flagged."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from evaluations.permissions import SYSTEM
from questionnaires.models import Invitation, Message
from questionnaires.selectors.texts import text_problems
from questionnaires.services import distribution_create, instrument_load, invitation_create
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

OLD_FORM = """\
consulta_instrument: 1
key: old-form
kind: questionnaire
languages: [en]
title: Staff questionnaire
introduction: Replies go to <external evaluator name> ({lead_name}), c/o {office_head}.
deadline:
  date: 2008-05-23
  text: Please submit replies by Friday 23 May 2008
sections:
  - key: A
    title: Background
    questions:
      - key: A1
        kind: short_text
        text: What did you do in {country}?
      - key: A2
        kind: short_text
        text: Did you attend the meeting of 2 March 2099?
"""


def words(response) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", response.content.decode())))


def client_for(user) -> Client:
    client = Client()
    assert client.login(email=user.email, password=PASSWORD)
    return client


def in_a_month() -> dt.datetime:
    day = (timezone.now() + dt.timedelta(days=30)).date()
    return dt.datetime.combine(day, dt.time(16), tzinfo=dt.UTC)


@pytest.fixture
def old_form(evaluation, team):
    version = instrument_load(evaluation=evaluation, text=OLD_FORM, by=SYSTEM).version
    distribution = distribution_create(
        evaluation=evaluation,
        by=team["lead"].user,
        version=version,
        title="Old form",
        deadline=in_a_month(),
        time_zone="Europe/Zurich",
    )
    invitation_create(
        distribution=distribution, by=SYSTEM, name="Ana", email="ana@example.org",
        attributes={"country": "Kenya"},
    )  # fmt: skip
    invitation_create(distribution=distribution, by=SYSTEM, name="Bo", email="bo@example.org")
    return distribution


def test_the_staff_questionnaire_reads_the_distributions_deadline_and_team(
    make_distribution, invite, team
) -> None:
    distribution = make_distribution(deadline=in_a_month(), time_zone="Europe/Zurich")
    invitation = invite(distribution, "Ana")
    text = words(Client().get(f"/r/{invitation.token}/"))
    assert "2008" not in text.replace("2001-2007", "")  # the strategy's years stay
    assert "<external evaluator name>" not in text and "{" not in text
    lead = team["lead"].user
    assert f"a team comprised of {lead.display_name} (lead evaluator)" in text
    assert f"(email - {lead.email})" in text
    local = in_a_month().astimezone(ZoneInfo("Europe/Zurich"))
    assert f"Please submit replies by {local:%-d %B %Y}, {local:%H:%M} Europe/Zurich" in text
    assert text.count("Europe/Zurich") == 1  # said once, in the instrument's own words


def test_the_seed_staff_questionnaire_is_ready_to_send(make_distribution, invite) -> None:
    distribution = make_distribution(deadline=in_a_month())
    invite(distribution, "Ana")
    assert text_problems(distribution) == []


def test_unfilled_placeholders_blanks_and_past_dates_are_flagged(old_form) -> None:
    found = [(p.where, p.problem) for p in text_problems(old_form)]
    assert found == [
        ("Introduction", "{office_head} is filled by nothing: respondents would read "
                         "“{office_head}”."),
        ("Introduction", "A blank left as printed: “<external evaluator name>”."),
        ("Deadline as printed", "A date already past: “23 May 2008”."),
        ("Question A1", "{country} has no value for 1 recipient(s): they would read "
                        "“{country}”."),
        ("Deadline as printed", "The instrument's own deadline, 2008-05-23, has passed."),
    ]  # fmt: skip


def test_the_page_flags_them_and_sending_asks_to_confirm(old_form, team) -> None:
    lead = client_for(team["lead"].user)
    url = f"/evaluations/{old_form.evaluation.slug}/distributions/{old_form.pk}/"
    page = lead.get(url)
    assert 'id="text-problems"' in page.content.decode()
    assert "A blank left as printed: “<external evaluator name>”." in words(page)
    assert 'name="texts_confirmed"' in page.content.decode()

    refused = lead.post(url + "send/", follow=True)
    assert "The questionnaire's texts need a look before sending (5)" in words(refused)
    assert not Message.objects.exists()
    assert not Invitation.objects.filter(distribution=old_form, status="sent").exists()

    sent = lead.post(url + "send/", {"texts_confirmed": "on"}, follow=True)
    assert "2 invitation(s) queued for sending" in words(sent)
    assert Message.objects.filter(kind="invitation").count() == 2


def test_the_api_refuses_until_confirmed(old_form, team) -> None:
    api = APIClient()
    api.force_authenticate(team["lead"].user)
    url = f"/api/v1/evaluations/{old_form.evaluation.slug}/distributions/{old_form.pk}/send/"
    refused = api.post(url, {}, format="json")
    assert refused.status_code == 400
    assert len(refused.json()["errors"]["texts_confirmed"]) == 5
    assert api.post(url, {"texts_confirmed": True}, format="json").json() == {"queued": 2}
