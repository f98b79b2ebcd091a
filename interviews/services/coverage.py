"""The coverage plan: how many of each stakeholder group, per country or region and method,
the team plans to reach (what was reached is computed by selectors.coverage)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypedDict

from django.db import transaction
from django.utils.translation import gettext as _

from common.errors import ValidationProblem
from evaluations.models import Evaluation
from evaluations.permissions import Actor
from interviews.models import CoverageTarget
from interviews.services.checks import check_choice, ensure_can_decide, plan_revise, refuse
from stakeholders.models import Country, Region, StakeholderGroup


class _Cell(TypedDict):
    """What identifies a cell of the plan (a CoverageTarget without its number)."""

    evaluation: Evaluation
    stakeholder_group: StakeholderGroup
    country: Country | None
    region: Region | None
    method: str


@transaction.atomic
def coverage_target_set(
    *,
    evaluation: Evaluation,
    by: Actor,
    stakeholder_group: StakeholderGroup,
    method: str,
    planned: int,
    country: Country | None = None,
    region: Region | None = None,
    revision: int | None = None,
) -> CoverageTarget | None:
    """Set how many the team plans to reach in one cell of the coverage plan; 0 removes it.
    `revision`: the plan's revision the edit is based on (EditConflict when it is old)."""
    ensure_can_decide(
        by, evaluation, _("Only the lead evaluator and evaluators can change the coverage plan.")
    )
    plan_revise(evaluation, "coverage", revision)
    return _target_set(
        evaluation=evaluation, stakeholder_group=stakeholder_group, method=method,
        planned=planned, country=country, region=region,
    )  # fmt: skip


def _target_set(
    *,
    evaluation: Evaluation,
    stakeholder_group: StakeholderGroup,
    method: str,
    planned: int,
    country: Country | None,
    region: Region | None,
) -> CoverageTarget | None:
    if (country is None) == (region is None):
        raise refuse("country", _("Choose a country or a region (one of the two)."))
    check_choice("method", method, CoverageTarget.Method, _("method"))
    if isinstance(planned, bool) or not isinstance(planned, int) or planned < 0:
        raise refuse("planned", _("The planned number must be a whole number, 0 or more."))
    cell: _Cell = {
        "evaluation": evaluation,
        "stakeholder_group": stakeholder_group,
        "country": country,
        "region": region,
        "method": method,
    }
    if planned == 0:
        CoverageTarget.objects.filter(**cell).delete()
        return None
    target, _created = CoverageTarget.objects.update_or_create(
        **cell, defaults={"planned": planned}
    )
    return target


@transaction.atomic
def coverage_plan_set(
    *,
    evaluation: Evaluation,
    by: Actor,
    cells: Sequence[tuple[str, dict[str, Any]]],
    revision: int | None = None,
) -> None:
    """Set several cells of the plan, all or none. `cells`: (label, the arguments of
    coverage_target_set) pairs; a refusal names the cell by its label ("3", "Viet Nam,
    Workers (Interview)") in the message and in the field errors ("<label>.<field>").
    `revision`: the plan's revision the edit is based on (EditConflict when it is old)."""
    ensure_can_decide(
        by, evaluation, _("Only the lead evaluator and evaluators can change the coverage plan.")
    )
    seen: dict[tuple[object, ...], str] = {}
    for label, cell in cells:
        key = (cell["stakeholder_group"], cell.get("country"), cell.get("region"), cell["method"])
        if key in seen:
            message = _("Cell %(label)s repeats cell %(first)s (same group, place and method).") % {
                "label": label,
                "first": seen[key],
            }
            raise ValidationProblem(message, errors={label: [message]})
        seen[key] = label
    plan_revise(evaluation, "coverage", revision)
    for label, cell in cells:
        try:
            _target_set(evaluation=evaluation, **_cell_arguments(cell))
        except ValidationProblem as problem:
            raise ValidationProblem(
                _("Cell %(label)s: %(problem)s") % {"label": label, "problem": problem.message},
                errors={f"{label}.{k}" if k else label: v for k, v in problem.errors.items()},
            ) from problem


def _cell_arguments(cell: dict[str, Any]) -> dict[str, Any]:
    """A cell as _target_set's arguments (country and region optional, as for
    coverage_target_set)."""
    return {"country": None, "region": None, **cell}
