"""What the report pages share: the context every tab renders with, and a refusal shown as
messages."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.http import HttpRequest

from common.downloads import query_flag
from common.errors import ValidationProblem
from evaluations.models import Evaluation
from evaluations.permissions import Action, can
from reports.selectors.access import report_access

if TYPE_CHECKING:
    from reports.tables import ReportAccess


def report_context(request: HttpRequest, evaluation: Evaluation, tab: str, **extra: object) -> dict:
    """What every report tab renders with: the evaluation, the tab, the user's access."""
    access: ReportAccess = extra.get("access") or report_access(request.user, evaluation)
    return {
        "evaluation": evaluation,
        "section": "reports",
        "tab": tab,
        "access": access,
        "can_edit": can(request.user, Action.MANAGE_RESPONDENTS, evaluation),
        **extra,
    }


def refused(request: HttpRequest, problem: ValidationProblem) -> None:
    """The refusal as messages: what was refused, then each field's problem."""
    shown = [problem.message]
    for field_errors in problem.errors.values():
        shown += [str(error) for error in field_errors if str(error) not in shown]
    for text in shown:
        messages.error(request, text)


def _unsuppressed_key(evaluation: Evaluation) -> str:
    return f"reports-unsuppressed-{evaluation.pk}"


def unsuppressed_choice(request: HttpRequest, evaluation: Evaluation) -> bool:
    """Whether the lead asked for the unsuppressed view: `?unsuppressed=1`, or a filter form
    sent without the box ticked (`shown=1`), is the choice and is remembered for this
    evaluation (in the session); with neither, the remembered choice holds. Anyone but a lead
    member is never given it from memory (report_access refuses them when they ask)."""
    key = _unsuppressed_key(evaluation)
    if "unsuppressed" in request.GET or "shown" in request.GET:
        wanted = query_flag(request, "unsuppressed")
        if report_access(request.user, evaluation).can_unsuppress:
            request.session[key] = wanted
        return wanted
    if not request.session.get(key):
        return False
    return report_access(request.user, evaluation).can_unsuppress
