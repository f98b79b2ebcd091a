"""Export jobs: the evaluation workbook, one table as CSV, or the raw responses of one
questionnaire (its data export), built by a Celery task.

Here: what a request may ask (kinds and their parameters, refused at once with the field when
the build would refuse them later) and how each kind is written. A job is claimed by a
conditional update, so a duplicated or retried task builds nothing twice; the file is built in
the job's own folder under EXPORT_BUILD_DIR and moved into place once, under the job. The life
of a job's row (claiming, heartbeats, cancelling, retrying, expiry, the stale-job sweeper) is in
services/export_jobs.py; import it all from here. One active job per (evaluation, user, kind,
parameters) is kept by a partial unique constraint; a concurrent duplicate request gets the
same job."""

from __future__ import annotations

import logging
import os
import shutil
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, OperationalError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from common.errors import ValidationProblem
from evaluations.permissions import Action, ensure
from history.context import acting
from history.models import Entry
from history.services import record
from questionnaires.instrument_format import STANDARD_ATTRIBUTES
from questionnaires.models import Distribution
from questionnaires.selectors.tracking import PLANNED_CHANNEL, attribute_keys
from reports.models import ExportJob, parameters_key
from reports.selectors.access import report_access
from reports.selectors.annex import BY as ANNEX_BY
from reports.selectors.likert import likert_breakdowns
from reports.selectors.overview import layout_find
from reports.services.export_jobs import (
    ExportCancelled,
    active_twin,
    build_dir,
    build_folders_sweep,
    claim,
    enqueue,
    export_cancel,
    export_retry,
    exports_expire,
    exports_sweep,
    failed_message,
    job_dir,
    job_fail,
    job_store,
    ours,
    progress_saver,
    requeue,
    stale_filter,
)
from reports.services.export_tables import (
    DISTRIBUTION_TABLES,
    TABLES,
    csv_write,
    export_distribution,
)
from reports.statistics import FORMATS as STATISTICS_FORMATS
from reports.statistics import codebook_write, statistics_write
from reports.tasks import export_build_task
from reports.workbook import workbook_write
from reports.workbook.responses import responses_write

if TYPE_CHECKING:
    from accounts.models import User
    from evaluations.models import Evaluation
    from reports.tables import ReportAccess

__all__ = [
    "TABLES",
    "build_dir",
    "csv_write",
    "export_build",
    "export_build_task",
    "export_cancel",
    "export_request",
    "export_retry",
    "exports_expire",
    "exports_sweep",
]

logger = logging.getLogger(__name__)

State = ExportJob.State

# --- requesting -------------------------------------------------------------------------------


def _raw(kind: str, parameters: dict) -> bool:
    """Whether the export holds one questionnaire's raw responses (its kind, or its table)."""
    if kind == ExportJob.Kind.RESPONSES:
        return True
    return kind == ExportJob.Kind.CSV and parameters.get("table") in DISTRIBUTION_TABLES


def _clean_parameters(kind: str, parameters: dict) -> dict[str, Any]:
    if kind not in ExportJob.Kind.values:
        message = _("Choose the workbook, a table as CSV, or the raw responses of a questionnaire.")
        raise ValidationProblem(message, errors={"kind": [message]})
    raw = _raw(kind, parameters)
    cleaned: dict[str, Any] = {
        # Raw responses are never suppressed: they go to roles that read every answer.
        "unsuppressed": bool(parameters.get("unsuppressed")) and not raw,
        "labels": bool(parameters.get("labels")),
    }
    if parameters.get("by") and not raw:
        cleaned["by"] = str(parameters["by"])[:40]
    if raw:
        cleaned["distribution"] = parameters.get("distribution")  # checked with the evaluation
    if kind == ExportJob.Kind.RESPONSES and (parameters.get("format") or "xlsx") != "xlsx":
        if parameters.get("format") not in STATISTICS_FORMATS:
            known = ", ".join(["xlsx", *STATISTICS_FORMATS])
            message = _("Choose one of the formats: %(formats)s.") % {"formats": known}
            raise ValidationProblem(message, errors={"format": [message]})
        cleaned["format"] = parameters["format"]
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
            if parameters.get(key) and not raw:
                cleaned[key] = parameters[key]
    return cleaned


