"""Anonymous responses cannot be linked to their respondents by order or time (issue 14,
item 1). N known invitees submit in a known order; every door a team member can open (the
distribution page, the invitation pages, the API's responses and invitations, the tracking
CSV, the workbook's Raw and Open sheets) lists the responses by their random id — not in the
submission order — and gives the respondents' times as a day only. The lead sees the same:
anonymous cuts the link for everyone."""

from __future__ import annotations

import csv
import datetime as dt
import importlib
import io
import re

import pytest
from django.apps import apps
from django.test import Client
from rest_framework.test import APIClient

from questionnaires.models import Answer, Invitation, InvitationEvent, Response
from questionnaires.services import (
    invitation_decline,
    invitation_opened,
    invitation_restore,
    response_save,
    response_submit,
)
from questionnaires.services.events import day_start
from reports.selectors.open_answers import open_answers
from reports.selectors.raw import raw_columns, raw_response_rows
from tests.conftest import COMPLETE

pytestmark = pytest.mark.django_db

N = 12  # 12! orders: the chance that a random order is the submission order is 2e-9
TIME = re.compile(r"\d{1,2}:\d{2}")
DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@pytest.fixture
def submitted(make_distribution, invite):
    """An anonymous distribution and its N responses, submitted in order by Person 00 … 11
    (alternately by the form's draft and all at once): response id -> submission rank."""
    distribution = make_distribution("anonymous")
    invitations = [
        invite(distribution, name=f"Person {i:02d}", attributes={"region": "Africa"})
        for i in range(N)
    ]
    for i, invitation in enumerate(invitations):
        answers = {**COMPLETE, "B1": f"secret {i:02d}"}
        if i % 2:
            response_submit(invitation=invitation, answers=answers)
        else:
            response_save(invitation=invitation, answers=answers)
            response_submit(invitation=invitation)
    rank = {
        response_id: int(text.split()[1])
        for response_id, text in Answer.objects.filter(question__key="B1").values_list(
            "response_id", "text"
        )
    }
    assert len(rank) == N
    return distribution, invitations, rank


def _unlinked(ranks: list[int], ids: list[str]) -> None:
    """Listed by the random id, which is not the order of submission."""
    assert sorted(ranks) == list(range(N))
    assert ids == sorted(ids)
    assert ranks != list(range(N)), "listed in submission order"


@pytest.mark.parametrize("role", ["evaluator", "lead"])
def test_pages_list_anonymous_responses_by_random_id_and_days_only(
    team, evaluation, submitted, role
) -> None:
    distribution, invitations, rank = submitted
    client = Client()
    client.force_login(team[role].user)
    base = f"/evaluations/{evaluation.slug}/distributions/{distribution.pk}"
    page = client.get(f"{base}/").content.decode()
    table = page[page.index('id="responses"') :]
    table = table[: table.index("</table>")]
    ids = re.findall(r"/responses/([0-9a-f]{32})/", table)
    _unlinked([rank[i] for i in ids], ids)
    assert not TIME.search(table)
    for invitation in invitations:
        history = client.get(f"{base}/invitations/{invitation.pk}/").content.decode()
        history = history[history.index('id="history"') :]
        history = history[: history.index("</table>")]
        rows = [row for row in history.split("<tr>") if "submitted" in row]
        assert len(rows) == 1 and not TIME.search(rows[0]), rows
    download = client.get(f"{base}/tracking.csv")
    tracking = b"".join(download.streaming_content).decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(tracking)))
    header = lines.index(next(line for line in lines if line[:1] == ["Name"]))
    column = lines[header].index("Submitted at (UTC)")  # the times name their zone
    people = lines[header + 1 :]
    assert len(people) == N
    assert all(DAY.match(line[column]) for line in people), people


