"""Pages of the interview list import, under /evaluations/<slug>/interviews/import/:
upload -> dry run and review -> confirm -> result. Members who log interviews only."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.errors import ValidationProblem, form_add_problem
from common.imports import AlreadyCommitted
from evaluations.models import Evaluation
from evaluations.permissions import Action
from evaluations.views import evaluation_view
from interviews.forms.imports import GROUP, PERSON, ReadingForm, ReviewForm, UploadForm
from interviews.importing.jobs import (
    NAMED_KINDS,
    import_job_check,
    import_job_commit,
    import_job_create,
)
from interviews.models import InterviewImportJob

State = InterviewImportJob.State

COUNT_LABELS = {
    "interviews": gettext_lazy("Interviews"),
    "participants": gettext_lazy("Participants"),
    "people_new": gettext_lazy("New people in the registry"),
    "people_matched": gettext_lazy("People found in the registry"),
    "groups": gettext_lazy("Groups"),
    "follow_ups": gettext_lazy("Follow-ups"),
    "already_imported": gettext_lazy("Already in the log"),
}


def _job(evaluation: Evaluation, pk: int) -> InterviewImportJob:
    return get_object_or_404(InterviewImportJob, pk=pk, evaluation=evaluation)


@evaluation_view(Action.ENTER_RESPONSES)
def import_upload_page(request: HttpRequest, evaluation: Evaluation) -> HttpResponse:
    form = UploadForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                job = import_job_create(
                    evaluation=evaluation,
                    by=request.user,
                    file=upload,
                    filename=upload.name,
                    sheet=form.cleaned_data["sheet"],
                    month_first=form.cleaned_data["month_first"],
                    layout=form.cleaned_data["layout"] or InterviewImportJob.Layout.COLUMNS,
                )
            except ValidationProblem as problem:
                form_add_problem(form, problem)
            else:
                return redirect("interviews:import_report", slug=evaluation.slug, pk=job.pk)
        status = 400
    jobs = (
        InterviewImportJob.objects.filter(evaluation=evaluation)
        .select_related("created_by")
        .defer("report")[:10]
    )
    context = {"evaluation": evaluation, "form": form, "jobs": jobs}
    return render(request, "interviews/import_upload.html", context, status=status)


def _undated_lines(job: InterviewImportJob) -> dict[int, str]:
    """A list without dates: every line that is not blank, with how it reads."""
    if job.layout != InterviewImportJob.Layout.UNDATED:
        return {}
    return {
        line["row"]: line["reading"] for line in job.report.get("lines", []) if line.get("reading")
    }


def _readings(job: InterviewImportJob) -> dict[int, str]:
    """Rows whose name was read as a group, or corrected to a person: they get a choice."""
    found: dict[int, str] = {}
    if job.layout == InterviewImportJob.Layout.UNDATED:
        return found  # the select of each line says it (_undated_lines)
    for line in job.report.get("lines", []):
        if line["kind"] not in NAMED_KINDS:
            continue
        decided = job.decisions.get(str(line["row"]))
        if decided in (GROUP, PERSON):
            found[line["row"]] = decided
        elif _read_as_group(line):
            found[line["row"]] = GROUP
    return found


def _read_as_group(line: dict[str, Any]) -> bool:
    """The dry run's line says the name became a group. The report has no flag for it, so
    this reads the words the importer writes ("— group “…”", "is read as a group")."""
    warned = any(_("is read as a group") in warning for warning in line.get("warnings", []))
    return warned or f"— {_('group')} “" in line.get("text", "")


def _counts(counts: dict[str, int]) -> list[tuple[str, str, int]]:
    return [(key, label, counts.get(key, 0)) for key, label in COUNT_LABELS.items()]


@evaluation_view(Action.ENTER_RESPONSES)
def import_report_page(request: HttpRequest, evaluation: Evaluation, pk: int) -> HttpResponse:
    job = _job(evaluation, pk)
    if job.state == State.COMMITTED:
        return redirect("interviews:import_result", slug=evaluation.slug, pk=job.pk)
    if job.state == State.FAILED:
        messages.error(request, job.error)
        return redirect("interviews:import_upload", slug=evaluation.slug)
    report = job.report
    post = request.POST if request.method == "POST" else None
    review = ReviewForm(
        post if post and "reread" not in post else None,
        near_matches=report.get("near_matches", []),
        readings=_readings(job),
        decisions=job.decisions,
        lines=_undated_lines(job),
    )
    reading = ReadingForm(
        post if post and "reread" in post else None,
        sheets=report.get("sheets", []),
        initial={"sheet": job.sheet, "month_first": job.month_first},
    )
    if post is not None:
        done = _review_post(request, job, review, reading)
        if done is not None:
            return done
        job.refresh_from_db()
    return _report_render(request, job, review, reading, status=200 if post is None else 400)


def _review_post(
    request: HttpRequest, job: InterviewImportJob, review: ReviewForm, reading: ReadingForm
) -> HttpResponse | None:
    """Save the choices (and confirm), or read the file again; None shows the page again."""
    slug = job.evaluation.slug
    form = reading if "reread" in request.POST else review
    if not form.is_valid():
        return None
    try:
        if form is reading:
            job = import_job_check(
                job=job,
                by=request.user,
                sheet=reading.cleaned_data.get("sheet") or None,
                month_first=reading.cleaned_data["month_first"],
            )
        elif review.fields:
            job = import_job_check(job=job, by=request.user, decisions=review.decisions())
        if "commit" in request.POST:
            job = import_job_commit(job=job, by=request.user)
            return redirect("interviews:import_result", slug=slug, pk=job.pk)
    except AlreadyCommitted as problem:
        messages.info(request, problem.message)
        return redirect("interviews:import_result", slug=slug, pk=job.pk)
    except ValidationProblem as problem:
        job.refresh_from_db()
        if not job.error:  # a refused import keeps its message on the job, shown above
            form_add_problem(form, problem)
        return None
    messages.success(request, _("The list is checked again with your choices."))
    return redirect("interviews:import_report", slug=slug, pk=job.pk)


def _report_render(
    request: HttpRequest,
    job: InterviewImportJob,
    review: ReviewForm,
    reading: ReadingForm,
    *,
    status: int,
) -> HttpResponse:
    report = job.report
    fields = {row: review[f"row{row}"] for row in review.rows}
    readings = {row: review[f"line{row}"] for row in review.lines}
    near = {n["row"]: n for n in report.get("near_matches", [])}
    lines = [
        {
            **line,
            "field": fields.get(line["row"]),
            "reading_field": readings.get(line["row"]),
            "near": near.get(line["row"]),
        }
        for line in report.get("lines", [])
    ]
    context = {
        "evaluation": job.evaluation,
        "job": job,
        "lines": lines,
        "errors": report.get("errors", []),
        "counts": _counts(report.get("counts", {})),
        "nothing_new": report.get("already_imported", False),
        "review": review,
        "reading": reading,
    }
    return render(request, "interviews/import_report.html", context, status=status)


@evaluation_view(Action.ENTER_RESPONSES)
def import_result_page(request: HttpRequest, evaluation: Evaluation, pk: int) -> HttpResponse:
    job = _job(evaluation, pk)
    if job.state != State.COMMITTED:
        return redirect("interviews:import_report", slug=evaluation.slug, pk=job.pk)
    lines = [
        line
        for line in job.report.get("lines", [])
        if line.get("warnings") and line["kind"] != "blank"
    ]
    context = {
        "evaluation": evaluation,
        "job": job,
        "counts": _counts(job.report.get("counts", {})),
        "lines": lines,
    }
    return render(request, "interviews/import_result.html", context)
