"""The overview of interviews (the report's "Table 1"): interviews and distinct participants
per reporting category, with a layout's printed numbers and overrides beside them.

Counts follow the interview log (interviews.selectors.log_counts): interviews are events not
excluded from the tables; participants are distinct people plus the headcounts of unnamed
groups, a group met again in a follow-up counting once. Per category a person counts in every
category they were interviewed in; the Total row counts each person once (it is log_counts of
the whole table), so it can be below the sum of the rows — a footnote then says by how much.

`user=None` means the system (management commands): the full team's view, no permission check.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from common.errors import ValidationProblem
from interviews.models import (
    CategoryRule,
    Interview,
    Participation,
    ReportingCategory,
    rule_texts,
)
from interviews.selectors import group_met_before, log_counts
from interviews.services.categories import rule_decision
from reports.models import LayoutCell, TableLayout
from reports.selectors.access import report_access
from reports.tables import (
    ExcludedInterview,
    OverviewCell,
    OverviewRow,
    OverviewTable,
    RuleLine,
)
from stakeholders.models import Person

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User
    from evaluations.models import Evaluation

NO_CATEGORY = "none"  # the key of "(no category)" in the counts below
INTERVIEWS, PARTICIPANTS = LayoutCell.Column.INTERVIEWS, LayoutCell.Column.PARTICIPANTS
SEXES = [*Person.Sex.values, ""]


def _sex_label(code: str) -> str:
    return str(Person.Sex(code).label) if code else _("Sex not recorded")


# --- the layout ----------------------------------------------------------------------------------


def layout_find(evaluation: Evaluation, layout: TableLayout | str | None) -> TableLayout | None:
    """The layout asked for (object or name, case ignored); None asks for the first by name,
    and gives None (the default layout) when the evaluation has none."""
    layouts = TableLayout.objects.filter(evaluation=evaluation)
    if isinstance(layout, TableLayout):
        if layout.evaluation_id != evaluation.pk:
            raise ValidationProblem(
                _("This layout belongs to another evaluation."),
                errors={"layout": [_("This layout belongs to another evaluation.")]},
            )
        return layout
    if layout is None or not layout.strip():
        return layouts.order_by("name", "pk").first()
    found = layouts.filter(name__iexact=layout.strip()).first()
    if found is None:
        known = ", ".join(layouts.order_by("name").values_list("name", flat=True)) or _("none")
        message = _("No layout named “%(name)s”. Known layouts: %(known)s.") % {
            "name": layout,
            "known": known,
        }
        raise ValidationProblem(message, errors={"layout": [message]})
    return found


def _optional_columns(layout: TableLayout | None, modes_used: set[str]) -> list[tuple[str, str]]:
    if layout is None:
        return []
    columns = []
    if layout.show_group_interviews:
        columns.append(("group_interviews", _("Group interviews")))
    if layout.show_follow_ups:
        columns.append(("follow_ups", _("Follow-ups")))
    if layout.show_modes:
        columns += [
            (f"mode:{code}", str(label))
            for code, label in Interview.Mode.choices
            if code in modes_used
        ]
    if layout.show_sex:
        columns += [(f"sex:{code.upper()}", _sex_label(code)) for code in SEXES]
    return columns


# --- the counts ----------------------------------------------------------------------------------


@dataclass
class _Counts:
    interviews: int = 0
    persons: int = 0
    group_people: int = 0
    unknown_groups: int = 0
    by_hand: int = 0
    extra: dict[str, int] = field(default_factory=dict)

    @property
    def participants(self) -> int:
        return self.persons + self.group_people


def _key(category_id: int | None) -> int | str:
    return NO_CATEGORY if category_id is None else category_id


def _interview_counts(counted: QuerySet[Interview]) -> dict[int | str, _Counts]:
    """Interviews per category, with the optional columns and those set by hand: one query."""
    counts: dict[int | str, _Counts] = defaultdict(_Counts)
    extra = {
        "group_interviews": Count("pk", filter=Q(kind=Interview.Kind.GROUP)),
        "follow_ups": Count("pk", filter=Q(follow_up_of__isnull=False)),
        **{f"mode:{code}": Count("pk", filter=Q(mode=code)) for code in Interview.Mode.values},
    }
    # Some counts are named at run time (one per mode): the rows are read by name.
    rows: Iterable[Mapping[str, Any]] = counted.values("category").annotate(
        n=Count("pk"), by_hand=Count("pk", filter=Q(category_by_hand=True)), **extra
    )
    for row in rows:
        found = counts[_key(row["category"])]
        found.interviews, found.by_hand = row["n"], row["by_hand"]
        found.extra = {k: row[k] for k in extra}
    return counts


def _people_counts(counted: QuerySet[Interview], counts: dict[int | str, _Counts]) -> None:
    """Distinct people and group headcounts per category (one query), as log_counts counts
    them, but within each category: a group met again in a follow-up counts once per
    category it was met in."""
    met_before = (
        group_met_before()
        .alias(same=Coalesce("interview__category", Value(0)))
        .filter(same=Coalesce(OuterRef("interview__category"), Value(0)))
    )
    new_group = Q(person__isnull=True, again=False)
    by_sex = {
        f"sex:{code.upper()}": Count("person", distinct=True, filter=Q(person__sex=code))
        for code in SEXES
    }
    # The counts by sex are named at run time: the rows are read by name.
    rows: Iterable[Mapping[str, Any]] = (
        Participation.objects.filter(interview__in=counted.values("pk"))
        .alias(again=Exists(met_before))
        .values("interview__category")
        .annotate(
            persons=Count("person", distinct=True),
            group_people=Sum("headcount", filter=new_group, default=0),
            unknown=Count("pk", filter=new_group & Q(headcount__isnull=True)),
            **by_sex,
        )
    )
    for row in rows:
        found = counts[_key(row["interview__category"])]
        found.persons, found.group_people = row["persons"], row["group_people"]
        found.unknown_groups = row["unknown"]
        found.extra.update({k: row[k] for k in by_sex})


def _sex_totals(counted: QuerySet[Interview]) -> dict[str, int]:
    """Distinct people by sex over the whole table (a person in two categories once)."""
    return Participation.objects.filter(interview__in=counted.values("pk")).aggregate(
        **{
            f"sex:{code.upper()}": Count("person", distinct=True, filter=Q(person__sex=code))
            for code in SEXES
        }
    )


def _rule_lines(evaluation: Evaluation, counted: QuerySet[Interview]) -> list[RuleLine]:
    """Each rule with the interviews (counted, not set by hand) it decides: one query."""
    rules = list(
        CategoryRule.objects.filter(evaluation=evaluation)
        .select_related("category")
        .order_by("order", "pk")
    )
    if not rules:
        return []
    decided = (
        counted.filter(category_by_hand=False)
        .alias(decided=rule_decision(rules))
        .aggregate(
            **{f"r{index}": Count("pk", filter=Q(decided=index)) for index in range(len(rules))}
        )
    )
    return [
        RuleLine(order=number, text=text, matched=decided[f"r{number - 1}"])
        for number, text in enumerate(rule_texts(rules), start=1)
    ]


def _excluded(evaluation: Evaluation, *, names: bool) -> list[ExcludedInterview]:
    """The interviews left out, with the reason; named by their heading, or (for those who may
    see names) their first participant, else by date and place only."""
    excluded = (
        Interview.objects.filter(evaluation=evaluation, excluded=True)
        .order_by(F("date").asc(nulls_last=True), "pk")
        .prefetch_related(
            Prefetch("participations", queryset=Participation.objects.select_related("person"))
        )
    )
    return [
        ExcludedInterview(
            interview_id=interview.pk,
            date=interview.date,
            label=interview.grouping
            or (names and next((str(p) for p in interview.participations.all()), ""))
            or str(interview),
            reason=interview.excluded_reason,
        )
        for interview in excluded
    ]


# --- the table -----------------------------------------------------------------------------------


def _cells(layout: TableLayout | None) -> dict[tuple[int | None, str], LayoutCell]:
    if layout is None:
        return {}
    return {
        (cell.category_id, cell.column): cell
        for cell in LayoutCell.objects.filter(layout=layout).select_related("override_by")
    }


def _cell(computed: int, at_least: bool, saved: LayoutCell | None) -> OverviewCell:
    if saved is None:
        return OverviewCell(computed=computed, at_least=at_least)
    return OverviewCell(
        computed=computed,
        at_least=at_least,
        printed=saved.printed,
        override=saved.override,
        override_reason=saved.override_reason,
        override_by=str(saved.override_by) if saved.override_by_id else "",
    )


def _row(
    label: str,
    category_id: int | None,
    counts: _Counts,
    saved: dict[tuple[int | None, str], LayoutCell],
    columns: list[tuple[str, str]],
    *,
    is_total: bool = False,
) -> OverviewRow:
    # "(no category)" has no saved cells: category None is the Total row's.
    has_cells = is_total or category_id is not None
    return OverviewRow(
        label=label,
        category_id=category_id,
        interviews=_cell(
            counts.interviews, False, saved.get((category_id, INTERVIEWS)) if has_cells else None
        ),
        participants=_cell(
            counts.participants,
            counts.unknown_groups > 0,
            saved.get((category_id, PARTICIPANTS)) if has_cells else None,
        ),
        extra={key: counts.extra.get(key, 0) for key, _label in columns},
        is_total=is_total,
    )


def _total(counted: QuerySet[Interview], counts: dict[int | str, _Counts], sexes: bool) -> _Counts:
    """The Total row: the log's own counts of the whole table, so it matches the log."""
    log = log_counts(counted)
    extra: dict[str, int] = defaultdict(int)
    for found in counts.values():
        for key, value in found.extra.items():
            extra[key] += value
    if sexes:
        extra.update(_sex_totals(counted))
    return _Counts(
        interviews=log.interviews,
        persons=log.persons,
        group_people=log.group_people,
        unknown_groups=log.groups_unknown_size,
        by_hand=sum(found.by_hand for found in counts.values()),
        extra=dict(extra),
    )


