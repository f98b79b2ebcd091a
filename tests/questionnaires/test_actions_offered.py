"""Actions that cannot apply are shown disabled with their reason beside them, and the
service refuses them with the same words: sending or reminding after the close."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape

import pytest
from django.test import Client
from django.utils import timezone

from questionnaires.models import Invitation
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

CLOSED = "This questionnaire is closed; move its close date first."


def client_for(user) -> Client:
    client = Client()
    assert client.login(email=user.email, password=PASSWORD)
    return client


def page_of(distribution, user) -> str:
    url = f"/evaluations/{distribution.evaluation.slug}/distributions/{distribution.pk}/"
    return client_for(user).get(url).content.decode()


def element(html: str, element_id: str) -> str:
    found = re.search(rf'<[a-z]+ [^>]*id="{element_id}"[^>]*>', html)
    assert found, f"no #{element_id} on the page"
    return found.group(0)


def reason(html: str, reason_id: str) -> str:
    found = re.search(rf'id="{reason_id}">([^<]*)<', html)
    return unescape(found.group(1)) if found else ""


def test_a_closed_distribution_shows_send_disabled_with_its_reason(
    make_distribution, invite, team
) -> None:
    past = timezone.now() - dt.timedelta(days=1)
    distribution = make_distribution(deadline=past, closes_at=past)
    invite(distribution, "Ana", email="ana@example.org")
    html = page_of(distribution, team["lead"].user)
    button = element(html, "send-invitations")
    assert " disabled" in button and 'aria-describedby="send-refusal"' in button
    assert reason(html, "send-refusal") == CLOSED
    # Pressed anyway (an old tab): refused with the same words, nothing sent.
    url = f"/evaluations/{distribution.evaluation.slug}/distributions/{distribution.pk}/send/"
    answer = client_for(team["lead"].user).post(url, follow=True)
    assert CLOSED in unescape(answer.content.decode())
    assert not Invitation.objects.filter(distribution=distribution, status="sent").exists()


def test_an_open_distribution_offers_send(make_distribution, invite, team) -> None:
    distribution = make_distribution(deadline=timezone.now() + dt.timedelta(days=9))
    invite(distribution, "Ana", email="ana@example.org")
    html = page_of(distribution, team["lead"].user)
    assert " disabled" not in element(html, "send-invitations")
    assert 'id="send-refusal"' not in html


def test_after_the_close_remind_is_disabled_with_its_reason(make_distribution, invite, team):
    distribution = make_distribution(deadline=timezone.now() + dt.timedelta(days=9))
    invite(distribution, "Ana", email="ana@example.org")
    past = timezone.now() - dt.timedelta(hours=1)
    type(distribution).objects.filter(pk=distribution.pk).update(
        sent_at=past - dt.timedelta(days=3), closes_at=past, deadline=past
    )
    Invitation.objects.filter(distribution=distribution).update(status="sent")
    html = page_of(distribution, team["lead"].user)
    remind = element(html, "remind-now")
    assert remind.startswith("<button") and " disabled" in remind
    assert reason(html, "remind-refusal") == CLOSED


def test_after_the_close_resending_one_invitation_is_disabled_and_refused(
    make_distribution, invite, team
) -> None:
    past = timezone.now() - dt.timedelta(days=1)
    distribution = make_distribution(deadline=past, closes_at=past)
    invitation = invite(distribution, "Ana", email="ana@example.org")
    Invitation.objects.filter(pk=invitation.pk).update(status="sent")
    url = (
        f"/evaluations/{distribution.evaluation.slug}/distributions/{distribution.pk}/"
        f"invitations/{invitation.pk}/"
    )
    client = client_for(team["lead"].user)
    html = client.get(url).content.decode()
    assert " disabled" in element(html, "resend")
    assert reason(html, "resend-refusal") == CLOSED
    answer = client.post(url, {"action": "resend"}, follow=True)
    assert CLOSED in unescape(answer.content.decode())
    assert not invitation.messages.exists()
