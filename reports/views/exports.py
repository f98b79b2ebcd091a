"""The downloads page: the evaluation workbook and the raw responses of each questionnaire
requested as export jobs, their live progress (polled), cancel, retry and the files."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from common.downloads import content_type_of
from common.errors import ValidationProblem
from evaluations.models import Evaluation
from evaluations.permissions import Action
from evaluations.views import evaluation_view
from history.services import record_download
from questionnaires.models import Distribution
from reports.forms import ExportForm, RawResponsesForm
from reports.models import ExportJob
from reports.selectors.access import report_access
from reports.selectors.exports import (
    export_file,
    export_get,
    export_list,
    export_questionnaires,
)
from reports.selectors.raw import raw_response_count
from reports.services import exports
from reports.views.base import refused, report_context

# --- exports -----------------------------------------------------------------------------------


def _job(request: HttpRequest, evaluation: Evaluation, pk: int) -> ExportJob:
    return export_get(evaluation=evaluation, user=request.user, pk=pk)


@evaluation_view(Action.VIEW_EVALUATION)
def exports_page(request: HttpRequest, evaluation: Evaluation) -> HttpResponse:
    """The workbook's form, one raw responses form per questionnaire (for the roles that read
    individual responses), and the jobs with their progress."""
    access = report_access(request.user, evaluation)
    form = ExportForm(access=access)
    if request.method == "POST" and "format" in request.POST:  # a raw responses button
        return _raw_request(request, evaluation)
    if request.method == "POST":
        form = ExportForm(request.POST, access=access)
        if form.is_valid():
            try:
                job = exports.export_request(
                    evaluation=evaluation,
                    by=request.user,
                    kind=ExportJob.Kind.WORKBOOK,
                    parameters=form.parameters(),
                )
            except ValidationProblem as problem:
                refused(request, problem)
            else:
                _requested(request, job)
                return redirect(f"{request.path}#job-{job.pk}")
    jobs = list(export_list(evaluation=evaluation, user=request.user))
    titles = export_questionnaires(jobs)
    raw = []  # (distribution, the responses the user may read)
    if access.raw_answers:
        found = Distribution.objects.filter(evaluation=evaluation).order_by("created_at", "pk")
        for distribution in found.select_related("evaluation"):
            count = raw_response_count(user=request.user, distribution=distribution)
            raw.append((distribution, count))
    context = report_context(
        request,
        evaluation,
        "exports",
        access=access,
        form=form,
        jobs=jobs,
        job_rows=[(job, titles.get(job.pk, "")) for job in jobs],
        raw_distributions=raw,
    )
    return render(request, "reports/exports.html", context)


def _raw_request(request: HttpRequest, evaluation: Evaluation) -> HttpResponse:
    """The raw responses of one questionnaire, as Excel or CSV: queued, or refused with the
    reason (a role without individual responses is refused by the service: 403)."""
    try:
        kind, parameters = RawResponsesForm(request.POST).export()
        job = exports.export_request(
            evaluation=evaluation, by=request.user, kind=kind, parameters=parameters
        )
    except ValidationProblem as problem:
        refused(request, problem)
        return redirect(f"{request.path}#raw-responses")
    _requested(request, job, raw=True)
    return redirect(f"{request.path}#job-{job.pk}")


def _requested(request: HttpRequest, job: ExportJob, *, raw: bool = False) -> None:
    """The banner after a request, saying what the job's row says: a job built at once (an
    in-process or quick worker) is ready or failed already; a waiting one is not promised as
    "being prepared", since its row turns Done while the banner stays."""
    job.refresh_from_db(fields=["state", "error"])
    if job.state == ExportJob.State.DONE:
        messages.success(
            request,
            _("The raw responses are ready: download them below.")
            if raw
            else _("The workbook is ready: download it below."),
        )
    elif job.state == ExportJob.State.FAILED:
        failed = (
            _("The raw responses could not be prepared: %(error)s")
            if raw
            else _("The workbook could not be prepared: %(error)s")
        )
        messages.error(request, failed % {"error": job.error})
    else:
        messages.info(
            request,
            _("The raw responses were requested: their row below shows the progress.")
            if raw
            else _("The workbook was requested: its row below shows the progress."),
        )


@evaluation_view(Action.VIEW_EVALUATION)
def export_status(request: HttpRequest, evaluation: Evaluation, pk: int) -> HttpResponse:
    """One job's row; polled by HTMX every second while the job is queued or running."""
    job = _job(request, evaluation, pk)
    context = {
        "evaluation": evaluation,
        "job": job,
        "questionnaire": export_questionnaires([job]).get(job.pk, ""),
    }
    return render(request, "reports/_export_row.html", context)


@require_POST
@evaluation_view(Action.VIEW_EVALUATION)
def export_action(
    request: HttpRequest, evaluation: Evaluation, pk: int, action: str
) -> HttpResponse:
    job = _job(request, evaluation, pk)
    try:
        if action == "cancel":
            exports.export_cancel(job=job, by=request.user)
            messages.success(request, _("The export was cancelled."))
        elif action == "retry":
            exports.export_retry(job=job, by=request.user)
            job.refresh_from_db(fields=["state", "error"])
            if job.state == ExportJob.State.DONE:
                messages.success(request, _("The export is ready: download it below."))
            elif job.state == ExportJob.State.FAILED:
                messages.error(
                    request, _("The export failed again: %(error)s") % {"error": job.error}
                )
            else:
                messages.info(
                    request, _("The export was started again: its row below shows the progress.")
                )
        else:
            raise Http404
    except ValidationProblem as problem:
        refused(request, problem)
    response = redirect("reports:exports", evaluation.slug)
    response["Location"] += f"#job-{job.pk}"
    return response


@evaluation_view(Action.VIEW_EVALUATION)
def export_download(request: HttpRequest, evaluation: Evaluation, pk: int) -> HttpResponse:
    job = _job(request, evaluation, pk)
    opened = export_file(job=job, user=request.user)
    record_download(job, what=job.filename, evaluation_id=evaluation.pk)
    return FileResponse(
        opened,
        as_attachment=True,
        filename=job.filename,
        content_type=content_type_of(job.filename),
    )
