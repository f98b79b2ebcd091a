"""The coverage plan as a matrix: planned vs reached per stakeholder group, place and method.
Any member reads it and downloads it as CSV; the lead and evaluators edit it as a grid."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from common.downloads import csv_download
from common.errors import ValidationProblem
from common.revisions import EditConflict
from evaluations.models import Evaluation
from evaluations.permissions import Action, can
from evaluations.views import evaluation_view
from interviews.models import CoverageTarget, Interview
from interviews.selectors.coverage_plan import (
    METHOD_MODES,
    CoveragePlace,
    MatrixCell,
    MethodMatrix,
    coverage_matrix,
    coverage_rows,
)
from interviews.services.coverage import coverage_plan_set
from stakeholders.models import Country, Region, StakeholderGroup
from stakeholders.selectors import country_list

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User

# A bound on what a person would plan, well inside every database's integer column.
PLANNED_MAX = 100_000


Place = Country | Region


def reached_note() -> list[tuple[str, list[str]]]:
    """Which interview modes count for which method, for the note under the matrix."""
    modes = dict(Interview.Mode.choices)
    return [
        (str(CoverageTarget.Method(method).label), [str(modes[m]) for m in mode_list])
        for method, mode_list in METHOD_MODES.items()
    ]


@dataclass
class ShownRow:
    place: CoveragePlace
    cells: list[tuple[StakeholderGroup, MatrixCell | None]]
    total: MatrixCell


@dataclass
class ShownTable:
    """A method's matrix with each cell beside its column, as the template needs it."""

    method: str
    label: str
    groups: list[StakeholderGroup]
    rows: list[ShownRow]
    totals: list[tuple[StakeholderGroup, MatrixCell]]
    total: MatrixCell


def _shown(table: MethodMatrix) -> ShownTable:
    rows = [
        ShownRow(row.place, list(zip(table.groups, row.cells, strict=True)), row.total)
        for row in table.rows
    ]
    totals = list(zip(table.groups, table.totals, strict=True))
    return ShownTable(table.method, table.label, table.groups, rows, totals, table.total)


@evaluation_view(Action.VIEW_EVALUATION)
def coverage_page(request: HttpRequest, evaluation: Evaluation) -> HttpResponse:
    matrix = coverage_matrix(evaluation=evaluation, user=request.user)
    return render(
        request,
        "interviews/coverage.html",
        {
            "evaluation": evaluation,
            "section": "coverage",
            "tables": [_shown(table) for table in matrix.tables],
            "can_edit": can(request.user, Action.MANAGE_RESPONDENTS, evaluation),
            "reached_note": reached_note(),
        },
    )


@evaluation_view(Action.VIEW_EVALUATION)
def coverage_csv(request: HttpRequest, evaluation: Evaluation) -> HttpResponse:
    """One line per target: what was planned, what was reached, what is still to reach."""
    rows = coverage_rows(evaluation=evaluation, user=request.user)
    return csv_download(rows, f"{evaluation.slug}-coverage.csv")


# --- editing the plan as a grid ---------------------------------------------------------------


def cell_name(method: str, place_key: str, group: StakeholderGroup) -> str:
    """The form name of one number input; slugs and place keys never hold a colon."""
    return f"cell:{method}:{place_key}:{group.code}"


@dataclass
class GridInput:
    name: str
    label: str  # "Viet Nam, Government (Interview)": names the row and column in errors
    value: str
    error: str = ""


@dataclass
class GridRow:
    place: CoveragePlace
    inputs: list[GridInput]


@dataclass
class GridTable:
    method: str
    label: str
    groups: list[StakeholderGroup]
    rows: list[GridRow]


@dataclass
class Grid:
    """The edit form: what is planned now, what was typed, and what is wrong with it."""

    tables: list[GridTable]
    current: dict[str, int]  # input name -> planned now (0: nothing planned)
    cells: dict[str, tuple[str, Place, StakeholderGroup]]  # input name -> the target's cell
    errors: list[str] = field(default_factory=list)

    def inputs(self) -> Iterator[GridInput]:
        for table in self.tables:
            for row in table.rows:
                yield from row.inputs


