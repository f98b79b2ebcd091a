"""Export jobs: the evaluation workbook or one table as CSV, built by a Celery task.

A job is claimed by a conditional update (queued -> running, attempts + 1), so a duplicated or
retried task builds nothing twice; the file is built in the job's own folder under
EXPORT_BUILD_DIR and moved into place once, under the job. Progress is saved every few
thousand rows, or every few seconds, with a plain UPDATE that writes the heartbeat and tells
the builder when the job was cancelled or taken over.

A running job without a heartbeat for EXPORT_STALE_SECONDS lost its worker: the redelivered
task takes it over, its user may try it again at once, and the beat sweeper fails it (and
removes killed builds' folders). One active job per (evaluation, user, kind, parameters) is
kept by a partial unique constraint; a concurrent duplicate request gets the same job."""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import re
import shutil
import tempfile
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.core.files.storage import FileSystemStorage, Storage
from django.db import IntegrityError, OperationalError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from common.errors import ValidationProblem
from evaluations.permissions import Role, role_of
from history.context import acting
from history.models import Entry
from history.services import record
from questionnaires.instrument_format import STANDARD_ATTRIBUTES
from questionnaires.models import Distribution
from questionnaires.selectors.tracking import PLANNED_CHANNEL, attribute_keys
from reports.models import ExportJob, export_file_name, parameters_key, stale_after
from reports.selectors.access import report_access
from reports.selectors.annex import BY as ANNEX_BY
from reports.selectors.likert import likert_breakdowns
from reports.selectors.overview import layout_find
from reports.services.export_tables import TABLES, csv_write
from reports.tasks import export_build_task
from reports.workbook import workbook_write

if TYPE_CHECKING:
    from accounts.models import User
    from evaluations.models import Evaluation
    from reports.tables import ReportAccess

logger = logging.getLogger(__name__)

State = ExportJob.State
PROGRESS_ROWS = 5000  # rows between progress updates (and cancellation checks)
BEATS_PER_LIMIT = 6  # heartbeats written within one stall limit, when progress comes slowly


def failed_message() -> str:
    return _(
        "The export stopped because of an unexpected error. Try again; if it fails again, "
        "tell your administrator (the error is in the server's log)."
    )


def stale_message() -> str:
    return _(
        "The export stopped: the worker building it stopped responding (it was restarted or "
        "ran out of memory). Try again."
    )


class ExportCancelled(Exception):
    """Someone cancelled the job, or another worker took it over, while it was being built."""


def _stale(now: dt.datetime) -> Q:
    """Running jobs whose builder has not beaten within the stall limit (ExportJob.stale)."""
    limit = now - stale_after()
    silent = Q(heartbeat_at__isnull=True) & (Q(started_at__lt=limit) | Q(started_at__isnull=True))
    return Q(state=State.RUNNING) & (Q(heartbeat_at__lt=limit) | silent)


def _storage() -> Storage:
    """Where finished files are kept (STORAGES["default"]: the local disk or object storage)."""
    return ExportJob._meta.get_field("file").storage


def build_dir() -> str:
    """Where this machine builds exports: EXPORT_BUILD_DIR; else, with files on the local disk,
    a folder beside them (a finished file is moved into place); else its temp folder (the file
    is then uploaded). Only the storage name is handed on: no other process reads it."""
    if settings.EXPORT_BUILD_DIR:
        return str(settings.EXPORT_BUILD_DIR)
    if isinstance(_storage(), FileSystemStorage):
        return os.path.join(settings.MEDIA_ROOT, "exports-building")
    return os.path.join(tempfile.gettempdir(), "consulta-exports")


def _job_dir(job_id: int) -> str:
    return os.path.join(build_dir(), f"job-{job_id}")


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
    """Queue an export of what `by` may see. The same request still waiting is returned (a
    stale one queued again); the database keeps one active job per request, so concurrent
    identical requests all get the same job."""
    cleaned = _clean_parameters(kind, parameters or {})
    access = report_access(by, evaluation, unsuppressed=cleaned["unsuppressed"])
    _check_choices(evaluation, access, cleaned)
    # What the file will hold beyond aggregates: downloading it later asks for the same right.
    cleaned["answers"] = kind == ExportJob.Kind.WORKBOOK and access.raw_answers
    key = parameters_key(cleaned)
    waiting = _active_twin(evaluation.pk, by.pk, kind, key)
    if waiting is not None:
        if _requeue(waiting, _stale(timezone.now())):  # a stale one starts again
            waiting.refresh_from_db()
        return waiting
    try:
        with transaction.atomic():
            job = ExportJob.objects.create(
                evaluation=evaluation,
                kind=kind,
                parameters=cleaned,
                parameters_key=key,
                requested_by=by,
            )
    except IntegrityError:
        # The same request, made at the same moment, created its job first: that one.
        first = _active_twin(evaluation.pk, by.pk, kind, key)
        if first is None:
            raise
        return first
    _record_request(job, by)
    _enqueue(job)
    return job


