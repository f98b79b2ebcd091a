"""The rows of the overview of interviews: the evaluation's reporting categories, renamed,
reordered, added and removed in one all-or-nothing change."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from common.errors import ValidationProblem
from interviews.models import ReportingCategory
from interviews.services.checks import check_length, ensure_can_decide

if TYPE_CHECKING:
    from accounts.models import User
    from evaluations.models import Evaluation


@transaction.atomic
def categories_save(
    *,
    evaluation: Evaluation,
    by: User | None,
    names: dict[int, str],
    orders: dict[int, int],
    removed: set[int] | frozenset[int] = frozenset(),
    added: list[str] | tuple[str, ...] = (),
) -> list[ReportingCategory]:
    """Rename and reorder the categories (by id), remove some (their interviews lose the
    category; rules that lead to them go), add new ones at the end. Names stay unique (case
    ignored); nothing is saved when one change is refused."""
    ensure_can_decide(
        by, evaluation, _("Only the lead evaluator and evaluators can change the categories.")
    )
    current = {
        c.pk: c for c in ReportingCategory.objects.select_for_update().filter(evaluation=evaluation)
    }
    unknown = (set(names) | set(orders) | set(removed)) - set(current)
    if unknown:
        raise ValidationProblem(
            _("These categories are not in this evaluation: %(ids)s.")
            % {"ids": ", ".join(map(str, sorted(unknown)))}
        )
    kept = [c for pk, c in current.items() if pk not in removed]
    errors: dict[str, list[str]] = {}
    for category in kept:
        name = check_length(
            ReportingCategory,
            "name",
            names.get(category.pk, category.name),
            key=f"name_{category.pk}",
        )
        if not name:
            errors[f"name_{category.pk}"] = [_("A category needs a name (or tick “remove”).")]
        category.name = name
        category.order = orders.get(category.pk, category.order)
    new = [check_length(ReportingCategory, "name", text, key="new") for text in added]
    new = [name for name in new if name]
    seen: dict[str, str] = {}
    for name in [c.name for c in kept] + new:
        if name.casefold() in seen:
            errors.setdefault("names", []).append(_("“%(name)s” is there twice.") % {"name": name})
        seen[name.casefold()] = name
    if errors:
        raise ValidationProblem(_("The categories were not saved."), errors=errors)
    ReportingCategory.objects.filter(evaluation=evaluation, pk__in=removed).delete()
    # Two passes: a rename to a name another row is about to give up must not collide.
    for category in kept:
        ReportingCategory.objects.filter(pk=category.pk).update(name=f"(renaming #{category.pk})")
    for category in kept:
        category.save(update_fields=["name", "order"])
    last = max((c.order for c in kept), default=0)
    for offset, name in enumerate(new, start=1):
        ReportingCategory.objects.create(evaluation=evaluation, name=name, order=last + offset)
    if removed:  # their interviews go back to the rules
        from reports.services.layouts import categories_apply

        categories_apply(evaluation=evaluation)
    return list(ReportingCategory.objects.filter(evaluation=evaluation).order_by("order", "name"))
