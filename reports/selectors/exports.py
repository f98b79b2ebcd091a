"""Export jobs as a user may see them: their own, or every job of the evaluation for a lead."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from evaluations.permissions import Role, role_of
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
    jobs = ExportJob.objects.filter(evaluation=evaluation).select_related("requested_by")
    if role_of(user, evaluation) != Role.LEAD:
        jobs = jobs.filter(requested_by=user)
    return jobs.order_by("-created_at", "-pk")


def export_expired(job: ExportJob) -> bool:
    """A finished export whose file was deleted at its expiry."""
    return job.state == ExportJob.State.DONE and not job.file
