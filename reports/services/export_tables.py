"""The tables an export can hold as CSV, one function per table giving its rows, and the CSV
writer (formulas kept as text). services/exports.py builds the jobs.

The raw responses of one questionnaire are a table too (`responses`): the same rows as the
raw sheets of the workbooks, read from the answers documents as they stream."""

from __future__ import annotations

import codecs
import csv
import itertools
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any

from django.utils import timezone
from django.utils.translation import gettext as _

from common.errors import ValidationProblem
from common.spreadsheets import safe_cell
from evaluations.permissions import Action, ensure
from interviews.selectors import coverage_rows
from questionnaires.models import Distribution
from questionnaires.selectors.tracking import RATE_HEADER
from reports.selectors.annex import annex, annex_rows
from reports.selectors.likert import likert_rows, likert_summary
from reports.selectors.overview import interview_overview, overview_rows
from reports.selectors.rates import evaluation_rates
from reports.selectors.raw import raw_columns, raw_response_rows

if TYPE_CHECKING:
    from accounts.models import User
    from evaluations.models import Evaluation


def _overview_rows(evaluation: Evaluation, user: User, parameters: dict) -> Iterable[list]:
    table = interview_overview(evaluation=evaluation, user=user, layout=parameters.get("layout"))
    return overview_rows(table)


def _annex_rows(evaluation: Evaluation, user: User, parameters: dict) -> Iterable[list]:
    by = parameters.get("by") or "grouping"
    return annex_rows(annex(evaluation=evaluation, user=user, by=by))


def _likert_rows(evaluation: Evaluation, user: User, parameters: dict) -> Iterator[list]:
    for distribution in _distributions(evaluation, parameters):
        for table in likert_summary(
            user=user,
            distribution=distribution,
            by=parameters.get("by") or "",
            unsuppressed=bool(parameters.get("unsuppressed")),
        ):
            yield [f"{table.distribution_title} — {table.block_title}"]
            yield from likert_rows(table)
            yield []


def _rates_rows(evaluation: Evaluation, user: User, parameters: dict) -> Iterator[list]:
    for rates in evaluation_rates(
        user=user,
        evaluation=evaluation,
        by=parameters.get("by") or "region",
        unsuppressed=bool(parameters.get("unsuppressed")),
    ):
        yield [rates.title]
        yield [rates.by_label, *RATE_HEADER[1:]]
        yield from (rates.cells(row) for row in rates.rows)
        yield []


def _coverage_rows(evaluation: Evaluation, user: User, parameters: dict) -> Iterator[list]:
    return coverage_rows(evaluation=evaluation, user=user)


def _responses_rows(evaluation: Evaluation, user: User, parameters: dict) -> Iterator[list]:
    """The raw responses of one questionnaire: the column codes (or labels), then one row per
    response the user may read, submitted before the table was started."""
    ensure(user, Action.VIEW_RESPONSES, evaluation)
    distribution = export_distribution(evaluation, parameters.get("distribution"))
    labels = bool(parameters.get("labels"))
    header = [label if labels else code for code, label in raw_columns(distribution)]
    rows = raw_response_rows(
        user=user, distribution=distribution, labels=labels, cutoff=timezone.now()
    )
    return itertools.chain([header], rows)


def _distributions(evaluation: Evaluation, parameters: dict):
    found = Distribution.objects.filter(evaluation=evaluation).order_by("created_at", "pk")
    if parameters.get("distribution"):
        found = found.filter(pk=parameters["distribution"])
    return found.select_related("evaluation")


def export_distribution(evaluation: Evaluation, value: object) -> Distribution:
    """The distribution (questionnaire sent) an export names by its id: one of the
    evaluation's, else a ValidationProblem on the `distribution` field naming the known ones."""
    found = Distribution.objects.filter(evaluation=evaluation).order_by("created_at", "pk")
    if value in (None, ""):
        message = _("Choose the questionnaire: its distribution's id (%(known)s).")
    elif not str(value).isdigit():
        message = _("“%(value)s” is not a distribution's id. Use one of: %(known)s.")
    else:
        distribution = found.filter(pk=int(str(value))).select_related("evaluation").first()
        if distribution is not None:
            return distribution
        message = _("There is no distribution %(value)s in this evaluation. Use one of: %(known)s.")
    known = ", ".join(f"{d.pk} ({d.title})" for d in found) or _("none yet")
    message %= {"value": str(value)[:40], "known": known}
    raise ValidationProblem(message, errors={"distribution": [message]})


TABLES: dict[str, Callable[[Evaluation, User, dict], Iterable[list]]] = {
    "overview": _overview_rows,
    "annex": _annex_rows,
    "likert": _likert_rows,
    "rates": _rates_rows,
    "coverage": _coverage_rows,
    "responses": _responses_rows,
}
# The tables that need one distribution's id (the others take one or none).
DISTRIBUTION_TABLES = frozenset({"responses"})


def csv_write(
    rows: Iterable[Iterable[object]],
    handle: Any,
    *,
    bom: bool = True,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Write rows as UTF-8 CSV (with a BOM for Excel), formulas kept as text; the row count.
    `progress(rows_done)` is called every 1,000 rows."""
    if bom:
        handle.write(codecs.BOM_UTF8.decode("utf-8"))
    writer = csv.writer(handle)
    count = 0
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
        count += 1
        if progress is not None and count % 1000 == 0:
            progress(count)
    return count