def _record_request(job: ExportJob, by: User) -> None:
    """The history keeps who asked for which export (ExportJob is not tracked by signals)."""
    with acting(by):
        record(
            job,
            verb="export",
            action=Entry.Action.CREATE,
            changes={"kind": [None, job.kind], "parameters": [None, job.parameters]},
            evaluation_id=job.evaluation_id,
            anchor=f"evaluation:{job.evaluation_id}",
        )


def _active_twin(evaluation_id: int, user_id: int | None, kind: str, key: str) -> ExportJob | None:
    """The queued or running job of the same export (one at most: a database constraint)."""
    return ExportJob.objects.filter(
        evaluation_id=evaluation_id,
        requested_by_id=user_id,
        kind=kind,
        parameters_key=key,
        state__in=ExportJob.ACTIVE,
    ).first()


def _requeue(job: ExportJob, which: Q) -> bool:
    """Put the job back in the queue (a new attempt) if it matches `which`; then enqueue."""
    requeued = ExportJob.objects.filter(which, pk=job.pk).update(
        state=State.QUEUED,
        error="",
        progress=0,
        rows_done=0,
        rows_total=0,
        step="",
        started_at=None,
        heartbeat_at=None,
        finished_at=None,
    )
    if requeued:
        _enqueue(job)
    return bool(requeued)


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
    """Queue a failed, cancelled or stale export again (the same job, a new attempt). When the
    same export is already waiting as another job, that job is returned."""
    _ensure_may_act(job, by)
    if job.requested_by is None:
        raise ValidationProblem(_("The person who asked for this export has no account anymore."))
    report_access(job.requested_by, job.evaluation, unsuppressed=job.parameters.get("unsuppressed"))
    retryable = Q(state__in=[State.FAILED, State.CANCELLED]) | _stale(timezone.now())
    try:
        with transaction.atomic():
            requeued = _requeue(job, retryable)
    except IntegrityError:
        waiting = _active_twin(job.evaluation_id, job.requested_by_id, job.kind, job.parameters_key)
        if waiting is None:
            raise
        return waiting
    job.refresh_from_db()
    if not requeued:
        raise ValidationProblem(_("Only a failed, cancelled or stalled export can be tried again."))
    return job


def exports_expire(now: dt.datetime | None = None) -> int:
    """Delete the files of finished exports past their expiry; the jobs stay, marked expired
    by their empty file. Returns the number of files deleted."""
    now = now or timezone.now()
    expired = ExportJob.objects.filter(state=State.DONE, expires_at__lte=now).exclude(file="")
    count = 0
    for job_id, name in expired.values_list("pk", "file").iterator():
        _storage().delete(name)
        count += ExportJob.objects.filter(pk=job_id, file=name).update(file="", size=0)
    return count


def exports_sweep(now: dt.datetime | None = None) -> int:
    """Beat: fail the running exports that stopped beating (their user can try again), and
    remove the build folders no live build owns. Returns the number of jobs failed."""
    now = now or timezone.now()
    failed = ExportJob.objects.filter(_stale(now)).update(
        state=State.FAILED, error=stale_message(), finished_at=now
    )
    if failed:
        logger.warning("%s export(s) stopped responding and were marked failed", failed)
    build_folders_sweep(now)
    return failed


def build_folders_sweep(now: dt.datetime) -> None:
    """Remove this machine's build folders no live build owns (killed builds'): by the sweep,
    and by every build (the sweep may run on another machine than the builders)."""
    root = build_dir()
    names = os.listdir(root) if os.path.isdir(root) else []
    folders = {int(n[4:]): os.path.join(root, n) for n in names if re.fullmatch(r"job-\d+", n)}
    running = ExportJob.objects.filter(pk__in=folders, state=State.RUNNING)
    alive = set(running.exclude(_stale(now)).values_list("pk", flat=True))
    old = (now - stale_after()).timestamp()
    for job_id, folder in folders.items():
        with contextlib.suppress(OSError):  # removed meanwhile by another build here
            if job_id not in alive and os.path.getmtime(folder) < old:
                shutil.rmtree(folder, ignore_errors=True)


# --- building ---------------------------------------------------------------------------------


def _claim(job_id: int) -> int | None:
    """Take a queued job, or a stale running one (its worker died), for this build: the
    attempt number it now runs under, or None when it is not ours to build."""
    now = timezone.now()
    claimable = Q(state=State.QUEUED) | _stale(now)
    current = ExportJob.objects.filter(claimable, pk=job_id).values_list("attempts", flat=True)
    attempt = current.first()
    if attempt is None:
        return None
    claimed = ExportJob.objects.filter(claimable, pk=job_id, attempts=attempt).update(
        state=State.RUNNING,
        attempts=attempt + 1,
        started_at=now,
        heartbeat_at=now,
        finished_at=None,
        error="",
        progress=0,
        rows_done=0,
        step="",
    )
    return attempt + 1 if claimed else None


