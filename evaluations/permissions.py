"""Who may do what in an evaluation: the one place every page, API endpoint, export and task asks.

Roles are per evaluation (Membership.role). Site superusers administer every evaluation but
do not gain a member's access to collected data: they get ADMIN_ACTIONS only.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, TypeAlias

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.models import User
from evaluations.models import Evaluation, Membership

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser
    from typing_extensions import TypeIs


Role = Membership.Role


class System:
    """The caller of a command, a Celery task, an importer or the demo loader: no user,
    full team rights. Services record it as the system (never as a person)."""

    def __repr__(self) -> str:
        return "SYSTEM"


SYSTEM = System()

# Who calls a service: a user (checked against their role) or SYSTEM (not checked).
Actor: TypeAlias = User | System


def is_system(by: Actor | AnonymousUser | None) -> TypeIs[System]:
    """Whether a service skips its checks for this caller: for SYSTEM only. A missing caller
    (None) is refused as an anonymous user is: a forgotten `by` must not grant full rights."""
    if by is None:
        raise PermissionDenied(_("You are not signed in."))
    return by is SYSTEM


def author_of(by: Actor) -> User | None:
    """The user a service records as having done something (created_by, by …): None for
    SYSTEM, which history shows as "system"."""
    return None if is_system(by) else by


class Action(StrEnum):
    VIEW_EVALUATION = "view_evaluation"
    CHANGE_EVALUATION = "change_evaluation"
    DELETE_EVALUATION = "delete_evaluation"
    VIEW_MEMBERS = "view_members"
    MANAGE_MEMBERS = "manage_members"
    VIEW_INSTRUMENTS = "view_instruments"
    MANAGE_INSTRUMENTS = "manage_instruments"
    MANAGE_RESPONDENTS = "manage_respondents"
    VIEW_RESPONSES = "view_responses"
    ENTER_RESPONSES = "enter_responses"


ROLE_ACTIONS: dict[str, frozenset[Action]] = {
    Role.LEAD: frozenset(Action),
    Role.EVALUATOR: frozenset(
        {
            Action.VIEW_EVALUATION,
            Action.VIEW_MEMBERS,
            Action.VIEW_INSTRUMENTS,
            Action.MANAGE_RESPONDENTS,
            Action.VIEW_RESPONSES,
            Action.ENTER_RESPONSES,
        }
    ),
    Role.DATA_ENTRY: frozenset(
        {
            Action.VIEW_EVALUATION,
            Action.VIEW_MEMBERS,
            Action.VIEW_INSTRUMENTS,
            Action.VIEW_RESPONSES,
            Action.ENTER_RESPONSES,
        }
    ),
    Role.VIEWER: frozenset({Action.VIEW_EVALUATION, Action.VIEW_MEMBERS}),
}

# What a site superuser may do in any evaluation without being a member.
ADMIN_ACTIONS: frozenset[Action] = frozenset(
    {
        Action.VIEW_EVALUATION,
        Action.CHANGE_EVALUATION,
        Action.DELETE_EVALUATION,
        Action.VIEW_MEMBERS,
        Action.MANAGE_MEMBERS,
        Action.VIEW_INSTRUMENTS,
        Action.MANAGE_INSTRUMENTS,
    }
)

DENIED_MESSAGES: dict[Action, str] = {
    Action.VIEW_EVALUATION: gettext_noop("You are not a member of this evaluation."),
    Action.CHANGE_EVALUATION: gettext_noop("Only the lead evaluator can change this evaluation."),
    Action.DELETE_EVALUATION: gettext_noop("Only the lead evaluator can delete this evaluation."),
    Action.VIEW_MEMBERS: gettext_noop("You are not a member of this evaluation."),
    Action.MANAGE_MEMBERS: gettext_noop(
        "Only the lead evaluator can add, change or remove members."
    ),
    Action.VIEW_INSTRUMENTS: gettext_noop("Your role does not include the questionnaires."),
    Action.MANAGE_INSTRUMENTS: gettext_noop(
        "Only the lead evaluator can create or change questionnaires and guides."
    ),
    Action.MANAGE_RESPONDENTS: gettext_noop(
        "Only the lead evaluator and evaluators can add respondents."
    ),
    Action.VIEW_RESPONSES: gettext_noop("Your role does not include individual responses."),
    Action.ENTER_RESPONSES: gettext_noop("Your role does not include entering responses."),
}


def role_of(user: User | AnonymousUser, evaluation: Evaluation) -> str | None:
    """The user's role in the evaluation, or None; remembered on the user object per request."""
    if not user.is_authenticated or not user.is_active:
        return None
    cache: dict[int, str | None] = user.__dict__.setdefault("_evaluation_roles", {})
    if evaluation.pk not in cache and user.pk is None:
        return None  # an unsaved user (a role_stand_in) holds only the roles of its memo
    if evaluation.pk not in cache:
        cache[evaluation.pk] = (
            Membership.objects.filter(user=user, evaluation=evaluation)
            .values_list("role", flat=True)
            .first()
        )
    return cache[evaluation.pk]


