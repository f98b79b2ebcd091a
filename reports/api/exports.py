"""Export jobs: start, poll, cancel, retry, download."""

from __future__ import annotations

from typing import Any

from django.http import FileResponse
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from common.api_schema import file_responses
from common.downloads import (
    CSV_TYPE,
    DTA_TYPE,
    SAV_TYPE,
    XLSX_TYPE,
    ZIP_TYPE,
    content_type_of,
    safe_filename,
)
from evaluations.api import SLUG
from history.services import record_download
from reports.api.base import ID, ReportScoped
from reports.models import ExportJob
from reports.selectors.access import report_access
from reports.selectors.exports import export_file, export_get, export_list
from reports.serializers import ExportJobSerializer, ExportRequestSerializer
from reports.services.exports import export_cancel, export_request, export_retry

EXPORT_PARAMETERS = (
    "table",
    "unsuppressed",
    "labels",
    "layout",
    "distribution",
    "by",
    "bom",
    "format",
)


@extend_schema(parameters=[SLUG])
class ExportViewSet(ReportScoped, viewsets.GenericViewSet):
    """Export jobs: the evaluation workbook, one table as CSV, or the raw responses of one
    questionnaire (kind responses, or csv table responses), built in the background. Start one
    (202), poll it, cancel or retry it, download the file once done. You see your own jobs;
    the lead evaluator sees everyone's."""

    serializer_class = ExportJobSerializer
    queryset = ExportJob.objects.none()

    def get_serializer_context(self) -> dict[str, Any]:
        request = self.request

        def download_url(job: ExportJob) -> str:
            return request.build_absolute_uri(
                reverse(
                    "api:report-export-download",
                    kwargs={"evaluation_slug": self.kwargs["evaluation_slug"], "pk": job.pk},
                )
            )

        return {**super().get_serializer_context(), "download_url": download_url}

    def _job(self) -> ExportJob:
        """The job of the address, for its requester or a lead; others are refused."""
        return export_get(
            evaluation=self.members_evaluation(), user=self.request.user, pk=self.kwargs["pk"]
        )

    def _body(self, job: ExportJob, code: int = status.HTTP_200_OK) -> Response:
        job.refresh_from_db()
        return Response(self.get_serializer(job).data, status=code)

    def list(self, request: Request, evaluation_slug: str) -> Response:
        jobs = export_list(evaluation=self.members_evaluation(), user=request.user)
        page = self.paginate_queryset(jobs.select_related("requested_by"))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(
        request=ExportRequestSerializer,
        responses={
            202: ExportJobSerializer,
            400: OpenApiResponse(
                description="Unknown kind or table, or a distribution missing (kind "
                "responses, csv table responses), unknown or another evaluation's: {detail, "
                "errors} with the field."
            ),
            403: OpenApiResponse(
                description="Unsuppressed asked by someone not the lead; raw responses asked "
                "by a role that does not read individual responses (a viewer)."
            ),
        },
    )
    def create(self, request: Request, evaluation_slug: str) -> Response:
        evaluation = self.members_evaluation()
        data = ExportRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = data.validated_data
        report_access(request.user, evaluation, unsuppressed=fields["unsuppressed"])
        # The service refuses a distribution not of this evaluation (400, naming the field).
        parameters = {name: fields[name] for name in EXPORT_PARAMETERS if name in fields}
        job = export_request(
            evaluation=evaluation, by=request.user, kind=fields["kind"], parameters=parameters
        )
        return self._body(job, status.HTTP_202_ACCEPTED)

    @extend_schema(parameters=[ID])
    def retrieve(self, request: Request, evaluation_slug: str, pk: str) -> Response:
        """State, progress, step, error; the download address once done."""
        return self._body(self._job())

    @extend_schema(parameters=[ID], request=None, responses=ExportJobSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, evaluation_slug: str, pk: str) -> Response:
        """Stop a queued or running export."""
        job = self._job()
        export_cancel(job=job, by=request.user)
        return self._body(job)

    @extend_schema(parameters=[ID], request=None, responses={202: ExportJobSerializer})
    @action(detail=True, methods=["post"])
    def retry(self, request: Request, evaluation_slug: str, pk: str) -> Response:
        """Start a failed or cancelled export again."""
        job = export_retry(job=self._job(), by=request.user)
        return self._body(job, status.HTTP_202_ACCEPTED)

    @extend_schema(
        parameters=[ID],
        responses={
            (200, XLSX_TYPE): OpenApiResponse(
                OpenApiTypes.BINARY, description="The workbook (kinds workbook and responses)."
            ),
            (200, "text/csv"): OpenApiResponse(
                OpenApiTypes.BINARY,
                description="The CSV (kind csv; kind responses with format codebook).",
            ),
            **file_responses(
                "The raw responses for SPSS, Stata, or as CSV + R script + codebook (kind "
                "responses with format sav, dta or r).",
                SAV_TYPE,
                DTA_TYPE,
                ZIP_TYPE,
            ),
            404: OpenApiResponse(description="Not finished, expired, or no such export."),
        },
    )
    @action(detail=True, methods=["get"])
    def download(self, request: Request, evaluation_slug: str, pk: str) -> FileResponse:
        """The file of a finished export (its requester or the lead evaluator)."""
        job = self._job()
        opened = export_file(job=job, user=request.user)
        filename = safe_filename(job.filename or job.file.name.rsplit("/", 1)[-1])
        kind = CSV_TYPE if job.kind == ExportJob.Kind.CSV else content_type_of(filename)
        record_download(job, what=filename, evaluation_id=job.evaluation_id)
        return FileResponse(opened, as_attachment=True, filename=filename, content_type=kind)