def _footnotes(rows: list[OverviewRow], total: OverviewRow, counts: _Counts) -> list[str]:
    notes = []
    if counts.unknown_groups or any(row.participants.at_least for row in rows):
        notes.append(
            _(
                "≥: at least this many participants. %(n)d group(s) of unknown size are "
                "counted only as far as their size is known (not as 0 or 1)."
            )
            % {"n": counts.unknown_groups}
        )
    column_sum = sum(row.participants.computed for row in rows)
    if column_sum != total.participants.computed:
        notes.append(
            _(
                "The Total counts %(total)d distinct participants; the rows add up to "
                "%(sum)d: %(more)d of them are counted in more than one category."
            )
            % {
                "total": total.participants.computed,
                "sum": column_sum,
                "more": column_sum - total.participants.computed,
            }
        )
    return notes


def interview_overview(
    *,
    evaluation: Evaluation,
    user: User | AnonymousUser | None,
    layout: TableLayout | str | None = None,
) -> OverviewTable:
    """The overview of interviews per reporting category, with the layout's printed numbers
    and overrides. `user` None: the system (commands), no permission check; otherwise
    PermissionDenied for non-members. An unknown layout name is a ValidationProblem."""
    names = user is None or report_access(user, evaluation).names
    chosen = layout_find(evaluation, layout)
    counted = Interview.objects.filter(evaluation=evaluation, excluded=False)
    counts = _interview_counts(counted)
    _people_counts(counted, counts)
    modes_used = {
        key.removeprefix("mode:")
        for found in counts.values()
        for key, value in found.extra.items()
        if value and key.startswith("mode:")
    }
    columns = _optional_columns(chosen, modes_used)
    saved = _cells(chosen)
    rows = [
        _row(category.name, category.pk, counts.get(category.pk, _Counts()), saved, columns)
        for category in ReportingCategory.objects.filter(evaluation=evaluation).order_by(
            "order", "name"
        )
    ]
    if counts.get(NO_CATEGORY, _Counts()).interviews:
        rows.append(_row(_("(no category)"), None, counts[NO_CATEGORY], saved, columns))
    total_counts = _total(counted, counts, bool(chosen and chosen.show_sex))
    total = _row(_("Total"), None, total_counts, saved, columns, is_total=True)
    return OverviewTable(
        evaluation_id=evaluation.pk,
        layout_name=chosen.name if chosen else "",
        title=(chosen.title if chosen else "") or _("Overview of interviews"),
        columns=columns,
        rows=rows,
        total=total,
        footnotes=_footnotes(rows, total, total_counts),
        rules=_rule_lines(evaluation, counted),
        by_hand=total_counts.by_hand,
        excluded=_excluded(evaluation, names=names),
        has_printed=any(cell.printed is not None for cell in saved.values()),
    )