def role_stand_in(evaluation: Evaluation, role: str) -> User:
    """An unsaved, active user holding `role` in the evaluation and nothing else: what a
    command acts as when it builds a role's view without a person (e.g. a viewer's workbook).
    It works through the same memo role_of keeps, so every check treats it as that role."""
    user = User(email="", is_active=True)
    user.__dict__["_evaluation_roles"] = {evaluation.pk: role}
    user.__dict__["_registry_roles"] = frozenset({role})
    return user


def forget_roles(user: User) -> None:
    """Drop remembered roles after a membership of this user changed."""
    user.__dict__.pop("_evaluation_roles", None)
    user.__dict__.pop("_registry_roles", None)


def actions_for(user: User | AnonymousUser, evaluation: Evaluation) -> frozenset[Action]:
    """Everything the user may do in the evaluation."""
    role = role_of(user, evaluation)
    allowed = ROLE_ACTIONS[role] if role else frozenset()
    if user.is_authenticated and user.is_active and user.is_superuser:
        allowed = allowed | ADMIN_ACTIONS
    return allowed


def can(user: User | AnonymousUser, action: Action, evaluation: Evaluation) -> bool:
    return action in actions_for(user, evaluation)


def ensure(user: Actor | AnonymousUser, action: Action, evaluation: Evaluation) -> None:
    """Raise PermissionDenied, with a message a person can act on, unless the user may act;
    SYSTEM is not checked (a missing caller is refused)."""
    if is_system(user):
        return
    if not can(user, action, evaluation):
        raise PermissionDenied(_(DENIED_MESSAGES[action]))


def can_create_evaluation(user: User | AnonymousUser) -> bool:
    """Superusers, and users granted "Can add evaluation" (in the admin, directly or by group)."""
    return bool(
        user.is_authenticated
        and user.is_active
        and (user.is_superuser or user.has_perm("evaluations.add_evaluation"))
    )


def ensure_can_create_evaluation(user: User | AnonymousUser) -> None:
    if not can_create_evaluation(user):
        raise PermissionDenied(
            _(
                "Your account may not create evaluations. Ask an administrator for the "
                "“Can add evaluation” permission."
            )
        )


def can_read_answers(
    user: User | AnonymousUser,
    evaluation: Evaluation,
    *,
    confidentiality: str,
    entered_by_id: int | None,
) -> bool:
    """Whether the user may read the raw answers of one response.

    Lead evaluators read everything. In a `lead` distribution nobody else does. Otherwise
    evaluators read answers, data entry reads what it keyed in, viewers see aggregates only.
    """
    role = role_of(user, evaluation)
    if role == Role.LEAD:
        return True
    if confidentiality == "lead":
        return False
    if role == Role.EVALUATOR:
        return True
    return role == Role.DATA_ENTRY and entered_by_id is not None and entered_by_id == user.pk


def can_see_links(
    user: User | AnonymousUser, evaluation: Evaluation, *, confidentiality: str
) -> bool:
    """Whether the user may see respondents' personal links. A link opens the respondent's
    draft, so in a `lead` distribution only the lead evaluator sees them."""
    role = role_of(user, evaluation)
    if role == Role.LEAD:
        return True
    # Where respondents choose, a link may lead to answers meant for the lead only.
    return role == Role.EVALUATOR and confidentiality not in ("lead", "respondent")


# --- the stakeholder registry, shared by every evaluation -------------------------------------

REGISTRY_VIEW_ROLES = frozenset({Role.LEAD, Role.EVALUATOR, Role.DATA_ENTRY})
REGISTRY_MANAGE_ROLES = frozenset({Role.LEAD, Role.EVALUATOR})


def _registry_roles(user: User | AnonymousUser) -> frozenset[str]:
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    if "_registry_roles" not in user.__dict__:
        user.__dict__["_registry_roles"] = frozenset(
            Membership.objects.filter(user=user).values_list("role", flat=True).distinct()
        )
    return user.__dict__["_registry_roles"]


def can_view_registry(user: User | AnonymousUser) -> bool:
    """Members who log interviews or enter answers (any evaluation), and superusers."""
    return bool(
        user.is_authenticated
        and user.is_active
        and (user.is_superuser or _registry_roles(user) & REGISTRY_VIEW_ROLES)
    )


def can_manage_registry(user: User | AnonymousUser) -> bool:
    """Lead evaluators and evaluators (any evaluation), and superusers: edit, import, merge."""
    return bool(
        user.is_authenticated
        and user.is_active
        and (user.is_superuser or _registry_roles(user) & REGISTRY_MANAGE_ROLES)
    )


def ensure_registry(user: Actor | AnonymousUser, *, manage: bool = False) -> None:
    """Raise PermissionDenied unless the user may see (or, with manage, change) the registry;
    SYSTEM is not checked (a missing caller is refused)."""
    if is_system(user):
        return
    if manage and not can_manage_registry(user):
        raise PermissionDenied(
            _("Only lead evaluators and evaluators can change the stakeholder registry.")
        )
    if not can_view_registry(user):
        raise PermissionDenied(
            _("The stakeholder registry is open to evaluation team members only.")
        )
