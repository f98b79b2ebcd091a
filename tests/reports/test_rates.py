"""Response rates across an evaluation's distributions: the same numbers as
questionnaires.tracking, the breakdown falling back to the region where a distribution does
not record it, names of non-responders only for those who may see them."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from common.errors import ValidationProblem
from questionnaires.services import distribution_create
from questionnaires.tracking import channel_counts, country_rollup, response_rates
from reports.selectors.rates import evaluation_rates
from tests.reports.builders import lead_of, staff_survey, staff_version

pytestmark = pytest.mark.django_db

KENYA = {"region": "Africa", "country": "Kenya"}
NEPAL = {"region": "Asia", "country": "Nepal"}


@pytest.fixture
def surveys(evaluation, team):
    """Staff (5 invited: 3 replied, one by e-mail), partners (3 invited, 1 replied, with a
    'unit'), and a distribution nobody was invited to."""
    staff = staff_survey(
        evaluation,
        [
            {"attributes": KENYA, "answers": {"C1": "4"}},
            {"attributes": KENYA, "answers": {"C1": "3"}, "channel": "email"},
            {"attributes": NEPAL, "answers": {"C1": "2"}},
            {"attributes": NEPAL, "status": "invited", "name": "Nina Silent"},
            {"attributes": NEPAL, "status": "draft", "answers": {"C1": "1"}, "name": "Dan Draft"},
        ],
        title="Staff",
    )
    partners = staff_survey(
        evaluation,
        [
            {"attributes": {**KENYA, "unit": "HQ"}, "answers": {"C1": "4"}},
            {"attributes": {**NEPAL, "unit": "Field"}, "status": "invited"},
            {"attributes": {"unit": "Field"}, "status": "invited"},
        ],
        title="Partners",
    )
    distribution_create(
        evaluation=evaluation,
        by=lead_of(evaluation),
        version=staff_version(evaluation),
        title="Empty",
    )
    return staff, partners


def test_rates_match_tracking_for_every_distribution_with_invitations(surveys, team) -> None:
    lead = team["lead"].user

    rates = evaluation_rates(user=lead, evaluation=surveys[0].evaluation)

    assert [r.title for r in rates] == ["Staff", "Partners"]
    for rate, distribution in zip(rates, surveys, strict=True):
        assert rate.by == "region" and rate.by_label == "Region"
        assert rate.rows == response_rates(distribution, "region")
        assert rate.channels == channel_counts(distribution)
        assert rate.rollup == country_rollup(distribution, user=lead)
    total = rates[0].rows[-1]
    assert (total.invited, total.responded, total.returned, total.started) == (5, 3, 1, 1)
    assert rates[0].channels["email"] == 1 and rates[0].channels["web"] == 2
    assert [(row.label, row.invited, row.responded) for row in rates[0].rows] == [
        ("Africa", 2, 2),
        ("Asia", 3, 1),
        ("Total", 5, 3),
    ]


def test_a_breakdown_one_distribution_lacks_falls_back_to_the_region(surveys, team) -> None:
    staff, partners = surveys

    rates = evaluation_rates(user=team["lead"].user, evaluation=staff.evaluation, by="unit")

    assert [(r.title, r.by) for r in rates] == [("Staff", "region"), ("Partners", "unit")]
    assert rates[1].rows == response_rates(partners, "unit")
    assert [(row.label, row.invited) for row in rates[1].rows] == [
        ("Field", 2),
        ("HQ", 1),
        ("Total", 3),
    ]


def test_a_breakdown_no_distribution_records_is_refused(surveys, team) -> None:
    with pytest.raises(ValidationProblem, match="shoe_size"):
        evaluation_rates(user=team["lead"].user, evaluation=surveys[0].evaluation, by="shoe_size")


def test_non_responders_are_named_only_for_those_who_may_see_names(surveys, team) -> None:
    evaluation = surveys[0].evaluation

    lead_view = evaluation_rates(user=team["lead"].user, evaluation=evaluation)[0].rollup
    viewer_view = evaluation_rates(user=team["viewer"].user, evaluation=evaluation)[0].rollup

    nepal = {row.country: row for row in lead_view.rows}["Nepal"]
    assert nepal.non_responders == ["Dan Draft", "Nina Silent"]
    assert lead_view.names_shown is True
    assert viewer_view.names_shown is False
    assert all(row.non_responders is None for row in viewer_view.rows)
    assert "Nina" not in viewer_view.summary


def test_outsiders_are_refused(surveys, outsider) -> None:
    with pytest.raises(PermissionDenied):
        evaluation_rates(user=outsider, evaluation=surveys[0].evaluation)