# --- rows for CSV and the workbook ---------------------------------------------------------------


def _value(cell: OverviewCell) -> int | str:
    return cell.text if cell.at_least and cell.override is None else cell.shown


def _reasons(row: OverviewRow) -> str:
    said = []
    for label, cell in ((_("Interviews"), row.interviews), (_("Participants"), row.participants)):
        if cell.override is not None:
            said.append(
                _("%(column)s overridden (computed %(computed)d) by %(by)s: %(reason)s")
                % {
                    "column": label,
                    "computed": cell.computed,
                    "by": cell.override_by or _("unknown"),
                    "reason": cell.override_reason,
                }
            )
    return "; ".join(said)


def overview_rows(table: OverviewTable) -> list[list[object]]:
    """Header, a row per category and the Total row, for CSV and the workbook. With printed
    numbers or overrides: printed and difference columns per number, and the override
    reasons (author and reason). A cell with a group of unknown size reads "≥ n"."""
    every = [*table.rows, table.total]
    marked = table.has_printed or any(
        cell.override is not None for row in every for cell in (row.interviews, row.participants)
    )
    header: list[object] = [_("Category"), _("Interviews"), _("Participants")]
    header += [label for _key, label in table.columns]
    if marked:
        header += [
            _("Interviews (printed)"),
            _("Interviews (difference)"),
            _("Participants (printed)"),
            _("Participants (difference)"),
            _("Override reason"),
        ]
    lines: list[list[object]] = [header]
    for row in every:
        line: list[object] = [row.label, _value(row.interviews), _value(row.participants)]
        line += [row.extra.get(key, 0) for key, _label in table.columns]
        if marked:
            for cell in (row.interviews, row.participants):
                line += [
                    "" if cell.printed is None else cell.printed,
                    "" if cell.difference is None else cell.difference,
                ]
            line.append(_reasons(row))
        lines.append(line)
    return lines
