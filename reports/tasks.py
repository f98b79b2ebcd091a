"""Celery tasks of the reports: thin wrappers around services/exports.py. Each can run twice:
the job is claimed by a conditional update, so a duplicate does nothing."""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError


@shared_task(
    bind=True,
    name="reports.export_build",
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=3,
    ignore_result=True,
)
def export_build_task(self, job_id: int) -> None:
    """Build the file of one ExportJob."""
    from reports.services.exports import export_build

    # In-process (eager) runs have no later try: a database error fails the job there.
    final = self.request.is_eager or self.request.retries >= self.max_retries
    export_build(job_id=job_id, final_attempt=final)


@shared_task(name="reports.exports_expire", ignore_result=True)
def exports_expire_task() -> int:
    """Beat: delete the files of exports past their expiry."""
    from reports.services.exports import exports_expire

    return exports_expire()
