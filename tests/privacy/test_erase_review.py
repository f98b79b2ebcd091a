"""Erasure, reviewed: her links stop opening anything, messages to her stop, import files and
mail files that name her go after the commit, the history keeps one entry of the erasure and
nothing of her, a failure midway changes nothing."""

from __future__ import annotations

import email
import email.policy
import json

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.mail import EmailMessage, get_connection
from django.core.management import CommandError, call_command

from history.models import Entry
from interviews.models import InterviewImportJob
from privacy.services import erasure as erasure_module
from privacy.services.erasure import person_erase
from questionnaires.models import Invitation, InvitationEvent, Message, Response
from questionnaires.services import invitation_create
from stakeholders.models import ImportJob, Person
from tests.factories import UserFactory
from tests.privacy.conftest import EMAIL, NAME
from tests.privacy.test_erase import _files, every_table_hits, found_in

pytestmark = pytest.mark.django_db


def _open_invitation(world, team, make_distribution, confidentiality: str = "lead"):
    distribution = make_distribution(confidentiality)
    invitation = invitation_create(
        distribution=distribution, by=team["lead"].user, person=world.person, email=EMAIL
    )
    Invitation.objects.filter(pk=invitation.pk).update(status=Invitation.Status.SENT)
    return Invitation.objects.get(pk=invitation.pk)


def _message(invitation, key: str, status: str) -> Message:
    return Message.objects.create(
        key=key,
        distribution=invitation.distribution,
        invitation=invitation,
        kind="reminder",
        recipient=EMAIL,
        subject=f"Reminder for {NAME}",
        body="Dear Zoë",
        status=status,
    )


def test_links_stop_opening_and_waiting_invitations_are_revoked(
    world, team, make_distribution, client
) -> None:
    waiting = _open_invitation(world, team, make_distribution)
    waiting_token, returned_token = waiting.token, world.invitation.token
    assert client.get(f"/r/{waiting_token}/").status_code == 200  # the link worked before
    person_erase(by=team["lead"].user, person=world.person, reason="Her request")
    revoked = Invitation.objects.get(pk=waiting.pk)
    assert revoked.status == Invitation.Status.REVOKED
    assert InvitationEvent.objects.filter(
        invitation=revoked, status="revoked", by=team["lead"].user, note="Her request"
    ).exists()
    answered = Invitation.objects.get(pk=world.invitation.pk)
    assert answered.status == Invitation.Status.RETURNED  # the tracking numbers stay
    for token in (waiting_token, returned_token):
        assert client.get(f"/r/{token}/").status_code == 404
        assert client.get(f"/r/{token}/done/").status_code == 404


def test_no_message_to_her_goes_out_any_more(world, team, make_distribution) -> None:
    waiting = _open_invitation(world, team, make_distribution)
    queued = _message(waiting, "t:queued", Message.Status.QUEUED)
    failed = _message(waiting, "t:failed", Message.Status.FAILED)
    sent = _message(waiting, "t:sent", Message.Status.SENT)
    person_erase(by=team["lead"].user, person=world.person, reason="Her request")
    statuses = dict(Message.objects.values_list("key", "status"))
    assert statuses["t:queued"] == statuses["t:failed"] == Message.Status.CANCELLED
    assert statuses["t:sent"] == Message.Status.SENT
    for message in Message.objects.filter(pk__in=[queued.pk, failed.pk, sent.pk]):
        assert message.recipient == f"Erased person {world.person.pk}"
        assert message.next_attempt_at is None
    assert "erased" in Message.objects.get(pk=failed.pk).error


def test_the_erasure_leaves_exactly_one_history_entry(world, team) -> None:
    before = set(Entry.objects.values_list("pk", flat=True))
    person_erase(by=team["lead"].user, person=world.person, reason="Her request")
    [entry] = Entry.objects.exclude(pk__in=before)
    assert (entry.verb, entry.actor, entry.reason) == ("erase", team["lead"].user, "Her request")
    assert entry.person_id == world.person.pk
    assert list(entry.changes) == ["erased_at"]


def test_history_is_scrubbed_in_changes_text_reason_and_address(world, team) -> None:
    kind = ContentType.objects.get_for_model(Person)
    quoting = Entry.objects.create(
        content_type=kind,
        object_pk="999",
        object_id=999,
        object_repr="Someone else",
        action=Entry.Action.UPDATE,
        changes={},
        changes_text=f"referred by {NAME.upper()}",
    )
    hers = Entry.objects.create(
        content_type=kind,
        object_pk=str(world.person.pk),
        object_id=world.person.pk,
        object_repr=NAME,
        action=Entry.Action.UPDATE,
        changes={"status": ["sent", "declined"]},
        person_id=world.person.pk,
        actor_kind="respondent",
        remote_addr="203.0.113.7",
        reason=f"{NAME} declined: she is on leave",
    )
    person_erase(by=team["lead"].user, person=world.person, reason="Her request")
    quoting.refresh_from_db()
    hers.refresh_from_db()
    placeholder = f"Erased person {world.person.pk}"
    assert quoting.changes_text == f"referred by {placeholder}"
    assert hers.reason == f"{placeholder} declined: she is on leave"
    assert hers.remote_addr is None
    assert hers.changes == {"status": ["(erased)", "(erased)"]}


def _upload(model, content: bytes, filename: str, **fields):
    job = model(filename=filename, **fields)
    job.file.save(filename, ContentFile(content), save=True)
    return job


