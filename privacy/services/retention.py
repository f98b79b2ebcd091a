"""Erasing, on the lead's confirmation, the people whose evaluations' retention periods are all
over (privacy.selectors.retention): never automatically."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from common.errors import ValidationProblem
from evaluations.models import Evaluation
from evaluations.permissions import Action, Actor, ensure
from privacy.selectors.retention import retention_plan
from privacy.services.erasure import Erasure, person_erase_checked


@dataclass
class RetentionErasure:
    erased: list[Erasure] = field(default_factory=list)

    @property
    def people(self) -> int:
        return len(self.erased)


def retention_reason(evaluation: Evaluation) -> str:
    return _(
        "Retention period over: “%(title)s” reported on %(day)s, personal data kept %(months)d "
        "months."
    ) % {
        "title": evaluation.title,
        "day": date_format(evaluation.report_date, "j F Y") if evaluation.report_date else "—",
        "months": evaluation.retention_months,
    }


@transaction.atomic
def retention_erase(
    *, by: Actor, evaluation: Evaluation, people: Collection[int] | None = None
) -> RetentionErasure:
    """Erase the people retention makes due in the evaluation (only those of `people` when
    given: the list the lead confirmed); the lead evaluator only."""
    ensure(by, Action.CHANGE_EVALUATION, evaluation)
    plan = retention_plan(evaluation=evaluation)
    if plan.ends is None:
        raise ValidationProblem(
            _("Set the report date and how many months personal data is kept first."),
            errors={"report_date": [_("Required for retention.")]},
        )
    if not plan.over:
        raise ValidationProblem(
            _("The retention period of “%(title)s” ends on %(day)s: nothing is due before.")
            % {"title": evaluation.title, "day": date_format(plan.ends, "j F Y")}
        )
    if plan.blocked:
        raise ValidationProblem(plan.blocked)
    due = [d.person for d in plan.due if people is None or d.person.pk in people]
    reason = retention_reason(evaluation)
    result = RetentionErasure()
    for person in due:
        result.erased.append(
            person_erase_checked(by=by, person=person, reason=reason, rights=False)
        )
    return result
