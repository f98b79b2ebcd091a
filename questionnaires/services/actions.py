"""The team's actions on one invitation by name, as the invitation page and the API take them."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from common.errors import ValidationProblem
from questionnaires.models import Invitation
from questionnaires.services.invitations import (
    invitation_change,
    invitation_exclude,
    invitation_restore,
    invitation_revoke,
)
from questionnaires.services.messaging import invitation_resend

if TYPE_CHECKING:
    from accounts.models import User

# Each takes the invitation and `by` as keywords, and its own arguments (invitation_act).
INVITATION_ACTIONS: dict[str, Callable[..., object]] = {
    "change": invitation_change,
    "exclude": invitation_exclude,
    "revoke": invitation_revoke,
    "restore": invitation_restore,
    "resend": invitation_resend,
}


def invitation_act(
    *, invitation: Invitation, by: User, action: str, data: Mapping[str, Any]
) -> None:
    """Run one named action with what it takes from a form or an API body."""
    if action not in INVITATION_ACTIONS:
        raise ValidationProblem(_("Unknown action."), errors={"action": [_("Unknown action.")]})
    arguments: dict[str, Any] = {}
    if action in ("exclude", "revoke"):
        arguments = {"reason": data.get("reason") or ""}
    elif action == "change":
        arguments = {"email": data.get("email"), "channel": data.get("channel") or None}
    INVITATION_ACTIONS[action](invitation=invitation, by=by, **arguments)


# What the recipient table's bulk buttons may do to several invitations at once.
BULK_ACTIONS = ("resend", "exclude")


def invitations_act(
    *, invitations: Iterable[Invitation], by: User, action: str, data: Mapping[str, Any]
) -> tuple[list[str], list[str]]:
    """Run one action on each invitation, each in its own transaction (one refused does not
    undo the others); returns (names done, "name: why not" for those refused)."""
    if action not in BULK_ACTIONS:
        raise ValidationProblem(
            _("Choose “send again” or “exclude”."), errors={"action": [_("Unknown action.")]}
        )
    if action == "exclude" and not str(data.get("reason") or "").strip():
        raise ValidationProblem(
            _("Say why these people are excluded."), errors={"reason": [_("Required.")]}
        )
    done: list[str] = []
    refused: list[str] = []
    for invitation in invitations:
        try:
            invitation_act(invitation=invitation, by=by, action=action, data=data)
        except ValidationProblem as problem:
            refused.append(f"{invitation.name}: {problem.message}")
        else:
            done.append(invitation.name)
    return done, refused
