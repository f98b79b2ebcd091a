"""The permission matrix: every role (and outsiders, superusers) × every action of the module;
the system caller (SYSTEM), which services do not check, and a forgotten caller, which they
refuse."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.core.management import call_command

from common.spreadsheets import Table, read_table
from evaluations.models import Evaluation, Membership
from evaluations.permissions import (
    ROLE_ACTIONS,
    SYSTEM,
    Action,
    actions_for,
    author_of,
    can,
    can_create_evaluation,
    ensure,
    is_system,
    role_stand_in,
)
from interviews.models import CategoryRule
from interviews.services.categories import category_rules_set
from questionnaires.models import Instrument
from questionnaires.services import instrument_load
from reports.models import TableLayout
from reports.services.layouts import layout_create
from stakeholders.importing.columns import recognise
from stakeholders.importing.writer import people_import
from stakeholders.models import Person, StakeholderGroup
from stakeholders.services import group_create, person_create, person_merge, person_merge_undo
from tests.conftest import STAFF_FILE
from tests.factories import EvaluationFactory, MembershipFactory, UserFactory

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
    viewer = role_stand_in(evaluation, Membership.Role.VIEWER)
    other = EvaluationFactory()

    assert actions_for(viewer, evaluation) == ROLE_ACTIONS[Membership.Role.VIEWER]
    assert not can(viewer, Action.VIEW_RESPONSES, evaluation)
    assert actions_for(viewer, other) == frozenset()


# --- who calls a service: a user, checked, or SYSTEM, not checked -----------------------------


def test_system_is_named_and_recorded_as_no_user() -> None:
    assert repr(SYSTEM) == "SYSTEM"
    assert is_system(SYSTEM)
    assert author_of(SYSTEM) is None


@pytest.mark.django_db
def test_a_user_is_checked_and_recorded_as_themselves(team) -> None:
    lead = team["lead"].user
    assert not is_system(lead)
    assert author_of(lead) is lead


def test_a_forgotten_caller_is_refused_not_taken_for_the_system() -> None:
    with pytest.raises(PermissionDenied):
        is_system(None)  # type: ignore[arg-type]
    with pytest.raises(PermissionDenied):
        author_of(None)  # type: ignore[arg-type]


def _people_file() -> Table:
    return read_table(b"Name,Email\nAna Example,ana@example.org\n", "people.csv")


# Services that skipped their checks for by=None, each with a count of what it writes.
SERVICES: dict[str, tuple[Callable[..., object], Callable[[Evaluation], int]]] = {
    "person_create": (
        lambda evaluation, by: person_create(by=by, name="Ana Example"),
        lambda evaluation: Person.objects.count(),
    ),
    "group_create": (
        lambda evaluation, by: group_create(by=by, name="Donor agencies"),
        lambda evaluation: StakeholderGroup.objects.count(),
    ),
    "people_import": (
        lambda evaluation, by: people_import(
            table=_people_file(), mapping=recognise(_people_file().headers), by=by
        ),
        lambda evaluation: Person.objects.count(),
    ),
    "instrument_load": (
        lambda evaluation, by: instrument_load(
            evaluation=evaluation, text=STAFF_FILE.read_text(), by=by
        ),
        lambda evaluation: Instrument.objects.filter(evaluation=evaluation).count(),
    ),
    "category_rules_set": (
        lambda evaluation, by: category_rules_set(
            evaluation=evaluation,
            by=by,
            rules=[{"field": "grouping", "value": "Budapest", "category": "Europe"}],
        ),
        lambda evaluation: CategoryRule.objects.filter(evaluation=evaluation).count(),
    ),
    "layout_create": (
        lambda evaluation, by: layout_create(evaluation=evaluation, by=by, name="As printed"),
        lambda evaluation: TableLayout.objects.filter(evaluation=evaluation).count(),
    ),
}


@pytest.mark.django_db
@pytest.mark.parametrize("service", list(SERVICES))
def test_a_service_called_with_by_none_is_refused_and_writes_nothing(service, evaluation) -> None:
    call, written = SERVICES[service]
    before = written(evaluation)
    with pytest.raises(PermissionDenied):
        call(evaluation, None)
    assert written(evaluation) == before


@pytest.mark.django_db
@pytest.mark.parametrize("service", list(SERVICES))
def test_a_service_called_by_the_system_is_not_checked(service, evaluation) -> None:
    call, written = SERVICES[service]
    before = written(evaluation)
    call(evaluation, SYSTEM)
    assert written(evaluation) > before


@pytest.mark.django_db
def test_an_outsider_is_still_refused_where_the_system_is_not(evaluation, outsider) -> None:
    with pytest.raises(PermissionDenied):
        layout_create(evaluation=evaluation, by=outsider, name="As printed")
    with pytest.raises(PermissionDenied):
        person_create(by=outsider, name="Ana Example")


@pytest.mark.django_db
def test_the_import_command_records_no_user_as_author(tmp_path) -> None:
    path = tmp_path / "people.csv"
    path.write_bytes(b"Name,Email\nAna Example,ana@example.org\nBen Sample,ben@example.org\n")
    call_command("import_people", str(path), stdout=io.StringIO())
    people = Person.objects.filter(display_name__in=["Ana Example", "Ben Sample"])
    assert people.count() == 2
    assert not people.exclude(created_by=None).exists()


@pytest.mark.django_db
def test_a_merge_by_the_system_records_no_user(evaluation) -> None:
    kept = person_create(by=SYSTEM, name="Ana Example")
    merged = person_create(by=SYSTEM, name="Ana Exampel")
    merge = person_merge(by=SYSTEM, kept=kept, merged=merged)
    assert merge.by is None
    assert person_merge_undo(by=SYSTEM, merge=merge).undone_by is None
