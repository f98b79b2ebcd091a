"""The sending API and pages: settings, audience, send, invitation actions with history,
messages, outbox — with the same permissions as the pages."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import Workbook

from evaluations.permissions import SYSTEM
from questionnaires.models import Invitation, Message
from questionnaires.services import distribution_send
from stakeholders.models import Person, StakeholderGroup
from stakeholders.services import affiliation_add, person_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def distribution(make_distribution):
    return make_distribution(deadline=timezone.now() + dt.timedelta(days=10))


@pytest.fixture
def lead_distribution(make_distribution):
    return make_distribution("lead", deadline=timezone.now() + dt.timedelta(days=10))


@pytest.fixture
def base(evaluation, distribution):
    return f"/api/v1/evaluations/{evaluation.slug}/distributions/{distribution.pk}/"


def _government_people(n: int) -> list:
    group = StakeholderGroup.objects.get(code="government")
    people = []
    for i in range(n):
        person = person_create(
            by=SYSTEM, name=f"Ministry Official{i}", emails=[f"m{i}@example.org"]
        )
        affiliation_add(person=person, stakeholder_group=group)
        people.append(person)
    return people


def test_api_audience_send_messages_and_history(
    api_client, team, base, django_capture_on_commit_callbacks
):
    _government_people(3)
    api_client.force_authenticate(team["lead"].user)
    patched = api_client.patch(
        base, {"reminder_days": [5, 2], "sender_name": "The evaluation team"}, format="json"
    )
    assert patched.status_code == 200, patched.content
    assert [r["sent"] for r in patched.json()["reminders"]] == [0, 0]
    added = api_client.post(base + "audience/", {"groups": ["government"]}, format="json")
    assert added.status_code == 201 and added.json()["added"] == 3
    again = api_client.post(base + "audience/", {"groups": ["government"]}, format="json")
    assert again.json()["added"] == 0 and len(again.json()["already_invited"]) == 3
    with django_capture_on_commit_callbacks(execute=True):
        sent = api_client.post(base + "send/")
    assert sent.status_code == 200 and sent.json() == {"queued": 3}
    assert len(mail.outbox) == 3 and "The evaluation team" in mail.outbox[0].from_email
    messages = api_client.get(base + "messages/").json()["results"]
    assert {m["status"] for m in messages} == {"sent"} and "/r/" in messages[0]["body"]
    invitation = Invitation.objects.order_by("pk").first()
    url = base + f"invitations/{invitation.pk}/actions/"
    refused = api_client.post(url, {"action": "exclude"}, format="json")
    assert refused.status_code == 400 and "reason" in refused.json()["errors"]
    done = api_client.post(url, {"action": "exclude", "reason": "Retired"}, format="json")
    assert done.status_code == 200
    body = done.json()
    assert body["status"] == "excluded" and body["reason"] == "Retired"
    assert [h["status"] for h in body["history"]] == ["created", "sent", "excluded"]


def test_api_refuses_a_deadline_in_the_past_and_unknown_placeholders(api_client, team, base):
    api_client.force_authenticate(team["lead"].user)
    past = (timezone.now() - dt.timedelta(days=1)).isoformat()
    response = api_client.patch(
        base, {"deadline": past, "reminder_body": "Hello {nmae}"}, format="json"
    )
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert "in the past" in errors["deadline"][0] and "{nmae}" in errors["reminder_body"][0]


def test_viewer_cannot_send_nor_read_messages(api_client, team, base):
    api_client.force_authenticate(team["viewer"].user)
    assert api_client.post(base + "send/").status_code == 403
    assert api_client.get(base + "messages/").status_code == 403


def test_message_bodies_hold_links_only_for_who_may_see_them(
    api_client, client, team, evaluation, make_distribution, invite,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    lead_only = make_distribution("lead", deadline=timezone.now() + dt.timedelta(days=3))
    invite(lead_only, name="Confidential Person", email="c@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        api_client.force_authenticate(team["lead"].user)
        api_client.post(f"/api/v1/evaluations/{evaluation.slug}/distributions/{lead_only.pk}/send/")
    message = Message.objects.get()
    client.force_login(team["evaluator"].user)
    page = client.get(f"/evaluations/{evaluation.slug}/outbox/{message.pk}/").content.decode()
    assert "/r/" not in page
    client.force_login(team["lead"].user)
    page = client.get(f"/evaluations/{evaluation.slug}/outbox/{message.pk}/").content.decode()
    assert f"/r/{message.invitation.token}/" in page
    outbox = client.get(f"/evaluations/{evaluation.slug}/outbox/").content.decode()
    assert "c@example.org" in outbox and "Sent" in outbox


def test_pages_settings_audience_send_and_invitation_history(
    client, team, evaluation, distribution, django_capture_on_commit_callbacks
):
    _government_people(2)
    client.force_login(team["lead"].user)
    pages = f"/evaluations/{evaluation.slug}/distributions/{distribution.pk}/"
    bad = client.post(
        pages + "settings/",
        {"title": "Staff", "deadline": "2001-01-01T10:00", "time_zone": "Europe/Zurich",
         "max_reminders": 2, "reminder_days": "5, x", "invitation_subject": "s",
         "invitation_body": "b", "reminder_subject": "s", "reminder_body": "b"},
    )  # fmt: skip
    text = bad.content.decode()
    assert bad.status_code == 400 and "is not a number of days" in text
    future = (timezone.now() + dt.timedelta(days=20)).strftime("%Y-%m-%dT%H:%M")
    good = client.post(
        pages + "settings/",
        {"title": "Staff", "deadline": future, "time_zone": "Europe/Zurich",
         "max_reminders": 2, "reminder_days": "5, 2", "invitation_subject": "{title}",
         "invitation_body": "Dear {name}, {link}", "reminder_subject": "R",
         "reminder_body": "Still {link}"},
    )  # fmt: skip
    assert good.status_code == 302
    distribution.refresh_from_db()
    assert distribution.reminder_days == [5, 2] and distribution.time_zone == "Europe/Zurich"
    preview = client.post(pages + "audience/", {"groups": ["government"], "preview": "1"})
    assert "2 people" in preview.content.decode() and distribution.invitations.count() == 0
    client.post(pages + "audience/", {"groups": ["government"], "channel": "web", "add": "1"})
    assert distribution.invitations.count() == 2
    with django_capture_on_commit_callbacks(execute=True):
        client.post(pages + "send/")
    assert [m.body.startswith("Dear Ministry Official") for m in mail.outbox] == [True, True]
    invitation = distribution.invitations.order_by("pk").first()
    history = client.get(pages + f"invitations/{invitation.pk}/").content.decode()
    assert "created" in history and "sent" in history
    client.post(pages + f"invitations/{invitation.pk}/", {"action": "revoke", "reason": "Typo"})
    invitation.refresh_from_db()
    assert invitation.status == "revoked" and invitation.reason == "Typo"


def test_attachment_pages_add_and_remove_a_file(client, team, evaluation, distribution):
    client.force_login(team["lead"].user)
    pages = f"/evaluations/{evaluation.slug}/distributions/{distribution.pk}/"
    added = client.post(
        pages + "attachments/",
        {"attribute": "", "value": "", "file": SimpleUploadedFile("note.pdf", b"for everyone")},
        follow=True,
    )
    assert "note.pdf attached." in added.content.decode()
    item = distribution.attachments.get()
    removed = client.post(pages + f"attachments/{item.pk}/delete/", follow=True)
    assert "Attachment removed." in removed.content.decode()
    assert not distribution.attachments.exists()


def test_uploaded_list_is_matched_into_the_registry_then_invited(
    client, team, evaluation, distribution
):
    person_create(by=SYSTEM, name="Grace Fictional", emails=["grace@example.org"])
    client.force_login(team["evaluator"].user)
    url = f"/evaluations/{evaluation.slug}/distributions/{distribution.pk}/audience/file/"
    good = (
        "Name,E-mail,Country\n"
        "Grace Fictional,grace@example.org,Kenya\n"
        "Zoë Ångström,zoe@example.org,Sweden\n"
    )
    response = client.post(url, {"file": SimpleUploadedFile("list.csv", good.encode())})
    assert response.status_code == 302
    assert sorted(distribution.invitations.values_list("name", flat=True)) == [
        "Grace Fictional",
        "Zoë Ångström",
    ]
    assert Person.objects.count() == 2  # Grace matched, Zoë added
    zoe = distribution.invitations.get(name="Zoë Ångström")
    assert zoe.person.emails == ["zoe@example.org"] and zoe.attributes["country"] == "Sweden"

    bad = "Name,E-mail\nNew Person,new@example.org\nBroken Person,not-an-address\n"
    refused = client.post(url, {"file": SimpleUploadedFile("bad.csv", bad.encode())})
    assert refused.status_code == 400
    assert (
        "Row 3: E-mail: “not-an-address” is not a valid e-mail address" in refused.content.decode()
    )
    assert Person.objects.count() == 2 and distribution.invitations.count() == 2


def test_put_cannot_rewrite_a_distribution(api_client, team, evaluation, lead_distribution):
    api_client.force_authenticate(team["data_entry"].user)
    url = f"/api/v1/evaluations/{evaluation.slug}/distributions/{lead_distribution.pk}/"
    response = api_client.put(url, {"confidentiality": "team", "title": "X"}, format="json")
    assert response.status_code == 405
    assert response.json() == {"detail": 'Method "PUT" not allowed.', "errors": {}}
    lead_distribution.refresh_from_db()
    assert lead_distribution.confidentiality == "lead"


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/registry/people/abc/",
        "/api/v1/registry/imports/abc/",
        "/api/v1/evaluations/{slug}/distributions/{d}/invitations/abc/actions/",
    ],
)
def test_non_numeric_ids_are_not_found_not_errors(api_client, team, evaluation, distribution, path):
    api_client.force_authenticate(team["lead"].user)
    url = path.format(slug=evaluation.slug, d=distribution.pk)
    # The address pattern takes digits only, so no view answers (and the 404 is the HTML page).
    assert api_client.post(url).status_code == 404
    assert api_client.get(url).status_code == 404


def test_a_wrong_address_is_corrected_then_resent(
    api_client, team, evaluation, lead_distribution, invite, django_capture_on_commit_callbacks
):
    invitation = invite(lead_distribution, name="Ana", email="ana@wrong.example")
    invite(lead_distribution, name="Bo", email="bo@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        distribution_send(distribution=lead_distribution, by=team["lead"].user)
    api_client.force_authenticate(team["lead"].user)
    url = (
        f"/api/v1/evaluations/{evaluation.slug}/distributions/{lead_distribution.pk}"
        f"/invitations/{invitation.pk}/actions/"
    )
    taken = api_client.post(url, {"action": "change", "email": "BO@example.org"}, format="json")
    assert taken.status_code == 400 and "already invited" in taken.json()["detail"]
    changed = api_client.post(url, {"action": "change", "email": "ana@example.org"}, format="json")
    assert changed.status_code == 200 and changed.json()["email"] == "ana@example.org"
    assert changed.json()["history"][-1]["note"] == "e-mail: ana@wrong.example → ana@example.org"
    with django_capture_on_commit_callbacks(execute=True):
        api_client.post(url, {"action": "resend"}, format="json")
    assert mail.outbox[-1].to == ["ana@example.org"]


def test_a_damaged_workbook_is_refused_with_a_message(client, team):
    buffer = io.BytesIO()
    book = Workbook()
    book.active.append(["Name", "E-mail"])
    book.active.append(["Ana Example", "ana@example.org"])
    book.save(buffer)
    damaged = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as source,
        zipfile.ZipFile(damaged, "w") as target,
    ):
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename.endswith("sheet1.xml"):
                data = data[: len(data) // 2]
            target.writestr(item, data)
    client.force_login(team["lead"].user)
    response = client.post(
        "/registry/import/",
        {"file": SimpleUploadedFile("people.xlsx", damaged.getvalue())},
    )
    assert response.status_code == 400
    assert "could not be read" in response.content.decode()