def test_import_files_naming_her_go_after_commit(
    world, team, client, django_capture_on_commit_callbacks
) -> None:
    # Given and family name in two columns, and a report that does not quote her (not checked).
    columns = "Given name,Family name,Organisation\nZoë,Brontë-Ngũgĩ,Ministry of Labour\n"
    interviews = _upload(
        InterviewImportJob,
        columns.encode(),
        "log.csv",
        evaluation=world.evaluation,
        created_by=team["lead"].user,
    )
    people = _upload(ImportJob, f"Name,E-mail\nSomeone,{EMAIL}\n".encode(), "people.csv")
    unrelated = _upload(ImportJob, b"Name,E-mail\nAmara Diallo,amara@example.org\n", "other.csv")
    names = [interviews.file.name, people.file.name, unrelated.file.name]
    with django_capture_on_commit_callbacks() as callbacks:
        erasure = person_erase(by=team["lead"].user, person=world.person, reason="Her request")
        assert all(default_storage.exists(name) for name in names)  # nothing before the commit
    for callback in callbacks:
        callback()
    assert {names[0], names[1]} <= set(erasure.files_deleted)
    assert [default_storage.exists(name) for name in names] == [False, False, True]
    interviews.refresh_from_db()
    people.refresh_from_db()
    unrelated.refresh_from_db()
    assert (interviews.file.name, interviews.state) == ("", "failed")
    assert "erased" in interviews.error
    assert (people.file.name, people.state) == ("", "cancelled")
    assert unrelated.file.name == names[2] and unrelated.state == "uploaded"
    # The job's page says what happened instead of failing on the missing file.
    client.force_login(team["lead"].user)
    slug = world.evaluation.slug
    page = client.get(f"/evaluations/{slug}/interviews/import/{interviews.pk}/", follow=True)
    assert page.status_code == 200
    assert "upload it again" in page.content.decode()


def _mail_texts(folder) -> str:
    texts = []
    for path in folder.iterdir():
        for chunk in path.read_bytes().split(b"-" * 79 + b"\n"):
            if chunk.strip():
                message = email.message_from_bytes(chunk, policy=email.policy.default)
                texts.append(str(message["To"]) + str(message["Subject"]))
                texts.append(message.get_body().get_content())
    return "\n".join(texts)


def test_mail_files_lose_the_messages_that_name_her(
    world, team, settings, tmp_path, django_capture_on_commit_callbacks
) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path)
    connection = get_connection(settings.EMAIL_BACKEND, file_path=str(tmp_path))
    connection.send_messages(
        [
            EmailMessage(f"Questionnaire for {NAME}", "Dear Zoë, please answer.", to=[EMAIL]),
            EmailMessage("Questionnaire", "Dear Amara, please answer.", to=["amara@example.org"]),
        ]
    )
    assert found_in(_mail_texts(tmp_path))
    with django_capture_on_commit_callbacks(execute=True):
        person_erase(by=team["lead"].user, person=world.person, reason="Her request")
    text = _mail_texts(tmp_path)
    assert found_in(text) == []
    assert "amara@example.org" in text and "Dear Amara" in text


def test_a_failure_midway_changes_nothing(
    world, team, monkeypatch, django_capture_on_commit_callbacks
) -> None:
    export, job = _files(world, team)
    stored = [export.file.name, job.file.name]

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(erasure_module, "scrub_person", broken)
    hits_before = len(every_table_hits())
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
    ):
        person_erase(by=team["lead"].user, person=world.person, reason="Her request")
    assert callbacks == []
    person = Person.objects.get(pk=world.person.pk)
    assert (person.display_name, person.erased_at) == (NAME, None)
    assert Invitation.objects.get(pk=world.invitation.pk).email == EMAIL
    assert Response.objects.filter(invitation=world.invitation).exists()
    assert len(every_table_hits()) == hits_before
    assert not Entry.objects.filter(verb="erase").exists()
    assert all(default_storage.exists(name) for name in stored)
    export.refresh_from_db()
    assert export.file.name == stored[0] and not export.expired


def test_command_refuses_under_a_legal_hold_with_the_reason(world) -> None:
    world.evaluation.legal_hold = True
    world.evaluation.legal_hold_reason = "Case 42 before the tribunal."
    world.evaluation.save(update_fields=["legal_hold", "legal_hold_reason"])
    with pytest.raises(CommandError, match="Case 42 before the tribunal"):
        call_command("person_erase", str(world.person.pk), "--reason", "Asked")
    assert Person.objects.get(pk=world.person.pk).erased_at is None
    with pytest.raises(CommandError, match=r"no person no\. 999999"):
        call_command("person_erase", "999999", "--reason", "Asked")


def test_export_never_holds_an_anonymous_distributions_response(
    world, team, make_distribution, api_client
) -> None:
    invitation = _open_invitation(world, team, make_distribution, confidentiality="anonymous")
    draft = Response.objects.create(
        distribution=invitation.distribution,
        version=invitation.distribution.version,
        invitation=invitation,
    )
    api_client.force_authenticate(UserFactory(is_staff=True))
    data = api_client.get(f"/api/v1/registry/people/{world.person.pk}/data/").json()
    assert [r["id"] for r in data["responses"]] == [world.response.pk]
    assert draft.pk not in json.dumps(data)
