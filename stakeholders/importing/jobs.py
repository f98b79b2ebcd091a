"""Import jobs: one uploaded file of people taken step by step — columns, dry run, review,
commit — for the pages and the API. The import itself is `stakeholders.importing.writer`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import IO, TYPE_CHECKING

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from common.errors import ValidationProblem
from common.spreadsheets import MAX_BYTES, Table, read_table
from evaluations.permissions import ensure_registry
from stakeholders.importing.columns import layout_remember, mapping_for, mapping_validate
from stakeholders.importing.plan import Analysis, analyse
from stakeholders.importing.writer import people_import
from stakeholders.models import ImportJob

if TYPE_CHECKING:
    from accounts.models import User


def job_table(job: ImportJob) -> Table:
    with job.file.open("rb") as handle:
        return read_table(handle.read(MAX_BYTES + 1), job.filename, job.sheet or None)


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
    by: User | None,
    file: IO[bytes],
    filename: str,
    sheet: str = "",
    mapping: Mapping[str, str] | None = None,
) -> ImportJob:
    """Keep an uploaded file and dry-run it with the given mapping, else the one remembered for
    its layout, else the recognised one. An unreadable file or bad mapping keeps nothing."""
    if by is not None:
        ensure_registry(by, manage=True)
    if hasattr(file, "seek"):
        file.seek(0)
    content = file.read(MAX_BYTES + 1)
    table = read_table(content, filename, sheet or None)
    if mapping is not None:
        mapping = mapping_validate(table.headers, mapping)
        layout_remember(table.headers, mapping)
    else:
        mapping, _remembered = mapping_for(table.headers)
    job = ImportJob(
        filename=filename[:255],
        sheet=table.sheet[:100],
        headers=table.headers,
        mapping=mapping,
        created_by=by,
    )
    job.file.save(filename[-100:] or "people.csv", ContentFile(content), save=False)
    job.save()
    return _job_store(job, table)


def import_job_check(
    *,
    job: ImportJob,
    by: User | None,
    mapping: Mapping[str, str] | None = None,
    decisions: Mapping[str, str] | None = None,
) -> ImportJob:
    """Change the mapping (remembered for the layout) or the review decisions, and dry-run
    again. A new mapping drops earlier decisions, which were about other rows."""
    if by is not None:
        ensure_registry(by, manage=True)
    _ensure_open(job)
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
            errors = {f"decisions.{p.number}": [p.messages[-1]] for p in bad}
            message = _("Row %(row)s: %(problem)s") % {
                "row": bad[0].number,
                "problem": bad[0].messages[-1],
            }
            raise ValidationProblem(message, errors=errors)
        job.decisions = merged
    return _job_store(job, table, analysis)


def _decisions_merge(job: ImportJob, table: Table, decisions: Mapping[str, str]) -> dict:
    rows = {str(row.number) for row in table.rows}
    unknown = [str(r) for r in decisions if str(r) not in rows]
    if unknown:
        message = _("The file has no data row %(rows)s.") % {"rows": ", ".join(unknown)}
        raise ValidationProblem(message, errors={f"decisions.{r}": [message] for r in unknown})
    merged = {**job.decisions, **{str(r): (v or "").strip() for r, v in decisions.items()}}
    return {row: value for row, value in merged.items() if value}


def _ensure_open(job: ImportJob) -> None:
    if job.state == ImportJob.State.COMMITTED:
        raise ValidationProblem(_("This file has already been imported."))
    if job.state == ImportJob.State.CANCELLED:
        raise ValidationProblem(_("This import was cancelled; upload the file again."))


def import_job_commit(*, job: ImportJob, by: User | None) -> ImportJob:
    """Import the job's file as reviewed, all or nothing; the report is refreshed either way."""
    if by is not None:
        ensure_registry(by, manage=True)
    try:
        with transaction.atomic():
            locked = ImportJob.objects.select_for_update().get(pk=job.pk)
            _ensure_open(locked)
            if locked.state != ImportJob.State.CHECKED:
                raise ValidationProblem(
                    _("Choose the columns first: %(error)s") % {"error": locked.error}
                )
            table = job_table(locked)
            analysis, counts = people_import(
                table=table, mapping=locked.mapping, decisions=locked.decisions, by=by
            )
            locked.state, locked.committed_at = ImportJob.State.COMMITTED, timezone.now()
            locked.report, locked.counts = analysis.report, {**analysis.counts, **counts}
            locked.error = ""
            locked.save(update_fields=["state", "committed_at", "report", "counts", "error"])
            layout_remember(table.headers, locked.mapping)
    except ValidationProblem:
        job.refresh_from_db()
        if job.state == ImportJob.State.CHECKED:
            _job_store(job, job_table(job))
        raise
    job.refresh_from_db()
    return job
