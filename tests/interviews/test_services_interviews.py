"""Logging interviews: participants keep the affiliation of the day, interviewers are matched
by initials, and every refusal says what is wrong and changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction

from common.errors import ValidationProblem
from evaluations.permissions import SYSTEM
from interviews import services
from interviews.models import (
    Interview,
    Interviewer,
    Participation,
    ReportingCategory,
)
from interviews.services import ParticipantInput
from stakeholders import services as registry
from stakeholders.models import Affiliation, Region
from tests.factories import EvaluationFactory, MembershipFactory
from tests.interviews.builders import DAY, country, group, guide, log, person, unnamed

pytestmark = pytest.mark.django_db


# --- participants -----------------------------------------------------------------------------


def test_copied_affiliation_survives_a_later_job_change(evaluation, team, anna) -> None:
    interview = log(evaluation, anna, by=team["evaluator"].user)
    # Anna changes jobs a year later; the registry is updated.
    Affiliation.objects.filter(person=anna).update(end=dt.date(2014, 1, 31))
    registry.affiliation_add(
        person=anna,
        organisation=registry.organisation_create(by=SYSTEM, name="Employers Federation"),
        job_title="Adviser",
        stakeholder_group=group("employers"),
        country=country("TH"),
        start=dt.date(2014, 2, 1),
    )

    row = Participation.objects.get(interview=interview)
    assert (row.organisation_name, row.job_title, row.unit) == (
        "Ministry of Labour",
        "Director",
        "Migration",
    )
    assert (row.stakeholder_group.code, row.country.code) == ("government", "VN")
    # An interview after the change copies the new job.
    later = log(evaluation, anna, date=dt.date(2015, 5, 1))
    row = Participation.objects.get(interview=later)
    assert (row.organisation_name, row.job_title, row.stakeholder_group.code, row.country.code) == (
        "Employers Federation",
        "Adviser",
        "employers",
        "TH",
    )
    # The first interview's copy is untouched even when its organisation is renamed.
    Participation.objects.get(interview=interview).organisation.__class__.objects.filter(
        name="Ministry of Labour"
    ).update(name="Ministry of Labour and Social Affairs")
    assert Participation.objects.get(interview=interview).organisation_name == "Ministry of Labour"


def test_given_fields_replace_the_copied_ones(evaluation, anna) -> None:
    interview = log(
        evaluation,
        ParticipantInput(person=anna, job_title="Acting Director", original_text="Ms. A. Beispiel"),
    )
    row = interview.participations.get()
    assert (row.job_title, row.organisation_name, row.original_text) == (
        "Acting Director",
        "Ministry of Labour",
        "Ms. A. Beispiel",
    )


def test_group_participants_and_kind(evaluation, anna, bob) -> None:
    one = log(evaluation, anna)
    assert one.kind == Interview.Kind.INDIVIDUAL
    two = log(evaluation, anna, bob)
    assert two.kind == Interview.Kind.GROUP
    ministry = log(
        evaluation,
        unnamed("Ministry of Labour delegation", 6, stakeholder_group=group("government")),
    )
    assert ministry.kind == Interview.Kind.GROUP
    row = ministry.participations.get()
    assert (row.person, row.group_label, row.headcount, row.stakeholder_group.code) == (
        None,
        "Ministry of Labour delegation",
        6,
        "government",
    )
    unknown = log(evaluation, unnamed("NTUC HQ"))
    assert unknown.participations.get().headcount is None
    assert [str(p) for p in two.participations.all()] == ["Anna Beispiel", "Bob Example"]


def test_a_person_merged_away_stands_for_the_one_kept(evaluation, anna) -> None:
    twin = person("Anna Biespiel")
    registry.person_merge(by=SYSTEM, kept=anna, merged=twin)
    interview = log(evaluation, twin)
    assert interview.participations.get().person == anna


# --- interviewers ----------------------------------------------------------------------------


def test_interviewer_initials_are_matched_or_kept_as_written(evaluation, team, anna) -> None:
    ms = MembershipFactory(evaluation=evaluation, initials="MS")
    vvdv = MembershipFactory(evaluation=evaluation, initials="VvdV")
    MembershipFactory(initials="BF")  # in another evaluation: not matched here

    interview = log(evaluation, anna, interviewers=["ms", "V.v.d.V.", "BF", "M S", " "])

    rows = list(Interviewer.objects.filter(interview=interview).order_by("pk"))
    assert [(r.membership, r.initials) for r in rows] == [
        (ms, "ms"),
        (vvdv, "V.v.d.V."),
        (None, "BF"),
    ]


def test_interviewer_memberships_of_another_evaluation_are_refused(evaluation, anna) -> None:
    stranger = MembershipFactory(initials="ZZ")
    with pytest.raises(ValidationProblem) as refusal:
        log(evaluation, anna, interviewers=[stranger])
    assert "interviewers" in refusal.value.errors
    assert not Interview.objects.exists()


# --- refusals ---------------------------------------------------------------------------------


def test_refusals_say_what_and_change_nothing(evaluation, team, anna, bob, staff_version) -> None:
    elsewhere = log(EvaluationFactory(), bob)
    other_guide = guide(EvaluationFactory())
    cases = [
        ({"date_end": DAY - dt.timedelta(days=1)}, [anna], "date_end", "cannot end"),
        ({}, [], "participants", "at least one participant"),
        ({}, [anna, ParticipantInput(person=anna)], "participants", "listed twice"),
        ({"follow_up_of": elsewhere}, [anna], "follow_up_of", "same evaluation"),
        ({"guide_version": staff_version}, [anna], "guide_version", "not an interview guide"),
        ({"guide_version": other_guide}, [anna], "guide_version", "not an interview guide"),
        ({}, [unnamed("Ministry", 0)], "participants", "at least 1"),
        ({}, [ParticipantInput()], "participants", "choose a person or name the group"),
        ({}, [ParticipantInput(person=anna, group_label="x")], "participants", "not both"),
        ({}, [ParticipantInput(person=anna, headcount=3)], "participants", "only a group"),
        ({"mode": "telepathy"}, [anna], "mode", "not a known mode"),
        ({"kind": "individual"}, [anna, bob], "kind", "group interview"),
        ({"region": Region.objects.get(code="africa"), "country": country("VN")}, [anna],
         "region", "Viet Nam is in Asia and the Pacific"),
        ({"grouping": "x" * 201}, [anna], "grouping", "too long"),
    ]  # fmt: skip
    before = (Interview.objects.count(), Participation.objects.count())
    for kwargs, people, field, words in cases:
        with pytest.raises(ValidationProblem) as refusal:
            log(evaluation, *people, by=team["evaluator"].user, **kwargs)
        assert field in refusal.value.errors, (kwargs, refusal.value.errors)
        assert words in refusal.value.message, (words, refusal.value.message)
        assert (Interview.objects.count(), Participation.objects.count()) == before


def test_a_follow_up_cannot_come_before_the_interview_it_follows(evaluation, anna) -> None:
    first = log(evaluation, anna)
    with pytest.raises(ValidationProblem, match="before the interview it follows"):
        log(evaluation, anna, date=DAY - dt.timedelta(days=3), follow_up_of=first)


def test_a_planned_interview_in_the_future_is_allowed(evaluation, anna) -> None:
    planned = log(evaluation, anna, date=dt.date.today() + dt.timedelta(days=30))
    assert planned.pk


def test_a_range_and_a_one_day_range(evaluation, anna, bob) -> None:
    ranged = log(evaluation, anna, date=DAY, date_end=DAY + dt.timedelta(days=3))
    same = log(evaluation, bob, date=DAY, date_end=DAY)
    assert (ranged.date_end, same.date_end) == (dt.date(2013, 3, 18), None)


def test_the_database_refuses_a_range_ending_before_it_starts(evaluation, anna) -> None:
    interview = log(evaluation, anna)
    with pytest.raises(IntegrityError), transaction.atomic():
        Interview.objects.filter(pk=interview.pk).update(date_end=DAY - dt.timedelta(days=1))


def test_the_database_refuses_a_participant_that_is_neither_person_nor_group(evaluation, anna):
    interview = log(evaluation, anna)
    # Straight to the table, past the services: the constraints themselves are under test.
    with pytest.raises(IntegrityError), transaction.atomic():
        Participation.objects.create(interview=interview)
    with pytest.raises(IntegrityError), transaction.atomic():
        Participation.objects.create(interview=interview, person=anna)  # twice


def test_an_import_key_is_used_once_per_evaluation(evaluation, anna) -> None:
    log(evaluation, anna, import_key="log.xlsx:12", source="import: log.xlsx row 12")
    with pytest.raises(ValidationProblem, match="already imported") as refusal:
        log(evaluation, anna, import_key="log.xlsx:12")
    assert "import_key" in refusal.value.errors
    assert Interview.objects.count() == 1
    # Another evaluation may use the same key; no key at all is never a clash.
    log(EvaluationFactory(), anna, import_key="log.xlsx:12")
    log(evaluation, anna)
    log(evaluation, anna)
    assert Interview.objects.count() == 4


def test_place_region_follows_the_country(evaluation, anna) -> None:
    interview = log(evaluation, anna, country=country("TH"), venue="Bangkok")
    assert interview.region.code == "asia-pacific"
    assert str(interview) == "Interview of 15 Mar 2013 (Bangkok)"  # a day no reader misreads


def test_guide_version_is_frozen_when_used(evaluation, anna) -> None:
    version = guide(evaluation)
    assert not version.is_frozen
    log(evaluation, anna, guide_version=version)
    version.refresh_from_db()
    assert version.is_frozen


def test_a_category_by_name_is_created_once_and_set_by_hand(evaluation, anna, bob) -> None:
    first = log(evaluation, anna, category="Bangkok")
    second = log(evaluation, bob, category="BANGKOK")
    other = log(evaluation, bob, category=" Geneva ")
    assert first.category == second.category
    assert list(ReportingCategory.objects.values_list("name", "order")) == [
        ("Bangkok", 0),
        ("Geneva", 1),
    ]
    assert first.category_by_hand and other.category_by_hand
    assert not log(evaluation, anna).category_by_hand


# --- permissions ------------------------------------------------------------------------------


def test_who_may_log_exclude_and_delete(evaluation, team, anna, bob) -> None:
    with pytest.raises(PermissionDenied, match="logging interviews"):
        log(evaluation, anna, by=team["viewer"].user)
    entered = log(evaluation, anna, by=team["data_entry"].user)
    others = log(evaluation, bob, by=team["evaluator"].user)

    with pytest.raises(PermissionDenied, match="exclude"):
        services.interview_exclude(interview=entered, by=team["data_entry"].user, reason="x")
    with pytest.raises(ValidationProblem, match="Say why"):
        services.interview_exclude(interview=entered, by=team["evaluator"].user, reason=" ")
    services.interview_exclude(
        interview=entered, by=team["evaluator"].user, reason="Courtesy call, no interview"
    )
    entered.refresh_from_db()
    assert (entered.excluded, entered.excluded_reason) == (True, "Courtesy call, no interview")
    services.interview_include(interview=entered, by=team["lead"].user)
    entered.refresh_from_db()
    assert (entered.excluded, entered.excluded_reason) == (False, "")

    with pytest.raises(PermissionDenied, match="others logged"):
        services.interview_delete(interview=others, by=team["data_entry"].user)
    services.interview_delete(interview=entered, by=team["data_entry"].user)
    services.interview_delete(interview=others, by=team["lead"].user)
    assert not Interview.objects.exists() and not Participation.objects.exists()


# --- update and follow-up ---------------------------------------------------------------------


def test_update_keeps_participant_rows_and_changes_what_is_given(evaluation, team, anna, bob):
    interview = log(evaluation, anna, unnamed("Staff", 2), interviewers=["LE"])
    row = interview.participations.get(person=anna)
    services.interview_update(
        interview=interview,
        by=team["evaluator"].user,
        venue="Hanoi",
        participants=[ParticipantInput(person=bob), ParticipantInput(person=anna)],
        interviewers=["EV", "XY"],
        category="Hanoi",
    )
    interview.refresh_from_db()
    assert interview.venue == "Hanoi" and interview.kind == Interview.Kind.GROUP
    assert interview.category.name == "Hanoi" and interview.category_by_hand
    assert interview.participations.get(person=anna).pk == row.pk
    assert [str(p) for p in interview.participations.all()] == ["Bob Example", "Anna Beispiel"]
    assert list(interview.interviewers.values_list("membership", "initials")) == [
        (team["evaluator"].pk, "EV"),
        (None, "XY"),
    ]
    services.interview_update(interview=interview, by=SYSTEM, category=None)
    interview.refresh_from_db()
    assert interview.category is None and not interview.category_by_hand
    with pytest.raises(ValidationProblem, match="cannot end"):
        services.interview_update(interview=interview, by=SYSTEM, date_end=dt.date(2000, 1, 1))


def test_update_refuses_a_follow_up_cycle_or_order(evaluation, anna) -> None:
    first = log(evaluation, anna)
    second = services.follow_up_create(of=first, by=SYSTEM, date=DAY)
    with pytest.raises(ValidationProblem, match="follow-up of itself"):
        services.interview_update(interview=first, by=SYSTEM, follow_up_of=second)
    with pytest.raises(ValidationProblem, match="A follow-up of this interview took place"):
        services.interview_update(interview=first, by=SYSTEM, date=DAY + dt.timedelta(days=1))
    first.refresh_from_db()
    assert (first.date, first.follow_up_of) == (DAY, None)


def test_follow_up_takes_the_same_participants_and_interviewers(evaluation, team, anna) -> None:
    first = log(
        evaluation,
        ParticipantInput(person=anna, job_title="Acting Director"),
        unnamed("Ministry staff", 3),
        interviewers=["LE", "XY"],
        country=country("VN"),
        grouping="Hanoi",
    )
    second = services.follow_up_create(
        of=first, by=team["evaluator"].user, date=dt.date(2013, 4, 2), mode="phone"
    )
    assert (second.follow_up_of, second.mode, second.grouping, second.country.code) == (
        first,
        "phone",
        "Hanoi",
        "VN",
    )
    assert list(
        second.participations.values_list("person", "group_label", "headcount", "job_title")
    ) == [(anna.pk, "", None, "Acting Director"), (None, "Ministry staff", 3, "")]
    assert list(second.interviewers.values_list("membership", "initials")) == [
        (team["lead"].pk, "LE"),
        (None, "XY"),
    ]
