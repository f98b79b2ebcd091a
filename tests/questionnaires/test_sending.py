"""Sending invitations and reminders: messages recorded, sent once, retried, never after the
close; declines, exclusions and revocations; audiences from the registry."""

from __future__ import annotations

import datetime as dt
import smtplib
import time

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.mail.backends.locmem import EmailBackend
from django.utils import timezone
from kombu.exceptions import OperationalError

from common.errors import ValidationProblem
from evaluations.permissions import SYSTEM
from questionnaires.audience import audience_people
from questionnaires.models import DistributionAttachment, Invitation, Message
from questionnaires.services import (
    attachment_create,
    attachment_remove,
    distribution_create,
    distribution_send,
    distribution_update,
    invitation_create,
    invitation_decline,
    invitation_exclude,
    invitation_revoke,
    invitations_for_people,
    reminders_run,
    response_submit,
)
from questionnaires.services.messaging import messages_deliver, messages_dispatch
from questionnaires.tasks import messages_send
from stakeholders.models import Country, StakeholderGroup
from stakeholders.services import affiliation_add, person_create
from tests.conftest import COMPLETE
from tests.factories import MessageFactory

pytestmark = pytest.mark.django_db
Status = Invitation.Status


@pytest.fixture
def open_distribution(make_distribution):
    """Deadline in ten days, reminders five and two days before, at most two."""
    deadline = timezone.now() + dt.timedelta(days=10)
    return make_distribution(deadline=deadline, reminder_days=[5, 2], max_reminders=2)


@pytest.fixture
def recipients(open_distribution, invite):
    return [
        invite(open_distribution, name=f"Recipient {n}", email=f"r{n}@example.org")
        for n in range(4)
    ]


def _refresh(items):
    for item in items:
        item.refresh_from_db()
    return items