def _check_choices(evaluation: Evaluation, access: ReportAccess, cleaned: dict) -> None:
    """Refuse now, with the field, what the build would refuse later: a breakdown nobody can
    make, a layout or a distribution that does not exist (a distribution is kept by its id)."""
    if "distribution" in cleaned:
        cleaned["distribution"] = export_distribution(evaluation, cleaned["distribution"]).pk
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
    identical requests all get the same job. The raw responses of a questionnaire are for
    the roles that read individual responses (PermissionDenied for the others)."""
    parameters = parameters or {}
    cleaned = _clean_parameters(kind, parameters)
    access = report_access(by, evaluation, unsuppressed=cleaned["unsuppressed"])
    raw = _raw(kind, parameters)
    if raw:
        ensure(by, Action.VIEW_RESPONSES, evaluation)
    _check_choices(evaluation, access, cleaned)
    # What the file will hold beyond aggregates: downloading it later asks for the same right.
    cleaned["answers"] = raw or (kind == ExportJob.Kind.WORKBOOK and access.raw_answers)
    key = parameters_key(cleaned)
    waiting = active_twin(evaluation.pk, by.pk, kind, key)
    if waiting is not None:
        if requeue(waiting, stale_filter(timezone.now())):  # a stale one starts again
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
        first = active_twin(evaluation.pk, by.pk, kind, key)
        if first is None:
            raise
        return first
    _record_request(job, by)
    enqueue(job)
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


# --- building ---------------------------------------------------------------------------------


def _filename(job: ExportJob) -> str:
    stamp = timezone.localtime().strftime("%Y-%m-%d-%H%M")
    slug = job.evaluation.slug
    if _raw(job.kind, job.parameters):
        extension = "csv" if job.kind == ExportJob.Kind.CSV else "xlsx"
        what = "responses"
        if job.parameters.get("format") in STATISTICS_FORMATS:
            extension = STATISTICS_FORMATS[job.parameters["format"]][0]
            what = "codebook" if job.parameters["format"] == "codebook" else what
        return f"{slug}-{_questionnaire_slug(job)}-{what}-{stamp}.{extension}"
    if job.kind == ExportJob.Kind.CSV:
        return f"{slug}-{job.parameters.get('table')}-{stamp}.csv"
    return f"{slug}-{stamp}.xlsx"


def _questionnaire_slug(job: ExportJob) -> str:
    """The title of the job's distribution, as a file name can hold it."""
    distribution_id = job.parameters.get("distribution")
    titles = Distribution.objects.filter(pk=distribution_id, evaluation_id=job.evaluation_id)
    title = titles.values_list("title", flat=True).first() or ""
    return slugify(title)[:60].strip("-") or f"questionnaire-{distribution_id}"


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
    if job.kind == ExportJob.Kind.RESPONSES and parameters.get("format") in STATISTICS_FORMATS:
        _statistics_write(job, user, path, progress)
        return
    if job.kind == ExportJob.Kind.RESPONSES:
        responses_write(
            path,
            distribution=export_distribution(job.evaluation, parameters.get("distribution")),
            user=user,
            labels=bool(parameters.get("labels")),
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


def _statistics_write(
    job: ExportJob, user: User, path: str, progress: Callable[[int, int, str], None]
) -> None:
    """SPSS, Stata, CSV + R script + codebook (one .zip), or the codebook alone."""
    distribution = export_distribution(job.evaluation, job.parameters.get("distribution"))
    form = job.parameters["format"]
    progress(0, 0, _("Reading the responses"))
    if form == "codebook":
        codebook_write(path, distribution=distribution, user=user)
    else:
        statistics_write(
            path,
            distribution=distribution,
            user=user,
            format="csv" if form == "r" else form,
            progress=progress,
            bundle=f"{job.evaluation.slug}-{_questionnaire_slug(job)}" if form == "r" else "",
        )
    progress(1, 1, _("Saving the file"))


def export_build(*, job_id: int, final_attempt: bool = True) -> None:
    """Build the job's file, once: a job that is not queued (already taken, finished or
    cancelled) is left alone, unless it is stale, which is taken over. A database error on a
    try that is not the last puts the job back in the queue and is raised, for the task to
    retry. The job's build folder is removed at the end, and at the start (a killed try's)."""
    attempt = claim(job_id)
    if attempt is None:
        return
    job = ExportJob.objects.select_related("evaluation", "requested_by").get(pk=job_id)
    folder = job_dir(job_id)
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder)
    path = os.path.join(folder, "export.part")
    try:
        build_folders_sweep(timezone.now())  # killed builds' on this machine (alive: ours)
        user = job.requested_by
        if user is None:
            raise ValidationProblem(_("The person who asked for this export has no account."))
        with acting(user):  # built for them: anything it records names them
            _write(job, user, path, progress_saver(job_id, attempt))
            job_store(job, attempt, path, _filename(job))
    except ExportCancelled:
        logger.info("Export %s cancelled or taken over while running", job_id)
    except OperationalError:
        if final_attempt:
            logger.exception("Export %s failed", job_id)
            job_fail(job_id, attempt, failed_message())
        else:
            ExportJob.objects.filter(ours(job_id, attempt)).update(state=State.QUEUED)
            raise
    except (ValidationProblem, PermissionDenied) as exc:
        job_fail(job_id, attempt, str(getattr(exc, "message", "") or exc))
    except Exception:
        logger.exception("Export %s failed", job_id)
        job_fail(job_id, attempt, failed_message())
    finally:
        shutil.rmtree(folder, ignore_errors=True)
