"""The evaluation as a REFI-QDA project (.qdpx) to download, as the requesting member may see
it (a viewer: the codebook only)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpResponse
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.views import APIView

from analysis.formats.qdpx import qdpx_bytes
from analysis.selectors.qdpx import qdpx_project
from common.api_schema import file_responses
from common.downloads import safe_filename
from evaluations.api import SLUG
from reports.api.base import ReportScoped

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User
    from evaluations.models import Evaluation

QDPX_TYPE = "application/zip"


def qdpx_response(user: User | AnonymousUser, evaluation: Evaluation) -> HttpResponse:
    """The download, for the API and the pages alike."""
    project = qdpx_project(user=user, evaluation=evaluation)
    response = HttpResponse(qdpx_bytes(project), content_type=QDPX_TYPE)
    name = safe_filename(f"{evaluation.slug}.qdpx")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


class QdpxView(ReportScoped, APIView):
    """A zip of project.qde (REFI-QDA Project XML) and the sources as text."""

    @extend_schema(
        parameters=[SLUG],
        responses=file_responses("The .qdpx project (a zip).", "application/zip"),
    )
    def get(self, request: Request, evaluation_slug: str) -> HttpResponse:
        return qdpx_response(request.user, self.members_evaluation())
