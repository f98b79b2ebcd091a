"""The annex "List of persons interviewed"."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from common.errors import ValidationProblem
from evaluations.permissions import SYSTEM
from interviews import services as log_services
from reports.selectors.annex import annex, annex_rows
from tests.factories import UserFactory
from tests.interviews.builders import log, person, unnamed

pytestmark = pytest.mark.django_db

DAY = dt.date(2019, 3, 12)


@pytest.fixture
def logged(evaluation, team):
    """Interviews logged out of date order, under headings and categories."""
    for name in ("External", "Headquarters"):
        log_services.reporting_category_get_or_create(evaluation=evaluation, name=name)
    anna = person(
        "Anna Example", organisation="Example Office", unit="UNIT-X", job_title="Director"
    )
    log(
        evaluation,
        person("Eva Fictional", organisation="Example Research Institute", job_title="Head"),
        date=DAY + dt.timedelta(days=34),
        grouping="External Interviews",
        category="External",
        interviewers=["VI"],
    )
    log(
        evaluation,
        anna,
        person("Bert Sample"),
        date=DAY,
        grouping="Headquarters",
        category="Headquarters",
        interviewers=["LE", "ev"],
    )
    log(
        evaluation,
        unnamed("Ministry of Examples", 5),
        date=DAY + dt.timedelta(days=27),
        date_end=DAY + dt.timedelta(days=29),
        grouping="Example City",
        interviewers=["LE", "ZZ"],
    )
    log(evaluation, unnamed("Members of the Example Group"), date=DAY + dt.timedelta(days=1))
    dropped = log(evaluation, person("Xavier Left"), date=DAY, grouping="Headquarters")
    log_services.interview_exclude(interview=dropped, by=SYSTEM, reason="Duplicate entry")
    return anna


def test_annex_by_grouping_in_order_of_first_appearance(evaluation, team, logged):
    result = annex(evaluation=evaluation, user=team["lead"].user)

    assert not result.names_withheld
    assert annex_rows(result) == [
        ["Name", "Department/Organisation", "Date", "Interviewers"],
        ["Headquarters", "", "", ""],
        ["Anna Example", "Director, UNIT-X, Example Office", "12.3.2019", "LE & EV"],
        ["Bert Sample", "", "12.3.2019", "LE & EV"],
        ["Example City", "", "", ""],
        ["Ministry of Examples (5 people)", "", "8.4.2019–10.4.2019", "LE & ZZ"],
        ["External Interviews", "", "", ""],
        ["Eva Fictional", "Head, Example Research Institute", "15.4.2019", "VI"],
        ["(no heading)", "", "", ""],
        ["Members of the Example Group (group of unknown size)", "", "13.3.2019", ""],
    ]


def test_annex_by_category_in_the_categories_order(evaluation, team, logged):
    result = annex(evaluation=evaluation, user=team["evaluator"].user, by="category")

    assert [(group.heading, [line.name for line in group.lines]) for group in result.groups] == [
        ("External", ["Eva Fictional"]),
        ("Headquarters", ["Anna Example", "Bert Sample"]),
        (
            "(no heading)",
            [
                "Members of the Example Group (group of unknown size)",
                "Ministry of Examples (5 people)",
            ],
        ),
    ]


def test_withheld_names_show_function_and_organisation_only(evaluation, team, logged):
    result = annex(evaluation=evaluation, user=team["lead"].user, withhold_names=True)

    names = [line.name for group in result.groups for line in group.lines]
    assert result.names_withheld
    assert names == [
        "Director, Example Office",
        "(name withheld)",
        "Ministry of Examples (5 people)",
        "Head, Example Research Institute",
        "Members of the Example Group (group of unknown size)",
    ]
    # The function and organisation are in Name: Department does not say them again.
    rows = annex_rows(result)
    named = {row[0]: row[1] for row in rows}
    assert named["Director, Example Office"] == "UNIT-X"
    assert named["Head, Example Research Institute"] == ""


def test_viewers_always_get_names_withheld(evaluation, team, logged):
    result = annex(evaluation=evaluation, user=team["viewer"].user, withhold_names=False)

    text = str(annex_rows(result))
    assert result.names_withheld
    assert "Anna Example" not in text and "Bert Sample" not in text
    assert "Director, Example Office" in text


def test_excluded_interviews_are_left_out(evaluation, team, logged):
    text = str(annex_rows(annex(evaluation=evaluation, user=None)))

    assert "Xavier Left" not in text


def test_outsiders_and_unknown_groupings_are_refused(evaluation, team):
    with pytest.raises(PermissionDenied):
        annex(evaluation=evaluation, user=UserFactory())
    with pytest.raises(ValidationProblem) as refused:
        annex(evaluation=evaluation, user=team["lead"].user, by="country")
    assert list(refused.value.errors) == ["by"]
