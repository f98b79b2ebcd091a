"""API door into the export of the interview log as a list of persons interviewed, in the
layout the import reads. Members who read the log export."""

from __future__ import annotations

import json
from typing import Any

from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.views import APIView

from common.api_input import validated_query
from common.api_schema import ProblemSerializer
from common.downloads import XLSX_TYPE, csv_download, xlsx_download
from common.errors import ValidationProblem
from evaluations.api import SLUG, EvaluationScoped
from evaluations.permissions import Action
from history.services import record_download
from interviews.exporting import export_filename, log_rows, log_xlsx


class ExportQuery(serializers.Serializer):
    withhold_names = serializers.BooleanField(
        required=False, help_text="Leave the names of the people out (true or false)."
    )


class _FileRenderer(BaseRenderer):
    """Lets `?format=csv|xlsx` through content negotiation; the view answers with the file
    itself, so this renders only error bodies."""

    charset = "utf-8"

    def render(self, data: Any, accepted_media_type: str | None = None, renderer_context=None):
        if isinstance(data, bytes | str):
            return data
        return json.dumps(data).encode("utf-8")


class CSVRenderer(_FileRenderer):
    media_type = "text/csv"
    format = "csv"


class XLSXRenderer(_FileRenderer):
    media_type = XLSX_TYPE
    format = "xlsx"


EXPORT_FORMATS = ("csv", "xlsx")


class InterviewExportView(EvaluationScoped, APIView):
    """The interview log as a list of persons interviewed, in the layout the import reads."""

    renderer_classes = [JSONRenderer, CSVRenderer, XLSXRenderer]

    def finalize_response(self, request: Request, response: Any, *args: Any, **kwargs: Any) -> Any:
        """Errors in JSON (the one shape), whatever format the download was asked in."""
        if response.status_code >= 400:
            request.accepted_renderer = JSONRenderer()
            request.accepted_media_type = "application/json"
        return super().finalize_response(request, response, *args, **kwargs)

    def perform_content_negotiation(self, request: Request, force: bool = False) -> Any:
        try:
            return super().perform_content_negotiation(request, force)
        except Http404 as exc:
            message = _("format must be csv or xlsx.")
            raise ValidationProblem(message, errors={"format": [message]}) from exc

    @extend_schema(
        parameters=[
            SLUG,
            OpenApiParameter(
                "format", OpenApiTypes.STR, enum=list(EXPORT_FORMATS), description="csv (default)"
            ),
            ExportQuery,
        ],
        responses={
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.BINARY, description="The CSV."),
            (200, XLSX_TYPE): OpenApiResponse(OpenApiTypes.BINARY, description="The workbook."),
            (400, "application/json"): ProblemSerializer,
        },
    )
    def get(self, request: Request, evaluation_slug: str) -> HttpResponse:
        evaluation = self.evaluation(Action.VIEW_RESPONSES)
        withhold = validated_query(ExportQuery, request).get("withhold_names", False)
        if request.query_params.get("format", "csv") == "xlsx":
            content = log_xlsx(evaluation=evaluation, user=request.user, withhold_names=withhold)
            filename = export_filename(evaluation, "xlsx")
            record_download(evaluation, what=filename, evaluation_id=evaluation.pk)
            return xlsx_download(content, filename)
        rows = log_rows(evaluation=evaluation, user=request.user, withhold_names=withhold)
        filename = export_filename(evaluation, "csv")
        record_download(evaluation, what=filename, evaluation_id=evaluation.pk)
        return csv_download(rows, filename)
