"""Likert summaries of a distribution's frozen version: per item, n (answers on the scale),
count and percent per point in the scale's order, percent agreeing, mean and SD, and the
answers outside the scale (Don't know, N/A) apart; overall and by a snapshot attribute.

Only submitted responses count. The numbers come from one GROUP BY over the answers (item,
breakdown value, scale code); mean and SD follow exactly from those counts and the points'
values. Breakdowns are suppressed as common.suppression says:

- a group whose n, or whose number of answers (Don't know and N/A too), is under the threshold
  is hidden whole (n, counts, percents, mean, SD), and when that leaves a single group hidden
  for an item, the next-smallest group is hidden too;
- in the groups left, a point's count under the threshold is hidden, with complementary cells
  so that neither the group's n nor the overall row gives it back;
- a group with any hidden in-scale count also hides its mean, SD and percent agreeing (they
  would let one solve for the hidden counts), and its outside-scale percents when an outside
  count is hidden (their base, all answers, would give it back).

The overall row is hidden only when its own n or number of answers is under the threshold
(a row with n = 0 and one "N/A" is hidden, not shown as "N/A: 1 (100%)").

The blank value of a breakdown has group "" like the overall row: `LikertRow.is_overall`
tells them apart.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Count, Value
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from common.attributes import attribute_label
from common.errors import ValidationProblem
from common.json_fields import json_object_keys
from common.suppression import Breakdown, suppress_breakdown
from questionnaires.instrument_format import STANDARD_ATTRIBUTES
from questionnaires.models import (
    Answer,
    Distribution,
    LikertBlock,
    Question,
    Response,
    ScalePoint,
    localized,
)
from questionnaires.selectors.applying import applied_responses
from questionnaires.selectors.tracking import (
    attribute_text,
    bucket_text,
    group_order,
    not_recorded,
    standard_first,
)
from reports.selectors.access import report_access
from reports.tables import LikertCount, LikertRow, LikertTable, ReportAccess, ScaleColumn

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User

SUBMITTED = Response.Status.SUBMITTED


def language() -> str:
    return (get_language() or "en").split("-")[0]


def likert_blocks(distribution: Distribution) -> list[LikertBlock]:
    """The Likert blocks of the distribution's version, in the order of the form."""
    return list(
        LikertBlock.objects.filter(version_id=distribution.version_id)
        .select_related("section", "scale")
        .order_by("section__order", "key")
    )


# --- breakdowns --------------------------------------------------------------------------------


def response_attribute_keys(distribution: Distribution) -> list[str]:
    """Keys present in the submitted responses' snapshots: the standard ones first."""
    return standard_first(
        json_object_keys(Response, "attributes", distribution=distribution.pk, status=SUBMITTED)
    )


def likert_breakdowns(
    distribution: Distribution, access: ReportAccess | None = None
) -> list[tuple[str, str]]:
    """What the summaries can be broken down by: the attributes on the responses, (key, label).
    Those who may not see names (viewers) get the standard attributes only: a team's own
    column (a unit, an office) could tell them who answered."""
    keys = response_attribute_keys(distribution)
    if access is not None and not access.names:
        keys = [key for key in keys if key in STANDARD_ATTRIBUTES]
    return [(key, attribute_label(key)) for key in keys]


def breakdown_label(distribution: Distribution, by: str, access: ReportAccess | None = None) -> str:
    """The label of `by`; a ValidationProblem when no response records it (or the user may
    not break down by it)."""
    if not by:
        return ""
    choices = dict(likert_breakdowns(distribution, access))
    if by in choices:
        return choices[by]
    if by in STANDARD_ATTRIBUTES:  # standard but not recorded yet: every group "(not recorded)"
        return attribute_label(by)
    known = ", ".join(choices) or _("(none recorded)")
    message = _(
        "“%(by)s” is not recorded on the responses to this questionnaire. "
        "Break the results down by one of: %(known)s."
    ) % {"by": by, "known": known}
    raise ValidationProblem(message, errors={"by": [message]})


# --- the numbers -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Counts:
    """What the database returned: answers per (item, group, code), respondents per group."""

    cells: dict[tuple[int, str, str], int]
    groups: dict[str, int]

    def of(self, question_id: int, group: str | None, codes: list[str]) -> list[int]:
        """Answers per code for an item, in one group or (None) over all groups."""
        groups = list(self.groups) if group is None else [group]
        return [sum(self.cells.get((question_id, g, code), 0) for g in groups) for code in codes]


