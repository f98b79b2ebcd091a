from __future__ import annotations

from datetime import date

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied

from accounts.models import User
from common.errors import ValidationProblem
from evaluations import services
from evaluations.models import Evaluation, Membership
from tests.factories import EvaluationFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_create_makes_the_creator_lead_with_initials_from_name() -> None:
    creator = UserFactory(name="Ana García-López", can_create_evaluations=True)
    evaluation = services.evaluation_create(by=creator, title="Evaluation of Example Work 2020")
    assert evaluation.slug == "evaluation-of-example-work-2020"
    assert evaluation.small_cell_threshold == 5
    assert evaluation.status == Evaluation.Status.DRAFT
    assert evaluation.languages == ["en"]
    lead = Membership.objects.get(evaluation=evaluation)
    assert (lead.user, lead.role, lead.initials) == (creator, "lead", "AGL")


def test_create_makes_a_free_slug_when_the_title_repeats() -> None:
    creator = UserFactory(can_create_evaluations=True)
    first = services.evaluation_create(by=creator, title="Same title")
    second = services.evaluation_create(by=creator, title="Same title")
    assert (first.slug, second.slug) == ("same-title", "same-title-2")


def test_create_refuses_a_taken_slug_and_saves_nothing() -> None:
    creator = UserFactory(can_create_evaluations=True)
    EvaluationFactory(slug="taken")
    with pytest.raises(ValidationProblem) as problem:
        services.evaluation_create(by=creator, title="Another", slug="taken")
    assert "slug" in problem.value.errors
    assert Evaluation.objects.count() == 1
    assert not Membership.objects.exists()


def test_create_refuses_a_period_that_ends_before_it_starts() -> None:
    creator = UserFactory(can_create_evaluations=True)
    with pytest.raises(ValidationProblem) as problem:
        services.evaluation_create(
            by=creator,
            title="Backwards",
            period_start=date(2024, 1, 1),
            period_end=date(2020, 1, 1),
        )
    assert problem.value.errors == {
        "period_end": ["The period covered cannot end before it starts."]
    }
    assert not Evaluation.objects.exists()


@pytest.mark.parametrize(
    ("languages", "message"),
    [
        (["fr"], r"English \(en\) must be one of the languages\."),
        (["en", "xx"], "Unknown language"),
    ],
)
def test_create_checks_languages(languages: list[str], message: str) -> None:
    creator = UserFactory(can_create_evaluations=True)
    with pytest.raises(ValidationProblem, match=message):
        services.evaluation_create(by=creator, title="Languages", languages=languages)


def test_create_without_the_permission_is_refused() -> None:
    with pytest.raises(PermissionDenied):
        services.evaluation_create(by=UserFactory(), title="Not allowed")
    assert not Evaluation.objects.exists()


def test_update_saves_only_changed_fields_and_refuses_others(team, evaluation) -> None:
    lead = team["lead"].user
    services.evaluation_update(
        evaluation=evaluation, by=lead, small_cell_threshold=3, title=evaluation.title
    )
    evaluation.refresh_from_db()
    assert evaluation.small_cell_threshold == 3
    with pytest.raises(ValidationProblem, match="cannot be changed: created_by"):
        services.evaluation_update(evaluation=evaluation, by=lead, created_by=None)
    with pytest.raises(PermissionDenied):
        services.evaluation_update(evaluation=evaluation, by=team["evaluator"].user, title="X")
    with pytest.raises(ValidationProblem):
        services.evaluation_update(
            evaluation=Evaluation.objects.get(pk=evaluation.pk), by=lead, small_cell_threshold=0
        )
    evaluation.refresh_from_db()
    assert evaluation.small_cell_threshold == 3
    assert evaluation.title != "X"


def test_an_active_evaluation_never_goes_back_to_draft_so_it_cannot_be_deleted(
    team, evaluation
) -> None:
    lead = team["lead"].user
    with pytest.raises(ValidationProblem, match="cannot go back to draft"):
        services.evaluation_update(evaluation=evaluation, by=lead, status="draft")
    evaluation.refresh_from_db()
    assert evaluation.status == "active"


def test_the_slug_new_is_reserved() -> None:
    creator = UserFactory(can_create_evaluations=True)
    assert services.evaluation_create(by=creator, title="New").slug == "new-2"
    with pytest.raises(ValidationProblem, match="reserved"):
        services.evaluation_create(by=creator, title="X", slug="new")


