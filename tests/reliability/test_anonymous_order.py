"""Anonymous responses cannot be linked to their respondents by order or time (issue 14,
item 1). N known invitees submit in a known order; every door a team member can open (the
distribution page, the invitation pages, the API's responses and invitations, the tracking
CSV, the workbook's Raw and Open sheets) lists the responses by their random id — not in the
submission order — and gives the respondents' times as a day only. The lead sees the same:
anonymous cuts the link for everyone."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest
from django.test import Client
from rest_framework.test import APIClient

from questionnaires.models import Answer
from questionnaires.services import response_save, response_submit
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
    header = lines.index(next(line for line in lines if line[:1] == ["name"]))
    column = lines[header].index("submitted at")
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