@pytest.mark.parametrize("role", ["evaluator", "lead"])
def test_api_lists_anonymous_responses_by_random_id_and_days_only(
    team, evaluation, submitted, role
) -> None:
    distribution, _invitations, rank = submitted
    api = APIClient()
    api.force_authenticate(team[role].user)
    base = f"/api/v1/evaluations/{evaluation.slug}/distributions/{distribution.pk}"
    rows = api.get(f"{base}/responses/").json()["results"]
    ids = [row["id"] for row in rows]
    _unlinked([int(row["answers"]["B1"].split()[1]) for row in rows], ids)
    assert [rank[i] for i in ids] == [int(row["answers"]["B1"].split()[1]) for row in rows]
    assert all(DAY.match(row["submitted_at"]) for row in rows), rows
    people = api.get(f"{base}/invitations/").json()["results"]
    assert len(people) == N
    for person in people:
        assert DAY.match(person["submitted_at"]) and person["opened_at"] is None
        steps = {step["status"]: step["at"] for step in person["history"]}
        assert "submitted" in steps, person["history"]
        own = [at for status, at in steps.items() if status in ("opened", "started", "submitted")]
        assert all(DAY.match(at) for at in own), person["history"]
        assert not DAY.match(steps["created"])  # the team's own steps keep their time


@pytest.mark.parametrize("role", ["evaluator", "lead"])
def test_workbook_sheets_list_anonymous_responses_by_random_id_and_days_only(
    team, submitted, role
) -> None:
    distribution, _invitations, rank = submitted
    user = team[role].user
    columns = [code for code, _label in raw_columns(distribution)]
    rows = list(raw_response_rows(user=user, distribution=distribution))
    ids = [row[0] for row in rows]
    _unlinked([rank[i] for i in ids], ids)
    when = columns.index("submitted_at")
    assert all(
        isinstance(row[when], dt.date) and not isinstance(row[when], dt.datetime) for row in rows
    )
    (b1,) = [
        q for q in open_answers(user=user, distribution=distribution) if q.question_key == "B1"
    ]
    (group,) = b1.groups
    ranks = [int(text.split()[1]) for text in group.answers]
    _unlinked(ranks, sorted(ids))
    assert ranks == [rank[i] for i in sorted(ids)]


# --- the times stored before: the migration keeps their day only -------------------------------

MIGRATION = "questionnaires.migrations.0004_anonymous_times_to_the_day"
OWN_STEPS = ("opened", "started", "submitted", "returned", "declined")
MIDNIGHT = dt.time(0, 0)


def _exact(day: int, hour: int, minute: int) -> dt.datetime:
    """A time with seconds and microseconds, late in the UTC day (another day elsewhere)."""
    return dt.datetime(2025, 3, day, hour, minute, 17, 123456, tzinfo=dt.UTC)


def _old_rows(distribution, invite, staff_version) -> dict:
    """Invitations, their steps and responses with exact times, written as the code before
    stored them for any distribution: the database state the migration repairs."""
    rows: dict = {"invitations": [], "responses": []}
    for i in range(4):
        invitation = invite(distribution, name=f"Old {distribution.confidentiality} {i}")
        opened, submitted = _exact(3, 22, 10 + i), _exact(4, 23, 40 + i)
        InvitationEvent.objects.create(invitation=invitation, status="sent", at=_exact(3, 9, i))
        InvitationEvent.objects.create(invitation=invitation, status="opened", at=opened)
        InvitationEvent.objects.create(invitation=invitation, status="started", at=opened)
        InvitationEvent.objects.create(invitation=invitation, status="reminded", at=_exact(4, 8, i))
        last = "declined" if i == 3 else ("returned" if i == 2 else "submitted")
        InvitationEvent.objects.create(invitation=invitation, status=last, at=submitted)
        Invitation.objects.filter(pk=invitation.pk).update(
            status=last, sent_at=_exact(3, 9, i), opened_at=opened,
            submitted_at=None if last == "declined" else submitted,
            last_reminder_at=_exact(4, 8, i),
        )  # fmt: skip
        rows["invitations"].append(invitation.pk)
        if last != "declined":
            response = Response.objects.create(
                distribution=distribution, version=staff_version, status="submitted",
                invitation=None if distribution.confidentiality == "anonymous" else invitation,
                started_at=opened, last_saved_at=submitted, submitted_at=submitted,
                late=True,  # the deadline is at 12:00 on the 4th: late by the minute
            )  # fmt: skip
            rows["responses"].append(response.pk)
    return rows


def _times(rows: dict) -> dict:
    return {
        "events": sorted(
            InvitationEvent.objects.filter(invitation__in=rows["invitations"]).values_list(
                "pk", "status", "at"
            )
        ),
        "invitations": sorted(
            Invitation.objects.filter(pk__in=rows["invitations"]).values_list(
                "pk", "created_at", "sent_at", "opened_at", "submitted_at", "last_reminder_at"
            )
        ),
        "responses": sorted(
            Response.objects.filter(pk__in=rows["responses"]).values_list(
                "pk", "started_at", "last_saved_at", "submitted_at", "late"
            )
        ),
    }


