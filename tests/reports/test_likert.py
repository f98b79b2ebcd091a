"""Likert summaries from real responses: counts and percents in the scale's order, percent
agreeing, mean and SD, answers outside the scale, drafts left out, breakdowns with every value,
small-cell suppression (primary and complementary) and the lead's unsuppressed view."""

from __future__ import annotations

import statistics

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext

from common.errors import ValidationProblem
from reports.selectors.likert import (
    likert_blocks,
    likert_breakdowns,
    likert_rows,
    likert_summary,
    overall_rows,
)
from reports.tables import LikertRow, LikertTable
from tests.reports.builders import likert_answers, outside_survey, staff_survey

pytestmark = pytest.mark.django_db


def item(table: LikertTable, key: str) -> list[LikertRow]:
    return [row for row in table.rows if row.question_key == key]


def counts(row: LikertRow) -> list[int | None]:
    return [point.count for point in row.points]


def percents(row: LikertRow) -> list[float | None]:
    return [point.percent for point in row.points]


def by_group(table: LikertTable, key: str) -> dict[str, LikertRow]:
    return {row.group_label: row for row in item(table, key)[1:]}


def test_seven_responses_give_the_hand_computed_numbers(evaluation, team) -> None:
    answers = likert_answers("4433211")
    answers[0]["channel"] = "email"  # keyed in by the team: counts like any other
    distribution = staff_survey(evaluation, answers)

    (table,) = likert_summary(user=team["viewer"].user, distribution=distribution)

    overall = item(table, "C1")[0]
    assert [p.code for p in table.in_scale] == ["4", "3", "2", "1"]
    assert overall.n == 7
    assert counts(overall) == [2, 2, 1, 2]
    assert percents(overall) == [28.6, 28.6, 14.3, 28.6]
    assert overall.agree_percent == 57.1  # 4 of 7
    assert overall.mean == round(18 / 7, 2) == 2.57
    assert overall.sd == round(statistics.stdev([4, 4, 3, 3, 2, 1, 1]), 2) == 1.27
    assert overall.group_label == "All respondents"
    assert table.respondents == 7
    assert table.suppressed_view is True
    assert table.suppressed_cells == 0


def test_points_stay_in_the_scale_order_when_counts_differ(evaluation, team) -> None:
    distribution = staff_survey(evaluation, likert_answers("1111123"))

    (table,) = likert_summary(user=team["lead"].user, distribution=distribution)

    overall = item(table, "C1")[0]
    assert [p.label for p in table.in_scale] == [
        "Strongly agree",
        "Agree somewhat",
        "Disagree somewhat",
        "Strongly disagree",
    ]
    assert counts(overall) == [0, 1, 1, 5]
    assert overall.agree_percent == 14.3


def test_dont_know_and_not_applicable_stay_outside_n(evaluation, team) -> None:
    codes = ["4", "3", "dk", "dk", "na", "2", "1", "4"]
    distribution = outside_survey(evaluation, [{"answers": {"Q1": c}} for c in codes])

    (table,) = likert_summary(user=team["lead"].user, distribution=distribution)

    overall = item(table, "Q1")[0]
    assert [p.code for p in table.outside] == ["dk", "na"]
    assert overall.n == 5
    assert counts(overall) == [2, 1, 1, 1]
    assert percents(overall) == [40.0, 20.0, 20.0, 20.0]
    assert overall.agree_percent == 60.0
    assert [(o.count, o.percent) for o in overall.outside] == [(2, 25.0), (1, 12.5)]  # of 8
    assert overall.mean == 2.8


def test_drafts_never_count(evaluation, team) -> None:
    answers = likert_answers("44444")
    answers += [{"answers": {"C1": "1"}, "status": "draft"} for _ in range(3)]
    distribution = staff_survey(evaluation, answers)

    (table,) = likert_summary(user=team["lead"].user, distribution=distribution)

    assert counts(item(table, "C1")[0]) == [5, 0, 0, 0]
    assert table.respondents == 5


def test_the_breakdown_shows_every_value_sorted_with_not_recorded_last(evaluation, team) -> None:
    regions = ["Europe", "Africa", "Asia", "", "Americas", "Arab States"]
    responses = [
        {"attributes": {"region": region} if region else {}, "answers": {"C1": "4"}}
        for region in regions
    ]
    responses.append({"attributes": {"region": "Oceania"}, "answers": {"C2": "3"}})
    distribution = staff_survey(evaluation, responses)

    (table,) = likert_summary(
        user=team["lead"].user, distribution=distribution, by="region", unsuppressed=True
    )

    groups = by_group(table, "C1")
    assert list(groups) == [
        "Africa",
        "Americas",
        "Arab States",
        "Asia",
        "Europe",
        "Oceania",  # answered nothing on C1: shown with n = 0
        "(not recorded)",
    ]
    assert groups["Oceania"].n == 0
    assert groups["(not recorded)"].group == ""
    assert groups["Africa"].n == 1
    assert table.by_label == "Region"
    assert table.suppressed_view is False


