"""Import jobs: one uploaded "List of persons interviewed" taken step by step — dry run,
review (near matches, group or person), commit — for the pages and the API. The import
itself is `interviews.importing.run`; this module keeps the file, the choices and the report."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from typing import IO, Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from common.errors import ValidationProblem
from common.imports import (
    AlreadyCommitted,
    decisions_merged,
    decisions_problem,
    job_ensure_open,
    job_keep_upload,
    job_lock_open,
    job_mark_committed,
    job_mark_failed,
    job_table,
    upload_read,
)
from common.spreadsheets import Table
from evaluations.locks import ensure_log_unlocked
from evaluations.models import Evaluation
from evaluations.permissions import Action, Actor, author_of, ensure
from history.context import acting
from interviews.importing.plan import InterviewImport
from interviews.importing.run import interviews_check, interviews_import
from interviews.models import InterviewImportJob

State = InterviewImportJob.State

# "person:<id>" (the same person as a registry person), "new" (a new person), "group" or
# "person" (correct how the name cell was read).
DECISION = re.compile(r"^(person:\d+|new|group|person)$")
# A list without dates: also how a line reads (location, unit, skip: see importing/undated.py).
UNDATED_DECISION = re.compile(r"^(person:\d+|new|location|unit|person|group|skip)$")
NAMED_KINDS = ("interview", "co_participant")


def report_data(result: InterviewImport, *, sheets: list[str]) -> dict[str, Any]:
    """The dry run as plain JSON, the shape the job keeps and the API returns."""
    return {
        "lines": [dataclasses.asdict(line) for line in result.lines],
        "errors": list(result.errors),
        "near_matches": [
            {
                "row": near.row,
                "name": near.name,
                "candidates": [
                    {"person_id": pk, "label": label, "score": score}
                    for pk, label, score in near.candidates
                ],
            }
            for near in result.near_matches
        ],
        "counts": dict(result.counts),
        "already_imported": bool(result.already_imported),
        "ok": bool(result.ok),
        "sheets": list(sheets),
    }


def _core_decisions(decisions: Mapping[str, str]) -> dict[int, str]:
    return {int(row): choice for row, choice in decisions.items()}


def _undated(job: InterviewImportJob) -> bool:
    return job.layout == InterviewImportJob.Layout.UNDATED


def _check(job: InterviewImportJob, table: Table) -> dict[str, Any]:
    result = interviews_check(
        table,
        evaluation=job.evaluation,
        month_first=job.month_first,
        decisions=_core_decisions(job.decisions),
        undated=_undated(job),
    )
    if result.errors and not result.lines:
        # The header row itself cannot be read (unknown or missing columns): a file problem.
        message = " ".join(result.errors)
        raise ValidationProblem(message, errors={"file": list(result.errors)})
    report = report_data(result, sheets=table.sheets)
    report["near_matches"] = _near_matches_kept(job, report["near_matches"])
    return report


def _near_matches_kept(job: InterviewImportJob, found: list[dict]) -> list[dict]:
    """The near matches of this dry run, and those of earlier ones the reviewer decided (a
    decided row is no longer asked about, but its choice stays visible and can change)."""
    rows = {n["row"] for n in found}
    earlier = [
        n
        for n in job.report.get("near_matches", [])
        if n["row"] not in rows and _is_match_choice(job.decisions.get(str(n["row"]), ""))
    ]
    kept = sorted([*found, *earlier], key=lambda n: n["row"])
    return [{**n, "decision": job.decisions.get(str(n["row"]), "")} for n in kept]


def _is_match_choice(choice: str) -> bool:
    return choice == "new" or choice.startswith("person:")


def _store(job: InterviewImportJob, report: dict[str, Any], *, error: str = "") -> None:
    job.state, job.report, job.error = State.CHECKED, report, error
    job.save(update_fields=["state", "report", "error", "decisions", "sheet", "month_first"])


def import_job_create(
    *,
    evaluation: Evaluation,
    by: Actor,
    file: IO[bytes],
    filename: str,
    sheet: str = "",
    month_first: bool = False,
    layout: str = InterviewImportJob.Layout.COLUMNS,
) -> InterviewImportJob:
    """Keep an uploaded list and dry-run it. An unreadable file, a wrong sheet or unknown
    columns raise a ValidationProblem and keep nothing. `layout` "undated": a one-column list
    without dates (headings, then one person a line)."""
    ensure(by, Action.ENTER_RESPONSES, evaluation)
    if layout not in InterviewImportJob.Layout.values:
        raise ValidationProblem(
            _("“%(layout)s” is not a layout: use columns or undated.") % {"layout": layout},
            errors={"layout": [_("Not a layout.")]},
        )
    undated = layout == InterviewImportJob.Layout.UNDATED
    upload = upload_read(file=file, filename=filename, sheet=sheet, lines=undated)
    job = InterviewImportJob(
        evaluation=evaluation, month_first=month_first, created_by=author_of(by), layout=layout
    )
    report = _check(job, upload.table)  # before anything is stored: a refusal keeps nothing
    job_keep_upload(job, upload, default_name="interviews.csv")
    job.report, job.state = report, State.CHECKED
    job.save()
    return job


def import_job_check(
    *,
    job: InterviewImportJob,
    by: Actor,
    decisions: Mapping[str, str] | None = None,
    sheet: str | None = None,
    month_first: bool | None = None,
) -> InterviewImportJob:
    """Change the review decisions (or the sheet, or how dates read) and dry-run again. Another
    sheet drops earlier decisions, which were about other rows. A refusal changes nothing."""
    ensure(by, Action.ENTER_RESPONSES, job.evaluation)
    job_ensure_open(job)
    try:
        if sheet is not None and sheet != job.sheet:
            job.sheet, job.decisions = sheet[:100], {}
        if month_first is not None:
            job.month_first = month_first
        table = job_table(job, lines=_undated(job))
        job.sheet = table.sheet[:100]
        if decisions:
            job.decisions = _decisions_merge(job, decisions)
        report = _check(job, table)
    except ValidationProblem:
        job.refresh_from_db()
        raise
    _store(job, report)
    return job


def _decisions_merge(job: InterviewImportJob, decisions: Mapping[Any, str]) -> dict[str, str]:
    """The job's decisions with these on top ("" drops one); rows and choices checked."""
    lines = {str(line["row"]): line for line in job.report.get("lines", [])}
    near = {str(n["row"]): n for n in job.report.get("near_matches", [])}
    undated = _undated(job)
    errors: dict[str, list[str]] = {}
    for row, raw in decisions.items():
        choice = (raw or "").strip()
        key = str(row)
        if undated and (key not in lines or not lines[key].get("reading")):
            errors[f"decisions.{key}"] = [_("The file has no line %(row)s.") % {"row": key}]
        elif not undated and (key not in lines or lines[key]["kind"] not in NAMED_KINDS):
            errors[f"decisions.{key}"] = [_("The file has no name in row %(row)s.") % {"row": key}]
        elif undated and choice and not UNDATED_DECISION.match(choice):
            errors[f"decisions.{key}"] = [
                _(
                    "“%(choice)s” is not a choice: use location, unit, person, group, skip, "
                    "person:<id> or new."
                )
                % {"choice": choice}
            ]
        elif not undated and choice and not DECISION.match(choice):
            errors[f"decisions.{key}"] = [
                _("“%(choice)s” is not a choice: use person:<id>, new, group or person.")
                % {"choice": choice}
            ]
        elif choice.startswith("person:") and key in near:
            ids = {str(c["person_id"]) for c in near[key]["candidates"]}
            if choice.removeprefix("person:") not in ids:
                errors[f"decisions.{key}"] = [
                    _("Person %(id)s is not one of the near matches of row %(row)s.")
                    % {"id": choice.removeprefix("person:"), "row": key}
                ]
    if errors:
        raise decisions_problem(errors)
    return decisions_merged(job, decisions)