def test_delete_only_drafts(team, evaluation) -> None:
    with pytest.raises(ValidationProblem, match="Only a draft evaluation can be deleted"):
        services.evaluation_delete(evaluation=evaluation, by=team["lead"].user)
    assert Evaluation.objects.filter(pk=evaluation.pk).exists()
    evaluation.status = Evaluation.Status.DRAFT
    evaluation.save()
    services.evaluation_delete(evaluation=evaluation, by=team["lead"].user)
    assert not Evaluation.objects.filter(pk=evaluation.pk).exists()
    assert not Membership.objects.filter(evaluation_id=evaluation.pk).exists()


def test_adding_a_new_address_creates_an_account_and_sends_an_invitation(team, evaluation) -> None:
    membership, mail_error = services.member_invite(
        evaluation=evaluation,
        by=team["lead"].user,
        email="  New.Person@Example.org ",
        name="New Person",
        role="viewer",
    )
    assert mail_error is None
    user = User.objects.get(email="new.person@example.org")
    assert membership.user == user and membership.initials == "NP"
    assert not user.has_usable_password()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["new.person@example.org"]
    assert evaluation.title in message.body
    assert "http://testserver/accounts/password/reset/" in message.body


def test_adding_an_existing_account_sends_no_invitation(team, evaluation) -> None:
    existing = UserFactory(email="known@example.org")
    membership, _error = services.member_invite(
        evaluation=evaluation, by=team["lead"].user, email="KNOWN@example.org", role="evaluator"
    )
    assert membership.user == existing
    assert mail.outbox == []


def test_a_member_added_twice_is_refused_and_nothing_changes(team, evaluation) -> None:
    viewer = team["viewer"]
    with pytest.raises(ValidationProblem, match="already a member of this evaluation, as Viewer"):
        services.membership_add(
            evaluation=evaluation,
            by=team["lead"].user,
            email=viewer.user.email.upper(),
            role="lead",
        )
    viewer.refresh_from_db()
    assert viewer.role == "viewer"
    assert evaluation.memberships.count() == 4


def test_initials_are_unique_per_evaluation_whatever_the_case(team, evaluation) -> None:
    team["evaluator"].initials = "BvdY"
    team["evaluator"].save()
    with pytest.raises(ValidationProblem) as problem:
        services.membership_add(
            evaluation=evaluation,
            by=team["lead"].user,
            email="x@example.org",
            role="viewer",
            initials="BVDY",
        )
    assert "initials" in problem.value.errors
    assert not User.objects.filter(email="x@example.org").exists()
    # The same initials in another evaluation are fine.
    MembershipFactory(initials="BVDY")


def test_default_initials_are_left_empty_when_taken(team, evaluation) -> None:
    team["viewer"].initials = "PS"
    team["viewer"].save()
    membership = services.membership_add(
        evaluation=evaluation,
        by=team["lead"].user,
        email="p@example.org",
        name="Pat Sample",
        role="viewer",
    )
    assert membership.initials == ""


def test_the_last_lead_can_be_neither_demoted_nor_removed(team, evaluation) -> None:
    lead = team["lead"]
    with pytest.raises(ValidationProblem, match="only lead evaluator"):
        services.membership_change(membership=lead, by=lead.user, role="viewer")
    with pytest.raises(ValidationProblem, match="only lead evaluator"):
        services.membership_remove(membership=lead, by=lead.user)
    lead.refresh_from_db()
    assert lead.role == "lead"

    services.membership_change(membership=team["evaluator"], by=lead.user, role="lead")
    services.membership_change(membership=lead, by=lead.user, role="viewer")
    lead.refresh_from_db()
    assert lead.role == "viewer"


def test_only_leads_manage_members(team, evaluation) -> None:
    for role in ("evaluator", "data_entry", "viewer"):
        by = team[role].user
        with pytest.raises(PermissionDenied):
            services.membership_add(
                evaluation=evaluation, by=by, email="z@example.org", role="viewer"
            )
        with pytest.raises(PermissionDenied):
            services.membership_change(membership=team["viewer"], by=by, role="lead")
        with pytest.raises(PermissionDenied):
            services.membership_remove(membership=team["viewer"], by=by)
    assert sorted(evaluation.memberships.values_list("role", flat=True)) == sorted(
        Membership.Role.values
    )


def test_unknown_role_is_refused(team, evaluation) -> None:
    with pytest.raises(ValidationProblem, match="Unknown role “owner”"):
        services.membership_change(membership=team["viewer"], by=team["lead"].user, role="owner")
