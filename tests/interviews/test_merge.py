"""A person merge moves their interview participations to the person kept, and its undo puts
them back; two people in the same interview are not merged."""

from __future__ import annotations

import pytest

from common.errors import ValidationProblem
from interviews import selectors
from interviews.models import Participation
from stakeholders import services as registry
from stakeholders.models import PersonMerge
from tests.factories import EvaluationFactory, MembershipFactory, ParticipationFactory
from tests.interviews.builders import log, person, unnamed

pytestmark = pytest.mark.django_db


def test_merge_moves_a_participation_and_undo_restores_it(evaluation, team) -> None:
    anna = person("Anna Beispiel", organisation="Ministry of Labour", job_title="Director")
    biespiel = person("Anna Biespiel", organisation="Trade Union Centre", job_title="Adviser")
    hers = log(evaluation, biespiel, unnamed("Staff", 2))
    row = Participation.objects.get(interview=hers, person=biespiel)
    lead = team["lead"].user

    merge = registry.person_merge(by=lead, kept=anna, merged=biespiel)

    row.refresh_from_db()
    assert row.person == anna
    # What was copied on the day stays as it was.
    assert (row.organisation_name, row.job_title) == ("Trade Union Centre", "Adviser")
    assert PersonMerge.objects.get(pk=merge.pk).moved["participations"] == [row.pk]
    assert [p.interview for p in selectors.person_interviews(user=lead, person=anna)] == [hers]

    registry.person_merge_undo(by=lead, merge=merge)

    row.refresh_from_db()
    assert row.person == biespiel
    assert list(selectors.person_interviews(user=lead, person=anna)) == []


def test_two_people_in_the_same_interview_are_not_merged(evaluation, team) -> None:
    anna, biespiel = person("Anna Beispiel"), person("Anna Biespiel")
    both = log(evaluation, anna, biespiel)

    with pytest.raises(ValidationProblem, match="both in “Interview of") as refusal:
        registry.person_merge(by=team["lead"].user, kept=anna, merged=biespiel)

    assert evaluation.title in refusal.value.message
    assert "participations" in refusal.value.errors
    assert sorted(both.participations.values_list("person", flat=True)) == sorted(
        [anna.pk, biespiel.pk]
    )
    assert not PersonMerge.objects.exists()


def test_an_interview_of_another_evaluation_is_not_named(team) -> None:
    other = EvaluationFactory(title="Confidential evaluation")
    MembershipFactory(evaluation=other, role="lead")
    anna, biespiel = person("Anna Beispiel"), person("Anna Biespiel")
    interview = log(other, anna, biespiel, grouping="Secret place")

    with pytest.raises(ValidationProblem) as refusal:
        registry.person_merge(by=team["evaluator"].user, kept=anna, merged=biespiel)

    message = refusal.value.message
    assert f"interview no. {interview.pk} of an evaluation you are not a member of" in message
    assert "Confidential evaluation" not in message and "Secret place" not in message


def test_undo_is_refused_when_the_person_was_added_to_the_interview_since(evaluation, team):
    anna, biespiel = person("Anna Beispiel"), person("Anna Biespiel")
    interview = log(evaluation, biespiel)
    lead = team["lead"].user
    merge = registry.person_merge(by=lead, kept=anna, merged=biespiel)
    # Someone adds the merged-away record again to the same interview (bypassing the services,
    # which would put the kept person instead).
    ParticipationFactory(interview=interview, person=biespiel)

    with pytest.raises(ValidationProblem, match="cannot be undone"):
        registry.person_merge_undo(by=lead, merge=merge)
    assert Participation.objects.filter(interview=interview, person=anna).count() == 1
