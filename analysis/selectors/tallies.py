"""Tallies: codes × an attribute (stakeholder group, region, category, instrument), counting
distinct people — respondents whose answers were coded, interview participants whose
interview's notes were coded — never excerpts. Counted in the database (GROUP BY, COUNT
DISTINCT; group participants by their headcount over distinct participations), every coding
included: lead-only codings reach the other members only as these numbers, suppressed.

n (a column's base) is everyone who could have been coded: respondents with an open answer in
a submitted response, and participants of interviews that have notes. A named participant
counts once (distinct person); an unnamed group adds its headcount, and a group of unknown size
adds nothing but marks the count as a minimum ("≥"). A person who both answered and was
interviewed counts once on each side. Codes do not add up their sub-codes.

Suppression is the Likert tables' (common.suppression.suppress_breakdown): columns are groups
of people whose n is their size, each code a category whose Total is shown."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import connection
from django.db.models import Case, Count, Exists, F, IntegerField, OuterRef, Q, Value, When
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from analysis.models import Code, Coding
from analysis.services.codings import OPEN_KINDS
from analysis.wording import Thresholds, noun_of, share_words
from common.errors import ValidationProblem
from common.suppression import Breakdown, suppress_breakdown
from interviews.models import Participation
from questionnaires.models import Answer, Response
from questionnaires.selectors.tracking import attribute_text, bucket_text, group_order, not_recorded
from reports.selectors.access import report_access

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User
    from evaluations.models import Evaluation

ATTRIBUTES = {
    "stakeholder_group": gettext_lazy("Stakeholder group"),
    "region": gettext_lazy("Region"),
    "category": gettext_lazy("Category"),
    "instrument": gettext_lazy("Instrument"),
}


@dataclass(frozen=True)
class TallyCell:
    count: int | None  # None: suppressed
    at_least: bool = False  # a group of unknown size is in it: the count is a minimum
    words: str = ""


@dataclass(frozen=True)
class TallyColumn:
    value: str
    label: str
    n: int | None
    n_at_least: bool = False


@dataclass(frozen=True)
class TallyRow:
    code_id: int
    code: str
    depth: int
    cells: list[TallyCell]
    total: TallyCell


@dataclass
class TallyTable:
    by: str
    by_label: str
    noun: str
    n: int | None
    n_at_least: bool
    suppressed: bool
    threshold: int
    columns: list[TallyColumn] = field(default_factory=list)
    rows: list[TallyRow] = field(default_factory=list)
    hidden: int = 0


# --- what is counted -----------------------------------------------------------------------------


# Per attribute: the value on a response (prefix to it from the counted model) and on an
# interview participation.
def answer_value(by: str, to_response: str) -> Any:
    if by == "instrument":
        return F(f"{to_response}version__instrument__key")
    return attribute_text(by, f"{to_response}attributes")


def participant_value(by: str, to_participation: str) -> Any:
    paths = {
        "stakeholder_group": "stakeholder_group__name",
        "region": "interview__region__name",
        "category": "interview__category__name",
        "instrument": "interview__guide_version__instrument__key",
    }
    return Coalesce(F(f"{to_participation}{paths[by]}"), Value(""))


def _unit(to_participation: str) -> dict[str, Any]:
    """A participant as a counted unit: a named person by id, an unnamed group by its row
    (negative, apart from people) with its headcount as weight (unknown: 0, flagged)."""
    unnamed = Q(**{f"{to_participation}person__isnull": True})
    return {
        "t_unit": Case(
            When(unnamed, then=-F(f"{to_participation}pk")),
            default=F(f"{to_participation}person_id"),
            output_field=IntegerField(),
        ),
        "t_weight": Case(
            When(unnamed, then=Coalesce(F(f"{to_participation}headcount"), Value(0))),
            default=Value(1),
            output_field=IntegerField(),
        ),
        "t_unknown": Case(
            When(unnamed & Q(**{f"{to_participation}headcount__isnull": True}), then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        ),
    }


def _weighted(queryset: Any, keys: list[str]) -> dict[tuple[Any, ...], tuple[int, bool]]:
    """SUM(weight), MAX(unknown) over the distinct units of `queryset` (which selects `keys`,
    t_unit, t_weight, t_unknown), grouped by `keys`: GROUP BY over a DISTINCT derived table."""
    inner, params = queryset.order_by().distinct().query.sql_with_params()
    quoted = ", ".join(connection.ops.quote_name(key) for key in keys)
    select = f"{quoted}, " if keys else ""
    group = f" GROUP BY {quoted}" if keys else ""
    sql = f"SELECT {select}SUM(t_weight), MAX(t_unknown) FROM ({inner}) counted{group}"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    width = len(keys)
    return {tuple(row[:width]): (int(row[width] or 0), bool(row[width + 1])) for row in rows}


@dataclass
class Counts:
    """(code or None for n, value or None for all values) -> (count, at least)."""

    cells: dict[tuple[int | None, str | None], list[Any]] = field(
        default_factory=lambda: defaultdict(lambda: [0, False])
    )
    respondents: bool = False
    participants: bool = False

    def add(self, code: int | None, value: str | None, count: int, unknown: bool = False) -> None:
        cell = self.cells[(code, None if value is None else bucket_text(value))]
        cell[0] += count
        cell[1] = cell[1] or unknown

    def of(self, code: int | None, value: str | None) -> tuple[int, bool]:
        count, unknown = self.cells.get((code, value), (0, False))
        return count, unknown


def tally_counts(evaluation: Evaluation, by: str) -> Counts:
    """Every count of the table, in eight grouped queries whatever the size."""
    counts = Counts()
    coded_answers = Coding.objects.filter(evaluation=evaluation, answer__isnull=False)
    grouped: list[Any] = [
        coded_answers.values(t_code=F("codes"), t_value=answer_value(by, "answer__response__")),
        coded_answers.values(t_code=F("codes")),
    ]
    for rows in grouped:
        for row in rows.annotate(t_n=Count("answer__response", distinct=True)).order_by():
            counts.add(row["t_code"], row.get("t_value"), row["t_n"])
    responses = Response.objects.filter(
        Exists(
            Answer.objects.filter(response=OuterRef("pk"), question__kind__in=OPEN_KINDS).exclude(
                text=""
            )
        ),
        distribution__evaluation=evaluation,
        status=Response.Status.SUBMITTED,
    )
    by_value: Any = responses.values(t_value=answer_value(by, ""))
    for row in by_value.annotate(t_n=Count("pk")).order_by():
        counts.add(None, row["t_value"], row["t_n"])
    total = responses.count()
    counts.add(None, None, total)
    counts.respondents = total > 0

    to = "note__interview__participations__"
    coded_notes = Coding.objects.filter(
        evaluation=evaluation,
        note__isnull=False,
        note__interview__excluded=False,
        **{f"{to}isnull": False},
    )
    value = {"t_value": participant_value(by, to)}
    for keys, extra in ((["t_code", "t_value"], value), (["t_code"], {})):
        rows = coded_notes.values(t_code=F("codes"), **extra, **_unit(to))
        for key, (count, unknown) in _weighted(rows, keys).items():
            counts.add(key[0], key[1] if len(key) > 1 else None, count, unknown)
    heard = Participation.objects.filter(
        interview__evaluation=evaluation, interview__excluded=False, interview__notes__isnull=False
    )
    for key, (count, unknown) in _weighted(
        heard.values(t_value=participant_value(by, ""), **_unit("")), ["t_value"]
    ).items():
        counts.add(None, key[0], count, unknown)
    ((count, unknown),) = _weighted(heard.values(**_unit("")), []).values() or [(0, False)]
    counts.add(None, None, count, unknown)
    counts.participants = count > 0 or unknown
    return counts


# --- the table -----------------------------------------------------------------------------------


def thresholds_of(evaluation: Evaluation) -> Thresholds:
    found = getattr(evaluation, "share_words", None)
    if found is None:
        return Thresholds()
    return Thresholds(found.few_below, found.quarter_below, found.third_below, found.most_from)


def _depths(codes: list[Code]) -> dict[int, int]:
    parents = {code.pk: code.parent_id for code in codes}
    depths = {}
    for pk in parents:
        depth, at = 1, parents[pk]
        while at is not None:
            depth, at = depth + 1, parents.get(at)
        depths[pk] = depth
    return depths


def code_tallies(
    *, user: User | AnonymousUser, evaluation: Evaluation, by: str, unsuppressed: bool = False
) -> TallyTable:
    """Codes × values of `by`, distinct people per cell, with n per value and in all; small
    cells suppressed unless a lead asks for the unsuppressed view."""
    access = report_access(user, evaluation, unsuppressed=unsuppressed)
    if by not in ATTRIBUTES:
        message = _("Tally by one of: %(known)s.") % {"known": ", ".join(ATTRIBUTES)}
        raise ValidationProblem(message, errors={"by": [message]})
    counts = tally_counts(evaluation, by)
    values = sorted(
        {value for (code, value) in counts.cells if code is None and value is not None},
        key=group_order,
    )
    codes = list(Code.objects.filter(evaluation=evaluation).order_by("order", "pk"))
    ordered = _tree_order(codes)
    depths = _depths(codes)
    true = [[counts.of(code.pk, value)[0] for code in ordered] for value in values]
    sizes = [[counts.of(None, value)[0]] for value in values]
    n, n_unknown = counts.of(None, None)
    if access.suppressed and values:
        shown = suppress_breakdown(true, access.threshold, sizes=sizes, overall_sizes=[n], scale=0)
    else:
        shown = Breakdown([list(row) for row in true], [False] * len(values), overall=True)
    noun, limits = noun_of(counts.respondents, counts.participants), thresholds_of(evaluation)
    table = TallyTable(
        by=by,
        by_label=str(ATTRIBUTES[by]),
        noun=noun,
        n=n if shown.overall else None,
        n_at_least=n_unknown,
        suppressed=access.suppressed,
        threshold=access.threshold,
    )
    for i, value in enumerate(values):
        size, unknown = counts.of(None, value)
        table.columns.append(
            TallyColumn(value, value or not_recorded(), None if shown.whole[i] else size, unknown)
        )
    for j, code in enumerate(ordered):
        cells = []
        for i, value in enumerate(values):
            count, unknown = counts.of(code.pk, value)
            base = table.columns[i].n
            hidden = shown.groups[i][j] is None
            table.hidden += hidden
            words = "" if hidden or base is None else share_words(count, base, noun, limits)
            cells.append(TallyCell(None if hidden else count, unknown and not hidden, words))
        count, unknown = counts.of(code.pk, None)
        total = (
            TallyCell(count, unknown, share_words(count, n, noun, limits))
            if shown.overall
            else TallyCell(None)
        )
        table.rows.append(TallyRow(code.pk, code.name, depths[code.pk], cells, total))
    return table


def _tree_order(codes: list[Code]) -> list[Code]:
    """Parents before their children, siblings in order."""
    children: dict[int | None, list[Code]] = defaultdict(list)
    for code in codes:
        children[code.parent_id].append(code)

    def walk(parent: int | None) -> list[Code]:
        return [c for code in children[parent] for c in (code, *walk(code.pk))]

    return walk(None)
