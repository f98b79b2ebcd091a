"""Layouts, category rules (applied in the database), printed numbers and overrides."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from common.errors import ValidationProblem
from evaluations.permissions import SYSTEM
from interviews import services as log_services
from interviews.models import CategoryRule, Interview
from interviews.services import categories as category_services
from reports.models import LayoutCell
from reports.services import layouts
from stakeholders import services as registry
from stakeholders.models import Region
from tests.interviews.builders import country, group, log, person, unnamed

pytestmark = pytest.mark.django_db

ParticipantInput = log_services.ParticipantInput


def category_of(interview: Interview) -> str:
    interview.refresh_from_db()
    return interview.category.name if interview.category_id else ""


def governments_then_places(evaluation) -> list[CategoryRule]:
    return category_services.category_rules_set(
        evaluation=evaluation,
        by=SYSTEM,
        rules=[
            {"field": "participant_group", "value": "Government", "category": "Governments"},
            {"field": "grouping", "value": "BUDAPEST", "category": "Europe"},
            {"field": "office_region", "value": "africa", "category": "Africa"},
            {"field": "country", "value": "th", "category": "Thailand"},
            {"field": "mode", "value": "Phone", "category": "By phone"},
            {"field": "any", "value": "", "category": "Other"},
        ],
    )


def test_rules_first_match_wins(evaluation):
    minister = ParticipantInput(
        person=person("Mina Minister"), stakeholder_group=group("government")
    )
    office = registry.office_create(
        by=SYSTEM,
        name="Example Regional Office",
        type="regional",
        region=Region.objects.get(code="africa"),
    )
    in_budapest_with_government = log(evaluation, minister, grouping="Budapest")
    in_budapest = log(evaluation, person("Bert Sample"), grouping="budapest")
    from_africa = log(evaluation, ParticipantInput(person=person("Ada Office"), office=office))
    in_thailand_by_phone = log(evaluation, person("Tom Thai"), country=country("TH"), mode="phone")
    by_phone = log(evaluation, person("Pia Phone"), mode="phone")
    anything = log(evaluation, unnamed("Visitors", 3))

    rules = governments_then_places(evaluation)

    assert [rule.order for rule in rules] == [1, 2, 3, 4, 5, 6]
    assert rules[4].value == "phone"  # the mode's label is stored as its code
    assert [
        category_of(i)
        for i in (
            in_budapest_with_government,
            in_budapest,
            from_africa,
            in_thailand_by_phone,
            by_phone,
            anything,
        )
    ] == ["Governments", "Europe", "Africa", "Thailand", "By phone", "Other"]


def test_categories_apply_leaves_categories_set_by_hand_alone(evaluation):
    governments_then_places(evaluation)
    by_hand = log(evaluation, person("Bert Sample"), grouping="Budapest", category="Workers")
    by_rule = log(evaluation, person("Carl Test"), grouping="Budapest")

    assert category_services.categories_apply(evaluation=evaluation) == 1

    assert (category_of(by_hand), category_of(by_rule)) == ("Workers", "Europe")
    assert by_hand.category_by_hand


def test_categories_apply_counts_interviews_categorised(evaluation):
    log(evaluation, person("Anna Example"), grouping="Budapest")
    log(evaluation, person("Bert Sample"), grouping="Paris")
    category_services.category_rules_set(
        evaluation=evaluation,
        by=SYSTEM,
        rules=[{"field": "grouping", "value": "Budapest", "category": "Europe"}],
    )

    assert category_services.categories_apply(evaluation=evaluation) == 1
    assert Interview.objects.filter(category__name="Europe").count() == 1
    assert Interview.objects.filter(category=None).count() == 1


def test_a_new_rule_set_takes_back_what_the_old_rules_decided(evaluation):
    interview = log(evaluation, person("Anna Example"), grouping="Budapest")
    governments_then_places(evaluation)
    assert category_of(interview) == "Europe"

    category_services.category_rules_set(evaluation=evaluation, by=SYSTEM, rules=[])

    assert category_of(interview) == ""


def test_rules_set_is_all_or_nothing_and_names_the_bad_rule(evaluation):
    governments_then_places(evaluation)

    with pytest.raises(ValidationProblem) as refused:
        category_services.category_rules_set(
            evaluation=evaluation,
            by=SYSTEM,
            rules=[
                {"field": "grouping", "value": "Paris", "category": "France"},
                {"field": "region", "value": "Atlantis", "category": "Elsewhere"},
            ],
        )

    assert refused.value.errors == {"rule 2": ["No region is called “Atlantis”."]}
    assert CategoryRule.objects.filter(evaluation=evaluation).count() == 6
    assert not evaluation.reporting_categories.filter(name="France").exists()


@pytest.mark.parametrize(
    ("rule", "field"),
    [
        ({"field": "colour", "value": "red", "category": "X"}, "field"),
        ({"field": "mode", "value": "telepathy", "category": "X"}, "value"),
        ({"field": "grouping", "value": " ", "category": "X"}, "value"),
        ({"field": "grouping", "value": "Paris", "category": ""}, "category"),
        ({"field": "grouping", "value": "Paris", "category": 7}, "category"),  # not a name
    ],
)
def test_bad_rules_are_refused(evaluation, rule, field):
    with pytest.raises(ValidationProblem) as refused:
        category_services.category_rules_set(evaluation=evaluation, by=SYSTEM, rules=[rule])

    assert list(refused.value.errors) == ["rule 1"]


def test_interviews_logged_or_changed_follow_the_rules(evaluation, team):
    governments_then_places(evaluation)
    interview = log(evaluation, person("Anna Example"), grouping="Paris")
    assert category_of(interview) == "Other"

    log_services.interview_update(interview=interview, by=SYSTEM, grouping="Budapest")
    assert category_of(interview) == "Europe"

    minister = ParticipantInput(
        person=person("Mina Minister"), stakeholder_group=group("government")
    )
    log_services.interview_update(interview=interview, by=SYSTEM, participants=[minister])
    assert category_of(interview) == "Governments"

    log_services.interview_update(interview=interview, by=SYSTEM, category="Workers")
    log_services.interview_update(interview=interview, by=SYSTEM, grouping="Paris")
    assert category_of(interview) == "Workers"  # by hand: the rules leave it alone

    log_services.interview_update(interview=interview, by=SYSTEM, category=None)
    assert category_of(interview) == "Governments"


def test_category_set_by_hand_and_given_back_to_the_rules(evaluation, team):
    governments_then_places(evaluation)
    interview = log(evaluation, person("Anna Example"), grouping="Budapest")

    log_services.interview_update(
        interview=interview, by=team["evaluator"].user, category="Workers"
    )
    category_services.categories_apply(evaluation=evaluation)
    assert category_of(interview) == "Workers"

    log_services.interview_update(interview=interview, by=team["lead"].user, category=None)
    interview.refresh_from_db()
    assert category_of(interview) == "Europe"
    assert not interview.category_by_hand


@pytest.mark.parametrize("role", ["data_entry", "viewer"])
def test_only_lead_and_evaluators_decide_layouts_rules_and_overrides(evaluation, team, role):
    user = team[role].user
    layout = layouts.layout_create(evaluation=evaluation, by=SYSTEM, name="Report")

    for attempt in (
        lambda: layouts.layout_create(evaluation=evaluation, by=user, name="Mine"),
        lambda: layouts.layout_update(layout=layout, by=user, title="Mine"),
        lambda: category_services.category_rules_set(evaluation=evaluation, by=user, rules=[]),
        lambda: layouts.printed_set(
            layout=layout, by=user, category=None, column="interviews", value=1
        ),
        lambda: layouts.override_set(
            layout=layout, by=user, category=None, column="interviews", value=1, reason="x"
        ),
        lambda: layouts.override_clear(layout=layout, by=user, category=None, column="interviews"),
    ):
        with pytest.raises(PermissionDenied):
            attempt()
    assert not LayoutCell.objects.exists()


@pytest.mark.parametrize("reason", [None, "", "   "])
def test_override_without_a_reason_is_refused(evaluation, team, reason):
    layout = layouts.layout_create(evaluation=evaluation, by=SYSTEM, name="Report")

    with pytest.raises(ValidationProblem) as refused:
        layouts.override_set(
            layout=layout,
            by=team["lead"].user,
            category=None,
            column="participants",
            value=12,
            reason=reason,
        )

    assert list(refused.value.errors) == ["reason"]
    assert not LayoutCell.objects.exists()


def test_negative_numbers_are_refused(evaluation, team):
    layout = layouts.layout_create(evaluation=evaluation, by=SYSTEM, name="Report")

    with pytest.raises(ValidationProblem):
        layouts.override_set(
            layout=layout, by=SYSTEM, category=None, column="participants", value=-1, reason="typo"
        )
    with pytest.raises(ValidationProblem):
        layouts.printed_set(layout=layout, by=SYSTEM, category=None, column="interviews", value=-3)
    assert not LayoutCell.objects.exists()


def test_override_is_kept_with_author_and_time_and_cleared_back(evaluation, team):
    lead = team["evaluator"].user
    layout = layouts.layout_create(evaluation=evaluation, by=lead, name="Report")
    category = log_services.reporting_category_get_or_create(evaluation=evaluation, name="Europe")
    layouts.printed_set(layout=layout, by=lead, category=category, column="interviews", value=4)

    cell = layouts.override_set(
        layout=layout,
        by=lead,
        category=category,
        column="interviews",
        value=5,
        reason=" Late entry ",
    )

    cell.refresh_from_db()
    assert (cell.printed, cell.override, cell.override_reason, cell.override_by) == (
        4,
        5,
        "Late entry",
        lead,
    )
    assert cell.override_at is not None
    layouts.override_clear(layout=layout, by=lead, category=category, column="interviews")
    cell.refresh_from_db()
    assert (cell.printed, cell.override, cell.override_reason, cell.override_by) == (
        4,
        None,
        "",
        None,
    )


def test_printed_none_clears_the_number(evaluation, team):
    layout = layouts.layout_create(evaluation=evaluation, by=SYSTEM, name="Report")
    layouts.printed_set(layout=layout, by=SYSTEM, category=None, column="interviews", value=10)
    assert LayoutCell.objects.get(layout=layout, category=None).printed == 10

    layouts.printed_set(layout=layout, by=SYSTEM, category=None, column="interviews", value=None)

    assert not LayoutCell.objects.filter(layout=layout).exists()


def test_unknown_column_is_refused(evaluation):
    layout = layouts.layout_create(evaluation=evaluation, by=SYSTEM, name="Report")

    with pytest.raises(ValidationProblem) as refused:
        layouts.printed_set(layout=layout, by=SYSTEM, category=None, column="people", value=1)

    assert list(refused.value.errors) == ["column"]


def test_layout_names_are_unique_ignoring_case(evaluation, team):
    layout = layouts.layout_create(
        evaluation=evaluation, by=team["lead"].user, name="As printed", show_sex=True
    )
    assert layout.show_sex

    with pytest.raises(ValidationProblem) as refused:
        layouts.layout_create(evaluation=evaluation, by=SYSTEM, name=" as PRINTED ")

    assert list(refused.value.errors) == ["name"]
    layouts.layout_update(layout=layout, by=team["lead"].user, name="Final", show_modes=True)
    layout.refresh_from_db()
    assert (layout.name, layout.show_modes, layout.show_sex) == ("Final", True, True)