def _grid(evaluation: Evaluation, user: User | AnonymousUser, extra: list[Place]) -> Grid:
    matrix = coverage_matrix(evaluation=evaluation, user=user, edit=True, places=extra)
    tables, current, cells = [], {}, {}
    for table in matrix.tables:
        rows = []
        for row in table.rows:
            place = row.place.country or row.place.region
            inputs = []
            for group, cell in zip(table.groups, row.cells, strict=True):
                name = cell_name(table.method, row.place.key, group)
                current[name] = cell.planned if cell else 0
                cells[name] = (table.method, place, group)
                label = _("%(place)s, %(group)s (%(method)s)") % {
                    "place": row.place.label,
                    "group": group.name,
                    "method": table.label,
                }
                inputs.append(GridInput(name, label, str(current[name] or "")))
            rows.append(GridRow(row.place, inputs))
        tables.append(GridTable(table.method, table.label, table.groups, rows))
    return Grid(tables, current, cells)


def places_get(keys: list[str]) -> tuple[list[Place], list[str]]:
    """Countries ("c-VN") and regions ("r-3") named by form keys, and the keys not found."""
    codes = {key[2:].upper() for key in keys if key.startswith("c-")}
    ids = {int(key[2:]) for key in keys if re.fullmatch(r"r-\d{1,9}", key)}
    countries = {
        f"c-{c.code}": c for c in Country.objects.select_related("region").filter(code__in=codes)
    }
    regions = {f"r-{r.pk}": r for r in Region.objects.filter(pk__in=ids)}
    found = countries | regions
    normal = [key[:2] + key[2:].upper() if key.startswith("c-") else key for key in keys]
    return [found[key] for key in dict.fromkeys(normal) if key in found], [
        key for key, norm in zip(keys, normal, strict=True) if norm not in found
    ]


def planned_parse(text: str) -> tuple[int, str]:
    """A typed number of people to reach; blank is 0 (nothing planned). Returns (number, error)."""
    text = text.strip()
    if not text:
        return 0, ""
    if not re.fullmatch(r"[+-]?\d{1,12}", text):
        return 0, _("“%(text)s” is not a whole number.") % {"text": text[:20]}
    number = int(text)
    if number < 0:
        return 0, _("The planned number must be 0 or more, not %(number)d.") % {"number": number}
    if number > PLANNED_MAX:
        return 0, _("The planned number can be at most %(max)d.") % {"max": PLANNED_MAX}
    return number, ""


def _read_typed(grid: Grid, data: dict[str, str]) -> dict[str, int]:
    """Put what was typed into the grid; return the changed cells, or mark the errors."""
    changed = {}
    for item in grid.inputs():
        if item.name not in data:
            continue
        item.value = data[item.name]
        number, error = planned_parse(item.value)
        if error:
            item.error = f"{item.label}: {error}"
            grid.errors.append(item.error)
        elif number != grid.current[item.name]:
            changed[item.name] = number
    unknown = [k for k in data if k.startswith("cell:") and k not in grid.current]
    if unknown:
        grid.errors.append(
            _("These cells are not in the plan's rows and columns: %(names)s. Reload the page.")
            % {"names": ", ".join(unknown[:5])}
        )
    return changed


def _save(
    evaluation: Evaluation,
    user: User | AnonymousUser,
    grid: Grid,
    changed: dict[str, int],
    revision: int | None = None,
) -> int | None:
    """Every changed cell, or none: a refusal of one cell is shown next to it. A plan changed
    since the page was loaded: what changed meanwhile, the current number beside each typed
    one, and the current revision (returned) so that saving again passes."""
    labels = {item.name: item.label for item in grid.inputs()}
    cells = []
    for name, planned in changed.items():
        method, place, group = grid.cells[name]
        cells.append(
            (
                name,
                {
                    "stakeholder_group": group,
                    "method": method,
                    "planned": planned,
                    **({"country": place} if isinstance(place, Country) else {"region": place}),
                },
            )
        )
    try:
        coverage_plan_set(evaluation=evaluation, by=user, cells=cells, revision=revision)
    except EditConflict as conflict:
        grid.errors += [conflict.message, *(c.sentence() for c in conflict.changes)]
        for item in grid.inputs():
            if item.name in changed:
                item.error = _("%(cell)s: now %(current)s (you typed %(typed)s).") % {
                    "cell": labels[item.name],
                    "current": grid.current[item.name],
                    "typed": item.value,
                }
        return conflict.revision
    except ValidationProblem as problem:
        refused = next(iter(problem.errors), "").split(".")[0]
        for item in grid.inputs():
            if item.name == refused:
                message = problem.message.split(": ", 1)[-1]
                item.error = f"{labels[refused]}: {message}"
                grid.errors.append(item.error)


