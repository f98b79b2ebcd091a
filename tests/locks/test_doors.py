"""Every door into a locked interview log or locked responses: the API answers 409 with the
reason (and the schema says so), the pages show the lock and hide their actions, sending and
reminders stop, and the respondent's link neither records a visit nor shows a blank refusal."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from common.errors import Locked
from interviews.models import (
    CoverageTarget,
    Interview,
    InterviewImportJob,
    InterviewNote,
    ReportingCategory,
)
from interviews.services.coverage import coverage_target_set
from interviews.services.locks import interview_log_lock
from questionnaires.models import Invitation, Message
from questionnaires.services.distributions import distribution_responses_lock
from questionnaires.services.invitations import invitation_exclude
from questionnaires.services.messaging import distribution_send, message_retry, messages_deliver
from questionnaires.services.reminders import reminders_run
from tests.interviews.builders import country, group
from tests.interviews.test_import_pages import LIST, csv_bytes
from tests.locks.helpers import REASON, page_client


def _refused(answer, what: str) -> None:
    assert answer.status_code == 409, (what, answer.status_code, answer.content[:300])
    body = answer.json()
    assert REASON in body["detail"], what
    assert body["errors"] == {"": [body["detail"]]}, what


# --- the interview log: every API write answers 409 with the reason ----------------------------


def test_every_interview_api_write_answers_409_and_changes_nothing(
    evaluation, lead, logged, as_role
) -> None:
    logged.excluded, logged.excluded_reason = True, "duplicate"
    logged.save(update_fields=["excluded", "excluded_reason"])
    interview_log_lock(evaluation=evaluation, by=lead, reason=REASON)
    client = as_role("lead")
    base = f"/api/v1/evaluations/{evaluation.slug}/"
    one = f"{base}interviews/{logged.pk}/"
    _refused(client.post(one + "include/", {}, format="json"), "include")
    _refused(client.post(one + "exclude/", {"reason": "again"}, format="json"), "exclude")
    _refused(client.post(one + "follow-up/", {"date": "2013-04-01"}, format="json"), "follow-up")
    _refused(client.post(one + "notes/", {"text": "a note"}, format="json"), "note")
    _refused(
        client.post(base + "interview-categories/", {"name": "Brand new"}, format="json"),
        "category",
    )
    logged.refresh_from_db()
    assert (Interview.objects.count(), logged.excluded) == (1, True)
    assert not InterviewNote.objects.exists()
    assert not ReportingCategory.objects.filter(name="Brand new").exists()
    # Reads go on, notes included.
    assert client.get(one + "notes/").status_code == 200
    assert client.get(base + "interview-categories/").status_code == 200


def test_the_schema_documents_409_on_every_guarded_write(as_role) -> None:
    schema = as_role("lead").get("/api/v1/schema/", {"format": "json"}).json()
    paths = schema["paths"]
    evaluation = "/api/v1/evaluations/{evaluation_slug}/"
    interview = evaluation + "interviews/{id}/"
    distribution = evaluation + "distributions/{id}/"
    invitations = evaluation + "distributions/{distribution_id}/invitations/"
    guarded = [
        (evaluation + "interviews/", "post"),
        (interview, "patch"),
        (interview, "delete"),
        (interview + "exclude/", "post"),
        (interview + "include/", "post"),
        (interview + "follow-up/", "post"),
        (interview + "notes/", "post"),
        (evaluation + "interview-categories/", "post"),
        (distribution + "send/", "post"),
        (distribution + "audience/", "post"),
        (invitations, "post"),
        (invitations + "{id}/actions/", "post"),
    ]
    missing = [
        f"{method.upper()} {path}"
        for path, method in guarded
        if "409" not in paths[path][method]["responses"]
    ]
    assert missing == []
    include = paths[interview + "include/"]["post"]["responses"]["409"]
    assert "locked" in include["description"]


# --- the interview log's pages -------------------------------------------------------------------


def test_entry_pages_of_a_locked_log_send_back_with_the_reason(evaluation, lead, logged) -> None:
    interview_log_lock(evaluation=evaluation, by=lead, reason=REASON)
    client = page_client(lead)
    for url in (
        f"/evaluations/{evaluation.slug}/interviews/new/",
        f"/evaluations/{evaluation.slug}/interviews/{logged.pk}/edit/",
    ):
        page = client.get(url, follow=True)
        html = page.content.decode()
        assert page.status_code == 200, url
        assert page.redirect_chain, url  # not the entry form
        assert REASON in html and 'name="entry_token"' not in html, url


def test_interview_page_of_a_locked_log_refuses_a_note_and_include_with_the_reason(
    evaluation, lead, logged
) -> None:
    logged.excluded, logged.excluded_reason = True, "duplicate"
    logged.save(update_fields=["excluded", "excluded_reason"])
    interview_log_lock(evaluation=evaluation, by=lead, reason=REASON)
    client = page_client(lead)
    url = f"/evaluations/{evaluation.slug}/interviews/{logged.pk}/"
    shown = client.get(url).content.decode()
    assert REASON in shown
    assert "Add a note" not in shown and 'value="include"' not in shown
    note = client.post(url, {"text": "a note", "visibility": "team", "attribution": ""})
    assert note.status_code == 400 and REASON in note.content.decode()
    include = client.post(url + "exclude/", {"action": "include"}, follow=True)
    assert REASON in include.content.decode()
    logged.refresh_from_db()
    assert logged.excluded is True and not InterviewNote.objects.exists()


# --- a distribution's responses: sending, reminders, the outbox -----------------------------------


@pytest.fixture
def distribution(make_distribution):
    return make_distribution(deadline=timezone.now() + dt.timedelta(days=14))


def test_sending_is_refused_while_the_responses_are_locked(distribution, invite, lead) -> None:
    invite(distribution, email="sam@example.org")
    distribution_responses_lock(distribution=distribution, by=lead, reason=REASON)
    with pytest.raises(Locked, match=REASON):
        distribution_send(distribution=distribution, by=lead)
    assert not Message.objects.exists()


def test_messages_queued_before_the_lock_do_not_go_out(
    distribution, invite, lead, mailoutbox
) -> None:
    invitation = invite(distribution, email="sam@example.org")
    with pytest.MonkeyPatch.context() as patch:  # queued, not handed to the worker
        patch.setattr("questionnaires.services.messaging.enqueue", lambda ids: None)
        distribution_send(distribution=distribution, by=lead)
    message = Message.objects.get()
    distribution_responses_lock(distribution=distribution, by=lead, reason=REASON)
    messages_deliver([message.pk])
    message.refresh_from_db()
    invitation.refresh_from_db()
    assert mailoutbox == []
    assert message.status != Message.Status.SENT
    assert "locked" in message.error
    assert invitation.status == Invitation.Status.CREATED


def test_no_reminder_is_queued_for_locked_responses(make_distribution, invite, lead) -> None:
    deadline = timezone.now() + dt.timedelta(days=14)
    distributions = [
        make_distribution(confidentiality, deadline=deadline, reminder_days=[7])
        for confidentiality in ("team", "lead")
    ]
    for distribution in distributions:
        invite(distribution, email=f"sam{distribution.pk}@example.org")
        distribution_send(distribution=distribution, by=lead)
    Invitation.objects.update(status=Invitation.Status.SENT)
    open_one, locked_one = distributions
    distribution_responses_lock(distribution=locked_one, by=lead, reason=REASON)
    assert reminders_run(now=deadline - dt.timedelta(days=6)) == 1
    reminded = Message.objects.filter(kind=Message.Kind.REMINDER)
    assert list(reminded.values_list("distribution", flat=True)) == [open_one.pk]
    assert locked_one.invitations.get().reminders_sent == 0


def test_a_failed_message_is_not_retried_while_locked(distribution, invite, lead) -> None:
    invite(distribution, email="sam@example.org")
    distribution_send(distribution=distribution, by=lead)
    message = Message.objects.get()
    Message.objects.filter(pk=message.pk).update(status=Message.Status.FAILED)
    distribution_responses_lock(distribution=distribution, by=lead, reason=REASON)
    message.refresh_from_db()
    with pytest.raises(Locked, match=REASON):
        message_retry(message=message, by=lead)
    message.refresh_from_db()
    assert message.status == Message.Status.FAILED


def test_every_invitation_api_write_answers_409(
    distribution, invite, lead, as_role, evaluation
) -> None:
    waiting = invite(distribution, name="Wendy Waiting", email="wendy@example.org")
    stopped = invite(distribution, name="Sid Stopped")
    invitation_exclude(invitation=stopped, by=lead, reason="left the post")
    distribution_responses_lock(distribution=distribution, by=lead, reason=REASON)
    client = as_role("lead")
    base = f"/api/v1/evaluations/{evaluation.slug}/distributions/{distribution.pk}/"
    _refused(client.post(base + "send/", {}, format="json"), "send")
    acts = base + "invitations/{}/actions/"
    _refused(client.post(acts.format(waiting.pk), {"action": "resend"}, format="json"), "resend")
    _refused(
        client.post(
            acts.format(waiting.pk),
            {"action": "change", "email": "w@example.org"},
            format="json",
        ),
        "change",
    )
    _refused(client.post(acts.format(waiting.pk), {"action": "revoke"}, format="json"), "revoke")
    _refused(client.post(acts.format(stopped.pk), {"action": "restore"}, format="json"), "restore")
    assert list(distribution.invitations.order_by("name").values_list("email", "status")) == [
        ("", Invitation.Status.EXCLUDED),
        ("wendy@example.org", Invitation.Status.CREATED),
    ]
    assert not Message.objects.exists()


# --- a distribution's pages and the respondent's link ---------------------------------------------


def test_invitation_page_shows_the_lock_and_no_actions(distribution, invite, lead) -> None:
    waiting = invite(distribution, name="Wendy Waiting", email="wendy@example.org")
    distribution_responses_lock(distribution=distribution, by=lead, reason=REASON)
    client = page_client(lead)
    url = (
        f"/evaluations/{distribution.evaluation.slug}/distributions/{distribution.pk}"
        f"/invitations/{waiting.pk}/"
    )
    html = client.get(url).content.decode()
    assert REASON in html and 'id="lock-banner"' in html
    assert 'id="exclude-form"' not in html and 'value="resend"' not in html
    refused = client.post(url, {"action": "resend"}, follow=True)
    assert REASON in refused.content.decode()
    assert not Message.objects.exists()


def test_the_respondent_link_records_no_visit_and_says_it_is_closed(
    distribution, invite, lead
) -> None:
    invitation = invite(distribution)
    distribution_responses_lock(distribution=distribution, by=lead, reason=REASON)
    client = Client()
    start = client.get(f"/r/{invitation.token}/")
    assert "This questionnaire is closed" in start.content.decode()
    invitation.refresh_from_db()
    assert (invitation.status, invitation.opened_at) == (Invitation.Status.CREATED, None)
    posted = client.post(f"/r/{invitation.token}/page/1/", {"q-A1": "too late"})
    assert posted.status_code == 403
    assert "This questionnaire is closed" in posted.content.decode()
    api = client.post(
        f"/api/v1/respond/{invitation.token}/", {"answers": {}}, content_type="application/json"
    )
    assert api.status_code == 403
    assert api.json()["detail"] == "This questionnaire is closed."


def test_sending_page_action_is_refused_with_the_reason(distribution, invite, lead) -> None:
    invite(distribution, email="sam@example.org")
    distribution_responses_lock(distribution=distribution, by=lead, reason=REASON)
    client = page_client(lead)
    slug = distribution.evaluation.slug
    sent = client.post(f"/evaluations/{slug}/distributions/{distribution.pk}/send/", follow=True)
    assert REASON in sent.content.decode()
    assert not Message.objects.exists()


def test_import_pages_show_the_lock_and_offer_no_import(evaluation, lead) -> None:
    client = page_client(lead)
    upload = SimpleUploadedFile("annex.csv", csv_bytes(LIST), content_type="text/csv")
    checked = client.post(
        f"/evaluations/{evaluation.slug}/interviews/import/", {"file": upload}, follow=True
    )
    assert 'id="import-confirm"' in checked.content.decode()  # offered while open
    job = InterviewImportJob.objects.get()
    interview_log_lock(evaluation=evaluation, by=lead, reason=REASON)
    report = client.get(f"/evaluations/{evaluation.slug}/interviews/import/{job.pk}/")
    html = report.content.decode()
    assert REASON in html and 'id="import-confirm"' not in html
    upload_page = client.get(f"/evaluations/{evaluation.slug}/interviews/import/")
    assert REASON in upload_page.content.decode()
    committed = client.post(
        f"/evaluations/{evaluation.slug}/interviews/import/{job.pk}/", {"commit": "1"}
    )
    assert REASON in committed.content.decode()
    assert not Interview.objects.exists()


def test_the_coverage_plan_is_not_part_of_the_log_and_stays_open(evaluation, lead) -> None:
    interview_log_lock(evaluation=evaluation, by=lead, reason=REASON)
    target = coverage_target_set(
        evaluation=evaluation,
        by=lead,
        stakeholder_group=group("government"),
        country=country("VN"),
        method="interview",
        planned=3,
    )
    assert target is not None and CoverageTarget.objects.get().planned == 3
