"""Locks on the interview log and on a distribution's responses, and the legal hold: the lead
locks with a reason, writes are refused with it (pages, API, importer, the respondent's link),
reads and exports go on, and every lock, unlock and hold is in the history."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from common.errors import Locked, ValidationProblem
from evaluations.locks import ensure_log_unlocked, erasure_blocked_by
from evaluations.models import Evaluation
from evaluations.permissions import SYSTEM
from history.models import Entry
from interviews import services as interview_services
from interviews.importing.run import interviews_import
from interviews.models import Interview, InterviewNote
from interviews.services.locks import interview_log_lock, interview_log_unlock, legal_hold_set
from questionnaires.models import Answer, Invitation, Response
from questionnaires.services import response_enter, response_submit
from questionnaires.services.distributions import (
    distribution_responses_lock,
    distribution_responses_unlock,
    ensure_responses_unlocked,
)
from questionnaires.services.invitations import invitation_exclude, invitation_restore
from tests.conftest import COMPLETE
from tests.interviews.builders import log, person
from tests.interviews.test_importing import annex_rows, table
from tests.locks.helpers import REASON, page_client


@pytest.fixture
def locked_log(evaluation, lead, logged) -> Evaluation:
    return interview_log_lock(evaluation=evaluation, by=lead, reason=REASON)


# --- locking the interview log ------------------------------------------------------------------


def test_lead_locks_the_log_and_the_entry_says_who_and_why(evaluation, lead) -> None:
    interview_log_lock(evaluation=evaluation, by=lead, reason=REASON)
    evaluation.refresh_from_db()
    assert evaluation.interview_log_locked_by == lead
    assert evaluation.interview_log_lock_reason == REASON
    entry = Entry.objects.get(verb="lock", evaluation_id=evaluation.pk)
    assert entry.actor == lead
    assert entry.reason == REASON
    assert entry.changes["interview_log_lock_reason"] == ["", REASON]


def test_evaluator_cannot_lock_and_nothing_is_locked(evaluation, team) -> None:
    with pytest.raises(PermissionDenied, match="Only the lead evaluator"):
        interview_log_lock(evaluation=evaluation, by=team["evaluator"].user, reason=REASON)
    evaluation.refresh_from_db()
    assert evaluation.interview_log_locked_at is None
    assert not Entry.objects.filter(verb="lock").exists()


def test_a_reason_is_required_to_lock_and_to_unlock(evaluation, lead) -> None:
    with pytest.raises(ValidationProblem) as refused:
        interview_log_lock(evaluation=evaluation, by=lead, reason="  ")
    assert refused.value.errors == {"reason": ["Say why you lock the interview log."]}
    interview_log_lock(evaluation=evaluation, by=lead, reason=REASON)
    with pytest.raises(ValidationProblem, match="Say why you unlock"):
        interview_log_unlock(evaluation=evaluation, by=lead, reason="")
    evaluation.refresh_from_db()
    assert evaluation.interview_log_locked_at is not None


def test_locked_log_refuses_every_write_with_the_reason(locked_log, logged, lead) -> None:
    with pytest.raises(Locked) as refused:
        log(locked_log, person("Bob Example"))
    message = refused.value.message
    assert message.startswith(f"The interview log was locked by {lead.display_name} on ")
    assert REASON + "." in message
    with pytest.raises(Locked):
        interview_services.interview_update(interview=logged, by=lead, about="changed")
    with pytest.raises(Locked):
        interview_services.interview_exclude(interview=logged, by=lead, reason="duplicate")
    with pytest.raises(Locked):
        interview_services.note_add(interview=logged, by=lead, text="a note")
    with pytest.raises(Locked):
        interview_services.follow_up_create(of=logged, by=lead, date=logged.date)
    with pytest.raises(Locked):
        interview_services.interview_delete(interview=logged, by=lead)
    logged.refresh_from_db()
    assert (Interview.objects.count(), logged.about, logged.excluded) == (
        1,
        "before the lock",
        False,
    )
    assert not InterviewNote.objects.exists()


def test_import_is_refused_while_locked_and_imports_nothing(locked_log) -> None:
    with pytest.raises(Locked, match=REASON):
        interviews_import(table(annex_rows()), evaluation=locked_log, by=SYSTEM)
    assert Interview.objects.count() == 1


def test_unlock_is_recorded_with_reason_and_actor_and_writes_work_again(locked_log, lead) -> None:
    interview_log_unlock(evaluation=locked_log, by=lead, reason="Annex to correct")
    entry = Entry.objects.get(verb="unlock")
    assert (entry.actor, entry.reason, entry.anchor) == (
        lead,
        "Annex to correct",
        f"evaluation:{locked_log.pk}",
    )
    assert entry.changes["interview_log_lock_reason"] == [REASON, ""]
    ensure_log_unlocked(locked_log)
    log(locked_log, person("Bob Example"))
    assert Interview.objects.count() == 2


def test_locking_twice_says_it_is_already_locked(locked_log, lead) -> None:
    with pytest.raises(ValidationProblem, match="already locked"):
        interview_log_lock(evaluation=locked_log, by=lead, reason="again")
    assert Entry.objects.filter(verb="lock").count() == 1


# --- the interview log's API and pages ----------------------------------------------------------


def test_api_lock_as_lead_write_refused_409_reads_go_on(evaluation, as_role, logged) -> None:
    base = f"/api/v1/evaluations/{evaluation.slug}/"
    refused = as_role("evaluator").post(base + "interviews/lock/", {"reason": REASON})
    assert refused.status_code == 403
    client = as_role("lead")
    assert client.post(base + "interviews/lock/", {}).status_code == 400
    locked = client.post(base + "interviews/lock/", {"reason": REASON}, format="json")
    assert locked.status_code == 200, locked.content
    assert locked.json()["locked"] is True
    assert locked.json()["reason"] == REASON
    shown = client.get(base).json()
    assert shown["interview_log_lock_reason"] == REASON
    assert shown["legal_hold"] is False
    created = client.post(
        base + "interviews/",
        {"date": "2013-03-15", "mode": "in_person", "participants": [{"group_label": "Staff"}]},
        format="json",
    )
    assert created.status_code == 409
    assert REASON in created.json()["detail"]
    changed = client.patch(base + f"interviews/{logged.pk}/", {"about": "x"}, format="json")
    assert changed.status_code == 409
    assert client.delete(base + f"interviews/{logged.pk}/").status_code == 409
    assert Interview.objects.get().about == "before the lock"
    assert client.get(base + "interviews/").status_code == 200
    assert client.get(base + "interviews-export/").status_code == 200
    unlocked = client.post(base + "interviews/unlock/", {"reason": "typo"}, format="json")
    assert unlocked.json()["locked"] is False


def test_log_page_shows_the_banner_and_hides_writes(locked_log, team, logged) -> None:
    lead_page = page_client(team["lead"].user).get(f"/evaluations/{locked_log.slug}/interviews/")
    html = lead_page.content.decode()
    assert lead_page.status_code == 200
    assert "was locked by" in html and REASON in html
    assert 'id="unlock-link"' in html
    assert "Log an interview" not in html
    evaluator = page_client(team["evaluator"].user)
    html = evaluator.get(f"/evaluations/{locked_log.slug}/interviews/").content.decode()
    assert REASON in html and 'id="unlock-link"' not in html
    export = evaluator.get(f"/evaluations/{locked_log.slug}/interviews/export.csv")
    assert export.status_code == 200


def test_pages_refuse_writes_with_the_reason(locked_log, team, logged) -> None:
    client = page_client(team["lead"].user)
    new = client.post(
        f"/evaluations/{locked_log.slug}/interviews/new/",
        {
            "date": "2013-03-15",
            "mode": "in_person",
            "participant": [json.dumps({"person": logged.participations.get().person_id})],
        },
    )
    assert new.status_code == 400
    assert REASON in new.content.decode()
    deleted = client.post(f"/evaluations/{locked_log.slug}/interviews/{logged.pk}/delete/")
    assert deleted.status_code == 409
    assert REASON in deleted.content.decode()
    assert Interview.objects.count() == 1


def test_lock_page_locks_and_unlocks_with_a_confirmation(evaluation, team) -> None:
    client = page_client(team["lead"].user)
    url = f"/evaluations/{evaluation.slug}/interviews/lock/"
    assert client.post(url, {"reason": REASON}).status_code == 400  # not confirmed
    assert client.post(url, {"reason": REASON, "confirm": "on"}).status_code == 302
    evaluation.refresh_from_db()
    assert evaluation.interview_log_lock_reason == REASON
    assert client.post(url, {"reason": "reopened", "confirm": "on"}).status_code == 302
    evaluation.refresh_from_db()
    assert evaluation.interview_log_locked_at is None
    assert page_client(team["evaluator"].user).get(url).status_code == 403


# --- a distribution's responses -----------------------------------------------------------------


@pytest.fixture
def distribution(make_distribution):
    return make_distribution()


def test_locked_responses_refuse_data_entry_and_team_actions(
    distribution, invite, lead, team
) -> None:
    waiting = invite(distribution, name="Wendy Waiting")
    distribution_responses_lock(distribution=distribution, by=lead, reason=REASON)
    with pytest.raises(Locked, match=REASON):
        response_enter(
            distribution=distribution,
            by=team["data_entry"].user,
            name="Paul Paper",
            answers=COMPLETE,
            channel=Response.Channel.PAPER,
        )
    with pytest.raises(Locked):
        invitation_exclude(invitation=waiting, by=team["evaluator"].user, reason="left")
    with pytest.raises(Locked):
        invite(distribution, name="Late Larry")
    assert not Response.objects.exists()
    assert list(distribution.invitations.values_list("name", "status")) == [
        ("Wendy Waiting", Invitation.Status.CREATED)
    ]
    with pytest.raises(Locked):
        ensure_responses_unlocked(distribution)
    distribution_responses_unlock(distribution=distribution, by=lead, reason="late returns")
    invitation_exclude(invitation=waiting, by=team["evaluator"].user, reason="left")
    invitation_restore(invitation=waiting, by=team["evaluator"].user)
    entry = Entry.objects.get(verb="unlock")
    assert (entry.actor, entry.reason, entry.anchor) == (
        lead,
        "late returns",
        f"distribution:{distribution.pk}",
    )


def test_evaluator_cannot_lock_responses(distribution, team) -> None:
    with pytest.raises(PermissionDenied):
        distribution_responses_lock(
            distribution=distribution, by=team["evaluator"].user, reason=REASON
        )
    distribution.refresh_from_db()
    assert distribution.responses_locked_at is None


def test_respondent_link_of_locked_responses_shows_a_closed_form(
    distribution, invite, lead
) -> None:
    invitation = invite(distribution)
    distribution_responses_lock(distribution=distribution, by=lead, reason=REASON)
    client = Client()
    start = client.get(f"/r/{invitation.token}/")
    assert start.status_code == 200
    assert "This questionnaire is closed" in start.content.decode()
    assert REASON not in start.content.decode()  # the team's reason is not the respondent's
    posted = client.post(f"/r/{invitation.token}/page/1/", {"q-A1": "too late"})
    assert posted.status_code == 403
    api = client.post(
        f"/api/v1/respond/{invitation.token}/",
        {"answers": COMPLETE},
        content_type="application/json",
    )
    assert api.status_code == 403
    from_link = Client().post(f"/r/{invitation.token}/review/")
    assert from_link.status_code == 403
    assert not Answer.objects.exists()
    assert not Response.objects.filter(status=Response.Status.SUBMITTED).exists()


def test_responses_api_lock_409_and_reads_go_on(distribution, invite, as_role, evaluation) -> None:
    invitation = invite(distribution)
    response_submit(invitation=invitation, answers=COMPLETE)
    base = f"/api/v1/evaluations/{evaluation.slug}/distributions/{distribution.pk}/"
    assert as_role("evaluator").post(base + "lock/", {"reason": REASON}).status_code == 403
    client = as_role("lead")
    locked = client.post(base + "lock/", {"reason": REASON}, format="json")
    assert locked.status_code == 200 and locked.json()["locked"] is True
    added = client.post(base + "invitations/", {"name": "Late Larry"}, format="json")
    assert added.status_code == 409
    assert REASON in added.json()["detail"]
    assert client.get(base + "responses/").json()["count"] == 1
    assert client.get(base).json()["responses_lock_reason"] == REASON
    assert client.get(base + "rates/").status_code == 200


def test_distribution_page_banner_and_data_entry_refused(distribution, team) -> None:
    distribution_responses_lock(distribution=distribution, by=team["lead"].user, reason=REASON)
    slug = distribution.evaluation.slug
    html = (
        page_client(team["lead"].user)
        .get(f"/evaluations/{slug}/distributions/{distribution.pk}/")
        .content.decode()
    )
    assert REASON in html and 'id="unlock-link"' in html
    assert 'id="invitation-add"' not in html
    entry = page_client(team["data_entry"].user).post(
        f"/evaluations/{slug}/distributions/{distribution.pk}/enter/",
        {"name": "Paul Paper", "channel": "paper", **{f"q-{k}": v for k, v in COMPLETE.items()}},
    )
    assert entry.status_code in (400, 409)
    assert REASON in entry.content.decode()
    assert not Response.objects.exists()


# --- the legal hold -----------------------------------------------------------------------------


def test_legal_hold_set_and_lifted_blocks_erasure_meanwhile(evaluation, lead, team) -> None:
    assert erasure_blocked_by([evaluation]) is None
    with pytest.raises(PermissionDenied):
        legal_hold_set(evaluation=evaluation, by=team["evaluator"].user, on=True, reason="x")
    legal_hold_set(evaluation=evaluation, by=lead, on=True, reason="Court case 12/2024")
    evaluation.refresh_from_db()
    assert (evaluation.legal_hold, evaluation.legal_hold_reason) == (True, "Court case 12/2024")
    assert erasure_blocked_by([evaluation]) == (
        f"“{evaluation.title}” is under a legal hold: Court case 12/2024"
    )
    legal_hold_set(evaluation=evaluation, by=lead, on=False, reason="Case closed")
    assert erasure_blocked_by(Evaluation.objects.filter(pk=evaluation.pk)) is None
    verbs = list(
        Entry.objects.filter(verb__startswith="legal hold")
        .order_by("pk")
        .values_list("verb", "reason")
    )
    assert verbs == [("legal hold", "Court case 12/2024"), ("legal hold lifted", "Case closed")]


def test_erasure_is_blocked_by_a_locked_log_or_locked_responses(
    evaluation, lead, make_distribution
) -> None:
    interview_log_lock(evaluation=evaluation, by=lead, reason=REASON)
    blocked = erasure_blocked_by([evaluation])
    assert blocked is not None and "interview log was locked" in blocked and REASON in blocked
    interview_log_unlock(evaluation=evaluation, by=lead, reason="open")
    distribution = make_distribution()
    distribution_responses_lock(distribution=distribution, by=lead, reason=REASON)
    blocked = erasure_blocked_by([evaluation])
    assert blocked is not None and distribution.title in blocked and REASON in blocked


def test_legal_hold_on_the_settings_page_and_in_the_api(evaluation, team, as_role) -> None:
    client = page_client(team["lead"].user)
    page = client.get(f"/evaluations/{evaluation.slug}/edit/").content.decode()
    assert 'id="legal-hold-form"' in page
    done = client.post(
        f"/evaluations/{evaluation.slug}/legal-hold/", {"legal_hold": "on", "reason": "Audit"}
    )
    assert done.status_code == 302
    evaluation.refresh_from_db()
    assert evaluation.legal_hold is True
    api = as_role("lead").post(
        f"/api/v1/evaluations/{evaluation.slug}/legal-hold/",
        {"legal_hold": False, "reason": "Audit over"},
        format="json",
    )
    assert api.status_code == 200, api.content
    assert api.json()["legal_hold"] is False
    evaluation.refresh_from_db()
    assert evaluation.legal_hold is False
