"""Open answers compiled per question and grouped by an attribute, only for members who may
read raw answers; answers routed to the lead only are withheld from others and counted."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from common.errors import ValidationProblem
from reports.selectors.open_answers import open_answers
from reports.tables import OpenQuestion
from tests.reports.builders import outside_survey, staff_survey

pytestmark = pytest.mark.django_db


def question(result: list[OpenQuestion], key: str) -> OpenQuestion:
    return next(q for q in result if q.question_key == key)


def texts(open_question: OpenQuestion) -> list[str]:
    return [text for group in open_question.groups for text in group.answers]


ROUTED = [
    {"answers": {"B1": "For the team (1)"}, "route": "team"},
    {"answers": {"B1": "For the lead only (1)"}, "route": "lead"},
    {"answers": {"B1": "For the team (2)", "B2": "Second question"}, "route": "team"},
    {"answers": {"B1": "For the lead only (2)"}, "route": "lead"},
    {"answers": {"B1": "Draft, never sent"}, "route": "team", "status": "draft"},
]


def test_viewers_may_not_read_open_answers(evaluation, team) -> None:
    distribution = staff_survey(evaluation, [{"answers": {"B1": "Something"}}])
    with pytest.raises(PermissionDenied):
        open_answers(user=team["viewer"].user, distribution=distribution)


def test_answers_routed_to_the_lead_are_withheld_from_an_evaluator_and_counted(
    evaluation, team
) -> None:
    distribution = staff_survey(evaluation, ROUTED, confidentiality="respondent")

    result = open_answers(user=team["evaluator"].user, distribution=distribution)

    b1 = question(result, "B1")
    assert texts(b1) == ["For the team (1)", "For the team (2)"]
    assert b1.withheld == 2
    assert question(result, "B2").withheld == 0
    assert texts(question(result, "B2")) == ["Second question"]


def test_the_lead_reads_every_submitted_answer(evaluation, team) -> None:
    distribution = staff_survey(evaluation, ROUTED, confidentiality="respondent")

    b1 = question(open_answers(user=team["lead"].user, distribution=distribution), "B1")

    assert sorted(texts(b1)) == [
        "For the lead only (1)",
        "For the lead only (2)",
        "For the team (1)",
        "For the team (2)",
    ]
    assert b1.withheld == 0
    assert b1.question_label == "1)"
    # Named by section and number: A1 and B1 are both printed "1)".
    assert b1.question_ref == "B1"


def test_a_lead_only_distribution_shows_others_nothing_but_the_count(evaluation, team) -> None:
    distribution = staff_survey(
        evaluation,
        [{"answers": {"B1": "Confidential"}}, {"answers": {"B1": "Also confidential"}}],
        confidentiality="lead",
    )

    b1 = question(open_answers(user=team["evaluator"].user, distribution=distribution), "B1")

    assert texts(b1) == []
    assert b1.withheld == 2


def test_data_entry_reads_only_what_it_keyed_in(evaluation, team) -> None:
    clerk = team["data_entry"].user
    distribution = staff_survey(
        evaluation,
        [
            {"answers": {"B1": "Keyed in by the clerk"}, "channel": "paper", "entered_by": clerk},
            {"answers": {"B1": "Keyed in by the lead"}, "channel": "email"},
            {"answers": {"B1": "Sent online"}},
        ],
    )

    b1 = question(open_answers(user=clerk, distribution=distribution), "B1")

    assert texts(b1) == ["Keyed in by the clerk"]
    assert b1.withheld == 2


def test_answers_are_grouped_by_attribute_with_not_recorded_last(evaluation, team) -> None:
    distribution = staff_survey(
        evaluation,
        [
            {"attributes": {"region": "Europe"}, "answers": {"B1": "From Europe"}},
            {"answers": {"B1": "From nowhere recorded"}},
            {"attributes": {"region": "Africa"}, "answers": {"B1": "From Africa (1)"}},
            {"attributes": {"region": "Africa"}, "answers": {"B1": "From Africa (2)"}},
            {"attributes": {"region": "Asia"}, "answers": {"B2": "Not to B1"}},
        ],
    )

    b1 = question(
        open_answers(user=team["evaluator"].user, distribution=distribution, by="region"), "B1"
    )

    assert [(g.value, g.label) for g in b1.groups] == [
        ("Africa", "Africa"),
        ("Europe", "Europe"),
        ("", "(not recorded)"),
    ]
    assert b1.groups[0].answers == ["From Africa (1)", "From Africa (2)"]


def test_every_open_question_is_listed_in_order_even_unanswered(evaluation, team) -> None:
    distribution = staff_survey(evaluation, [{"answers": {"B8": "Last one"}}])

    result = open_answers(user=team["lead"].user, distribution=distribution)

    assert [q.question_key for q in result] == [
        *(f"A{n}" for n in range(1, 6)),
        *(f"B{n}" for n in range(1, 9)),
    ]
    assert question(result, "A1").groups == []
    assert texts(question(result, "B8")) == ["Last one"]
    assert question(result, "B8").groups[0].label == ""


def test_only_open_questions_of_the_version_are_compiled(evaluation, team) -> None:
    distribution = outside_survey(evaluation, [{"answers": {"Q1": "4", "T1": "A remark"}}])

    result = open_answers(user=team["lead"].user, distribution=distribution)

    assert [(q.question_key, texts(q)) for q in result] == [("T1", ["A remark"])]


def test_an_unknown_attribute_is_refused(evaluation, team) -> None:
    distribution = staff_survey(evaluation, [{"answers": {"B1": "x"}}])
    with pytest.raises(ValidationProblem):
        open_answers(user=team["lead"].user, distribution=distribution, by="favourite_colour")
