"""Reminders sent now (page and API), the next reminder and its flags on the distribution page,
and reminder days that could never be sent refused when entered."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from common.errors import ValidationProblem
from questionnaires.models import Invitation, Message
from questionnaires.services import distribution_send, response_submit
from questionnaires.services.distributions import (
    distribution_responses_lock,
    distribution_update,
)
from tests.conftest import COMPLETE

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(make_distribution, invite, team, django_capture_on_commit_callbacks):
    """Sent today, deadline in ten days; of seven recipients one answered and one is by phone:
    five have not answered."""
    distribution = make_distribution(
        deadline=timezone.now() + dt.timedelta(days=10), reminder_days=[5, 2], max_reminders=2
    )
    people = [invite(distribution, name=f"P{n}", email=f"p{n}@example.org") for n in range(6)]
    invite(distribution, name="By phone", channel=Invitation.Channel.PHONE)
    with django_capture_on_commit_callbacks(execute=True):
        distribution_send(distribution=distribution, by=team["lead"].user)
    response_submit(invitation=people[0], answers=COMPLETE)
    mail.outbox.clear()
    distribution.refresh_from_db()
    return distribution


def _url(distribution, name="questionnaires:remind"):
    return reverse(name, args=[distribution.evaluation.slug, distribution.pk])


def test_page_preview_names_who_and_the_message_then_confirm_sends_exactly_them(
    client, team, sent, django_capture_on_commit_callbacks
):
    client.force_login(team["evaluator"].user)
    page = client.get(_url(sent, "questionnaires:distribution")).content.decode()
    assert "Remind the 5 who have not answered" in page
    preview = client.get(_url(sent))
    text = preview.content.decode()
    assert preview.status_code == 200
    assert "Remind the 5 who have not answered" in text
    assert all(f"P{n}" in text for n in range(1, 6)) and "By phone" not in text
    assert "p0@example.org" not in text  # answered
    assert not Message.objects.filter(kind=Message.Kind.REMINDER).exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_url(sent))
    assert response.status_code == 302
    assert sorted(m.to[0] for m in mail.outbox) == [f"p{n}@example.org" for n in range(1, 6)]
    assert all(m.subject.startswith("Reminder") for m in mail.outbox)
    # A second confirmation in the same minute sends nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(_url(sent))
    assert Message.objects.filter(kind=Message.Kind.REMINDER).count() == 5
    assert set(sent.invitations.values_list("reminders_sent", flat=True)) == {0, 1}


def test_remind_now_respects_max_reminders(team, sent, client, django_capture_on_commit_callbacks):
    sent.invitations.filter(name__in=["P1", "P2"]).update(reminders_sent=2)
    client.force_login(team["lead"].user)
    assert "Remind the 3 who have not answered" in client.get(_url(sent)).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(_url(sent))
    assert sorted(m.to[0] for m in mail.outbox) == ["p3@example.org", "p4@example.org",
                                                     "p5@example.org"]  # fmt: skip


def test_viewer_may_not_remind(client, team, sent):
    client.force_login(team["viewer"].user)
    assert client.get(_url(sent)).status_code == 403
    assert client.post(_url(sent)).status_code == 403
    assert not Message.objects.filter(kind=Message.Kind.REMINDER).exists()


def test_api_preview_sends_nothing_then_post_queues_them(
    as_role, sent, django_capture_on_commit_callbacks
):
    api = as_role("evaluator")
    url = f"/api/v1/evaluations/{sent.evaluation.slug}/distributions/{sent.pk}/remind/"
    preview = api.post(url, {"preview": True}, format="json")
    assert preview.status_code == 200, preview.content
    body = preview.json()
    assert body["count"] == 5 and [r["name"] for r in body["recipients"]] == [
        "P1", "P2", "P3", "P4", "P5"
    ]  # fmt: skip
    assert body["subject"].startswith("Reminder")
    assert not Message.objects.filter(kind=Message.Kind.REMINDER).exists()
    with django_capture_on_commit_callbacks(execute=True):
        done = api.post(url, {}, format="json")
    assert done.status_code == 200 and done.json() == {"queued": 5}
    assert len(mail.outbox) == 5


def test_api_refuses_while_locked_and_after_the_close(as_role, team, sent):
    api = as_role("lead")
    url = f"/api/v1/evaluations/{sent.evaluation.slug}/distributions/{sent.pk}/remind/"
    distribution_responses_lock(distribution=sent, by=team["lead"].user, reason="Report final")
    locked = api.post(url, {}, format="json")
    assert locked.status_code == 409 and "locked" in locked.json()["detail"]
    sent.responses_locked_at = None
    sent.closes_at = timezone.now() - dt.timedelta(minutes=1)
    sent.save(update_fields=["responses_locked_at", "closes_at"])
    closed = api.post(url, {"preview": True}, format="json")
    assert closed.status_code == 400 and "closed" in closed.json()["detail"]
    assert not Message.objects.filter(kind=Message.Kind.REMINDER).exists()


def test_api_refuses_before_the_invitations_are_sent(as_role, make_distribution, invite):
    distribution = make_distribution(deadline=timezone.now() + dt.timedelta(days=10))
    invite(distribution, name="P", email="p@example.org")
    slug = distribution.evaluation.slug
    url = f"/api/v1/evaluations/{slug}/distributions/{distribution.pk}/remind/"
    response = as_role("lead").post(url, {}, format="json")
    assert response.status_code == 400 and "not been sent" in response.json()["detail"]


def test_page_says_the_next_reminder_and_flags_one_before_sending(client, team, sent):
    # Sent today, deadline in ten days: 12 days before is before the sending.
    sent.reminder_days = [12, 5, 2]
    sent.save(update_fields=["reminder_days"])
    client.force_login(team["evaluator"].user)
    page = client.get(_url(sent, "questionnaires:distribution")).content.decode()
    assert "before the invitations went out: not sent" in page
    expected = (sent.deadline - dt.timedelta(days=5)).astimezone(dt.UTC)
    next_part = page.split('id="next-reminder">', 1)[1].split("</dd>", 1)[0]
    assert expected.strftime("%H:%M") in next_part and str(expected.day) in next_part


def test_reminder_day_before_the_sending_is_refused_naming_the_day(team, sent):
    with pytest.raises(ValidationProblem) as caught:
        distribution_update(distribution=sent, by=team["lead"].user, reminder_days=[12, 2])
    message = caught.value.errors["reminder_days"][0]
    assert message.startswith("12 days before the deadline is ")
    assert "before the invitations went out" in message
    sent.refresh_from_db()
    assert sent.reminder_days == [5, 2]


def test_reminder_day_already_past_before_sending_is_refused_by_form_and_api(
    client, as_role, team, make_distribution
):
    distribution = make_distribution(deadline=timezone.now() + dt.timedelta(days=3))
    url = f"/api/v1/evaluations/{distribution.evaluation.slug}/distributions/{distribution.pk}/"
    response = as_role("lead").patch(url, {"reminder_days": [7, 1]}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"]["reminder_days"][0].startswith("7 days before the deadline")
    client.force_login(team["lead"].user)
    settings_url = _url(distribution, "questionnaires:settings")
    initial = client.get(settings_url).context["form"].initial
    form = {k: v for k, v in initial.items() if v is not None}
    form["deadline"] = distribution.deadline.strftime("%Y-%m-%dT%H:%M")
    form["closes_at"] = distribution.closes_at.strftime("%Y-%m-%dT%H:%M")
    form["reminder_days"] = "7, 1"
    page = client.post(settings_url, form)
    assert page.status_code == 400
    assert "7 days before the deadline is" in page.content.decode()
    distribution.refresh_from_db()
    assert 7 not in distribution.reminder_days


def _confirm_form(page) -> dict[str, object]:
    """The hidden fields of the preview's confirmation form, as the browser posts them."""
    html = page.content.decode()
    return {
        "previewed_at": html.split('name="previewed_at" value="', 1)[1].split('"', 1)[0],
        "recipient": [int(p.split('"', 1)[0]) for p in html.split('name="recipient" value="')[1:]],
    }


