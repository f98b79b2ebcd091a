"""Coding open answers and interview notes: who may code what, offsets, the history, and
what each role reads back."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied

from analysis.models import Coding
from analysis.selectors.codings import attribution_of, codings_of
from analysis.services.codebook import code_delete
from analysis.services.codings import coding_create, coding_delete, coding_update
from common.errors import ValidationProblem
from evaluations.permissions import SYSTEM
from history.models import Entry
from tests.analysis.builders import FUNDING_TEXT, answered, codes, noted, open_answers

pytestmark = pytest.mark.django_db
START, END = 0, len("Funding was short.")


def test_an_evaluator_codes_a_team_answer_and_the_history_records_it(evaluation, team):
    answer = open_answers(answered(evaluation, "team", "Government"))[0]
    book = codes(evaluation)
    coding = coding_create(
        evaluation=evaluation, by=team["evaluator"].user, answer=answer, start=START, end=END,
        codes=[book["short"], book["unions"]], memo="  check the budget  ",
    )  # fmt: skip
    coding.refresh_from_db()
    assert coding.text == "Funding was short."
    assert coding.memo == "check the budget"
    assert coding.coder == team["evaluator"].user
    assert set(coding.codes.values_list("name", flat=True)) == {"Shortfall", "Unions"}
    assert not coding.lead_only
    entry = Entry.objects.get(
        content_type=ContentType.objects.get_for_model(Coding),
        object_id=coding.pk,
        action=Entry.Action.CREATE,
    )
    assert entry.evaluation_id == evaluation.pk
    assert "text" not in entry.changes_dict  # the excerpt is a copy of an answer: not kept
    assert "Funding" not in entry.object_repr
    assert entry.changes_dict["start"] == [None, 0]
    coding_update(coding=coding, by=team["evaluator"].user, codes=[book["funding"]])
    assert list(coding.codes.values_list("name", flat=True)) == ["Funding"]


def test_a_lead_only_answer_is_coded_by_the_lead_only(evaluation, team):
    answer = open_answers(answered(evaluation, "lead", "Government"))[0]
    book = codes(evaluation)
    for role in ("evaluator", "data_entry", "viewer"):
        with pytest.raises(PermissionDenied):
            coding_create(
                evaluation=evaluation, by=team[role].user, answer=answer, start=0, end=7,
                codes=[book["funding"]],
            )  # fmt: skip
    assert not Coding.objects.exists()
    coding = coding_create(
        evaluation=evaluation, by=team["lead"].user, answer=answer, start=0, end=7,
        codes=[book["funding"]],
    )  # fmt: skip
    assert coding.lead_only
    assert Entry.objects.get(object_id=coding.pk, content_type__model="coding", action=0).lead_only
    assert list(codings_of(user=team["lead"].user, evaluation=evaluation)) == [coding]
    assert list(codings_of(user=team["evaluator"].user, evaluation=evaluation)) == []
    with pytest.raises(PermissionDenied):
        codings_of(user=team["viewer"].user, evaluation=evaluation)
    with pytest.raises(PermissionDenied):
        coding_delete(coding=coding, by=team["evaluator"].user)


def test_an_anonymous_answer_coded_keeps_no_link_to_a_person(evaluation, team):
    answer = open_answers(answered(evaluation, "anonymous", "Workers' organisations"))[0]
    coding = coding_create(
        evaluation=evaluation, by=team["evaluator"].user, answer=answer, start=0, end=7,
        codes=[codes(evaluation)["funding"]],
    )  # fmt: skip
    assert coding.answer.response.invitation_id is None
    entry = Entry.objects.get(object_id=coding.pk, content_type__model="coding", action=0)
    assert entry.person_id is None


def test_offsets_must_lie_in_the_text(evaluation, team):
    answer = open_answers(answered(evaluation, "team", "Government"))[0]
    book = codes(evaluation)
    for start, end in ((5, 5), (-1, 3), (0, len(FUNDING_TEXT) + 1)):
        with pytest.raises(ValidationProblem, match="within the text"):
            coding_create(
                evaluation=evaluation, by=team["lead"].user, answer=answer, start=start, end=end,
                codes=[book["funding"]],
            )  # fmt: skip
    with pytest.raises(ValidationProblem, match="at least one code"):
        coding_create(
            evaluation=evaluation, by=team["lead"].user, answer=answer, start=0, end=3, codes=[]
        )
    assert not Coding.objects.exists()


def test_notes_are_coded_by_who_reads_them_lead_notes_by_the_lead(evaluation, team):
    book = codes(evaluation)
    note = noted(evaluation)
    coding = coding_create(
        evaluation=evaluation, by=team["data_entry"].user, note=note, start=4, end=12,
        codes=[book["unions"]],
    )  # fmt: skip
    assert coding.text == "official"
    secret = noted(evaluation, visibility="lead", by=team["evaluator"].user)
    with pytest.raises(PermissionDenied, match="lead evaluator only"):
        coding_create(
            evaluation=evaluation, by=team["evaluator"].user, note=secret, start=0, end=3,
            codes=[book["unions"]],
        )  # fmt: skip
    with pytest.raises(PermissionDenied):
        coding_create(
            evaluation=evaluation, by=team["viewer"].user, note=note, start=0, end=3,
            codes=[book["unions"]],
        )  # fmt: skip


def test_data_entry_reads_codings_of_what_it_entered_only(evaluation, team):
    book = codes(evaluation)
    web = open_answers(answered(evaluation, "team", "Government"))[0]
    mine = coding_create(
        evaluation=evaluation, by=team["lead"].user, answer=web, start=0, end=7,
        codes=[book["funding"]],
    )  # fmt: skip
    note_coding = coding_create(
        evaluation=evaluation, by=team["lead"].user, note=noted(evaluation), start=0, end=3,
        codes=[book["funding"]],
    )  # fmt: skip
    seen = list(codings_of(user=team["data_entry"].user, evaluation=evaluation))
    assert seen == [note_coding]  # the web answer was not keyed in by data entry
    assert list(codings_of(user=team["evaluator"].user, evaluation=evaluation)) == [
        mine,
        note_coding,
    ]


def test_a_code_finds_the_codings_of_its_sub_codes(evaluation, team):
    book = codes(evaluation)
    answer = open_answers(answered(evaluation, "team", "Government"))[0]
    coding = coding_create(
        evaluation=evaluation, by=team["lead"].user, answer=answer, start=0, end=7,
        codes=[book["short"]],
    )  # fmt: skip
    found = codings_of(user=team["lead"].user, evaluation=evaluation, code=book["funding"].pk)
    assert list(found) == [coding]
    assert not codings_of(user=team["lead"].user, evaluation=evaluation, code=book["unions"].pk)


def test_a_note_without_attribution_is_named_by_its_participants_groups_and_place(evaluation):
    note = noted(evaluation, attribution="")
    coding = coding_create(
        evaluation=evaluation, by=SYSTEM, note=note, start=0, end=3,
        codes=[codes(evaluation)["funding"]],
    )  # fmt: skip
    found = codings_of(user=SYSTEM, evaluation=evaluation).get(pk=coding.pk)
    assert attribution_of(found) == "Government, Workers' organisations, interviewed in Kenya"


def test_deleting_a_code_removes_codings_left_without_codes(evaluation, team):
    book = codes(evaluation)
    first, second = open_answers(answered(evaluation, "team", "Government", "Donor"))
    alone = coding_create(evaluation=evaluation, by=SYSTEM, answer=first, start=0, end=3,
                          codes=[book["short"]])  # fmt: skip
    shared = coding_create(evaluation=evaluation, by=SYSTEM, answer=second, start=0, end=3,
                           codes=[book["short"], book["unions"]])  # fmt: skip
    code_delete(code=book["funding"], by=team["lead"].user)  # and its sub-code Shortfall
    assert not Coding.objects.filter(pk=alone.pk).exists()
    assert list(Coding.objects.get(pk=shared.pk).codes.values_list("name", flat=True)) == ["Unions"]