def test_send_records_one_message_per_recipient_and_marks_them_sent(
    open_distribution, recipients, team, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        queued = distribution_send(distribution=open_distribution, by=team["lead"].user)
    assert queued == 4
    assert sorted(m.to[0] for m in mail.outbox) == [f"r{n}@example.org" for n in range(4)]
    link = f"/r/{recipients[0].token}/"
    body = next(m.body for m in mail.outbox if m.to == ["r0@example.org"])
    assert link in body and "Recipient 0" in body
    assert all(i.status == Status.SENT and i.sent_at for i in _refresh(recipients))
    assert Message.objects.filter(status=Message.Status.SENT).count() == 4
    assert set(recipients[0].events.values_list("status", flat=True)) == {"created", "sent"}


def test_sending_twice_or_running_the_task_again_sends_nothing_more(
    open_distribution, recipients, team, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        distribution_send(distribution=open_distribution, by=team["lead"].user)
        assert distribution_send(distribution=open_distribution, by=team["lead"].user) == 0
    ids = list(Message.objects.values_list("pk", flat=True))
    messages_send.delay(ids)  # a duplicated or retried task
    messages_send.delay(ids)
    assert len(mail.outbox) == 4


def test_smtp_failure_is_recorded_retried_with_backoff_and_nothing_is_lost(
    open_distribution, recipients, team, monkeypatch, django_capture_on_commit_callbacks
):
    def refuse(self, messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")

    monkeypatch.setattr(EmailBackend, "send_messages", refuse)
    with django_capture_on_commit_callbacks(execute=True):
        distribution_send(distribution=open_distribution, by=team["lead"].user)
    failed = Message.objects.filter(status=Message.Status.FAILED)
    assert failed.count() == 4 and len(mail.outbox) == 0
    message = failed.first()
    assert message.attempts == 1 and "SMTPServerDisconnected" in message.error
    assert message.next_attempt_at > timezone.now()
    assert all(i.status == Status.FAILED for i in _refresh(recipients))

    # Not due yet: the sweep leaves them, and a stray task may not take them early.
    assert messages_dispatch() == 0
    assert messages_deliver([message.pk])["skipped"] == [message.pk]
    # Once due, and SMTP is back, they all go, once.
    monkeypatch.undo()
    Message.objects.update(next_attempt_at=timezone.now() - dt.timedelta(seconds=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert messages_dispatch() == 4
    assert len(mail.outbox) == 4
    assert Message.objects.filter(status=Message.Status.SENT, attempts=2).count() == 4
    assert all(i.status == Status.SENT for i in _refresh(recipients))


def test_a_send_interrupted_half_way_is_marked_failed_not_resent(open_distribution, recipients):
    message = MessageFactory(
        invitation=recipients[0],
        status=Message.Status.SENDING,
        attempts=1,
        claimed_at=timezone.now() - dt.timedelta(hours=1),
    )
    messages_dispatch()
    message.refresh_from_db()
    assert message.status == Message.Status.FAILED and message.next_attempt_at is None
    assert "may or may not have gone out" in message.error
    assert len(mail.outbox) == 0


def test_with_the_broker_down_messages_wait_and_responses_are_still_stored(
    open_distribution, recipients, team, monkeypatch, django_capture_on_commit_callbacks
):
    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(messages_send, "delay", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        assert distribution_send(distribution=open_distribution, by=team["lead"].user) == 4
    assert Message.objects.filter(status=Message.Status.QUEUED).count() == 4
    response = response_submit(invitation=recipients[0], answers=COMPLETE).response
    assert response.status == "submitted"
    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        assert messages_dispatch() == 4
    # The one who answered already is still sent the invitation (it was due before), once.
    assert len(mail.outbox) == 4


def test_reminders_go_only_to_those_still_expected_and_never_twice(
    open_distribution, recipients, team, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        distribution_send(distribution=open_distribution, by=team["lead"].user)
    mail.outbox.clear()
    answered, declined, excluded, waiting = recipients
    response_submit(invitation=answered, answers=COMPLETE)
    invitation_decline(invitation=declined, reason="On leave")
    invitation_exclude(invitation=excluded, by=team["evaluator"].user, reason="Left the office")
    first = open_distribution.deadline - dt.timedelta(days=5) + dt.timedelta(minutes=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders_run(now=first) == 1
        assert reminders_run(now=first + dt.timedelta(minutes=15)) == 0
    assert [m.to for m in mail.outbox] == [["r3@example.org"]]
    assert mail.outbox[0].subject.startswith("Reminder")
    second = open_distribution.deadline - dt.timedelta(days=2) + dt.timedelta(minutes=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders_run(now=second) == 1
    waiting.refresh_from_db()
    assert waiting.reminders_sent == 2 and len(mail.outbox) == 2


def test_at_most_the_configured_number_of_reminders(
    open_distribution, recipients, team, django_capture_on_commit_callbacks
):
    distribution_update(distribution=open_distribution, by=team["lead"].user, max_reminders=1)
    with django_capture_on_commit_callbacks(execute=True):
        distribution_send(distribution=open_distribution, by=team["lead"].user)
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders_run(now=open_distribution.deadline - dt.timedelta(days=4)) == 4
        assert reminders_run(now=open_distribution.deadline - dt.timedelta(days=1)) == 0
    assert Invitation.objects.filter(reminders_sent=1).count() == 4


def test_no_reminder_after_the_close(
    open_distribution, recipients, team, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        distribution_send(distribution=open_distribution, by=team["lead"].user)
    mail.outbox.clear()
    after = open_distribution.closes_at + dt.timedelta(minutes=1)
    assert reminders_run(now=after) == 0
    assert Message.objects.filter(kind="reminder").count() == 0
    assert mail.outbox == []


def test_a_reminder_queued_before_the_close_is_cancelled_if_sent_after(
    open_distribution, recipients, team, django_capture_on_commit_callbacks, monkeypatch
):
    with django_capture_on_commit_callbacks(execute=True):
        distribution_send(distribution=open_distribution, by=team["lead"].user)
    mail.outbox.clear()
    monkeypatch.setattr(messages_send, "delay", lambda ids: None)  # the worker is slow
    with django_capture_on_commit_callbacks(execute=True):
        reminders_run(now=open_distribution.deadline - dt.timedelta(days=4))
    type(open_distribution).objects.filter(pk=open_distribution.pk).update(
        closes_at=timezone.now() - dt.timedelta(minutes=1)
    )
    outcome = messages_deliver(Message.objects.filter(kind="reminder").values_list("pk", flat=True))
    assert len(outcome["cancelled"]) == 4 and mail.outbox == []
    assert set(Invitation.objects.values_list("reminders_sent", flat=True)) == {0}


def test_late_recipient_is_sent_the_invitation_at_once(
    open_distribution, recipients, team, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        distribution_send(distribution=open_distribution, by=team["lead"].user)
        invitation_create(
            distribution=open_distribution, by=team["evaluator"].user, name="Late Comer",
            email="late@example.org",
        )  # fmt: skip
    assert ["late@example.org"] in [m.to for m in mail.outbox]


def test_revoked_link_opens_nothing(client, open_distribution, recipients, team):
    invitation_revoke(invitation=recipients[0], by=team["lead"].user, reason="Wrong address")
    response = client.get(f"/r/{recipients[0].token}/")
    assert response.status_code == 404
    assert "Wrong address" not in response.content.decode()


def test_respondent_declines_from_the_link_with_a_reason(client, open_distribution, recipients):
    token = recipients[1].token
    page = client.get(f"/r/{token}/decline/")
    assert page.status_code == 200 and "I will not take part" in page.content.decode()
    done = client.post(f"/r/{token}/decline/", {"reason": "Not my area"})
    assert "You will not receive reminders" in done.content.decode()
    recipients[1].refresh_from_db()
    assert recipients[1].status == Status.DECLINED and recipients[1].reason == "Not my area"


@pytest.mark.parametrize(
    ("kwargs", "field", "text"),
    [
        ({"name": "X", "email": "not-an-address"}, "email", "not a valid e-mail address"),
        ({"name": "  "}, "name", "A name is required"),
        ({"name": "X", "channel": "pigeon"}, "channel", "Choose a web link"),
    ],
)
def test_bad_recipient_is_refused_and_nothing_is_created(
    open_distribution, team, kwargs, field, text
):
    with pytest.raises(ValidationProblem) as caught:
        invitation_create(distribution=open_distribution, by=team["lead"].user, **kwargs)
    assert field in caught.value.errors and text in caught.value.message
    assert not Invitation.objects.exists()


def test_a_person_invited_twice_to_one_distribution_is_refused(open_distribution, team):
    person = person_create(by=SYSTEM, name="Ana Example", emails=["ana@example.org"])
    invitation_create(distribution=open_distribution, by=team["lead"].user, person=person)
    with pytest.raises(ValidationProblem, match="already invited"):
        invitation_create(distribution=open_distribution, by=team["lead"].user, person=person)
    with pytest.raises(ValidationProblem, match="already invited"):
        invitation_create(
            distribution=open_distribution,
            by=team["lead"].user,
            name="Ana",
            email="ANA@example.org",
        )
    assert open_distribution.invitations.count() == 1


def test_deadline_in_the_past_and_unknown_placeholder_are_refused(open_distribution, team):
    before = open_distribution.deadline
    with pytest.raises(ValidationProblem) as caught:
        distribution_update(
            distribution=open_distribution, by=team["lead"].user,
            deadline=timezone.now() - dt.timedelta(days=1), invitation_body="Dear {nmae}",
        )  # fmt: skip
    assert "in the past" in caught.value.errors["deadline"][0]
    assert "{nmae}" in caught.value.errors["invitation_body"][0]
    open_distribution.refresh_from_db()
    assert open_distribution.deadline == before and open_distribution.invitation_body == ""


def test_audience_from_the_registry_snapshots_place_and_group(
    open_distribution, team, django_capture_on_commit_callbacks
):
    government = StakeholderGroup.objects.get(code="government")
    workers = StakeholderGroup.objects.get(code="workers")
    viet_nam, kenya = Country.objects.get(code="VN"), Country.objects.get(code="KE")
    people = {}
    for name, group, country in [
        ("Nguyễn Thị Minh Khai", government, viet_nam),
        ("Wanjiru Example", government, kenya),
        ("Union Person", workers, kenya),
    ]:
        people[name] = person_create(by=SYSTEM, name=name, emails=[f"{len(people)}@example.org"])
        affiliation_add(person=people[name], stakeholder_group=group, country=country)
    chosen = audience_people({"groups": ["government"], "regions": ["africa"]})
    assert [p.display_name for p in chosen] == ["Wanjiru Example"]
    result = invitations_for_people(
        distribution=open_distribution, by=team["evaluator"].user,
        people=audience_people({"groups": ["government"]}), audience={"groups": ["government"]},
    )  # fmt: skip
    assert len(result.added) == 2
    khai = open_distribution.invitations.get(person=people["Nguyễn Thị Minh Khai"])
    assert khai.name == "Nguyễn Thị Minh Khai"
    assert khai.attributes == {
        "region": "Asia and the Pacific", "country": "Viet Nam", "stakeholder_group": "Government",
    }  # fmt: skip
    again = invitations_for_people(
        distribution=open_distribution, by=team["evaluator"].user,
        people=audience_people({"groups": ["government"]}),
    )  # fmt: skip
    assert again.added == [] and sorted(again.already) == [
        "Nguyễn Thị Minh Khai",
        "Wanjiru Example",
    ]


def test_attachment_goes_only_to_its_group(
    open_distribution, invite, team, django_capture_on_commit_callbacks
):
    invite(
        open_distribution, name="In Kenya", email="ke@example.org", attributes={"country": "Kenya"}
    )
    invite(
        open_distribution, name="Elsewhere", email="x@example.org", attributes={"country": "Peru"}
    )
    attachment_create(
        distribution=open_distribution, by=team["lead"].user, attribute="country", value="Kenya",
        file=ContentFile(b"draft summary", name="Kenya summary.pdf"),
    )  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        distribution_send(distribution=open_distribution, by=team["lead"].user)
    by_recipient = {m.to[0]: m for m in mail.outbox}
    assert [a[0] for a in by_recipient["ke@example.org"].attachments] == ["Kenya summary.pdf"]
    assert by_recipient["ke@example.org"].attachments[0][1] == b"draft summary"
    assert by_recipient["x@example.org"].attachments == []


def test_attachments_are_added_and_removed_by_those_who_manage_respondents(
    open_distribution, invite, team, monkeypatch
):
    with pytest.raises(PermissionDenied):
        attachment_create(
            distribution=open_distribution, by=team["viewer"].user,
            file=ContentFile(b"x", name="x.pdf"),
        )  # fmt: skip
    item = attachment_create(
        distribution=open_distribution, by=team["lead"].user,
        file=ContentFile(b"summary", name="summary.pdf"), attribute="country", value=" Kenya ",
    )  # fmt: skip
    assert (item.value, item.filename) == ("Kenya", "summary.pdf")
    invite(
        open_distribution, name="In Kenya", email="ke@example.org", attributes={"country": "Kenya"}
    )
    monkeypatch.setattr(messages_send, "delay", lambda ids: None)  # the worker is slow
    distribution_send(distribution=open_distribution, by=team["lead"].user)
    with pytest.raises(ValidationProblem, match="Messages waiting to go out carry this file"):
        attachment_remove(attachment=item, by=team["lead"].user)
    Message.objects.update(status=Message.Status.SENT)
    attachment_remove(attachment=item, by=team["lead"].user)
    assert not DistributionAttachment.objects.exists()


def test_sending_needs_addresses_and_an_open_deadline(make_distribution, invite, team):
    distribution = make_distribution(deadline=timezone.now() + dt.timedelta(days=3))
    invite(distribution, name="No Address")
    with pytest.raises(ValidationProblem, match="No e-mail address for: No Address"):
        distribution_send(distribution=distribution, by=team["lead"].user)
    type(distribution).objects.filter(pk=distribution.pk).update(
        deadline=timezone.now() - dt.timedelta(hours=1)
    )
    distribution.refresh_from_db()
    with pytest.raises(ValidationProblem, match="deadline has passed"):
        distribution_send(distribution=distribution, by=team["lead"].user)
    assert not Message.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_invitations_go_through_the_broker_to_a_worker(
    celery_worker, evaluation, team, staff_version
):
    """Eager without REDIS_URL; with it (CI), through Redis to a real worker thread."""
    distribution = distribution_create(
        evaluation=evaluation, by=team["lead"].user, version=staff_version, title="Staff",
        deadline=timezone.now() + dt.timedelta(days=5),
    )  # fmt: skip
    for n in range(3):
        invitation_create(
            distribution=distribution, by=team["lead"].user, name=f"P{n}", email=f"p{n}@example.org"
        )
    distribution_send(distribution=distribution, by=team["lead"].user)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if Message.objects.filter(status=Message.Status.SENT).count() == 3:
            break
        time.sleep(0.2)
    assert Message.objects.filter(status=Message.Status.SENT).count() == 3
    assert sorted(m.to[0] for m in mail.outbox) == [
        "p0@example.org",
        "p1@example.org",
        "p2@example.org",
    ]


def test_a_subject_may_not_carry_the_personal_link(team, open_distribution):
    with pytest.raises(ValidationProblem) as caught:
        distribution_update(
            distribution=open_distribution, by=team["lead"].user, invitation_subject="Go: {link}"
        )
    assert "cannot hold {link}" in caught.value.errors["invitation_subject"][0]
