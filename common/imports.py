"""The steps every import job shares (`common.models.ImportJobBase`): upload -> check (dry run)
-> decide per row -> commit all or nothing. Each app's `importing/jobs.py` adds its own check
and its own writing; these keep the file, guard a job that is done, merge the decisions and
note the outcome."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import IO, Any, TypeVar

from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.translation import gettext as _

from common.errors import ValidationProblem
from common.models import ImportJobBase
from common.spreadsheets import Table, read_lines, read_table
from common.upload_limits import limits

Job = TypeVar("Job", bound=ImportJobBase)

# Only the people import has it; a cancelled job takes no more steps.
CANCELLED = "cancelled"


class AlreadyCommitted(ValidationProblem):
    """The job was imported before: a second commit imports nothing (the interview API
    answers 409)."""


@dataclass(frozen=True)
class Upload:
    """An uploaded file, read: its bytes (kept as the job's file) and its table."""

    filename: str
    content: bytes
    table: Table


def upload_read(*, file: IO[bytes], filename: str, sheet: str = "", lines: bool = False) -> Upload:
    """Read an upload (the given sheet, else the first); an unreadable file raises a
    ValidationProblem. `lines`: a one-column list without a header row (read_lines)."""
    if hasattr(file, "seek"):
        file.seek(0)
    content = file.read(limits().max_bytes + 1)  # one byte over tells "too large"
    read = read_lines if lines else read_table
    table = read(content, filename, sheet or None)
    return Upload(filename=filename, content=content, table=table)


def job_keep_upload(job: ImportJobBase, upload: Upload, *, default_name: str) -> None:
    """Remember the upload's name and sheet on the job and store its bytes as the job's file
    (the job itself is saved by the caller)."""
    job.filename = upload.filename[:255]
    job.sheet = upload.table.sheet[:100]
    job.file.save(upload.filename[-100:] or default_name, ContentFile(upload.content), save=False)


def job_table(job: ImportJobBase, *, lines: bool = False) -> Table:
    """The job's stored file read again, on its sheet (`lines`: as upload_read)."""
    if not job.file:  # deleted (by an erasure of a person it named)
        raise ValidationProblem(_("The uploaded file is no longer kept; upload it again."))
    read = read_lines if lines else read_table
    with job.file.open("rb") as handle:
        return read(handle.read(limits().max_bytes + 1), job.filename, job.sheet or None)


def job_ensure_open(job: ImportJobBase) -> None:
    """Refuse a step on a job that is imported (AlreadyCommitted) or cancelled."""
    if job.state == job.State.COMMITTED:
        raise AlreadyCommitted(_("This file has already been imported."))
    if job.state == CANCELLED:
        raise ValidationProblem(_("This import was cancelled; upload the file again."))


def decisions_merged(job: ImportJobBase, decisions: Mapping[Any, str]) -> dict[str, str]:
    """The job's decisions with these on top, by row number as text; "" drops one."""
    merged = {**job.decisions, **{str(r): (v or "").strip() for r, v in decisions.items()}}
    return {row: choice for row, choice in merged.items() if choice}


def decisions_problem(errors: Mapping[str, list[str]]) -> ValidationProblem:
    """Refused decisions ({"decisions.<row>": [message]}), told by the first of them."""
    key, messages = next(iter(errors.items()))
    row = key.removeprefix("decisions.")
    message = _("Row %(row)s: %(problem)s") % {"row": row, "problem": messages[0]}
    return ValidationProblem(message, errors=errors)


def job_lock_open(job: Job) -> Job:
    """The job's row, locked until the transaction ends, and open. The lock makes a double
    submit wait, then find the job committed."""
    locked = type(job).objects.select_for_update().get(pk=job.pk)
    job_ensure_open(locked)
    return locked


def job_mark_committed(job: ImportJobBase, *, report: object, **fields: object) -> None:
    """Record a done import: committed now, no error, the import's report (and `fields`)."""
    job.state, job.committed_at, job.error = job.State.COMMITTED, timezone.now(), ""
    job.report = report
    for name, value in fields.items():
        setattr(job, name, value)
    job.save(update_fields=["state", "committed_at", "error", "report", *fields])


def job_mark_failed(job: ImportJobBase, problem: ValidationProblem) -> None:
    """Leave the job failed, with the problem's message for the person who uploaded it."""
    job.state, job.error = job.State.FAILED, problem.message
    job.save(update_fields=["state", "error"])