def counts_query(distribution: Distribution, questions: list[Question], by: str) -> Counts:
    """The one GROUP BY over the answers, and the respondents per group. An item with a
    skip-logic condition counts only the responses it applied to (selectors.applying): an
    answer left over from before an earlier answer changed is never counted."""
    applied = applied_responses(distribution, [q.key for q in questions])
    conditional = [q for q in questions if q.key in applied]
    answers = (
        Answer.objects.filter(response__distribution=distribution, response__status=SUBMITTED)
        .exclude(choice="")
        .annotate(bucket=attribute_text(by, "response__attributes") if by else Value(""))
        .order_by()
    )
    cells: dict[tuple[int, str, str], int] = defaultdict(int)
    plain = answers.filter(question__in=[q for q in questions if q.key not in applied])
    for question_id, bucket, choice, n in plain.values_list(
        "question_id", "bucket", "choice"
    ).annotate(n=Count("pk")):
        cells[question_id, bucket_text(bucket), choice] += n
    keys = {q.pk: q.key for q in conditional}
    for question_id, response_id, bucket, choice in answers.filter(
        question__in=conditional
    ).values_list("question_id", "response_id", "bucket", "choice"):
        if response_id in applied[keys[question_id]]:
            cells[question_id, bucket_text(bucket), choice] += 1
    responses = (
        Response.objects.filter(distribution=distribution, status=SUBMITTED)
        .annotate(bucket=attribute_text(by) if by else Value(""))
        .order_by()
        .values_list("bucket")
        .annotate(n=Count("pk"))
    )
    groups: dict[str, int] = defaultdict(int)
    for bucket, n in responses:
        groups[bucket_text(bucket)] += n
    ordered = sorted(groups.items(), key=lambda group: group_order(group[0]))
    return Counts(cells=dict(cells), groups=dict(ordered))


def point_columns(points: list[ScalePoint]) -> list[ScaleColumn]:
    """The in-scale points in the scale's order, then the points outside it."""
    ordered = sorted(points, key=lambda p: (not p.in_scale, p.order))
    return [
        ScaleColumn(
            code=p.code,
            label=localized(p.label, language()),
            value=p.value if p.in_scale else None,
            in_scale=p.in_scale,
        )
        for p in ordered
    ]


def agree_indexes(columns: list[ScaleColumn]) -> set[int]:
    """The points that count as agreeing: the top two by value (the top one on scales of
    fewer than four points, where the second would be the middle or the other side)."""
    in_scale = [i for i, c in enumerate(columns) if c.in_scale]
    top = sorted(in_scale, key=lambda i: columns[i].value or 0, reverse=True)
    return set(top[: 2 if len(in_scale) >= 4 else 1])


def percent(count: int, base: int) -> float | None:
    return round(100 * count / base, 1) if base else None


def statistics(
    counts: list[int], columns: list[ScaleColumn]
) -> tuple[float | None, float | None, float | None]:
    """Percent agreeing, mean and sample SD of the in-scale counts."""
    scale = [(n, c.value or 0) for n, c in zip(counts, columns, strict=True) if c.in_scale]
    n = sum(count for count, _value in scale)
    if not n:
        return None, None, None
    agree = sum(counts[i] for i in agree_indexes(columns))
    total = sum(count * value for count, value in scale)
    squares = sum(count * value * value for count, value in scale)
    mean = total / n
    sd = math.sqrt(max(squares - total * mean, 0) / (n - 1)) if n > 1 else None
    return percent(agree, n), round(mean, 2), None if sd is None else round(sd, 2)


def likert_row(
    item: Question,
    group: tuple[str, str],
    counts: list[int],
    shown: list[int | None],
    columns: list[ScaleColumn],
    *,
    whole: bool = False,
    is_overall: bool = False,
) -> LikertRow:
    """One row from the true counts and what suppression left shown (None: hidden); `whole`:
    the group is hidden whole, its n too."""
    k = sum(1 for c in columns if c.in_scale)
    n, everything = sum(counts[:k]), sum(counts)
    scale_hidden = any(value is None for value in shown[:k])
    outside_hidden = any(value is None for value in shown[k:])
    agree, mean, sd = (None, None, None) if scale_hidden else statistics(counts, columns)
    return LikertRow(
        question_key=item.key,
        question_label=item.label,
        question_ref=item.ref,
        question_text=localized(item.text, language()),
        group=group[0],
        group_label=group[1],
        n=None if whole else n,
        points=[LikertCount(c, None if c is None else percent(c, n)) for c in shown[:k]],
        outside=[
            LikertCount(c, None if c is None or outside_hidden else percent(c, everything))
            for c in shown[k:]
        ],
        agree_percent=agree,
        mean=mean,
        sd=sd,
        suppressed=scale_hidden or outside_hidden,
        is_overall=is_overall,
    )


