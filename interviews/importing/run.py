"""The importer's two doors: the dry run (`interviews_check`) and the import
(`interviews_import`, all or nothing). Both read the file the same way (reader.py); the import
then carries the plan out (writer.py) inside one transaction."""

from __future__ import annotations

from collections.abc import Mapping

from django.db import transaction

from common.spreadsheets import Table
from evaluations.locks import ensure_log_unlocked
from evaluations.models import Evaluation
from evaluations.permissions import Actor
from interviews.importing.plan import InterviewImport
from interviews.importing.reader import Reader
from interviews.importing.undated import UndatedReader
from interviews.importing.writer import Writer, refusal
from interviews.services.checks import ensure_can_log

__all__ = ["interviews_check", "interviews_import"]


def _read(
    table: Table,
    *,
    evaluation: Evaluation,
    month_first: bool,
    decisions: Mapping[int, str] | None,
    stop_on_near_matches: bool,
    undated: bool = False,
) -> Reader:
    reader = (UndatedReader if undated else Reader)(
        table,
        evaluation=evaluation,
        month_first=month_first,
        decisions=decisions,
        stop_on_near_matches=stop_on_near_matches,
    )
    reader.read()
    if reader.errors and not reader.columns:
        return reader
    reader.find_imported()
    reader.match_people()
    reader.link_follow_ups()
    reader.describe()
    return reader


# --- the doors --------------------------------------------------------------------------------


def interviews_check(
    table: Table,
    *,
    evaluation: Evaluation,
    month_first: bool = False,
    decisions: Mapping[int, str] | None = None,
    stop_on_near_matches: bool = False,
    filename: str = "",
    undated: bool = False,
) -> InterviewImport:
    """The dry run: what every row of the file would become, and every warning; writes nothing.
    `undated`: the table is a one-column list without dates (common.spreadsheets.read_lines)."""
    return _read(
        table,
        evaluation=evaluation,
        month_first=month_first,
        decisions=decisions,
        stop_on_near_matches=stop_on_near_matches,
        undated=undated,
    ).result()


@transaction.atomic
def interviews_import(
    table: Table,
    *,
    evaluation: Evaluation,
    by: Actor,
    month_first: bool = False,
    decisions: Mapping[int, str] | None = None,
    stop_on_near_matches: bool = False,
    filename: str = "",
    undated: bool = False,
) -> InterviewImport:
    """Import every interview of the file that is not in the log yet, or nothing.

    `by` SYSTEM is the trusted command line; otherwise the member must be allowed to log
    interviews (and, when the file adds people to the registry, to change the registry).
    """
    ensure_can_log(by, evaluation)
    ensure_log_unlocked(evaluation)
    reader = _read(
        table,
        evaluation=evaluation,
        month_first=month_first,
        decisions=decisions,
        stop_on_near_matches=stop_on_near_matches,
        undated=undated,
    )
    if reader.errors:
        raise refusal(reader.errors)
    Writer(reader, by=by, filename=filename).write()
    return reader.result()