def test_breakdowns_offered_are_the_attributes_on_the_responses(evaluation, team) -> None:
    distribution = staff_survey(
        evaluation,
        [
            {"attributes": {"unit": "HQ", "region": "Africa"}, "answers": {"C1": "4"}},
            {"attributes": {"years_of_service_band": "5-10"}, "answers": {"C1": "3"}},
        ],
    )
    keys = [key for key, _label in likert_breakdowns(distribution)]
    assert keys == ["region", "years_of_service_band", "unit"]


def test_an_unknown_breakdown_is_refused_with_the_known_ones(evaluation, team) -> None:
    distribution = staff_survey(evaluation, [{"attributes": {"region": "Asia"}}])
    with pytest.raises(ValidationProblem, match="region"):
        likert_summary(user=team["lead"].user, distribution=distribution, by="shoe_size")


# --- suppression -------------------------------------------------------------------------------


def regions(spec: dict[str, str]) -> list[dict]:
    return [
        {"attributes": {"region": region}, "answers": {"C1": code}}
        for region, codes in spec.items()
        for code in codes
    ]


SMALL_GROUPS = {
    "Africa": "4444411",  # n 7: two strongly disagree (a small cell)
    "Asia": "444444",  # n 6: the next-smallest group
    "Europe": "44444444",  # n 8
    "Oceania": "33",  # n 2: under the threshold
}


def assert_not_recoverable(table: LikertTable, key: str) -> None:
    """No hidden count is alone in its column (the overall row is its total) nor, where the
    group's n is shown, alone among its row's points."""
    groups = item(table, key)[1:]
    for column in range(len(table.in_scale)):
        hidden = sum(1 for row in groups if row.points[column].count is None)
        assert hidden != 1, column
    for row in groups:
        if row.n is not None:
            assert sum(1 for p in row.points if p.count is None) != 1, row.group_label


def test_a_small_group_is_hidden_whole_with_the_next_smallest(evaluation, team) -> None:
    distribution = staff_survey(evaluation, regions(SMALL_GROUPS))

    (table,) = likert_summary(user=team["viewer"].user, distribution=distribution, by="region")

    groups = by_group(table, "C1")
    oceania, asia = groups["Oceania"], groups["Asia"]
    assert oceania.n is None and counts(oceania) == [None] * 4
    assert oceania.mean is None and oceania.sd is None and oceania.agree_percent is None
    # Alone, Oceania = total − the others: Asia (n 6, the next smallest) goes with it.
    assert asia.n is None and counts(asia) == [None] * 4
    assert groups["Europe"].n == 8 and counts(groups["Europe"]) == [8, 0, 0, 0]
    assert groups["Europe"].mean == 4.0
    assert_not_recoverable(table, "C1")
    # The overall row stays: 23 answers.
    assert counts(item(table, "C1")[0]) == [19, 2, 0, 2]


def test_a_small_count_is_hidden_with_a_complement_in_its_group(evaluation, team) -> None:
    distribution = staff_survey(evaluation, regions(SMALL_GROUPS))

    (table,) = likert_summary(user=team["viewer"].user, distribution=distribution, by="region")

    africa = by_group(table, "C1")["Africa"]
    assert africa.n == 7
    assert counts(africa)[3] is None  # the two who strongly disagree
    # n is shown, so a second count of the row is hidden (the 5), and with them the numbers
    # that would let one solve for them.
    assert counts(africa) == [None, 0, 0, None]
    assert percents(africa) == [None, 0.0, 0.0, None]
    assert africa.mean is None and africa.sd is None and africa.agree_percent is None
    assert africa.suppressed is True
    assert table.suppressed_cells == 4 + 4 + 2  # Oceania, Asia whole; Africa's two


def test_suppressed_cells_are_written_as_under_the_threshold(evaluation, team) -> None:
    distribution = staff_survey(evaluation, regions(SMALL_GROUPS))
    (table,) = likert_summary(user=team["viewer"].user, distribution=distribution, by="region")

    lines = likert_rows(table)

    header = lines[0]
    assert header[:4] == ["Item", "Statement", "Region", "n"]
    assert header[4:6] == ["Strongly agree (n)", "Strongly agree (%)"]
    assert header[-3:] == ["Agree (%)", "Mean", "SD"]
    rows = {(line[0], line[2]): line for line in lines[1:]}
    assert rows["C1", "Oceania"][3:] == ["<5"] * 12
    assert rows["C1", "Africa"][3:] == [7, "<5", "<5", 0, 0.0, 0, 0.0, "<5", "<5", "<5", "<5", "<5"]
    assert rows["C1", "Europe"][3:] == [8, 8, 100.0, 0, 0.0, 0, 0.0, 0, 0.0, 100.0, 4.0, 0.0]
    # An item nobody answered: undefined numbers are blank, not suppressed.
    assert rows["C2", "Europe"][3:] == [0, 0, "", 0, "", 0, "", 0, "", "", "", ""]


