"""The coverage plan: how many of each stakeholder group, per country or region and method,
the team plans to reach (what was reached is computed by selectors.coverage)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from evaluations.models import Evaluation
from interviews.models import CoverageTarget
from interviews.services.checks import check_choice, ensure_can_decide, refuse
from stakeholders.models import Country, Region, StakeholderGroup

if TYPE_CHECKING:
    from accounts.models import User


@transaction.atomic
def coverage_target_set(
    *,
    evaluation: Evaluation,
    by: User | None,
    stakeholder_group: StakeholderGroup,
    method: str,
    planned: int,
    country: Country | None = None,
    region: Region | None = None,
) -> CoverageTarget | None:
    """Set how many the team plans to reach in one cell of the coverage plan; 0 removes it."""
    ensure_can_decide(
        by, evaluation, _("Only the lead evaluator and evaluators can change the coverage plan.")
    )
    if (country is None) == (region is None):
        raise refuse("country", _("Choose a country or a region (one of the two)."))
    check_choice("method", method, CoverageTarget.Method, _("method"))
    if isinstance(planned, bool) or not isinstance(planned, int) or planned < 0:
        raise refuse("planned", _("The planned number must be a whole number, 0 or more."))
    cell = {
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
