"""Open-link responses in the reports: marked in the Raw sheet, counted by channel, and never
in a response rate's denominator or numerator."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from questionnaires.services.open_links import open_link_enter, open_link_save
from questionnaires.services.responses import response_submit
from reports.selectors.dashboard import evaluation_dashboard
from reports.selectors.rates import evaluation_rates
from reports.workbook import workbook_write
from tests.conftest import COMPLETE

pytestmark = pytest.mark.django_db


@pytest.fixture
def answered(make_distribution, team, invite):
    """One invited person who answered, one who did not, one open-link response."""
    distribution = make_distribution()
    response_submit(invitation=invite(distribution, name="Ana Invited"), answers=COMPLETE)
    invite(distribution, name="Ben Waiting")
    link = open_link_save(distribution=distribution, by=team["lead"].user)
    response_submit(invitation=open_link_enter(link=link), answers=COMPLETE)
    return distribution


def test_the_raw_sheet_marks_the_open_link_response(answered, evaluation, team):
    target = io.BytesIO()
    workbook_write(target, evaluation=evaluation, user=team["lead"].user, labels=True)
    book = load_workbook(io.BytesIO(target.getvalue()))
    (name,) = [n for n in book.sheetnames if n.startswith("Raw")]
    rows = list(book[name].values)
    channel = rows[0].index("Channel")
    assert sorted(row[channel] for row in rows[1:]) == ["Online form", "Open link"]


def test_rates_count_the_invited_only_and_the_open_link_by_channel(answered, evaluation, team):
    lead = team["lead"].user
    (rates,) = evaluation_rates(user=lead, evaluation=evaluation, unsuppressed=True)
    total = rates.rows[-1]
    assert (total.invited, total.responded, total.percent) == (2, 1, 50.0)
    assert rates.channels["open"] == 1 and rates.channels["web"] == 1


def test_the_dashboard_shows_the_open_link_apart(answered, evaluation, team):
    (line,) = evaluation_dashboard(user=team["lead"].user, evaluation=evaluation).distributions
    assert (line.invited, line.submitted, line.open_link) == (2, 1, 1)
