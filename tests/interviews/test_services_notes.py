"""Notes on an interview: on a question of its guide (asked of its interviewee) or free;
who may read them."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from common.errors import ValidationProblem
from evaluations.permissions import SYSTEM
from interviews import selectors, services
from interviews.models import (
    InterviewNote,
)
from questionnaires.models import Question
from tests.factories import EvaluationFactory
from tests.interviews.builders import guide, log

pytestmark = pytest.mark.django_db


def test_notes_on_guide_questions_or_free(evaluation, team, anna) -> None:
    version = guide(evaluation)
    interview = log(evaluation, anna, guide_version=version)
    q1 = Question.objects.get(version=version, key="Q1")
    note = services.note_add(
        interview=interview,
        by=team["data_entry"].user,
        question=q1,
        text="  Heads the migration unit.  ",
        attribution="an official of the Ministry of Labour in Hanoi",
        visibility="lead",
    )
    assert (note.text, note.question, note.visibility) == ("Heads the migration unit.", q1, "lead")
    services.note_add(interview=interview, by=team["evaluator"].user, text="Free remark")

    no_guide = log(evaluation, anna)
    foreign = Question.objects.get(version=guide(EvaluationFactory()), key="Q1")
    for target, question, text, words in [
        (interview, foreign, "x", "not in this interview's guide"),
        (no_guide, q1, "x", "has no interview guide"),
        (interview, None, "   ", "empty"),
    ]:
        with pytest.raises(ValidationProblem, match=words):
            services.note_add(interview=target, by=SYSTEM, question=question, text=text)
    with pytest.raises(ValidationProblem, match="visibility"):
        services.note_add(interview=interview, by=SYSTEM, text="x", visibility="public")
    with pytest.raises(PermissionDenied):
        services.note_add(interview=interview, by=team["viewer"].user, text="x")
    assert InterviewNote.objects.count() == 2


def test_guide_questions_follow_the_interviewee_type(evaluation, team, anna) -> None:
    version = guide(evaluation)
    gmg = log(
        evaluation, anna, guide_version=version, guide_attributes={"interviewee_type": "M_GMG"}
    )
    other = log(
        evaluation, anna, guide_version=version, guide_attributes={"interviewee_type": "EXT"}
    )
    unknown = log(evaluation, anna, guide_version=version)
    keys = {
        i.pk: [q.key for q in selectors.guide_questions(interview=i)] for i in (gmg, other, unknown)
    }
    assert "Q9" in keys[gmg.pk]
    assert "Q9" not in keys[other.pk]
    assert len(keys[gmg.pk]) == len(keys[unknown.pk]) == len(keys[other.pk]) + 1 == 15

    q9 = Question.objects.get(version=version, key="Q9")
    with pytest.raises(ValidationProblem, match=r"not asked of this interviewee .*GMG"):
        services.note_add(interview=other, by=SYSTEM, question=q9, text="x")
    assert services.note_add(
        interview=gmg, by=SYSTEM, question=q9, text="Chairs a GMG working group"
    )

    with pytest.raises(ValidationProblem, match=r"not a value of Interviewee type\. Use one of"):
        log(evaluation, anna, guide_version=version, guide_attributes={"interviewee_type": "X"})
    with pytest.raises(ValidationProblem, match="does not ask about “rank”"):
        log(evaluation, anna, guide_version=version, guide_attributes={"rank": "high"})
    with pytest.raises(ValidationProblem, match="Choose an interview guide that asks"):
        log(evaluation, anna, guide_attributes={"interviewee_type": "M"})
    follow = services.follow_up_create(of=gmg, by=SYSTEM, date=gmg.date)
    assert follow.guide_attributes == {"interviewee_type": "M_GMG"}
