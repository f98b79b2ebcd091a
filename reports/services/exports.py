"""Export jobs: the evaluation workbook or one table as CSV, built by a Celery task.

A job is claimed by a conditional update (queued -> running), so a duplicated or retried task
builds nothing twice; the file is written to a temporary file first and stored once, under the
job. Progress is saved every few thousand rows with a plain UPDATE, which also tells the
builder when someone cancelled the job."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import logging
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import OperationalError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from common.errors import ValidationProblem
from common.spreadsheets import safe_cell
from evaluations.permissions import Role, role_of
from interviews.selectors import coverage_rows
from questionnaires.instrument_format import STANDARD_ATTRIBUTES
from questionnaires.models import Distribution
from questionnaires.selectors.tracking import PLANNED_CHANNEL, RATE_HEADER, attribute_keys
from reports.models import ExportJob, export_file_name
from reports.selectors.access import report_access
from reports.selectors.annex import BY as ANNEX_BY
from reports.selectors.annex import annex, annex_rows
from reports.selectors.likert import likert_breakdowns, likert_rows, likert_summary
from reports.selectors.overview import interview_overview, layout_find, overview_rows
from reports.selectors.rates import evaluation_rates
from reports.tasks import export_build_task
from reports.workbook import workbook_write

if TYPE_CHECKING:
    from accounts.models import User
    from evaluations.models import Evaluation
    from reports.tables import ReportAccess

logger = logging.getLogger(__name__)

State = ExportJob.State
PROGRESS_ROWS = 5000  # rows between progress updates (and cancellation checks)
# A job still "running" this long after it started lost its worker: it may be claimed again.
STALE_AFTER = dt.timedelta(seconds=getattr(settings, "CELERY_TASK_TIME_LIMIT", 660) * 2)


def failed_message() -> str:
    return _(
        "The export stopped because of an unexpected error. Try again; if it fails again, "
        "tell your administrator (the error is in the server's log)."
    )


class ExportCancelled(Exception):
    """Someone cancelled the job while it was being built."""


# --- CSV per table ----------------------------------------------------------------------------


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


def _distributions(evaluation: Evaluation, parameters: dict):
    found = Distribution.objects.filter(evaluation=evaluation).order_by("created_at", "pk")
    if parameters.get("distribution"):
        found = found.filter(pk=parameters["distribution"])
    return found.select_related("evaluation")


TABLES: dict[str, Callable[[Evaluation, User, dict], Iterable[list]]] = {
    "overview": _overview_rows,
    "annex": _annex_rows,
    "likert": _likert_rows,
    "rates": _rates_rows,
    "coverage": _coverage_rows,
}


def csv_write(rows: Iterable[Iterable[object]], handle: Any, *, bom: bool = True) -> int:
    """Write rows as UTF-8 CSV (with a BOM for Excel), formulas kept as text; the row count."""
    if bom:
        handle.write(codecs.BOM_UTF8.decode("utf-8"))
    writer = csv.writer(handle)
    count = 0
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
        count += 1
    return count


# --- requesting and acting on jobs ------------------------------------------------------------


def _clean_parameters(kind: str, parameters: dict) -> dict[str, Any]:
    if kind not in ExportJob.Kind.values:
        message = _("Choose the workbook or a table as CSV.")
        raise ValidationProblem(message, errors={"kind": [message]})
    cleaned: dict[str, Any] = {
        "unsuppressed": bool(parameters.get("unsuppressed")),
        "labels": bool(parameters.get("labels")),
    }
    if parameters.get("by"):
        cleaned["by"] = str(parameters["by"])[:40]
    if kind == ExportJob.Kind.CSV:
        table = parameters.get("table")
        if table not in TABLES:
            message = _("Choose one of the tables: %(tables)s.") % {"tables": ", ".join(TABLES)}
            raise ValidationProblem(message, errors={"table": [message]})
        cleaned["table"] = table
        cleaned["bom"] = bool(parameters.get("bom", True))
        if table == "annex" and cleaned.get("by", "grouping") not in ANNEX_BY:
            message = _("Group the annex by grouping or by category.")
            raise ValidationProblem(message, errors={"by": [message]})
        for key in ("layout", "distribution"):
            if parameters.get(key):
                cleaned[key] = parameters[key]
    return cleaned


def _check_choices(evaluation: Evaluation, access: ReportAccess, cleaned: dict) -> None:
    """Refuse now, with the field, what the build would refuse later: a breakdown nobody can
    make, a layout that does not exist."""
    if cleaned.get("layout"):
        layout_find(evaluation, str(cleaned["layout"]))
    by = cleaned.get("by")
    if not by or cleaned.get("table") in ("annex", "overview", "coverage"):
        return
    known = set(STANDARD_ATTRIBUTES)
    if cleaned.get("table") == "rates":
        for distribution in Distribution.objects.filter(evaluation=evaluation):
            known |= set(attribute_keys(distribution)) | {PLANNED_CHANNEL}
    else:
        for distribution in Distribution.objects.filter(evaluation=evaluation):
            known |= {key for key, _label in likert_breakdowns(distribution, access)}
    if by not in known:
        message = _(
            "“%(by)s” is not recorded on this evaluation's responses. Use one of: %(known)s."
        ) % {
            "by": by,
            "known": ", ".join(sorted(known)),
        }
        raise ValidationProblem(message, errors={"by": [message]})


def export_request(
    *, evaluation: Evaluation, by: User, kind: str, parameters: dict | None = None
) -> ExportJob:
    """Queue an export of what `by` may see; the same request still waiting is returned."""
    cleaned = _clean_parameters(kind, parameters or {})
    access = report_access(by, evaluation, unsuppressed=cleaned["unsuppressed"])
    _check_choices(evaluation, access, cleaned)
    # What the file will hold beyond aggregates: downloading it later asks for the same right.
    cleaned["answers"] = kind == ExportJob.Kind.WORKBOOK and access.raw_answers
    waiting = ExportJob.objects.filter(
        evaluation=evaluation,
        requested_by=by,
        kind=kind,
        parameters=cleaned,
        state__in=[State.QUEUED, State.RUNNING],
    ).first()
    if waiting is not None:
        return waiting
    job = ExportJob.objects.create(
        evaluation=evaluation, kind=kind, parameters=cleaned, requested_by=by
    )
    _enqueue(job)
    return job


def _enqueue(job: ExportJob) -> None:
    transaction.on_commit(lambda: export_build_task.delay(job.pk))


def _ensure_may_act(job: ExportJob, by: User) -> None:
    """The person who asked for the export, or a lead member of the evaluation."""
    if job.requested_by_id == by.pk and by.pk is not None:
        return
    if role_of(by, job.evaluation) != Role.LEAD:
        raise PermissionDenied(_("Only the person who asked for this export or a lead can."))


def export_cancel(*, job: ExportJob, by: User) -> ExportJob:
    """Stop a queued or running export (the builder stops at its next progress update)."""
    _ensure_may_act(job, by)
    stopped = ExportJob.objects.filter(pk=job.pk, state__in=[State.QUEUED, State.RUNNING]).update(
        state=State.CANCELLED, finished_at=timezone.now()
    )
    job.refresh_from_db()
    if not stopped:
        raise ValidationProblem(_("This export has already finished."))
    return job


def export_retry(*, job: ExportJob, by: User) -> ExportJob:
    """Queue a failed or cancelled export again (the same job, a new attempt)."""
    _ensure_may_act(job, by)
    if job.requested_by is None:
        raise ValidationProblem(_("The person who asked for this export has no account anymore."))
    report_access(job.requested_by, job.evaluation, unsuppressed=job.parameters.get("unsuppressed"))
    requeued = ExportJob.objects.filter(
        pk=job.pk, state__in=[State.FAILED, State.CANCELLED]
    ).update(
        state=State.QUEUED,
        error="",
        progress=0,
        rows_done=0,
        rows_total=0,
        step="",
        started_at=None,
        finished_at=None,
    )
    job.refresh_from_db()
    if not requeued:
        raise ValidationProblem(_("Only a failed or cancelled export can be tried again."))
    _enqueue(job)
    return job


def exports_expire(now: dt.datetime | None = None) -> int:
    """Delete the files of finished exports past their expiry; the jobs stay, marked expired
    by their empty file. Returns the number of files deleted."""
    now = now or timezone.now()
    expired = ExportJob.objects.filter(state=State.DONE, expires_at__lte=now).exclude(file="")
    count = 0
    for job_id, name in expired.values_list("pk", "file").iterator():
        default_storage.delete(name)
        count += ExportJob.objects.filter(pk=job_id, file=name).update(file="", size=0)
    return count


# --- building ---------------------------------------------------------------------------------


def _claim(job_id: int) -> bool:
    now = timezone.now()
    stale = Q(state=State.RUNNING, started_at__lt=now - STALE_AFTER)
    return bool(
        ExportJob.objects.filter(Q(state=State.QUEUED) | stale, pk=job_id).update(
            state=State.RUNNING,
            attempts=F("attempts") + 1,
            started_at=now,
            finished_at=None,
            error="",
            progress=0,
            rows_done=0,
            step="",
        )
    )


def _progress_saver(job_id: int) -> Callable[[int, int, str], None]:
    """progress(rows_done, rows_total, step): saved every PROGRESS_ROWS rows and at each new
    step; raises ExportCancelled when the job is no longer running."""
    last_rows = -PROGRESS_ROWS
    last_step: str | None = None

    def save(done: int, total: int, step: str) -> None:
        nonlocal last_rows, last_step
        if step == last_step and done - last_rows < PROGRESS_ROWS:
            return
        last_rows, last_step = done, step
        percent = min(99, done * 100 // total) if total else 0
        running = ExportJob.objects.filter(pk=job_id, state=State.RUNNING).update(
            rows_done=done, rows_total=total, progress=percent, step=str(step)[:100]
        )
        if not running:
            raise ExportCancelled

    return save


def _filename(job: ExportJob) -> str:
    stamp = timezone.localtime().strftime("%Y-%m-%d-%H%M")
    if job.kind == ExportJob.Kind.CSV:
        return f"{job.evaluation.slug}-{job.parameters.get('table')}-{stamp}.csv"
    return f"{job.evaluation.slug}-{stamp}.xlsx"


def _write(
    job: ExportJob, user: User, path: str, progress: Callable[[int, int, str], None]
) -> None:
    parameters = job.parameters
    if job.kind == ExportJob.Kind.WORKBOOK:
        workbook_write(
            path,
            evaluation=job.evaluation,
            user=user,
            unsuppressed=bool(parameters.get("unsuppressed")),
            labels=bool(parameters.get("labels")),
            by=parameters.get("by") or "region",
            progress=progress,
        )
        return
    report_access(user, job.evaluation, unsuppressed=bool(parameters.get("unsuppressed")))
    progress(0, 0, _("Writing the table"))
    rows = TABLES[parameters["table"]](job.evaluation, user, parameters)
    with open(path, "w", encoding="utf-8", newline="") as handle:
        count = csv_write(rows, handle, bom=parameters.get("bom", True))
    progress(count, count, _("Saving the file"))


def export_build(*, job_id: int, final_attempt: bool = True) -> None:
    """Build the job's file, once: a job that is not queued (already taken, finished or
    cancelled) is left alone. A database error on a try that is not the last puts the job
    back in the queue and is raised, for the task to retry."""
    if not _claim(job_id):
        return
    job = ExportJob.objects.select_related("evaluation", "requested_by").get(pk=job_id)
    fd, path = tempfile.mkstemp(prefix="consulta-export-")
    os.close(fd)
    try:
        user = job.requested_by
        if user is None:
            raise ValidationProblem(_("The person who asked for this export has no account."))
        _write(job, user, path, _progress_saver(job_id))
        _store(job, path)
    except ExportCancelled:
        logger.info("Export %s cancelled while running", job_id)
    except OperationalError:
        if final_attempt:
            logger.exception("Export %s failed", job_id)
            _fail(job_id, failed_message())
        else:
            ExportJob.objects.filter(pk=job_id, state=State.RUNNING).update(state=State.QUEUED)
            raise
    except (ValidationProblem, PermissionDenied) as exc:
        _fail(job_id, str(getattr(exc, "message", "") or exc))
    except Exception:
        logger.exception("Export %s failed", job_id)
        _fail(job_id, failed_message())
    finally:
        if os.path.exists(path):
            os.unlink(path)


def _fail(job_id: int, message: str) -> None:
    ExportJob.objects.filter(pk=job_id, state=State.RUNNING).update(
        state=State.FAILED, error=message, finished_at=timezone.now()
    )


def _store(job: ExportJob, path: str) -> None:
    """Save the file under the job (replacing an earlier try's) and mark the job done; a job
    cancelled meanwhile keeps no file."""
    if job.file:
        job.file.delete(save=False)
    filename = _filename(job)
    with open(path, "rb") as handle:
        name = default_storage.save(export_file_name(job, filename), File(handle))
    now = timezone.now()
    done = ExportJob.objects.filter(pk=job.pk, state=State.RUNNING).update(
        state=State.DONE,
        file=name,
        filename=filename,
        size=os.path.getsize(path),
        progress=100,
        rows_done=F("rows_total"),
        step="",
        finished_at=now,
        expires_at=now + dt.timedelta(days=settings.EXPORT_EXPIRY_DAYS),
    )
    if not done:
        default_storage.delete(name)