@evaluation_view(Action.MANAGE_RESPONDENTS)
def coverage_edit_page(request: HttpRequest, evaluation: Evaluation) -> HttpResponse:
    """GET: the grid. POST "add": one more row, keeping what was typed. POST "save": every
    changed cell in one transaction, or nothing with the errors next to the cells."""
    if request.method != "POST":
        return _edit_render(request, evaluation, _grid(evaluation, request.user, []))
    rows, unknown = places_get(request.POST.getlist("place"))
    add_error = ""
    if request.POST.get("action") == "add":
        added, missing = places_get([request.POST.get("add", "")])
        rows += added
        if missing or not added:
            add_error = _("Choose a country or a region to add as a row.")
    grid = _grid(evaluation, request.user, rows)
    if unknown:
        grid.errors.append(
            _("Unknown rows (no such country or region): %(keys)s.") % {"keys": ", ".join(unknown)}
        )
    changed = _read_typed(grid, request.POST)
    base = _revision_posted(request)
    if request.POST.get("action") == "add" or grid.errors:
        status = 400 if grid.errors or add_error else 200
        return _edit_render(
            request, evaluation, grid, add_error=add_error, status=status, revision=base
        )
    current = _save(evaluation, request.user, grid, changed, base)
    if grid.errors:
        status = 400 if current is None else 409
        return _edit_render(request, evaluation, grid, status=status, revision=current or base)
    messages.success(
        request,
        ngettext(
            "Coverage plan saved: %(count)d cell changed.",
            "Coverage plan saved: %(count)d cells changed.",
            len(changed),
        )
        % {"count": len(changed)}
        if changed
        else _("Nothing changed in the coverage plan."),
    )
    return redirect("interviews:coverage", evaluation.slug)


def _picker(user: User | AnonymousUser, grid: Grid) -> list[tuple[str, list[tuple[str, str]]]]:
    """The places that can be added as rows, grouped by region (each region first)."""
    shown = {row.place.key for row in grid.tables[0].rows} if grid.tables else set()
    groups: dict[int | None, list[tuple[str, str]]] = {}
    labels: dict[int | None, str] = {None: _("Countries without a region")}
    for region in Region.objects.order_by("order", "name"):
        labels[region.pk] = region.name
        groups[region.pk] = [
            (f"r-{region.pk}", _("%(region)s (whole region)") % {"region": region.name})
        ]
    for country in country_list(user=user):
        groups.setdefault(country.region_id, []).append((f"c-{country.code}", country.name))
    return [
        (labels[pk], [option for option in options if option[0] not in shown])
        for pk, options in groups.items()
    ]


def _edit_render(
    request: HttpRequest,
    evaluation: Evaluation,
    grid: Grid,
    *,
    add_error: str = "",
    status: int = 200,
    revision: int | None = None,
) -> HttpResponse:
    return render(
        request,
        "interviews/coverage.html",
        {
            "evaluation": evaluation,
            "section": "coverage",
            "edit": True,
            "grid": grid,
            "picker": _picker(request.user, grid),
            "add_error": add_error,
            # The plan's revision the page shows (kept while rows are added).
            "revision": revision or evaluation.coverage_revision,
        },
        status=status,
    )


def _revision_posted(request: HttpRequest) -> int | None:
    value = request.POST.get("revision", "")
    return int(value) if value.isdigit() and int(value) > 0 else None
