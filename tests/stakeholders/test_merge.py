"""Merging two people and undoing it: everything moves to the person kept, and undo puts back
exactly what was there; the refusals say why."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from common.errors import ValidationProblem
from evaluations.permissions import SYSTEM
from questionnaires.models import Invitation
from questionnaires.services import distribution_create, instrument_load, invitation_create
from stakeholders import services
from stakeholders.models import (
    Affiliation,
    Country,
    Person,
    PersonAlias,
    PersonMerge,
    StakeholderGroup,
)
from stakeholders.selectors import person_final
from tests.conftest import STAFF_FILE
from tests.factories import EvaluationFactory, MembershipFactory

pytestmark = pytest.mark.django_db


def add_person(name: str, **kwargs: object) -> Person:
    return services.person_create(by=SYSTEM, name=name, **kwargs)


def state(*people: Person) -> dict[int, dict[str, object]]:
    """Everything a merge may touch, per person, as plain data to compare before and after."""
    out = {}
    for person in people:
        person = Person.objects.get(pk=person.pk)
        out[person.pk] = {
            "fields": (
                person.display_name,
                person.given_name,
                person.family_name,
                person.honorific,
                person.sex,
                person.language,
                person.notes,
                person.emails,
                person.phones,
                person.merged_into_id,
            ),
            "tags": sorted(person.tags.values_list("name", flat=True)),
            "aliases": sorted(
                PersonAlias.objects.filter(person=person).values_list("pk", "name", "source")
            ),
            "affiliations": sorted(
                Affiliation.objects.filter(person=person).values_list(
                    "pk", "organisation_id", "job_title", "start", "end"
                )
            ),
            "invitations": sorted(
                Invitation.objects.filter(person=person).values_list("pk", "distribution_id")
            ),
        }
    return out


@pytest.fixture
def anna(db):
    """'Anna Beispiel' with an alias, an affiliation, a tag and an e-mail."""
    person = add_person(
        "Anna Beispiel",
        emails=["anna@example.org"],
        phones=["+41 22 000 00 01"],
        tags=["focal point"],
        aliases=["A. Beispiel"],
    )
    organisation = services.organisation_create(
        by=SYSTEM, name="Ministry of Labour", country=Country.objects.get(code="VN")
    )
    services.affiliation_add(
        person=person, organisation=organisation, job_title="Director", start=dt.date(2019, 1, 1)
    )
    return person


@pytest.fixture
def biespiel(db):
    """'Anna Biespiel': the same person typed differently, with what the other lacks."""
    person = add_person(
        "Anna Biespiel",
        emails=["ANNA@example.org", "a.biespiel@example.org"],
        phones=["+41 22 000 00 02"],
        tags=["focal point", "steering committee"],
        aliases=["Anna Bies", "A. Beispiel"],
        sex="f",
        language="fr",
    )
    organisation = services.organisation_create(by=SYSTEM, name="Trade Union Centre")
    services.affiliation_add(person=person, organisation=organisation, job_title="Adviser")
    services.affiliation_add(person=person, unit="Research", end=dt.date(2018, 12, 31))
    return person


def test_merge_moves_everything_and_undo_restores_exactly(
    anna, biespiel, team, make_distribution
) -> None:
    invitation = invitation_create(distribution=make_distribution(), by=SYSTEM, person=biespiel)
    before = state(anna, biespiel)
    lead = team["lead"].user

    merge = services.person_merge(by=lead, kept=anna, merged=biespiel, score=92.3)

    after = state(anna, biespiel)
    kept, merged = after[anna.pk], after[biespiel.pk]
    assert sorted(a[2] for a in kept["affiliations"]) == ["", "Adviser", "Director"]
    assert merged["affiliations"] == [] and merged["invitations"] == []
    assert kept["invitations"] == [(invitation.pk, invitation.distribution_id)]
    # Biespiel's own name and her alias "Anna Bies" now find Anna; "A. Beispiel" was known.
    assert sorted(name for _pk, name, _s in kept["aliases"]) == [
        "A. Beispiel",
        "Anna Bies",
        "Anna Biespiel",
    ]
    assert [name for _pk, name, _s in merged["aliases"]] == ["A. Beispiel"]
    assert kept["fields"][7] == ["anna@example.org", "a.biespiel@example.org"]
    assert kept["fields"][8] == ["+41 22 000 00 01", "+41 22 000 00 02"]
    assert kept["fields"][4:6] == ("f", "fr")  # empty fields filled from the merged person
    assert kept["tags"] == ["focal point", "steering committee"]
    assert merged["fields"][9] == anna.pk
    assert merge.moved["emails"] == ["a.biespiel@example.org"]
    assert (merge.by, merge.score, merge.undone_at) == (lead, 92.3, None)

    services.person_merge_undo(by=lead, merge=merge)

    assert state(anna, biespiel) == before
    merge.refresh_from_db()
    assert merge.undone_at is not None and merge.undone_by == lead


def test_merge_refuses_a_person_into_themselves(anna) -> None:
    with pytest.raises(ValidationProblem, match="cannot be merged into themselves"):
        services.person_merge(by=SYSTEM, kept=anna, merged=anna)
    assert not PersonMerge.objects.exists()


def test_merge_refuses_into_or_of_a_merged_person(anna, biespiel) -> None:
    third = add_person("Anna Beispiell")
    services.person_merge(by=SYSTEM, kept=anna, merged=biespiel)
    with pytest.raises(ValidationProblem) as into:
        services.person_merge(by=SYSTEM, kept=biespiel, merged=third)
    assert into.value.message == (
        "Anna Biespiel was merged into Anna Beispiel: merge into Anna Beispiel instead."
    )
    with pytest.raises(ValidationProblem, match="has already been merged into Anna Beispiel"):
        services.person_merge(by=SYSTEM, kept=third, merged=biespiel)
    assert PersonMerge.objects.count() == 1
    assert Person.objects.get(pk=third.pk).merged_into is None


def test_merge_refuses_two_people_invited_to_one_distribution_and_names_it(
    anna, biespiel, team, make_distribution
) -> None:
    distribution = make_distribution()
    for person, email in ((anna, "anna@example.org"), (biespiel, "a.biespiel@example.org")):
        invitation_create(distribution=distribution, by=SYSTEM, person=person, email=email)
    before = state(anna, biespiel)
    with pytest.raises(ValidationProblem) as refusal:
        services.person_merge(by=team["lead"].user, kept=anna, merged=biespiel)
    assert "both in “Staff questionnaire (team)”" in refusal.value.message
    assert distribution.evaluation.title in refusal.value.message
    label = f"“Staff questionnaire (team)” ({distribution.evaluation.title})"
    assert refusal.value.errors == {"invitations": [label]}
    assert state(anna, biespiel) == before
    assert not PersonMerge.objects.exists()


def test_shared_distribution_of_another_evaluation_is_not_named(anna, biespiel, team) -> None:
    other = EvaluationFactory(title="Confidential evaluation")
    lead = MembershipFactory(evaluation=other, role="lead").user
    version = instrument_load(evaluation=other, text=STAFF_FILE.read_text(), by=SYSTEM).version
    distribution = distribution_create(
        evaluation=other, by=lead, version=version, title="Secret survey"
    )
    for person, email in ((anna, "anna@example.org"), (biespiel, "a.biespiel@example.org")):
        invitation_create(distribution=distribution, by=SYSTEM, person=person, email=email)
    with pytest.raises(ValidationProblem) as refusal:
        services.person_merge(by=team["evaluator"].user, kept=anna, merged=biespiel)
    shown = refusal.value.message + str(refusal.value.errors)
    assert "Secret survey" not in shown
    assert "Confidential evaluation" not in shown
    assert f"questionnaire no. {distribution.pk} of an evaluation you are not a member of" in (
        refusal.value.message
    )


def test_undo_twice_is_refused(anna, biespiel, team) -> None:
    lead = team["lead"].user
    merge = services.person_merge(by=lead, kept=anna, merged=biespiel)
    services.person_merge_undo(by=lead, merge=merge)
    snapshot = state(anna, biespiel)
    with pytest.raises(ValidationProblem, match=r"already undone on .* by "):
        services.person_merge_undo(by=lead, merge=merge)
    assert state(anna, biespiel) == snapshot


def test_undo_is_refused_while_a_later_merge_depends_on_it(anna, biespiel) -> None:
    third = add_person("Anne Beispiel", emails=["anne@example.org"])
    first = services.person_merge(by=SYSTEM, kept=anna, merged=biespiel)
    second = services.person_merge(by=SYSTEM, kept=third, merged=anna)
    assert person_final(Person.objects.get(pk=biespiel.pk)) == third
    with pytest.raises(ValidationProblem) as refusal:
        services.person_merge_undo(by=SYSTEM, merge=first)
    assert refusal.value.message == (
        "A later merge depends on this one (Anna Beispiel into Anne Beispiel): undo that one first."
    )
    assert PersonMerge.objects.get(pk=first.pk).undone_at is None
    services.person_merge_undo(by=SYSTEM, merge=second)
    services.person_merge_undo(by=SYSTEM, merge=first)
    assert Affiliation.objects.filter(person=biespiel).count() == 2
    assert Person.objects.filter(merged_into__isnull=False).count() == 0


def test_only_registry_managers_merge(anna, biespiel, team) -> None:
    with pytest.raises(PermissionDenied, match="Only lead evaluators and evaluators"):
        services.person_merge(by=team["data_entry"].user, kept=anna, merged=biespiel)
    merge = services.person_merge(by=team["evaluator"].user, kept=anna, merged=biespiel)
    with pytest.raises(PermissionDenied):
        services.person_merge_undo(by=team["viewer"].user, merge=merge)
    assert Person.objects.get(pk=biespiel.pk).merged_into == anna


def test_a_merged_person_cannot_be_edited_and_merge_aliases_stay(anna, biespiel) -> None:
    services.person_merge(by=SYSTEM, kept=anna, merged=biespiel)
    with pytest.raises(ValidationProblem, match="was merged into Anna Beispiel"):
        services.person_update(by=SYSTEM, person=biespiel, notes="changed")
    with pytest.raises(ValidationProblem) as refusal:
        services.person_update(by=SYSTEM, person=anna, aliases=["A. Beispiel"])
    assert refusal.value.errors["aliases"][0].startswith("“Anna B")
    assert PersonAlias.objects.filter(person=anna).count() == 3


def test_merge_names_that_normalise_alike_keeps_both_spellings(db) -> None:
    kept = add_person("José García-López")
    merged = add_person("Jose Garcia Lopez")
    services.person_merge(by=SYSTEM, kept=kept, merged=merged)
    assert list(PersonAlias.objects.filter(person=kept).values_list("name", "source")) == [
        ("Jose Garcia Lopez", "merge")
    ]


def test_group_refusals_and_moves(db, team) -> None:
    lead = team["lead"].user
    group = services.group_create(by=lead, name="Parliamentarians", aliases=["MPs"])
    assert (group.code, group.order) == ("parliamentarians", 10)
    with pytest.raises(ValidationProblem, match="“Trade unions” already names Workers"):
        services.group_update(by=lead, group=group, name="Parliament", aliases=["Trade unions"])
    services.group_move(by=lead, group=group, up=True)
    order = list(StakeholderGroup.objects.values_list("code", flat=True))
    assert order[-2:] == ["parliamentarians", "other"]
    services.affiliation_add(person=add_person("Some One"), stakeholder_group=group)
    with pytest.raises(ValidationProblem, match=r"used by 0 organisation.* and 1 affiliation"):
        services.group_delete(by=lead, group=group)
    services.group_update(by=lead, group=group, name="Parliament", active=False)
    assert StakeholderGroup.objects.get(pk=group.pk).active is False
