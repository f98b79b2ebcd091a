"""Pages of the people import: upload -> columns -> dry-run report and review -> result."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.errors import ValidationProblem, form_add_problem
from common.imports import job_table
from stakeholders.forms.imports import DecisionForm, MappingForm, UploadForm
from stakeholders.importing.jobs import import_job_check, import_job_commit, import_job_create
from stakeholders.importing.plan import CREATE, NEW, NOTHING, SKIP, STATUS_LABELS, UPDATE
from stakeholders.models import ImportJob
from stakeholders.views.base import registry_view

REPORT_PAGE_SIZE = 200
SAMPLES = 3


def _job(pk: int) -> ImportJob:
    return get_object_or_404(ImportJob, pk=pk)


@registry_view(manage=True)
def import_upload_page(request: HttpRequest) -> HttpResponse:
    form = UploadForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                job = import_job_create(
                    by=request.user,
                    file=upload,
                    filename=upload.name,
                    sheet=form.cleaned_data["sheet"],
                )
            except ValidationProblem as problem:
                form_add_problem(form, problem)
            else:
                return redirect("registry_import:mapping", pk=job.pk)
        status = 400
    jobs = ImportJob.objects.select_related("created_by").defer("report")[:10]
    return render(
        request, "stakeholders/import_upload.html", {"form": form, "jobs": jobs}, status=status
    )


def _samples(job: ImportJob) -> dict[str, list[str]]:
    """A few distinct values of each column, to show beside its select."""
    table = job_table(job)
    found: dict[str, list[str]] = {}
    for index, header in enumerate(table.headers):
        values = [v for v in table.column(index) if v]
        found.setdefault(header, list(dict.fromkeys(values))[:SAMPLES])
    return found


@registry_view(manage=True)
def import_mapping_page(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(pk)
    if job.state == ImportJob.State.COMMITTED:
        return redirect("registry_import:result", pk=job.pk)
    try:
        samples = _samples(job)
    except ValidationProblem as problem:
        messages.error(request, problem.message)
        return redirect("registry_import:upload")
    form = MappingForm(
        request.POST or None, headers=job.headers, mapping=job.mapping, samples=samples
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                job = import_job_check(job=job, by=request.user, mapping=form.mapping())
            except ValidationProblem as problem:
                form_add_problem(form, problem)
            else:
                if job.state == ImportJob.State.CHECKED:
                    return redirect("registry_import:report", pk=job.pk)
                form.add_error(None, job.error)
        status = 400
    problem = job.error if request.method != "POST" else ""
    return render(
        request,
        "stakeholders/import_mapping.html",
        {"job": job, "form": form, "problem": problem},
        status=status,
    )


@registry_view(manage=True)
def import_report_page(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(pk)
    if job.state == ImportJob.State.COMMITTED:
        return redirect("registry_import:result", pk=job.pk)
    if job.state != ImportJob.State.CHECKED:
        if job.error:
            messages.error(request, job.error)
        return redirect("registry_import:mapping", pk=job.pk)
    shown = request.GET.get("status", "")
    rows = [r for r in job.report if not shown or r["status"] == shown]
    page = Paginator(rows, REPORT_PAGE_SIZE).get_page(request.GET.get("page"))
    form = DecisionForm(request.POST or None, rows=page.object_list, decisions=job.decisions)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                if form.fields:
                    job = import_job_check(job=job, by=request.user, decisions=form.decisions())
                if "commit" in request.POST:
                    job = import_job_commit(job=job, by=request.user)
                    return redirect("registry_import:result", pk=job.pk)
            except ValidationProblem as problem:
                messages.error(request, problem.message)
            else:
                messages.success(request, _("Your choices are saved."))
                return redirect(request.get_full_path())
        status = 400
        job.refresh_from_db()
    fields = {name: form[name] for name in form.fields}
    table = [(_labelled(row), fields.get(f"row{row['row']}")) for row in page.object_list]
    errors = [r["row"] for r in job.report if r["status"] == "error"]
    context = {
        "job": job,
        "form": form,
        "page": page,
        "table": table,
        "shown": shown,
        "statuses": STATUS_LABELS,
        "error_rows": errors,
        "filters": [(key, label, job.counts.get(key, 0)) for key, label in STATUS_LABELS.items()],
    }
    return render(request, "stakeholders/import_report.html", context, status=status)


ACTION_LABELS = {
    CREATE: gettext_lazy("will be created"),
    UPDATE: gettext_lazy("will be updated"),
    SKIP: gettext_lazy("skipped"),
    NOTHING: "–",
}


BADGES = {"new": "status-active", "duplicate": "status-draft", "error": "danger-link"}


def _labelled(row: dict[str, Any]) -> dict[str, Any]:
    return {
        **row,
        "badge": BADGES.get(row["status"], ""),
        "label": STATUS_LABELS.get(row["status"], row["status"]),
        "action_label": ACTION_LABELS.get(row["action"], ""),
    }


@registry_view(manage=True)
def import_result_page(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(pk)
    if job.state != ImportJob.State.COMMITTED:
        return redirect("registry_import:report", pk=job.pk)
    rows = [_labelled(row) for row in job.report if row["status"] != NEW]
    return render(request, "stakeholders/import_result.html", {"job": job, "rows": rows})
