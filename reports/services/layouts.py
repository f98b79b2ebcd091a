"""Writes on how the overview of interviews is laid out: layouts, printed numbers and
overrides. Its rows, the reporting categories, and the rules that put interviews in them belong
to the log (interviews.services.categories).

`by` SYSTEM is the system (commands, the importer): full team rights. Otherwise only the lead
evaluator and evaluators decide how the tables are made (the roles that exclude interviews)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from common.errors import ValidationProblem
from common.revisions import revision_take
from evaluations.permissions import Action, Actor, author_of, can, is_system
from history.context import because
from history.selectors.conflicts import changes_since
from interviews.models import CategoryRule, ReportingCategory
from reports.models import LayoutCell, TableLayout

if TYPE_CHECKING:
    from evaluations.models import Evaluation

Field = CategoryRule.Field
LAYOUT_OPTIONS = ("title", "show_group_interviews", "show_follow_ups", "show_modes", "show_sex")


def _refuse(field: str, message: str) -> ValidationProblem:
    return ValidationProblem(message, errors={field: [message]})


def ensure_can_lay_out(by: Actor, evaluation: Evaluation) -> None:
    """Lead evaluators and evaluators: layouts, rules, printed numbers, overrides."""
    if not is_system(by) and not can(by, Action.MANAGE_RESPONDENTS, evaluation):
        raise PermissionDenied(
            _("Only the lead evaluator and evaluators can change how the tables are made.")
        )


# --- layouts ------------------------------------------------------------------------------------


def _layout_values(evaluation: Evaluation, values: Mapping[str, Any], pk: int | None) -> None:
    unknown = sorted(set(values) - {"name", *LAYOUT_OPTIONS})
    if unknown:
        raise TypeError(f"unexpected layout fields: {', '.join(unknown)}")
    if "name" in values:
        name = (values["name"] or "").strip()
        if not name:
            raise _refuse("name", _("A layout needs a name."))
        taken = TableLayout.objects.filter(evaluation=evaluation, name__iexact=name)
        if pk is not None:
            taken = taken.exclude(pk=pk)
        if taken.exists():
            raise _refuse("name", _("There is already a layout named “%(name)s”.") % {"name": name})
    limits = {"name": 120, "title": 300}
    for field, limit in limits.items():
        if len((values.get(field) or "").strip()) > limit:
            raise _refuse(field, _("At most %(limit)d characters.") % {"limit": limit})


def _layout_set(layout: TableLayout, values: Mapping[str, Any]) -> None:
    for field, value in values.items():
        text = field in ("name", "title")
        setattr(layout, field, (value or "").strip() if text else bool(value))


@transaction.atomic
def layout_create(*, evaluation: Evaluation, by: Actor, name: str, **options: Any) -> TableLayout:
    """A new layout of the overview (columns shown, title); its rows are the categories."""
    ensure_can_lay_out(by, evaluation)
    _layout_values(evaluation, {"name": name, **options}, None)
    layout = TableLayout(evaluation=evaluation)
    _layout_set(layout, {"name": name, **options})
    layout.save()
    return layout


@transaction.atomic
def layout_update(
    *, layout: TableLayout, by: Actor, revision: int | None = None, **changes: Any
) -> TableLayout:
    """Rename a layout, change its title or the optional columns it shows. `revision`: the
    one the edit is based on (EditConflict when it is old)."""
    ensure_can_lay_out(by, layout.evaluation)
    _layout_revise(layout, revision)
    _layout_values(layout.evaluation, changes, layout.pk)
    _layout_set(layout, changes)
    layout.save(update_fields=[*changes, "revision", "updated_at"])
    return layout


def _layout_revise(layout: TableLayout, revision: int | None) -> None:
    """Lock the layout and move its revision on (EditConflict when `revision`, the one the
    edit is based on, is old). Its cells share it: what changed meanwhile lists them too."""
    revision_take(
        layout,
        expected=revision,
        what=_("The layout “%(name)s”") % {"name": layout.name},
        explain=lambda base: changes_since(revised=layout, base=base, anchor=f"layout:{layout.pk}"),
    )


def _cells_revise(layout: TableLayout, revision: int | None) -> None:
    """A cell's edit moves the layout's revision on, so that an edit from a page loaded before
    it (the same cell overridden twice) is refused instead of overwriting."""
    _layout_revise(layout, revision)
    layout.save(update_fields=["revision", "updated_at"])


# --- printed numbers and overrides --------------------------------------------------------------


def _cell(layout: TableLayout, category: ReportingCategory | None, column: str) -> LayoutCell:
    if column not in LayoutCell.Column.values:
        raise _refuse(
            "column",
            _("“%(column)s” is not a column of the overview. Use one of: %(known)s.")
            % {"column": column, "known": ", ".join(LayoutCell.Column.values)},
        )
    if category is not None and category.evaluation_id != layout.evaluation_id:
        raise _refuse("category", _("This reporting category belongs to another evaluation."))
    cell, _created = LayoutCell.objects.select_for_update().get_or_create(
        layout=layout, category=category, column=column
    )
    return cell


# Far above any table's cell, well inside every database's integer column.
CELL_MAX = 1_000_000_000
# A cell's change inside layout_cell_set, which moved the layout's revision on already.
_SHARED: Any = object()


def _number(value: object, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= CELL_MAX:
        raise _refuse(field, _("Give a whole number from 0 to %(max)s.") % {"max": f"{CELL_MAX:,}"})
    return value


def _save_or_drop(cell: LayoutCell) -> LayoutCell:
    """A cell that holds nothing any more is not kept."""
    if cell.printed is None and cell.override is None:
        cell.delete()
    else:
        cell.save()
    return cell


@transaction.atomic
def printed_set(
    *,
    layout: TableLayout,
    by: Actor,
    category: ReportingCategory | None,
    column: str,
    value: int | None,
    revision: int | None = None,
) -> LayoutCell:
    """The number a report printed in a cell (category None: the Total row); None clears it.
    `revision`: the layout's revision the edit is based on (EditConflict when it is old)."""
    ensure_can_lay_out(by, layout.evaluation)
    if value is not None:
        _number(value, "printed")
    if revision is not _SHARED:
        _cells_revise(layout, revision)
    cell = _cell(layout, category, column)
    cell.printed = value
    return _save_or_drop(cell)


