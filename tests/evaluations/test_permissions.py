"""The permission matrix: every role (and outsiders, superusers) × every action of the module."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied

from evaluations.permissions import Action, can, can_create_evaluation, ensure
from tests.factories import MembershipFactory, UserFactory

A = Action
# Written out by hand, independently of ROLE_ACTIONS, so that a change to the code's table
# must be a deliberate change here too.
EXPECTED: dict[str, set[Action]] = {
    "lead": {
        A.VIEW_EVALUATION,
        A.CHANGE_EVALUATION,
        A.DELETE_EVALUATION,
        A.VIEW_MEMBERS,
        A.MANAGE_MEMBERS,
        A.VIEW_INSTRUMENTS,
        A.MANAGE_INSTRUMENTS,
        A.MANAGE_RESPONDENTS,
        A.VIEW_RESPONSES,
        A.ENTER_RESPONSES,
    },
    "evaluator": {
        A.VIEW_EVALUATION,
        A.VIEW_MEMBERS,
        A.VIEW_INSTRUMENTS,
        A.MANAGE_RESPONDENTS,
        A.VIEW_RESPONSES,
        A.ENTER_RESPONSES,
    },
    "data_entry": {
        A.VIEW_EVALUATION,
        A.VIEW_MEMBERS,
        A.VIEW_INSTRUMENTS,
        A.VIEW_RESPONSES,
        A.ENTER_RESPONSES,
    },
    "viewer": {A.VIEW_EVALUATION, A.VIEW_MEMBERS},
    "outsider": set(),
    "superuser": {
        A.VIEW_EVALUATION,
        A.CHANGE_EVALUATION,
        A.DELETE_EVALUATION,
        A.VIEW_MEMBERS,
        A.MANAGE_MEMBERS,
        A.VIEW_INSTRUMENTS,
        A.MANAGE_INSTRUMENTS,
    },
}


@pytest.mark.django_db
@pytest.mark.parametrize("who", list(EXPECTED))
@pytest.mark.parametrize("action", list(Action))
def test_permission_matrix(who: str, action: Action, evaluation) -> None:
    if who == "outsider":
        user = UserFactory()
        MembershipFactory(user=user, role="lead")  # lead elsewhere gives nothing here
    elif who == "superuser":
        user = UserFactory(is_superuser=True)
    else:
        user = MembershipFactory(evaluation=evaluation, role=who).user
    assert can(user, action, evaluation) is (action in EXPECTED[who])


@pytest.mark.django_db
def test_anonymous_and_inactive_users_may_do_nothing(evaluation) -> None:
    inactive = MembershipFactory(evaluation=evaluation, role="lead", user__is_active=False).user
    for action in Action:
        assert not can(AnonymousUser(), action, evaluation)
        assert not can(inactive, action, evaluation)


@pytest.mark.django_db
def test_ensure_names_what_is_missing(team, evaluation) -> None:
    with pytest.raises(PermissionDenied, match="Only the lead evaluator can add, change or remove"):
        ensure(team["viewer"].user, Action.MANAGE_MEMBERS, evaluation)
    ensure(team["lead"].user, Action.MANAGE_MEMBERS, evaluation)


@pytest.mark.django_db
def test_only_granted_users_and_superusers_create_evaluations() -> None:
    assert can_create_evaluation(UserFactory(can_create_evaluations=True))
    assert can_create_evaluation(UserFactory(is_superuser=True))
    assert not can_create_evaluation(UserFactory())
    assert not can_create_evaluation(AnonymousUser())
    assert not can_create_evaluation(UserFactory(can_create_evaluations=True, is_active=False))


def test_a_role_stand_in_is_treated_as_that_role_and_nothing_more(evaluation) -> None:
    from evaluations.models import Membership
    from evaluations.permissions import ROLE_ACTIONS, actions_for, role_stand_in
    from tests.factories import EvaluationFactory

    viewer = role_stand_in(evaluation, Membership.Role.VIEWER)
    other = EvaluationFactory()

    assert actions_for(viewer, evaluation) == ROLE_ACTIONS[Membership.Role.VIEWER]
    assert not can(viewer, Action.VIEW_RESPONSES, evaluation)
    assert actions_for(viewer, other) == frozenset()
