"""What every write on the log shares: who may write, and how a refusal is worded."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Field, Model
from django.utils.translation import gettext as _

from common.errors import ValidationProblem
from common.revisions import revision_bump
from evaluations.models import Evaluation
from evaluations.permissions import Action, Actor, can, is_system
from history.selectors.conflicts import changes_since
from history.services import record


class _Unset:
    def __repr__(self) -> str:
        return "UNSET"


# "Leave as it is" in interview_update, where None means "clear".
UNSET: Any = _Unset()


def ensure_can_log(by: Actor, evaluation: Evaluation) -> None:
    """Lead, evaluators and data entry log interviews (the roles that enter responses);
    SYSTEM is not checked."""
    if not is_system(by) and not can(by, Action.ENTER_RESPONSES, evaluation):
        raise PermissionDenied(_("Your role does not include logging interviews."))


def ensure_can_decide(by: Actor, evaluation: Evaluation, message: str) -> None:
    """Lead evaluators and evaluators: exclusions, deletions of others' entries, the plan;
    SYSTEM is not checked."""
    if not is_system(by) and not can(by, Action.MANAGE_RESPONDENTS, evaluation):
        raise PermissionDenied(message)


# --- refusals ---------------------------------------------------------------------------------


def refuse(field: str, message: str) -> ValidationProblem:
    return ValidationProblem(message, errors={field: [message]})


def check_length(model: type[Model], field: str, value: str, *, key: str = "") -> str:
    value = (value or "").strip()
    column = model._meta.get_field(field)
    if not isinstance(column, Field):
        raise TypeError(f"{model.__name__}.{field} is a reverse relation, not a column.")
    limit = column.max_length
    if limit and len(value) > limit:
        raise refuse(
            key or field,
            _("%(field)s is too long: %(length)d characters, at most %(limit)d.")
            % {
                "field": str(column.verbose_name).capitalize(),
                "length": len(value),
                "limit": limit,
            },
        )
    return value


def check_choice(field: str, value: str, choices: type[Any], what: str) -> str:
    if value not in choices.values:
        raise refuse(
            field,
            _("“%(value)s” is not a known %(what)s. Use one of: %(known)s.")
            % {"value": value, "what": what, "known": ", ".join(choices.values)},
        )
    return value


def plan_revise(evaluation: Evaluation, page: str, revision: int | None) -> int:
    """Move the revision of an evaluation's coverage plan (page "coverage") or reporting
    rules ("rules") on, refusing an edit based on an older one (EditConflict); the history
    keeps the step on that page, where "what changed meanwhile" starts."""
    field = f"{page}_revision"
    what = _("The coverage plan") if page == "coverage" else _("The set of categories and rules")
    anchor = f"{page}:{evaluation.pk}"
    new = revision_bump(
        Evaluation,
        evaluation.pk,
        expected=revision,
        field=field,
        what=what,
        explain=lambda base: changes_since(
            revised=evaluation, base=base, anchor=anchor, field="revision"
        ),
    )
    setattr(evaluation, field, new)
    record(evaluation, verb="revise", changes={"revision": [new - 1, new]}, anchor=anchor)
    return new