def test_double_submit_of_one_preview_a_minute_apart_reminds_nobody_twice(
    client, team, sent, monkeypatch, django_capture_on_commit_callbacks
):
    client.force_login(team["lead"].user)
    form = _confirm_form(client.get(_url(sent)))
    assert len(form["recipient"]) == 5
    with django_capture_on_commit_callbacks(execute=True):
        client.post(_url(sent), form)
    assert len(mail.outbox) == 5
    later = timezone.now() + dt.timedelta(minutes=2)  # past the minute the first one went in
    monkeypatch.setattr(timezone, "now", lambda: later)
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(_url(sent), form, follow=True)
    assert len(mail.outbox) == 5
    assert set(sent.invitations.values_list("reminders_sent", flat=True)) == {0, 1}
    assert "already gone out to them" in again.content.decode()
    # A new preview, later, may remind them again (max_reminders is 2).
    with django_capture_on_commit_callbacks(execute=True):
        client.post(_url(sent), _confirm_form(client.get(_url(sent))))
    assert len(mail.outbox) == 10


def test_confirmation_reminds_exactly_those_the_preview_listed(
    client, team, sent, invite, django_capture_on_commit_callbacks
):
    client.force_login(team["evaluator"].user)
    form = _confirm_form(client.get(_url(sent)))
    # After the preview: P1 answers, and a recipient is added (and invited).
    response_submit(invitation=sent.invitations.get(name="P1"), answers=COMPLETE)
    with django_capture_on_commit_callbacks(execute=True):
        invite(sent, name="Late", email="late@example.org")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(_url(sent), form)
    assert sorted(m.to[0] for m in mail.outbox) == [f"p{n}@example.org" for n in range(2, 6)]


def test_api_confirms_only_the_recipients_given_and_names_a_bad_field(
    as_role, sent, django_capture_on_commit_callbacks
):
    api = as_role("lead")
    url = f"/api/v1/evaluations/{sent.evaluation.slug}/distributions/{sent.pk}/remind/"
    ids = [r["id"] for r in api.post(url, {"preview": True}, format="json").json()["recipients"]]
    with django_capture_on_commit_callbacks(execute=True):
        done = api.post(url, {"recipients": ids[:2]}, format="json")
    assert done.status_code == 200 and done.json() == {"queued": 2}
    assert sorted(m.to[0] for m in mail.outbox) == ["p1@example.org", "p2@example.org"]
    bad = api.post(url, {"preview": "perhaps"}, format="json")
    assert bad.status_code == 400 and "preview" in bad.json()["errors"]
