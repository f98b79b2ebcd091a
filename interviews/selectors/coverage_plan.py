"""The coverage plan against what was reached: per target, and as a matrix of places by
stakeholder groups, one table per method."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.db.models.fields.json import KT
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from common.attributes import attribute_label
from common.suppression import suppress_breakdown
from evaluations.models import Evaluation
from evaluations.permissions import Action, Role, can, role_of
from interviews.models import CoverageTarget, Interview
from questionnaires.models import Invitation
from stakeholders.models import Country, Region, StakeholderGroup

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User

# Which interview modes reach people by each method of the plan. E-mail exchanges and phone
# calls are interviews; a debrief presents findings and reaches no one new.
METHOD_MODES: dict[str, tuple[str, ...]] = {
    CoverageTarget.Method.INTERVIEW: (
        Interview.Mode.IN_PERSON,
        Interview.Mode.VIDEO,
        Interview.Mode.PHONE,
        Interview.Mode.EMAIL,
    ),
    CoverageTarget.Method.FOCUS_GROUP: (Interview.Mode.FOCUS_GROUP,),
    CoverageTarget.Method.FIELD_VISIT: (Interview.Mode.FIELD_VISIT,),
}


@dataclass(frozen=True)
class CoverageCell:
    """Planned against reached; `reached` is None where it is a small count of respondents
    hidden from this user (fewer than `hidden_below`, see coverage())."""

    target: CoverageTarget
    planned: int
    reached: int | None
    hidden_below: int | None = None

    @property
    def gap(self) -> int | None:
        """How many are still to reach (0 when the plan is met or exceeded; None when reached
        is hidden: the gap would give it back)."""
        if self.reached is None:
            return None
        return max(self.planned - self.reached, 0)

    @property
    def reached_shown(self) -> int | str:
        """Reached as shown: the count, or "<N" where it is hidden."""
        return f"<{self.hidden_below}" if self.reached is None else self.reached


def _interview_place(target: CoverageTarget, chosen: list[int]) -> Q:
    """A participant's place: the interview's country, unless the participant's own (copied)
    country is one the plan chooses (`chosen`); the participant's own country also where the
    interview has no place. A region's target takes the place's region."""
    own_chosen = Q(participations__country__in=chosen)
    # Not `~own_chosen`: a negation would look at every participant of the interview.
    not_chosen = Q(participations__country__isnull=True) | Q(
        participations__country__in=Country.objects.exclude(pk__in=chosen).values("pk")
    )
    if target.country_id:
        return Q(participations__country=target.country_id) & own_chosen | (
            not_chosen & Q(country=target.country_id)
        )
    return (
        own_chosen & Q(participations__country__region=target.region_id)
        | not_chosen & Q(region=target.region_id)
        | not_chosen & Q(region__isnull=True, participations__country__region=target.region_id)
    )


def _interview_counts(evaluation: Evaluation, targets: list[CoverageTarget]) -> dict[int, int]:
    """Per target, the interviews (not excluded, not in the future) by the target's method with
    a participant of its group and place (see _interview_place): one query."""
    wanted = [t for t in targets if t.method in METHOD_MODES]
    if not wanted:
        return {}
    chosen = sorted({t.country_id for t in targets if t.country_id})
    counts = {
        f"t{t.pk}": Count(
            "pk",
            distinct=True,
            filter=Q(mode__in=METHOD_MODES[t.method])
            & Q(participations__stakeholder_group=t.stakeholder_group_id)
            & _interview_place(t, chosen),
        )
        for t in wanted
    }
    found = Interview.objects.filter(
        evaluation=evaluation, excluded=False, date__lte=timezone.localdate()
    ).aggregate(**counts)
    return {t.pk: found[f"t{t.pk}"] for t in wanted}


def _target_region(target: CoverageTarget) -> Region:
    """The region of a target without a country (the table holds exactly one of the two)."""
    if target.region is None:
        raise ValueError(f"Coverage target {target.pk} has neither a country nor a region.")
    return target.region


def _questionnaire_place(target: CoverageTarget, countries: dict[int, list[str]]) -> Q:
    if target.country is not None:
        return Q(attributes__country__iexact=target.country.name)
    # Snapshots name the region; those that name only the country count for its region.
    region = _target_region(target)
    names = countries.get(region.pk, [])
    return (
        Q(attributes__region__iexact=region.name)
        | Q(attributes__country__in=names)
        | Q(country_lower__in=[name.lower() for name in names])
    )


def _questionnaire_counts(evaluation: Evaluation, targets: list[CoverageTarget]) -> dict[int, int]:
    """Per target, the questionnaires submitted or returned by someone of its group and place
    (by the attributes snapshot on the invitation): one query, and one for region names."""
    wanted = [t for t in targets if t.method == CoverageTarget.Method.QUESTIONNAIRE]
    if not wanted:
        return {}
    countries: dict[int, list[str]] = {}
    regions = {t.region_id for t in wanted if t.region_id}
    if regions:
        for region_id, name in Country.objects.filter(region__in=regions).values_list(
            "region_id", "name"
        ):
            countries.setdefault(region_id, []).append(name)
    counts = {
        f"t{t.pk}": Count(
            "pk",
            filter=Q(attributes__stakeholder_group__iexact=t.stakeholder_group.name)
            & _questionnaire_place(t, countries),
        )
        for t in wanted
    }
    found = (
        Invitation.objects.filter(
            distribution__evaluation=evaluation, status__in=Invitation.RESPONDED
        )
        .alias(country_lower=Lower(KT("attributes__country")))
        .aggregate(**counts)
    )
    return {t.pk: found[f"t{t.pk}"] for t in wanted}


def _suppressed(
    targets: list[CoverageTarget], counts: dict[int, int], threshold: int
) -> dict[int, int | None]:
    """Questionnaire counts are respondents: per stakeholder group, its places go through the
    one suppression step (a place under the threshold is hidden whole, with another so the
    group's total cannot give it back; the group's total under the threshold hides them all)."""
    by_group: dict[int, list[int]] = {}
    for t in targets:
        if t.pk in counts:
            by_group.setdefault(t.stakeholder_group_id, []).append(t.pk)
    shown: dict[int, int | None] = {}
    for pks in by_group.values():
        values = [[counts[pk]] for pk in pks]
        breakdown = suppress_breakdown(
            values,
            threshold,
            sizes=values,
            overall_sizes=[sum(counts[pk] for pk in pks)],
            cells=False,
        )
        for pk, (value,) in zip(pks, breakdown.groups, strict=True):
            shown[pk] = value
    return shown


def coverage(
    *, evaluation: Evaluation, user: User | AnonymousUser | None = None
) -> list[CoverageCell]:
    """The coverage plan, planned against reached, per target (in the plan's order).

    Reached: interviews (by mode, see METHOD_MODES) with a participant of the group, placed
    in the interview's country unless their own country is one the plan chooses; questionnaires
    submitted or returned whose respondent attributes name the group and country or region.
    With a user, refused unless they are a member (these are counts, not names); for anyone
    but the lead, questionnaires reached are small counts of respondents and go through the
    suppression step of the reports (None where hidden). Interviews count named people and
    are shown as they are."""
    if user is not None and not can(user, Action.VIEW_EVALUATION, evaluation):
        raise PermissionDenied(_("You are not a member of this evaluation."))
    targets = list(
        CoverageTarget.objects.filter(evaluation=evaluation)
        .select_related("stakeholder_group", "country", "region")
        .order_by("stakeholder_group__order", "country__name", "region__order", "method", "pk")
    )
    threshold = evaluation.small_cell_threshold
    counts = _questionnaire_counts(evaluation, targets)
    hidden = user is not None and role_of(user, evaluation) != Role.LEAD
    questionnaires: dict[int, int | None] = (
        _suppressed(targets, counts, threshold) if hidden else dict(counts)
    )
    reached: dict[int, int | None] = {**_interview_counts(evaluation, targets), **questionnaires}
    return [
        CoverageCell(t, t.planned, reached.get(t.pk, 0), threshold if hidden else None)
        for t in targets
    ]


def coverage_header() -> list[str]:
    """The coverage table's column names, as the page says them."""
    places = [attribute_label(key) for key in ("stakeholder_group", "country", "region")]
    return [*places, _("Method"), _("Planned"), _("Reached"), _("Gap")]


def coverage_rows(
    *, evaluation: Evaluation, user: User | AnonymousUser | None = None
) -> Iterator[list[object]]:
    """The header, then one line per target: what was planned, reached and is still to reach
    (the coverage CSV of the page, the API's export and the report's)."""
    yield list[object](coverage_header())
    for cell in coverage(evaluation=evaluation, user=user):
        target = cell.target
        yield [
            target.stakeholder_group.name,
            target.country.name if target.country else "",
            target.region.name if target.region else "",
            str(target.get_method_display()),
            cell.planned,
            cell.reached_shown,
            "" if cell.gap is None else cell.gap,
        ]


# --- the coverage plan as a matrix ------------------------------------------------------------

# Where a country without a region goes: after every region.
_NO_REGION_ORDER = 1_000_000


@dataclass(frozen=True)
class MatrixCell:
    """Planned, reached and still to reach; in totals the gap adds the cells' gaps (reaching
    more in one cell does not fill another). Reached and gap are None where hidden (a total
    over a hidden cell is hidden too); `hidden_below` is then the threshold."""

    planned: int
    reached: int | None
    gap: int | None
    hidden_below: int | None = None

    @property
    def reached_shown(self) -> int | str:
        """Reached as shown: the count, or "<N" where it is hidden."""
        return f"<{self.hidden_below}" if self.reached is None else self.reached


@dataclass(frozen=True)
class CoveragePlace:
    """A row of the matrix: a country or a region. `key` names it in forms ("c-VN", "r-3")."""

    key: str
    label: str
    country: Country | None
    region: Region | None
    sort: tuple[int, str, int, str]


@dataclass(frozen=True)
class MatrixRow:
    place: CoveragePlace
    cells: list[MatrixCell | None]  # one per column; None where nothing is planned
    total: MatrixCell


@dataclass(frozen=True)
class MethodMatrix:
    method: str
    label: str
    groups: list[StakeholderGroup]  # the columns: StakeholderGroup, in the list's order
    rows: list[MatrixRow]
    totals: list[MatrixCell]  # one per column
    total: MatrixCell


@dataclass(frozen=True)
class CoverageMatrix:
    tables: list[MethodMatrix]
    places: list[CoveragePlace]  # every row of the plan (and the extra places asked for)
    groups: list[StakeholderGroup]


def coverage_place(place: Country | Region) -> CoveragePlace:
    """The matrix row of a Country (with its region loaded) or a Region: regions in their
    order, each region's own row before its countries, then by name."""
    if isinstance(place, Country):
        region = place.region
        sort = (
            (region.order, region.name.lower(), 1, place.name.lower())
            if region
            else (_NO_REGION_ORDER, "", 1, place.name.lower())
        )
        return CoveragePlace(f"c-{place.code}", place.name, place, None, sort)
    return CoveragePlace(
        f"r-{place.pk}", place.name, None, place, (place.order, place.name.lower(), 0, "")
    )


def _matrix_sum(cells: list[MatrixCell | None]) -> MatrixCell:
    present = [cell for cell in cells if cell is not None]
    planned = sum(c.planned for c in present)
    hidden = [c.hidden_below for c in present if c.reached is None]
    if hidden:
        return MatrixCell(planned, None, None, hidden[0])
    return MatrixCell(
        planned,
        sum(c.reached or 0 for c in present),
        sum(c.gap or 0 for c in present),
    )


def _method_matrix(
    method: str,
    cells: dict[tuple[str, int], MatrixCell],
    places: list[CoveragePlace],
    groups: list[StakeholderGroup],
) -> MethodMatrix:
    rows = []
    for place in places:
        row = [cells.get((place.key, group.pk)) for group in groups]
        rows.append(MatrixRow(place, row, _matrix_sum(row)))
    totals = [_matrix_sum([row.cells[i] for row in rows]) for i in range(len(groups))]
    return MethodMatrix(
        method,
        str(CoverageTarget.Method(method).label),
        groups,
        rows,
        totals,
        _matrix_sum([row.total for row in rows]),
    )


def _ordered_places(*sources: dict[str, CoveragePlace]) -> list[CoveragePlace]:
    merged = {key: place for source in sources for key, place in source.items()}
    return sorted(merged.values(), key=lambda place: place.sort)


def _ordered_groups(*sources: dict[int, StakeholderGroup]) -> list[StakeholderGroup]:
    merged = {pk: group for source in sources for pk, group in source.items()}
    return sorted(merged.values(), key=lambda group: (group.order, group.name.lower()))


def coverage_matrix(
    *,
    evaluation: Evaluation,
    user: User | AnonymousUser | None,
    method: str | None = None,
    edit: bool = False,
    places: Iterable[Country | Region] = (),
) -> CoverageMatrix:
    """The plan as one table per method: rows are places, columns stakeholder groups, cells
    planned vs reached (from coverage(), no query per cell).

    Shown, a table has the places and groups of its own targets. For editing (`edit`), every
    method has a table and every table the same rows (the plan's places and `places`) and
    columns (the groups in use and those of the plan)."""
    found = coverage(evaluation=evaluation, user=user)
    countries = Country.objects.select_related("region").in_bulk(
        {cell.target.country_id for cell in found if cell.target.country_id}
    )
    cells: dict[str, dict[tuple[str, int], MatrixCell]] = {}
    plan_places: dict[str, dict[str, CoveragePlace]] = {}
    plan_groups: dict[str, dict[int, StakeholderGroup]] = {}
    for cell in found:
        target = cell.target
        place = coverage_place(
            countries[target.country_id] if target.country_id else _target_region(target)
        )
        group = target.stakeholder_group
        cells.setdefault(target.method, {})[(place.key, group.pk)] = MatrixCell(
            cell.planned, cell.reached, cell.gap, cell.hidden_below
        )
        plan_places.setdefault(target.method, {})[place.key] = place
        plan_groups.setdefault(target.method, {})[group.pk] = group

    every_place = _ordered_places(
        *plan_places.values(), {p.key: p for p in map(coverage_place, places)}
    )
    in_use = StakeholderGroup.objects.filter(active=True) if edit else []
    every_group = _ordered_groups(*plan_groups.values(), {g.pk: g for g in in_use})
    tables = []
    for m in CoverageTarget.Method.values:
        if method not in (None, m) or not (edit or m in cells):
            continue
        if edit:
            tables.append(_method_matrix(m, cells.get(m, {}), every_place, every_group))
        else:
            rows, columns = _ordered_places(plan_places[m]), _ordered_groups(plan_groups[m])
            tables.append(_method_matrix(m, cells[m], rows, columns))
    return CoverageMatrix(tables, every_place, every_group)
