"""Import jobs: one uploaded file of people taken step by step — columns, dry run, review,
commit — for the pages and the API. The import itself is `stakeholders.importing.writer`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import IO

from django.db import transaction
from django.utils.translation import gettext as _

from common.errors import ValidationProblem
from common.imports import (
    decisions_merged,
    decisions_problem,
    job_ensure_open,
    job_keep_upload,
    job_lock_open,
    job_mark_committed,
    job_table,
    upload_read,
)
from common.spreadsheets import Table
from evaluations.permissions import Actor, author_of, ensure_registry
from history.context import acting
from stakeholders.importing.columns import layout_remember, mapping_for, mapping_validate
from stakeholders.importing.plan import Analysis, analyse
from stakeholders.importing.writer import people_import
from stakeholders.models import ImportJob


def _job_store(job: ImportJob, table: Table, analysis: Analysis | None = None) -> ImportJob:
    """Run (or take) the dry run and keep its report on the job; a mapping that cannot be used
    leaves the job waiting for one, with the reason."""
    try:
        analysis = analysis or analyse(table, job.mapping, job.decisions)
    except ValidationProblem as problem:
        job.state, job.error = ImportJob.State.UPLOADED, problem.message
        job.report, job.counts = [], {}
    else:
        job.state, job.error = ImportJob.State.CHECKED, ""
        job.report, job.counts = analysis.report, analysis.counts
    job.save(update_fields=["state", "error", "report", "counts", "mapping", "decisions"])
    return job


def import_job_create(
    *,
    by: Actor,
    file: IO[bytes],
    filename: str,
    sheet: str = "",
    mapping: Mapping[str, str] | None = None,
) -> ImportJob:
    """Keep an uploaded file and dry-run it with the given mapping, else the one remembered for
    its layout, else the recognised one. An unreadable file or bad mapping keeps nothing."""
    ensure_registry(by, manage=True)
    upload = upload_read(file=file, filename=filename, sheet=sheet)
    table = upload.table
    if mapping is not None:
        mapping = mapping_validate(table.headers, mapping)
        layout_remember(table.headers, mapping)
    else:
        mapping, _remembered = mapping_for(table.headers)
    job = ImportJob(headers=table.headers, mapping=mapping, created_by=author_of(by))
    job_keep_upload(job, upload, default_name="people.csv")
    job.save()
    return _job_store(job, table)


def import_job_check(
    *,
    job: ImportJob,
    by: Actor,
    mapping: Mapping[str, str] | None = None,
    decisions: Mapping[str, str] | None = None,
) -> ImportJob:
    """Change the mapping (remembered for the layout) or the review decisions, and dry-run
    again. A new mapping drops earlier decisions, which were about other rows."""
    ensure_registry(by, manage=True)
    job_ensure_open(job)
    table = job_table(job)
    if mapping is not None:
        cleaned = mapping_validate(table.headers, mapping)
        if cleaned != job.mapping:
            job.mapping, job.decisions = cleaned, {}
        layout_remember(table.headers, cleaned)
    analysis = None
    if decisions:
        merged = _decisions_merge(job, table, decisions)
        analysis = analyse(table, job.mapping, merged)
        bad = [p for p in analysis.plans if p.bad_decision and str(p.number) in decisions]
        if bad:
            raise decisions_problem({f"decisions.{p.number}": [p.messages[-1]] for p in bad})
        job.decisions = merged
    return _job_store(job, table, analysis)


def _decisions_merge(job: ImportJob, table: Table, decisions: Mapping[str, str]) -> dict:
    rows = {str(row.number) for row in table.rows}
    unknown = [str(r) for r in decisions if str(r) not in rows]
    if unknown:
        message = _("The file has no data row %(rows)s.") % {"rows": ", ".join(unknown)}
        raise ValidationProblem(message, errors={f"decisions.{r}": [message] for r in unknown})
    return decisions_merged(job, decisions)


def import_job_commit(*, job: ImportJob, by: Actor) -> ImportJob:
    """Import the job's file as reviewed, all or nothing; the report is refreshed either way."""
    ensure_registry(by, manage=True)
    try:
        # The history names the member who commits (or, for the system, who uploaded).
        with transaction.atomic(), acting(author_of(by) or job.created_by):
            locked = job_lock_open(job)
            if locked.state != ImportJob.State.CHECKED:
                raise ValidationProblem(
                    _("Choose the columns first: %(error)s") % {"error": locked.error}
                )
            table = job_table(locked)
            analysis, counts = people_import(
                table=table, mapping=locked.mapping, decisions=locked.decisions, by=by
            )
            job_mark_committed(locked, report=analysis.report, counts={**analysis.counts, **counts})
            layout_remember(table.headers, locked.mapping)
    except ValidationProblem:
        job.refresh_from_db()
        if job.state == ImportJob.State.CHECKED:
            _job_store(job, job_table(job))
        raise
    job.refresh_from_db()
    return job