def import_job_commit(*, job: InterviewImportJob, by: Actor) -> InterviewImportJob:
    """Import the list as reviewed, all or nothing. A refusal leaves the job checked with the
    message and a fresh dry run; a second commit raises AlreadyCommitted and imports nothing."""
    ensure(by, Action.ENTER_RESPONSES, job.evaluation)
    ensure_log_unlocked(job.evaluation)  # refused before the job changes: it stays checked
    try:
        # The history names the member who commits (or, for the system, who uploaded).
        with transaction.atomic(), acting(author_of(by) or job.created_by):
            locked = job_lock_open(job)
            table = _stored_table(locked)
            result = interviews_import(
                table,
                evaluation=locked.evaluation,
                by=by,
                month_first=locked.month_first,
                decisions=_core_decisions(locked.decisions),
                filename=locked.filename,
                undated=_undated(locked),
            )
            report = report_data(result, sheets=locked.report.get("sheets", []))
            job_mark_committed(locked, report=report)
    except AlreadyCommitted:
        raise
    except ValidationProblem as problem:
        _refused(job, problem)
        raise
    except PermissionDenied as denied:
        # e.g. data entry, when the list adds people to the registry: keep why on the job.
        _refused(job, ValidationProblem(str(denied)))
        raise
    job.refresh_from_db()
    return job


def _stored_table(job: InterviewImportJob) -> Table:
    try:
        return job_table(job, lines=_undated(job))
    except OSError as exc:
        raise ValidationProblem(
            _("The uploaded file can no longer be read; upload it again.")
        ) from exc


def _refused(job: InterviewImportJob, problem: ValidationProblem) -> None:
    """Keep the reason on the job (checked, with a fresh dry run), or fail it when its file
    is gone."""
    job.refresh_from_db()
    if job.state == State.COMMITTED:
        return
    try:
        report = _check(job, job_table(job, lines=_undated(job)))
    except (OSError, ValidationProblem):
        job_mark_failed(job, problem)
        return
    _store(job, report, error=problem.message)