def _day_start(value: dt.datetime) -> dt.datetime:
    return dt.datetime.combine(value.astimezone(dt.UTC).date(), MIDNIGHT, tzinfo=dt.UTC)


def test_migration_keeps_only_the_day_of_anonymous_times_stored_before(
    make_distribution, invite, staff_version
) -> None:
    deadline = _exact(4, 12, 0)
    anonymous = make_distribution("anonymous", deadline=deadline)
    team = make_distribution("team", deadline=deadline)
    old_anonymous = _old_rows(anonymous, invite, staff_version)
    old_team = _old_rows(team, invite, staff_version)
    before, team_before = _times(old_anonymous), _times(old_team)

    migration = importlib.import_module(MIGRATION)
    auckland = dt.timezone(dt.timedelta(hours=13))  # the 5th there, the 4th in UTC
    for value in (_exact(4, 23, 59), _exact(4, 23, 59).astimezone(auckland), _exact(5, 0, 0)):
        assert migration.day_start(value) == day_start(value) == _day_start(value)
    migration.anonymous_times_to_the_day(apps, None)
    migration.anonymous_times_to_the_day(apps, None)  # twice: nothing more changes

    after = _times(old_anonymous)
    assert _times(old_team) == team_before  # other distributions keep their times
    # The respondent's own steps: the start of their UTC day; the team's steps keep theirs.
    for (pk, status, was), (pk_after, status_after, at) in zip(
        before["events"], after["events"], strict=True
    ):
        assert (pk_after, status_after) == (pk, status)
        assert at == (_day_start(was) if status in OWN_STEPS else was), status
    own = [at for _pk, status, at in after["events"] if status in OWN_STEPS]
    assert own and all(at.astimezone(dt.UTC).time() == MIDNIGHT for at in own)
    for was, now in zip(before["invitations"], after["invitations"], strict=True):
        pk, created, sent, opened, submitted, reminded = was
        assert now == (
            pk, created, sent, _day_start(opened),
            submitted and _day_start(submitted), reminded,
        )  # fmt: skip
    # Responses: the day of submission, no draft times, late by the day (the 4th is not
    # after the deadline's day), as response_submit stores an anonymous one today.
    assert len(after["responses"]) == 3
    for (pk, _s, _l, submitted, _late), now in zip(
        before["responses"], after["responses"], strict=True
    ):
        assert now == (pk, None, None, _day_start(submitted), False)


def test_anonymous_respondent_steps_are_stored_as_their_day(
    make_distribution, invite, team
) -> None:
    stored = {}
    for mode in ("anonymous", "team"):
        distribution = make_distribution(mode)
        declined = invite(distribution, name=f"Declines {mode}")
        invitation_opened(declined)
        response_save(invitation=declined, answers={"B1": "a draft"})
        invitation_decline(invitation=declined, reason="no time")
        restored = invitation_restore(invitation=declined, by=team["lead"].user)
        assert restored.status == "started"  # the last step before, whatever the times
        answered = invite(distribution, name=f"Answers {mode}")
        invitation_opened(answered)
        response_submit(invitation=answered, answers=COMPLETE)
        stored[mode] = (
            list(
                InvitationEvent.objects.filter(
                    invitation__distribution=distribution, status__in=OWN_STEPS
                ).values_list("status", "at")
            ),
            list(
                Invitation.objects.filter(distribution=distribution).values_list(
                    "opened_at", "submitted_at"
                )
            ),
        )
    events, invitations = stored["anonymous"]
    assert sorted({status for status, _at in events}) == [
        "declined", "opened", "started", "submitted",
    ]  # fmt: skip
    times = [at for _status, at in events] + [t for row in invitations for t in row if t]
    assert len(times) == len(events) + 3
    assert all(at.astimezone(dt.UTC).time() == MIDNIGHT for at in times), times
    events, invitations = stored["team"]  # other distributions keep the exact time
    assert not any(at.astimezone(dt.UTC).time() == MIDNIGHT for _status, at in events)
