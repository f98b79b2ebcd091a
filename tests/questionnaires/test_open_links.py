"""The open link's services: made, changed, rotated, closed; visitors entering; the quota;
responses marked "Open link" and kept out of the response rates."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from common.errors import Locked, ValidationProblem
from history.models import Entry
from questionnaires import links
from questionnaires.models import Invitation, InvitationEvent, OpenLink, Response
from questionnaires.selectors.open_links import open_link_summary
from questionnaires.selectors.tracking import response_rates, status_counts
from questionnaires.services.distributions import distribution_responses_lock
from questionnaires.services.invitations import invitation_change, invitation_create
from questionnaires.services.open_links import (
    OpenLinkRefused,
    open_link_close,
    open_link_enter,
    open_link_refusal,
    open_link_rotate,
    open_link_save,
)
from questionnaires.services.reminders import reminders_waiting
from questionnaires.services.responses import (
    QuotaReached,
    response_enter,
    response_save,
    response_submit,
)
from tests.conftest import COMPLETE

pytestmark = pytest.mark.django_db


@pytest.fixture
def lead(team):
    return team["lead"].user


def submit_through(link: OpenLink, **kwargs) -> Response:
    invitation = open_link_enter(link=link, **kwargs)
    return response_submit(invitation=invitation, answers=COMPLETE).response


def test_save_makes_the_link_then_changes_only_what_is_given(make_distribution, lead):
    distribution = make_distribution()
    link = open_link_save(distribution=distribution, by=lead, quota=3)
    assert (link.quota, link.email_capture, link.one_per_browser) == (3, "off", True)
    again = open_link_save(distribution=distribution, by=lead, email_capture="required")
    assert again.pk == link.pk
    assert (again.quota, again.email_capture) == (3, "required")
    assert OpenLink.objects.filter(distribution=distribution).count() == 1


def test_save_refuses_bad_settings_with_the_field(make_distribution, lead):
    distribution = make_distribution()
    with pytest.raises(ValidationProblem) as quota:
        open_link_save(distribution=distribution, by=lead, quota=0)
    assert "quota" in quota.value.errors
    past = timezone.now() - dt.timedelta(hours=1)
    with pytest.raises(ValidationProblem) as closes:
        open_link_save(distribution=distribution, by=lead, closes_at=past)
    assert "past" in closes.value.errors["closes_at"][0]
    with pytest.raises(ValidationProblem) as capture:
        open_link_save(distribution=distribution, by=lead, email_capture="always")
    assert "email_capture" in capture.value.errors
    assert not OpenLink.objects.exists()


def test_only_those_who_manage_respondents_make_or_rotate_it(make_distribution, team):
    distribution = make_distribution()
    for role in ("viewer", "data_entry"):
        with pytest.raises(PermissionDenied):
            open_link_save(distribution=distribution, by=team[role].user)
    open_link_save(distribution=distribution, by=team["evaluator"].user)
    with pytest.raises(PermissionDenied):
        open_link_rotate(distribution=distribution, by=team["viewer"].user)


def test_locked_responses_refuse_changes_to_the_link(make_distribution, lead):
    distribution = make_distribution()
    open_link_save(distribution=distribution, by=lead)
    distribution_responses_lock(distribution=distribution, by=lead, reason="Report final")
    with pytest.raises(Locked):
        open_link_rotate(distribution=distribution, by=lead)


def test_a_visitor_gets_an_invitation_of_their_own_marked_open(make_distribution, lead):
    distribution = make_distribution()
    link = open_link_save(distribution=distribution, by=lead)
    first = open_link_enter(link=link)
    second = open_link_enter(link=link)
    assert first.pk != second.pk
    assert (first.channel, first.status, first.name) == ("open", "opened", "Open link respondent 1")
    assert second.name == "Open link respondent 2"
    assert first.opened_at is not None
    assert InvitationEvent.objects.filter(invitation=first, status="opened").exists()


def test_submitted_responses_are_marked_open_link_and_counted_apart(
    make_distribution, lead, invite
):
    distribution = make_distribution()
    invited = invite(distribution, name="Ana Invited")
    response_submit(invitation=invited, answers=COMPLETE)
    link = open_link_save(distribution=distribution, by=lead)
    response = submit_through(link)
    open_link_enter(link=link)  # started, never submitted
    assert response.channel == Response.Channel.OPEN
    total = response_rates(distribution, "region")[-1]
    # The rate is that of the invited only: 1 of 1, never 2 of 1 nor 1 of 3.
    assert (total.invited, total.responded, total.percent) == (1, 1, 100.0)
    assert status_counts(distribution)["submitted"] == 1
    summary = open_link_summary(distribution)
    assert (summary.submitted, summary.in_progress, summary.remaining) == (1, 1, None)


def test_a_draft_through_the_link_is_marked_open_from_the_first_save(make_distribution, lead):
    distribution = make_distribution()
    invitation = open_link_enter(link=open_link_save(distribution=distribution, by=lead))
    draft, _errors = response_save(invitation=invitation, answers={"A1": "x"})
    assert Response.objects.get(pk=draft.pk).channel == Response.Channel.OPEN


def test_anonymous_open_link_keeps_days_only_and_cuts_the_response(make_distribution, lead):
    distribution = make_distribution("anonymous")
    link = open_link_save(distribution=distribution, by=lead)
    invitation = open_link_enter(link=link)
    invitation.refresh_from_db()
    for moment in (invitation.created_at, invitation.opened_at):
        assert (moment.hour, moment.minute, moment.second) == (0, 0, 0)
    response = response_submit(invitation=invitation, answers=COMPLETE).response
    response.refresh_from_db()
    assert response.invitation_id is None
    assert response.channel == Response.Channel.OPEN
    assert response.submitted_at.time() == dt.time(0, 0)
    assert open_link_summary(distribution).submitted == 1


def test_the_quota_refuses_new_visitors_and_the_submission_past_it(make_distribution, lead):
    distribution = make_distribution()
    link = open_link_save(distribution=distribution, by=lead, quota=1)
    late = open_link_enter(link=link)  # started before the quota filled
    submit_through(link)
    with pytest.raises(OpenLinkRefused) as refused:
        open_link_enter(link=link)
    assert "all the responses it needed" in refused.value.message
    response_save(invitation=late, answers=COMPLETE)
    with pytest.raises(QuotaReached):
        response_submit(invitation=late)
    late.refresh_from_db()
    assert late.status == Invitation.Status.STARTED  # the draft is kept
    assert Response.objects.filter(invitation=late, status="draft").exists()
    assert open_link_summary(distribution).remaining == 0


def test_email_capture_required_optional_and_checked(make_distribution, lead):
    distribution = make_distribution()
    link = open_link_save(distribution=distribution, by=lead, email_capture="required")
    with pytest.raises(ValidationProblem) as missing:
        open_link_enter(link=link, email="  ")
    assert "email" in missing.value.errors
    with pytest.raises(ValidationProblem) as wrong:
        open_link_enter(link=link, email="not-an-address")
    assert "not a valid e-mail address" in wrong.value.message
    assert not Invitation.objects.filter(channel="open").exists()
    assert open_link_enter(link=link, email="ana@example.org").email == "ana@example.org"
    link = open_link_save(distribution=distribution, by=lead, email_capture="optional")
    assert open_link_enter(link=link).email == ""
    link = open_link_save(distribution=distribution, by=lead, email_capture="off")
    assert open_link_enter(link=link, email="ignored@example.org").email == ""


def test_rotating_replaces_the_address_and_keeps_the_settings(make_distribution, lead):
    distribution = make_distribution()
    old = open_link_save(distribution=distribution, by=lead, quota=5, email_capture="optional")
    new = open_link_rotate(distribution=distribution, by=lead)
    old.refresh_from_db()
    assert old.replaced_at is not None and new.replaced_at is None
    assert new.token != old.token
    assert (new.quota, new.email_capture) == (5, "optional")
    refusal = open_link_refusal(old)
    assert refusal is not None and refusal.status == 410
    assert "replaced" in refusal.message
    assert open_link_refusal(new) is None
    found = links.open_link_of(OpenLink.objects.all(), old.token)
    assert found == old


def test_closing_and_opening_again(make_distribution, lead):
    distribution = make_distribution()
    link = open_link_save(distribution=distribution, by=lead)
    closed = open_link_close(distribution=distribution, by=lead)
    assert closed.closed_at is not None and closed.closed_by == lead
    assert "closed" in open_link_refusal(closed).message
    with pytest.raises(OpenLinkRefused):
        open_link_enter(link=link)
    reopened = open_link_close(distribution=distribution, by=lead, closed=False)
    assert reopened.closed_at is None
    assert open_link_enter(link=reopened).channel == "open"


def test_the_link_close_time_and_the_distribution_close_refuse(make_distribution, lead):
    distribution = make_distribution()
    soon = timezone.now() + dt.timedelta(hours=1)
    link = open_link_save(distribution=distribution, by=lead, closes_at=soon)
    assert open_link_refusal(link) is None
    assert "closed" in open_link_refusal(link, now=soon + dt.timedelta(minutes=1)).message
    link = open_link_save(distribution=distribution, by=lead, closes_at=None)
    distribution.closes_at = timezone.now() - dt.timedelta(minutes=1)
    distribution.save(update_fields=["closes_at"])
    link.refresh_from_db()
    assert "questionnaire is closed" in open_link_refusal(link).message


def test_tokens_of_open_and_personal_links_open_only_their_own_door(make_distribution, lead):
    distribution = make_distribution()
    link = open_link_save(distribution=distribution, by=lead)
    assert links.open_link_of(OpenLink.objects.all(), link.token) == link
    assert links.open_link_of(OpenLink.objects.all(), links.link_token(link.selector)) is None
    assert links.open_link_of(OpenLink.objects.all(), link.token[:-1] + "x") is None
    assert links.redact(f"GET /o/{link.token}/ 200") == "GET /o/[link]/ 200"


def test_history_records_made_changed_rotated_and_closed(make_distribution, lead):
    distribution = make_distribution()
    open_link_save(distribution=distribution, by=lead, quota=2)
    open_link_save(distribution=distribution, by=lead, quota=4)
    open_link_rotate(distribution=distribution, by=lead)
    open_link_close(distribution=distribution, by=lead)
    entries = Entry.objects.filter(anchor=f"distribution:{distribution.pk}").filter(
        content_type__model="openlink"
    )
    changes = [entry.changes for entry in entries.order_by("pk")]
    assert len(changes) == 5  # made, quota changed, old replaced, new made, closed
    assert [str(v) for v in changes[1]["quota"]] == ["2", "4"]
    assert "replaced_at" in changes[2]
    assert "closed_at" in changes[4]
    assert all("selector" not in c for c in changes)
    assert all(entry.evaluation_id == distribution.evaluation_id for entry in entries)


def test_reminders_never_go_to_open_link_visitors(make_distribution, lead, invite):
    distribution = make_distribution()
    link = open_link_save(distribution=distribution, by=lead, email_capture="required")
    open_link_enter(link=link, email="visitor@example.org")
    invite(distribution, name="Ana", email="ana@example.org")
    Invitation.objects.filter(name="Ana").update(status="sent")
    assert [i.name for i in reminders_waiting(distribution)] == ["Ana"]


def test_the_team_cannot_make_or_key_in_an_open_link_channel(make_distribution, lead, team):
    distribution = make_distribution()
    with pytest.raises(ValidationProblem) as made:
        invitation_create(distribution=distribution, by=lead, name="Ana", channel="open")
    assert "channel" in made.value.errors
    with pytest.raises(ValidationProblem) as keyed:
        response_enter(
            distribution=distribution, by=lead, name="Ben", answers=COMPLETE, channel="open"
        )
    assert "channel" in keyed.value.errors
    visitor = open_link_enter(link=open_link_save(distribution=distribution, by=lead))
    changed = invitation_change(invitation=visitor, by=lead, email="v@example.org", channel="web")
    assert (changed.channel, changed.email) == ("open", "v@example.org")