def _ours(job_id: int, attempt: int) -> Q:
    """The job, still running under this build's attempt (not cancelled, not taken over)."""
    return Q(pk=job_id, state=State.RUNNING, attempts=attempt)


def _progress_saver(job_id: int, attempt: int) -> Callable[[int, int, str], None]:
    """progress(rows_done, rows_total, step): saved, with the heartbeat, every PROGRESS_ROWS
    rows, at each new step, and whenever a sixth of the stall limit has passed since the last
    save (a slow sheet keeps beating); raises ExportCancelled when the job is not ours."""
    last_rows = -PROGRESS_ROWS
    last_step: str | None = None
    last_beat = time.monotonic()
    beat_every = settings.EXPORT_STALE_SECONDS / BEATS_PER_LIMIT

    def save(done: int, total: int, step: str) -> None:
        nonlocal last_rows, last_step, last_beat
        due = time.monotonic() - last_beat >= beat_every
        if step == last_step and done - last_rows < PROGRESS_ROWS and not due:
            return
        last_rows, last_step, last_beat = done, step, time.monotonic()
        percent = min(99, done * 100 // total) if total else 0
        running = ExportJob.objects.filter(_ours(job_id, attempt)).update(
            rows_done=done,
            rows_total=total,
            progress=percent,
            step=str(step)[:100],
            heartbeat_at=timezone.now(),
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
            tmpdir=os.path.dirname(path),
        )
        return
    report_access(user, job.evaluation, unsuppressed=bool(parameters.get("unsuppressed")))
    step = _("Writing the table")
    progress(0, 0, step)
    rows = TABLES[parameters["table"]](job.evaluation, user, parameters)
    with open(path, "w", encoding="utf-8", newline="") as handle:
        count = csv_write(
            rows,
            handle,
            bom=parameters.get("bom", True),
            progress=lambda done: progress(done, done, step),
        )
    progress(count, count, _("Saving the file"))


class _Built(File):
    """The finished file in the build folder: moved into place on disk, or uploaded."""

    def temporary_file_path(self) -> str:
        return str(self.name)


def export_build(*, job_id: int, final_attempt: bool = True) -> None:
    """Build the job's file, once: a job that is not queued (already taken, finished or
    cancelled) is left alone, unless it is stale, which is taken over. A database error on a
    try that is not the last puts the job back in the queue and is raised, for the task to
    retry. The job's build folder is removed at the end, and at the start (a killed try's)."""
    attempt = _claim(job_id)
    if attempt is None:
        return
    job = ExportJob.objects.select_related("evaluation", "requested_by").get(pk=job_id)
    folder = _job_dir(job_id)
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder)
    path = os.path.join(folder, "export.part")
    try:
        build_folders_sweep(timezone.now())  # killed builds' on this machine (alive: ours)
        user = job.requested_by
        if user is None:
            raise ValidationProblem(_("The person who asked for this export has no account."))
        with acting(user):  # built for them: anything it records names them
            _write(job, user, path, _progress_saver(job_id, attempt))
            _store(job, attempt, path)
    except ExportCancelled:
        logger.info("Export %s cancelled or taken over while running", job_id)
    except OperationalError:
        if final_attempt:
            logger.exception("Export %s failed", job_id)
            _fail(job_id, attempt, failed_message())
        else:
            ExportJob.objects.filter(_ours(job_id, attempt)).update(state=State.QUEUED)
            raise
    except (ValidationProblem, PermissionDenied) as exc:
        _fail(job_id, attempt, str(getattr(exc, "message", "") or exc))
    except Exception:
        logger.exception("Export %s failed", job_id)
        _fail(job_id, attempt, failed_message())
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _fail(job_id: int, attempt: int, message: str) -> None:
    ExportJob.objects.filter(_ours(job_id, attempt)).update(
        state=State.FAILED, error=message, finished_at=timezone.now()
    )


def _store(job: ExportJob, attempt: int, path: str) -> None:
    """Move the file into place under the job (replacing an earlier try's) and mark the job
    done; a job cancelled or taken over meanwhile keeps no file."""
    if job.file:
        job.file.delete(save=False)
    filename = _filename(job)
    size = os.path.getsize(path)
    with open(path, "rb") as handle:
        name = _storage().save(export_file_name(job, filename), _Built(handle, name=path))
    now = timezone.now()
    done = ExportJob.objects.filter(_ours(job.pk, attempt)).update(
        state=State.DONE,
        file=name,
        filename=filename,
        size=size,
        progress=100,
        rows_done=F("rows_total"),
        step="",
        finished_at=now,
        expires_at=now + dt.timedelta(days=settings.EXPORT_EXPIRY_DAYS),
    )
    if not done:
        _storage().delete(name)
