"""The life of an export job's row, whatever it builds: queued again, cancelled, retried,
claimed by a build (a conditional update: queued -> running, attempts + 1), beating while it
runs, stored or failed; files expired and stale jobs swept; and where this machine builds.

Progress is saved every few thousand rows, or every few seconds, with a plain UPDATE that
writes the heartbeat and tells the builder when the job was cancelled or taken over. A running
job without a heartbeat for EXPORT_STALE_SECONDS lost its worker: the redelivered task takes it
over, its user may try it again at once, and the beat sweeper fails it (and removes killed
builds' folders). What a job holds and how it is written: services/exports.py."""

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
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.core.files.storage import FileSystemStorage, Storage
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from common.errors import ValidationProblem
from evaluations.permissions import Role, role_of
from reports.models import ExportJob, export_file_name, stale_after
from reports.selectors.access import report_access
from reports.tasks import export_build_task

if TYPE_CHECKING:
    from accounts.models import User

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


def stale_filter(now: dt.datetime) -> Q:
    """Running jobs whose builder has not beaten within the stall limit (ExportJob.stale)."""
    limit = now - stale_after()
    silent = Q(heartbeat_at__isnull=True) & (Q(started_at__lt=limit) | Q(started_at__isnull=True))
    return Q(state=State.RUNNING) & (Q(heartbeat_at__lt=limit) | silent)


def storage() -> Storage:
    """Where finished files are kept (STORAGES["default"]: the local disk or object storage)."""
    return ExportJob._meta.get_field("file").storage


def build_dir() -> str:
    """Where this machine builds exports: EXPORT_BUILD_DIR; else, with files on the local disk,
    a folder beside them (a finished file is moved into place); else its temp folder (the file
    is then uploaded). Only the storage name is handed on: no other process reads it."""
    if settings.EXPORT_BUILD_DIR:
        return str(settings.EXPORT_BUILD_DIR)
    if isinstance(storage(), FileSystemStorage):
        return os.path.join(settings.MEDIA_ROOT, "exports-building")
    return os.path.join(tempfile.gettempdir(), "consulta-exports")


def job_dir(job_id: int) -> str:
    return os.path.join(build_dir(), f"job-{job_id}")


# --- acting on jobs ---------------------------------------------------------------------------


def active_twin(evaluation_id: int, user_id: int | None, kind: str, key: str) -> ExportJob | None:
    """The queued or running job of the same export (one at most: a database constraint)."""
    return ExportJob.objects.filter(
        evaluation_id=evaluation_id,
        requested_by_id=user_id,
        kind=kind,
        parameters_key=key,
        state__in=ExportJob.ACTIVE,
    ).first()


def requeue(job: ExportJob, which: Q) -> bool:
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
        enqueue(job)
    return bool(requeued)


def enqueue(job: ExportJob) -> None:
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
    retryable = Q(state__in=[State.FAILED, State.CANCELLED]) | stale_filter(timezone.now())
    try:
        with transaction.atomic():
            requeued = requeue(job, retryable)
    except IntegrityError:
        waiting = active_twin(job.evaluation_id, job.requested_by_id, job.kind, job.parameters_key)
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
        storage().delete(name)
        count += ExportJob.objects.filter(pk=job_id, file=name).update(file="", size=0)
    return count


def exports_sweep(now: dt.datetime | None = None) -> int:
    """Beat: fail the running exports that stopped beating (their user can try again), and
    remove the build folders no live build owns. Returns the number of jobs failed."""
    now = now or timezone.now()
    failed = ExportJob.objects.filter(stale_filter(now)).update(
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
    alive = set(running.exclude(stale_filter(now)).values_list("pk", flat=True))
    old = (now - stale_after()).timestamp()
    for job_id, folder in folders.items():
        with contextlib.suppress(OSError):  # removed meanwhile by another build here
            if job_id not in alive and os.path.getmtime(folder) < old:
                shutil.rmtree(folder, ignore_errors=True)


# --- building ---------------------------------------------------------------------------------


def claim(job_id: int) -> int | None:
    """Take a queued job, or a stale running one (its worker died), for this build: the
    attempt number it now runs under, or None when it is not ours to build."""
    now = timezone.now()
    claimable = Q(state=State.QUEUED) | stale_filter(now)
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


def ours(job_id: int, attempt: int) -> Q:
    """The job, still running under this build's attempt (not cancelled, not taken over)."""
    return Q(pk=job_id, state=State.RUNNING, attempts=attempt)


def progress_saver(job_id: int, attempt: int) -> Callable[[int, int, str], None]:
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
        running = ExportJob.objects.filter(ours(job_id, attempt)).update(
            rows_done=done,
            rows_total=total,
            progress=percent,
            step=str(step)[:100],
            heartbeat_at=timezone.now(),
        )
        if not running:
            raise ExportCancelled

    return save


class _Built(File):
    """The finished file in the build folder: moved into place on disk, or uploaded."""

    def temporary_file_path(self) -> str:
        return str(self.name)


def job_fail(job_id: int, attempt: int, message: str) -> None:
    ExportJob.objects.filter(ours(job_id, attempt)).update(
        state=State.FAILED, error=message, finished_at=timezone.now()
    )


def job_store(job: ExportJob, attempt: int, path: str, filename: str) -> None:
    """Move the file into place under the job (replacing an earlier try's) and mark the job
    done; a job cancelled or taken over meanwhile keeps no file."""
    if job.file:
        job.file.delete(save=False)
    size = os.path.getsize(path)
    with open(path, "rb") as handle:
        name = storage().save(export_file_name(job, filename), _Built(handle, name=path))
    now = timezone.now()
    done = ExportJob.objects.filter(ours(job.pk, attempt)).update(
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
        storage().delete(name)