@transaction.atomic
def override_set(
    *,
    layout: TableLayout,
    by: Actor,
    category: ReportingCategory | None,
    column: str,
    value: int,
    reason: str,
    revision: int | None = None,
) -> LayoutCell:
    """Show `value` in a cell instead of the computed number; a written reason is required
    and kept with its author and time. `revision`: as for printed_set."""
    ensure_can_lay_out(by, layout.evaluation)
    reason = (reason or "").strip()
    if not reason:
        raise _refuse("reason", _("Say why the computed number is overridden."))
    _number(value, "override")
    if revision is not _SHARED:
        _cells_revise(layout, revision)
    cell = _cell(layout, category, column)
    cell.override, cell.override_reason = value, reason
    cell.override_by, cell.override_at = author_of(by), timezone.now()
    with because(reason):
        return _save_or_drop(cell)


@transaction.atomic
def override_clear(
    *,
    layout: TableLayout,
    by: Actor,
    category: ReportingCategory | None,
    column: str,
    revision: int | None = None,
) -> None:
    """Show the computed number again in a cell (a printed number stays). `revision`: as for
    printed_set."""
    ensure_can_lay_out(by, layout.evaluation)
    if revision is not _SHARED:
        _cells_revise(layout, revision)
    cell = _cell(layout, category, column)
    cell.override, cell.override_reason, cell.override_by, cell.override_at = None, "", None, None
    _save_or_drop(cell)


@transaction.atomic
def layout_cell_set(
    *,
    layout: TableLayout,
    by: Actor,
    category: ReportingCategory | None,
    column: str,
    changes: Mapping[str, Any],
    revision: int | None = None,
) -> None:
    """A cell's printed number and override in one change, both or neither saved: `changes`
    may hold "printed" (None clears), "override" (None clears) with "reason". `revision`: the
    layout's revision the change is based on (EditConflict when it is old); moved on once."""
    ensure_can_lay_out(by, layout.evaluation)
    _cells_revise(layout, revision)
    target: dict[str, Any] = {"layout": layout, "by": by, "category": category, "column": column}
    if "printed" in changes:
        printed_set(**target, value=changes["printed"], revision=_SHARED)
    if "override" in changes:
        if changes["override"] is None:
            override_clear(**target, revision=_SHARED)
        else:
            reason = changes.get("reason", "")
            override_set(**target, value=changes["override"], reason=reason, revision=_SHARED)


@transaction.atomic
def layout_delete(*, layout: TableLayout, by: Actor) -> None:
    """Drop a layout with its printed numbers and overrides (nothing computed hangs on it)."""
    ensure_can_lay_out(by, layout.evaluation)
    layout.delete()
