"""Export jobs as a user may see them: their own, or every job of the evaluation for a lead."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from evaluations.permissions import Role, role_of
from questionnaires.models import Distribution
from reports.models import ExportJob
from reports.selectors.access import report_access

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User
    from evaluations.models import Evaluation


def export_list(*, evaluation: Evaluation, user: User | AnonymousUser) -> QuerySet[ExportJob]:
    """The evaluation's export jobs the user may see, newest first; PermissionDenied for
    non-members."""
    report_access(user, evaluation)
    if not user.is_authenticated:  # not reached: report_access refuses non-members
        raise PermissionDenied(_("You are not a member of this evaluation."))
    jobs = ExportJob.objects.filter(evaluation=evaluation).select_related("requested_by")
    if role_of(user, evaluation) != Role.LEAD:
        jobs = jobs.filter(requested_by=user)
    return jobs.order_by("-created_at", "-pk")


def export_questionnaires(jobs: Iterable[ExportJob]) -> dict[int, str]:
    """Job id -> the title of the questionnaire (distribution) the job is about, for the jobs
    whose parameters name one (raw responses, the Likert table of one distribution)."""
    named: dict[int, tuple[int, int]] = {}
    for job in jobs:
        wanted = str((job.parameters or {}).get("distribution") or "")
        if wanted.isdigit():
            named[job.pk] = (job.evaluation_id, int(wanted))
    if not named:
        return {}
    found = Distribution.objects.filter(
        evaluation_id__in={evaluation for evaluation, _id in named.values()},
        pk__in={distribution for _evaluation, distribution in named.values()},
    )
    titles = {(d.evaluation_id, d.pk): d.title for d in found.only("pk", "evaluation", "title")}
    return {pk: titles[key] for pk, key in named.items() if key in titles}


def export_ready(job: ExportJob) -> bool:
    """Done, with its file, and not expired."""
    return job.state == ExportJob.State.DONE and bool(job.file) and not job.expired


def export_get(*, evaluation: Evaluation, user: User | AnonymousUser, pk: int) -> ExportJob:
    """One job of the evaluation, for its requester or a lead (the jobs export_list shows);
    Http404 when there is none, PermissionDenied for another member's."""
    job = ExportJob.objects.filter(evaluation=evaluation, pk=pk).first()
    if job is None:
        raise Http404(_("There is no export with this id in this evaluation."))
    if not export_list(evaluation=evaluation, user=user).filter(pk=job.pk).exists():
        raise PermissionDenied(
            _("This export belongs to another member: only they and the lead evaluator can see it.")
        )
    return job


def export_file(*, job: ExportJob, user: User | AnonymousUser):
    """The job's file, opened, if the user may still read what it holds: a file built for the
    lead's unsuppressed view, or with answers, is refused to someone whose role no longer
    allows it. Http404 when the file is not there (not finished, expired, deleted)."""
    if not export_ready(job):
        raise Http404(_("This export has no file: it is not finished, or it has expired."))
    parameters = job.parameters or {}
    access = report_access(user, job.evaluation, unsuppressed=bool(parameters.get("unsuppressed")))
    if parameters.get("answers") and not access.raw_answers:
        raise PermissionDenied(
            _("This file holds answers your role no longer lets you read. Prepare a new one.")
        )
    try:
        return job.file.open("rb")
    except OSError:
        raise Http404(_("This export's file is gone: it has expired. Prepare a new one.")) from None
