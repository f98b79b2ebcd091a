"""Every moment shown is in the time zone of what it belongs to, labelled with the zone: the
respondent's deadline, the team's distribution page, the outbox, e-mails and downloads."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape

import pytest
from django.test import Client
from django.utils import timezone

from evaluations.permissions import SYSTEM
from questionnaires.message_texts import message_texts
from questionnaires.models import Message
from questionnaires.services import invitation_create
from tests.factories import PASSWORD, ExportJobFactory

pytestmark = pytest.mark.django_db

# No summer time, and an offset no one would confuse with UTC's.
ZONE = "Asia/Kathmandu"


def words(response) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", response.content.decode())))


def client_for(user) -> Client:
    client = Client()
    assert client.login(email=user.email, password=PASSWORD)
    return client


def in_a_month_at(hour: int, minute: int = 0) -> dt.datetime:
    day = (timezone.now() + dt.timedelta(days=30)).date()
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=dt.UTC)


def test_respondent_sees_the_deadline_in_the_distributions_zone(make_distribution) -> None:
    deadline = in_a_month_at(16)  # 21:45 in Kathmandu
    distribution = make_distribution(deadline=deadline, time_zone=ZONE)
    invitation = invitation_create(distribution=distribution, by=SYSTEM, name="Ana")
    text = words(Client().get(f"/r/{invitation.token}/"))
    assert "21:45 Asia/Kathmandu" in text
    assert "16:00" not in text and "UTC" not in text


def test_invitation_email_and_page_say_the_same_time(make_distribution) -> None:
    distribution = make_distribution(deadline=in_a_month_at(16), time_zone=ZONE)
    invitation = invitation_create(distribution=distribution, by=SYSTEM, name="Ana")
    _subject, body = message_texts(distribution, invitation, Message.Kind.INVITATION)
    assert "21:45 Asia/Kathmandu" in body


def test_team_sees_when_invitations_went_out_in_the_distributions_zone(
    make_distribution, team
) -> None:
    distribution = make_distribution(deadline=in_a_month_at(16), time_zone=ZONE)
    sent = dt.datetime(2026, 12, 7, 22, 2, tzinfo=dt.UTC)
    type(distribution).objects.filter(pk=distribution.pk).update(sent_at=sent)
    page = client_for(team["lead"].user).get(
        f"/evaluations/{distribution.evaluation.slug}/distributions/{distribution.pk}/"
    )
    text = words(page)
    assert "Invitations sent 8 Dec 2026, 03:47 Asia/Kathmandu" in text
    assert "21:45 Asia/Kathmandu" in text  # the deadline, in the same form
    assert "22:02" not in text


def test_downloads_show_their_time_in_the_evaluations_zone(evaluation, team) -> None:
    evaluation.time_zone = ZONE
    evaluation.save(update_fields=["time_zone"])
    job = ExportJobFactory(evaluation=evaluation, requested_by=team["lead"].user)
    type(job).objects.filter(pk=job.pk).update(
        created_at=dt.datetime(2026, 12, 7, 22, 2, tzinfo=dt.UTC)
    )
    text = words(
        client_for(team["lead"].user).get(f"/evaluations/{evaluation.slug}/reports/downloads/")
    )
    assert "8 Dec 2026, 03:47 Asia/Kathmandu" in text
    assert "22:02" not in text


def test_an_evaluations_zone_must_exist(evaluation, team) -> None:
    response = client_for(team["lead"].user).post(
        f"/evaluations/{evaluation.slug}/edit/",
        {"title": evaluation.title, "slug": evaluation.slug, "time_zone": "Mars/Olympus",
         "languages": ["en"], "small_cell_threshold": 5, "status": evaluation.status},
    )  # fmt: skip
    assert "Select a valid choice" in words(response)
    evaluation.refresh_from_db()
    assert evaluation.time_zone == "UTC"


def test_tracking_csv_names_the_zone_of_its_times(make_distribution, team) -> None:
    distribution = make_distribution(deadline=in_a_month_at(16), time_zone=ZONE)
    invitation_create(distribution=distribution, by=SYSTEM, name="Ana")
    sent = dt.datetime(2026, 12, 7, 22, 2, tzinfo=dt.UTC)
    type(distribution).objects.filter(pk=distribution.pk).update(sent_at=sent)
    distribution.invitations.update(sent_at=sent, status="sent")
    url = f"/evaluations/{distribution.evaluation.slug}/distributions/{distribution.pk}/"
    download = client_for(team["lead"].user).get(url + "tracking.csv")
    body = b"".join(download.streaming_content).decode("utf-8-sig")
    assert "Sent at (Asia/Kathmandu)" in body and "2026-12-08 03:47" in body
