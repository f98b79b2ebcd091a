"""The overview of interviews: numbers per category, Total of distinct people, printed
numbers and overrides, the rows for CSV/xlsx."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from common.errors import ValidationProblem
from evaluations.permissions import SYSTEM
from interviews import services as log_services
from interviews.models import Interview, ReportingCategory
from interviews.selectors import log_counts
from interviews.services import categories as category_services
from reports.selectors.overview import interview_overview, overview_rows
from reports.services import layouts
from stakeholders.models import Person
from tests.factories import UserFactory
from tests.interviews.builders import country, group, log, person, unnamed

pytestmark = pytest.mark.django_db

DAY = dt.date(2019, 3, 12)
CATEGORIES = ["Headquarters", "Region A", "Region B", "Key external informants", "Employers"]


def categories(evaluation) -> dict[str, ReportingCategory]:
    return {
        name: log_services.reporting_category_get_or_create(evaluation=evaluation, name=name)
        for name in CATEGORIES
    }


def invented_example(evaluation) -> dict[str, object]:
    """The invented example of evaluation_context.md §2, logged through the services: rules
    first, interviews after (each categorised as it is logged)."""
    found = categories(evaluation)
    category_services.category_rules_set(
        evaluation=evaluation,
        by=SYSTEM,
        rules=[
            {"field": "participant_group", "value": "employers", "category": "Employers"},
            {"field": "grouping", "value": "geneva", "category": "Headquarters"},
            {"field": "region", "value": "Africa", "category": "Region A"},
            {"field": "region", "value": "americas", "category": "Region B"},
        ],
    )
    anna, bert, carl = person("Anna Example"), person("Bert Sample"), person("Carl Test")
    first = log(evaluation, anna, date=DAY, grouping="Geneva", interviewers=["LE"])
    log_services.follow_up_create(of=first, by=SYSTEM, date=DAY + dt.timedelta(days=21))
    log(evaluation, bert, date=DAY, grouping="Geneva")
    log(evaluation, carl, date=DAY, grouping="Geneva")
    log(evaluation, person("Dora Demo"), date=DAY, country=country("KE"))
    log(evaluation, unnamed("Ministry of Examples", 5), date=DAY, country=country("BR"))
    log(evaluation, person("Emil Fictional"), date=DAY, country=country("BR"))
    for name in ("Fay Informant", "Gus Informant"):
        log(evaluation, person(name), date=DAY, category=found["Key external informants"])
    employer = person("Hana Employer")
    log(
        evaluation,
        log_services.ParticipantInput(person=employer, stakeholder_group=group("employers")),
        date=DAY,
        grouping="Geneva",  # the employers' rule comes first: it decides
    )
    return {"categories": found, "anna": anna, "first": first}


def numbers(table) -> dict[str, tuple[str, str]]:
    return {
        row.label: (row.interviews.text, row.participants.text)
        for row in [*table.rows, table.total]
    }


def test_invented_example_gives_the_printed_numbers(evaluation, team):
    invented_example(evaluation)

    table = interview_overview(evaluation=evaluation, user=team["lead"].user)

    assert numbers(table) == {
        "Headquarters": ("4", "3"),
        "Region A": ("1", "1"),
        "Region B": ("2", "6"),
        "Key external informants": ("2", "2"),
        "Employers": ("1", "1"),
        "Total": ("10", "13"),
    }
    assert [row.label for row in table.rows] == CATEGORIES
    assert table.footnotes == []  # nobody is in two categories: the Total is the column sum
    assert table.by_hand == 2
    assert [(line.order, line.matched) for line in table.rules] == [(1, 1), (2, 4), (3, 1), (4, 2)]
    # The rules read as people say them: the group and region by their names, not codes.
    assert [line.text for line in table.rules] == [
        "A participant's stakeholder group is Employers' organisations → Employers",
        "The interview's grouping (heading) is geneva → Headquarters",
        "The interview's region is Africa → Region A",
        "The interview's region is Americas → Region B",
    ]


def test_total_counts_distinct_people_like_the_log(evaluation, team):
    invented_example(evaluation)

    table = interview_overview(evaluation=evaluation, user=team["lead"].user)

    counts = log_counts(Interview.objects.filter(evaluation=evaluation))
    people = Person.objects.filter(participations__interview__evaluation=evaluation).distinct()
    assert table.total.participants.computed == counts.participants == people.count() + 5 == 13
    assert table.total.interviews.computed == counts.interviews == 10


def test_person_in_two_categories_counts_once_in_the_total_with_a_footnote(evaluation, team):
    found = categories(evaluation)
    anna = person("Anna Example")
    log(evaluation, anna, category=found["Headquarters"])
    log(evaluation, anna, person("Bert Sample"), category=found["Region A"])

    table = interview_overview(evaluation=evaluation, user=team["lead"].user)

    assert numbers(table)["Headquarters"] == ("1", "1")
    assert numbers(table)["Region A"] == ("1", "2")
    assert numbers(table)["Total"] == ("2", "2")
    assert table.footnotes == [
        "The Total counts 2 distinct participants; the rows add up to 3: 1 of them are "
        "counted in more than one category."
    ]


def test_group_of_unknown_size_makes_the_cell_at_least_with_a_footnote(evaluation, team):
    found = categories(evaluation)
    log(evaluation, unnamed("Union delegates"), person("Anna Example"), category="Region B")

    table = interview_overview(evaluation=evaluation, user=team["lead"].user)

    region_b = next(row for row in table.rows if row.category_id == found["Region B"].pk)
    assert region_b.participants.at_least and region_b.participants.text == "≥ 1"
    assert table.total.participants.text == "≥ 1"
    assert not table.rows[0].participants.at_least  # an empty row says 0, plainly
    assert table.footnotes[0].startswith("≥: at least this many participants. 1 group(s)")
    assert overview_rows(table)[3][2] == "≥ 1"


def test_group_met_again_in_a_follow_up_counts_once(evaluation, team):
    categories(evaluation)
    first = log(evaluation, unnamed("Ministry of Examples", 6), category="Region B")
    log_services.follow_up_create(
        of=first, by=SYSTEM, date=first.date + dt.timedelta(days=3), category="Region B"
    )
    log_services.follow_up_create(of=first, by=SYSTEM, date=first.date + dt.timedelta(days=5))

    table = interview_overview(evaluation=evaluation, user=team["lead"].user)

    assert numbers(table)["Region B"] == ("2", "6")
    # Met again in another category: counted there too, and once in the Total.
    assert numbers(table)["(no category)"] == ("1", "6")
    assert numbers(table)["Total"] == ("3", "6")
    assert log_counts(Interview.objects.filter(evaluation=evaluation)).participants == 6


def test_uncategorised_interviews_come_last_and_excluded_ones_are_listed(evaluation, team):
    categories(evaluation)
    log(evaluation, person("Anna Example"), category="Employers")
    log(evaluation, person("Bert Sample"))
    dropped = log(evaluation, person("Carl Test"), category="Employers", grouping="Lyon")
    log_services.interview_exclude(interview=dropped, by=SYSTEM, reason="Not an interview")

    table = interview_overview(evaluation=evaluation, user=team["viewer"].user)

    assert [row.label for row in table.rows][-2:] == ["Employers", "(no category)"]
    assert numbers(table)["(no category)"] == ("1", "1")
    assert numbers(table)["Employers"] == ("1", "1")
    assert numbers(table)["Total"] == ("2", "2")
    assert [(e.interview_id, e.label, e.reason) for e in table.excluded] == [
        (dropped.pk, "Lyon", "Not an interview")
    ]


def test_an_excluded_interview_is_never_named_after_its_participant_for_a_viewer(evaluation, team):
    dropped = log(evaluation, person("Carl Test"))
    log_services.interview_exclude(interview=dropped, by=SYSTEM, reason="Asked not to be quoted")

    viewer = interview_overview(evaluation=evaluation, user=team["viewer"].user)
    lead = interview_overview(evaluation=evaluation, user=team["lead"].user)

    assert [(e.label, e.reason) for e in lead.excluded] == [("Carl Test", "Asked not to be quoted")]
    (seen,) = viewer.excluded
    assert "Carl" not in seen.label and seen.label == str(dropped)


def test_printed_numbers_show_beside_computed_with_the_difference(evaluation, team):
    found = invented_example(evaluation)["categories"]
    layout = layouts.layout_create(evaluation=evaluation, by=team["lead"].user, name="Report")
    lead = team["lead"].user
    layouts.printed_set(
        layout=layout, by=lead, category=found["Region B"], column="participants", value=7
    )
    layouts.printed_set(layout=layout, by=lead, category=None, column="interviews", value=10)

    table = interview_overview(evaluation=evaluation, user=lead, layout="report")

    region_b = table.rows[2].participants
    assert (region_b.computed, region_b.printed, region_b.difference) == (6, 7, -1)
    assert (table.total.interviews.printed, table.total.interviews.difference) == (10, 0)
    assert table.has_printed
    rows = overview_rows(table)
    assert rows[0] == [
        "Category",
        "Interviews",
        "Participants",
        "Interviews (printed)",
        "Interviews (difference)",
        "Participants (printed)",
        "Participants (difference)",
        "Override reason",
    ]
    assert rows[3] == ["Region B", 2, 6, "", "", 7, -1, ""]
    assert rows[-1] == ["Total", 10, 13, 10, 0, "", "", ""]


def test_override_shows_instead_of_computed_with_author_and_reason(evaluation, team):
    found = invented_example(evaluation)["categories"]
    lead = team["lead"].user
    layout = layouts.layout_create(evaluation=evaluation, by=lead, name="Report")
    layouts.override_set(
        layout=layout,
        by=lead,
        category=found["Headquarters"],
        column="participants",
        value=4,
        reason="One participant was logged under another name",
    )

    table = interview_overview(evaluation=evaluation, user=team["viewer"].user)

    cell = table.rows[0].participants
    assert (cell.computed, cell.shown, cell.override_by) == (3, 4, str(lead))
    rows = overview_rows(table)
    assert rows[1][:3] == ["Headquarters", 4, 4]
    assert rows[1][-1] == (
        f"Participants overridden (computed 3) by {lead}: "
        "One participant was logged under another name"
    )
    assert len(rows[0]) == 8  # printed, difference and reason columns: an override is there


def test_without_printed_numbers_the_rows_have_three_columns(evaluation, team):
    invented_example(evaluation)

    rows = overview_rows(interview_overview(evaluation=evaluation, user=None))

    assert rows[0] == ["Category", "Interviews", "Participants"]
    assert rows[-1] == ["Total", 10, 13]


def test_optional_columns_count_group_interviews_follow_ups_modes_and_sex(evaluation, team):
    categories(evaluation)
    anna = person("Anna Example")
    Person.objects.filter(pk=anna.pk).update(sex="f")
    first = log(evaluation, anna, person("Bert Sample"), category="Headquarters")
    log_services.follow_up_create(
        of=first,
        by=SYSTEM,
        date=first.date + dt.timedelta(days=1),
        mode="phone",
        category="Headquarters",
    )
    log(evaluation, unnamed("Delegates", 3), category="Region A", kind="group")
    log(evaluation, anna, category="Region A")
    layout = layouts.layout_create(
        evaluation=evaluation,
        by=SYSTEM,
        name="Full",
        show_group_interviews=True,
        show_follow_ups=True,
        show_modes=True,
        show_sex=True,
    )

    table = interview_overview(evaluation=evaluation, user=None, layout=layout)

    assert [key for key, _label in table.columns] == [
        "group_interviews",
        "follow_ups",
        "mode:in_person",
        "mode:phone",
        "sex:F",
        "sex:M",
        "sex:X",
        "sex:",
    ]
    hq, region_a = table.rows[0].extra, table.rows[1].extra
    assert hq == {
        **dict.fromkeys([k for k, _label in table.columns], 0),
        "group_interviews": 2,  # two people at once, twice
        "follow_ups": 1,
        "mode:in_person": 1,
        "mode:phone": 1,
        "sex:F": 1,
        "sex:": 1,
    }
    assert (region_a["group_interviews"], region_a["sex:F"], region_a["sex:"]) == (1, 1, 0)
    assert table.total.extra["sex:F"] == 1  # Anna in two categories, counted once
    assert table.total.extra["mode:in_person"] == 3
    assert overview_rows(table)[0][3:] == [label for _key, label in table.columns]


def test_counts_take_a_fixed_number_of_queries(evaluation, team, django_assert_max_num_queries):
    invented_example(evaluation)
    for number in range(10):
        log(evaluation, person(f"Extra Person{number}"), category=f"Place {number}")
    lead = team["lead"].user
    interview_overview(evaluation=evaluation, user=lead)  # the role is remembered per user

    with django_assert_max_num_queries(12):
        table = interview_overview(evaluation=evaluation, user=lead)

    assert len(table.rows) == 15


def test_outsiders_are_refused(evaluation, team):
    with pytest.raises(PermissionDenied):
        interview_overview(evaluation=evaluation, user=UserFactory())


def test_unknown_layout_is_refused_naming_the_known_ones(evaluation, team):
    layouts.layout_create(evaluation=evaluation, by=SYSTEM, name="As printed")

    with pytest.raises(ValidationProblem) as refused:
        interview_overview(evaluation=evaluation, user=None, layout="Draft")

    assert refused.value.errors == {
        "layout": ["No layout named “Draft”. Known layouts: As printed."]
    }


def test_first_layout_by_name_is_the_default(evaluation, team):
    layouts.layout_create(evaluation=evaluation, by=SYSTEM, name="Zeta")
    layouts.layout_create(evaluation=evaluation, by=SYSTEM, name="Alpha", title="Table 1")

    table = interview_overview(evaluation=evaluation, user=None)

    assert (table.layout_name, table.title) == ("Alpha", "Table 1")
