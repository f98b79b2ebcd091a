"""Celery tasks of the reports: thin wrappers around services/exports.py. Each can run twice:
the job is claimed by a conditional update, so a duplicate does nothing."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.db import OperationalError


# An export has no wall-clock limit worth the name (the project's 600 s default would kill the
# biggest workbooks): EXPORT_TIME_LIMIT, a day, is a backstop. What stops a stuck export is the
# stall limit, EXPORT_STALE_SECONDS without a heartbeat (see exports_sweep_task).
@shared_task(
    bind=True,
    name="reports.export_build",
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=3,
    ignore_result=True,
    soft_time_limit=settings.EXPORT_TIME_LIMIT,
    time_limit=settings.EXPORT_TIME_LIMIT + 60,
)
def export_build_task(self, job_id: int) -> None:
    """Build the file of one ExportJob (or take over one whose worker died)."""
    from reports.services.exports import export_build

    # In-process (eager) runs have no later try: a database error fails the job there.
    final = self.request.is_eager or self.request.retries >= self.max_retries
    export_build(job_id=job_id, final_attempt=final)


@shared_task(name="reports.exports_expire", ignore_result=True)
def exports_expire_task() -> int:
    """Beat: delete the files of exports past their expiry."""
    from reports.services.exports import exports_expire

    return exports_expire()


@shared_task(name="reports.exports_sweep", ignore_result=True)
def exports_sweep_task() -> int:
    """Beat: fail the running exports that stopped beating, remove killed builds' files."""
    from reports.services.exports import exports_sweep

    return exports_sweep()
