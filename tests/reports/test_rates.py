"""Response rates across an evaluation's distributions: the same numbers as
questionnaires.selectors.tracking, the breakdown falling back to the region where a distribution
does not record it, names of non-responders only for those who may see them."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from common.errors import ValidationProblem
from questionnaires.selectors.tracking import channel_counts, country_rollup, response_rates
from questionnaires.services import distribution_create
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

    rates = evaluation_rates(user=lead, evaluation=surveys[0].evaluation, unsuppressed=True)

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

    rates = evaluation_rates(
        user=team["lead"].user, evaluation=staff.evaluation, by="unit", unsuppressed=True
    )

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


def test_a_viewer_sees_no_group_with_fewer_respondents_than_the_threshold(surveys, team):
    """Africa (2 responded) is under 5; Asia (1) too: both hidden, the Total shown."""
    evaluation = surveys[0].evaluation

    (staff, _partners) = evaluation_rates(user=team["viewer"].user, evaluation=evaluation)

    shown = {row.label: (row.invited, row.responded, row.percent) for row in staff.rows}
    assert shown == {"Africa": (2, None, None), "Asia": (3, None, None), "Total": (5, 3, 60.0)}
    assert staff.threshold == 5
    assert staff.cells(staff.rows[0])[:3] == ["Africa", 2, 0]
    assert "<5" in staff.cells(staff.rows[0])


def test_one_hidden_group_takes_another_with_it(evaluation, team):
    """Seven answered in Africa, two in Europe: Europe is hidden, and so is Africa, or Europe
    would be the Total minus Africa."""
    responses = [{"attributes": {"region": "Africa"}, "answers": {"C1": "4"}}] * 7
    responses += [{"attributes": {"region": "Europe"}, "answers": {"C1": "4"}}] * 2
    staff_survey(evaluation, responses)

    (rates,) = evaluation_rates(user=team["viewer"].user, evaluation=evaluation)

    assert [(row.label, row.responded) for row in rates.rows] == [
        ("Africa", None),
        ("Europe", None),
        ("Total", 9),
    ]


def test_the_country_sentence_keeps_to_what_a_suppressed_view_shows(evaluation, team):
    """Three answered, all in Kenya: a viewer sees neither Africa's count nor the Total, so
    the sentence beside the table gives no count either; the lead's says it all."""
    staff_survey(
        evaluation,
        [
            *[{"attributes": KENYA, "answers": {"C1": "4"}}] * 3,
            {
                "attributes": {**NEPAL, "region": "Africa"},
                "status": "invited",
                "name": "Nina Silent",
            },
            {"attributes": {"region": "Africa"}, "status": "invited", "name": "No Country"},
        ],
    )  # one region only: its count hidden, the Total would give it back
    (viewer,) = evaluation_rates(user=team["viewer"].user, evaluation=evaluation)
    assert viewer.rows[-1].responded is None  # the Total is hidden
    assert viewer.rollup.summary == (
        "No response yet from Nepal. Some recipients without a recorded country have not responded."
    )
    (lead,) = evaluation_rates(user=team["lead"].user, evaluation=evaluation, unsuppressed=True)
    assert lead.rollup.summary == (
        "3 of 5 recipients responded. No response yet from Nepal (Nina Silent). "
        "1 recipient without a recorded country has not responded (No Country)."
    )