def test_the_overall_row_is_hidden_under_the_threshold(evaluation, team) -> None:
    distribution = staff_survey(evaluation, likert_answers("443"))

    (table,) = likert_summary(user=team["viewer"].user, distribution=distribution)

    overall = item(table, "C1")[0]
    assert overall.n is None and counts(overall) == [None] * 4
    assert overall.mean is None


def test_the_lead_may_see_the_unsuppressed_view(evaluation, team) -> None:
    distribution = staff_survey(evaluation, regions(SMALL_GROUPS))

    (table,) = likert_summary(
        user=team["lead"].user, distribution=distribution, by="region", unsuppressed=True
    )

    groups = by_group(table, "C1")
    assert table.suppressed_view is False
    assert table.suppressed_cells == 0
    assert counts(groups["Oceania"]) == [0, 2, 0, 0]
    assert counts(groups["Africa"]) == [5, 0, 0, 2]
    assert groups["Africa"].mean == round(22 / 7, 2)


def test_a_viewer_may_not_ask_for_the_unsuppressed_view(evaluation, team) -> None:
    distribution = staff_survey(evaluation, likert_answers("44444"))
    for role in ("viewer", "evaluator"):
        with pytest.raises(PermissionDenied):
            likert_summary(user=team[role].user, distribution=distribution, unsuppressed=True)


def test_outsiders_see_nothing(evaluation, team, outsider) -> None:
    distribution = staff_survey(evaluation, likert_answers("44444"))
    with pytest.raises(PermissionDenied):
        likert_summary(user=outsider, distribution=distribution)


def test_outside_counts_hide_their_percents_with_any_of_them(evaluation, team) -> None:
    responses = [
        *({"attributes": {"region": "Africa"}, "answers": {"Q1": "4"}} for _ in range(6)),
        {"attributes": {"region": "Africa"}, "answers": {"Q1": "dk"}},
        *({"attributes": {"region": "Asia"}, "answers": {"Q1": "4"}} for _ in range(6)),
        {"attributes": {"region": "Asia"}, "answers": {"Q1": "dk"}},
    ]
    distribution = outside_survey(evaluation, responses)

    (table,) = likert_summary(user=team["viewer"].user, distribution=distribution, by="region")

    africa = by_group(table, "Q1")["Africa"]
    assert counts(africa) == [6, 0, 0, 0]
    assert africa.mean == 4.0  # no in-scale count hidden
    assert [(o.count, o.percent) for o in africa.outside] == [(None, None), (0, None)]
    overall = item(table, "Q1")[0]
    assert [(o.count, o.percent) for o in overall.outside] == [(2, 14.3), (0, 0.0)]


# --- blocks, overall rows, queries -------------------------------------------------------------


def test_one_block_can_be_asked_for(evaluation, team) -> None:
    distribution = staff_survey(evaluation, likert_answers("44444"))
    (block,) = likert_blocks(distribution)

    tables = likert_summary(user=team["lead"].user, distribution=distribution, block=block)

    assert [t.block_key for t in tables] == ["survey"]
    assert tables[0].block_title == "Evaluation Survey"
    assert [row.question_key for row in overall_rows(tables[0])] == [f"C{n}" for n in range(1, 7)]


def test_queries_do_not_grow_with_responses_or_groups(evaluation, team) -> None:
    small = staff_survey(evaluation, regions({"Africa": "44444"}), title="small")
    large = staff_survey(evaluation, regions(SMALL_GROUPS), title="large")
    user = team["viewer"].user
    likert_summary(user=user, distribution=small, by="region")  # the role, remembered

    with CaptureQueriesContext(connection) as few:
        likert_summary(user=user, distribution=small, by="region")
    with CaptureQueriesContext(connection) as many:
        likert_summary(user=user, distribution=large, by="region")

    assert len(many) == len(few) <= 8


def test_overall_rows_are_marked_apart_from_the_not_recorded_group(evaluation, team) -> None:
    distribution = staff_survey(evaluation, likert_answers("44444"))

    (table,) = likert_summary(
        user=team["lead"].user, distribution=distribution, by="region", unsuppressed=True
    )

    first = item(table, "C1")
    assert [(row.group, row.group_label, row.is_overall) for row in first] == [
        ("", "All respondents", True),
        ("", "(not recorded)", False),
    ]
    assert overall_rows(table) == [item(table, f"C{n}")[0] for n in range(1, 7)]