def item_rows(
    item: Question,
    columns: list[ScaleColumn],
    counts: Counts,
    groups: list[tuple[str, str]] | None,
    access: ReportAccess,
) -> tuple[list[LikertRow], int]:
    """An item's overall row, then its row per group; and how many counts are hidden. In a
    suppressed view every count goes through suppression.suppress_breakdown: the size of a
    row is its n and all its answers (Don't know and N/A too), so a row answered only outside
    the scale by fewer than the threshold is hidden like any other small one."""
    codes = [c.code for c in columns]
    k = sum(1 for c in columns if c.in_scale)
    overall = counts.of(item.pk, None, codes)
    true = [counts.of(item.pk, value, codes) for value, _label in groups or []]
    if access.suppressed:
        shown = suppress_breakdown(
            true,
            access.threshold,
            sizes=[[sum(row[:k]), sum(row)] for row in true],
            overall_sizes=[sum(overall[:k]), sum(overall)],
            scale=k,
        )
    else:
        shown = Breakdown([list(row) for row in true], [False] * len(true), overall=True)
    hide = not shown.overall
    everyone = ("", _("All respondents"))
    cells: list[int | None] = [None] * len(overall) if hide else list(overall)
    rows = [likert_row(item, everyone, overall, cells, columns, whole=hide, is_overall=True)]
    hidden = len(overall) if hide else 0
    if groups is None:
        return rows, hidden
    for group, row, group_cells, w in zip(groups, true, shown.groups, shown.whole, strict=True):
        rows.append(likert_row(item, group, row, group_cells, columns, whole=w))
        hidden += sum(1 for value in group_cells if value is None)
    return rows, hidden


def block_title(block: LikertBlock) -> str:
    section = block.section
    return localized(section.title, language()) or section.label or block.key


def likert_summary(
    *,
    user: User | AnonymousUser,
    distribution: Distribution,
    block: LikertBlock | None = None,
    by: str = "",
    unsuppressed: bool = False,
) -> list[LikertTable]:
    """One table per Likert block of the distribution (or only `block`), overall and, with
    `by`, per value of that snapshot attribute; suppressed unless a lead asks otherwise."""
    access = report_access(user, distribution.evaluation, unsuppressed=unsuppressed)
    if block is not None and block.version_id != distribution.version_id:
        message = _("This Likert block is not part of the questionnaire that was sent.")
        raise ValidationProblem(message, errors={"block": [message]})
    by_label = breakdown_label(distribution, by, access)
    blocks = likert_blocks(distribution) if block is None else [block]
    items = list(
        Question.objects.filter(block__in=blocks, kind=Question.Kind.LIKERT)
        .select_related("section")
        .order_by("section__order", "order")
    )
    scale_points: dict[int, list[ScalePoint]] = defaultdict(list)
    for point in ScalePoint.objects.filter(scale_id__in={b.scale_id for b in blocks}):
        scale_points[point.scale_id].append(point)
    counts = counts_query(distribution, items, by)
    groups = [(value, value or not_recorded()) for value in counts.groups] if by else None
    tables = []
    for each in blocks:
        columns = point_columns(scale_points[each.scale_id])
        rows, hidden = [], 0
        for item in (i for i in items if i.block_id == each.pk):
            item_lines, item_hidden = item_rows(item, columns, counts, groups, access)
            rows += item_lines
            hidden += item_hidden
        tables.append(
            LikertTable(
                distribution_id=distribution.pk,
                distribution_title=distribution.title,
                block_key=each.key,
                block_title=block_title(each),
                points=columns,
                by=by,
                by_label=by_label,
                rows=rows,
                threshold=access.threshold,
                suppressed_view=access.suppressed,
                respondents=sum(counts.groups.values()),
                suppressed_cells=hidden,
            )
        )
    return tables


def overall_rows(table: LikertTable) -> list[LikertRow]:
    """Each item's overall row, in the items' order (in a table made without `is_overall`,
    each item's first row)."""
    if any(row.is_overall for row in table.rows):
        return [row for row in table.rows if row.is_overall]
    first: dict[str, LikertRow] = {}
    for row in table.rows:
        first.setdefault(row.question_key, row)
    return list(first.values())


# --- as a table of cells (CSV, the workbook) ---------------------------------------------------


def likert_header(table: LikertTable) -> list[object]:
    header: list[object] = [_("Item"), _("Statement")]
    if table.by:
        header.append(table.by_label)
    header.append("n")
    for point in table.in_scale:
        header += [f"{point.label} (n)", f"{point.label} (%)"]
    header += [_("Agree (%)"), _("Mean"), _("SD")]
    for point in table.outside:
        header += [f"{point.label} (n)", f"{point.label} (%)"]
    return header


def likert_rows(table: LikertTable) -> list[list[object]]:
    """Header and rows; a suppressed number is the text "<threshold", an undefined one ""."""
    hidden = f"<{table.threshold}"

    def cell(value: object, suppressed: bool) -> object:
        if value is not None:
            return value
        return hidden if suppressed else ""

    lines = [likert_header(table)]
    for row in table.rows:
        whole = row.n is None
        # Mean, SD and percent agreeing are hidden with any in-scale count of their row.
        derived = whole or any(point.count is None for point in row.points)
        line: list[object] = [row.question_ref, row.question_text]
        if table.by:
            line.append(row.group_label)
        line.append(cell(row.n, whole))
        for point in row.points:
            line += [cell(point.count, True), cell(point.percent, point.count is None)]
        line += [
            cell(row.agree_percent, derived),
            cell(row.mean, derived),
            cell(row.sd, derived and (row.n is None or row.n > 1)),
        ]
        outside_hidden = any(point.count is None for point in row.outside)
        for point in row.outside:
            line += [cell(point.count, True), cell(point.percent, outside_hidden)]
        lines.append(line)
    return lines
