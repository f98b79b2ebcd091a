"""API doors into the interview list import (upload = dry run, look, decide, commit) and the
export of the log in the same layout. Members who log interviews import; members who read
the log export."""

from __future__ import annotations

import json
from typing import Any

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from common.api import problem_body
from common.downloads import XLSX_TYPE, csv_download, query_flag, xlsx_download
from common.errors import ValidationProblem
from common.spreadsheets import MAX_BYTES
from evaluations.api import SLUG, EvaluationScoped
from evaluations.permissions import Action
from interviews.exporting import export_filename, log_rows, log_xlsx
from interviews.import_jobs import (
    AlreadyCommitted,
    import_job_check,
    import_job_commit,
    import_job_create,
)
from interviews.models import InterviewImportJob

# --- serializers ----------------------------------------------------------------------------


class InterviewImportLineSerializer(serializers.Serializer):
    row = serializers.IntegerField(help_text="The row number as the spreadsheet shows it.")
    kind = serializers.ChoiceField(choices=["heading", "interview", "co_participant", "blank"])
    text = serializers.CharField(help_text="What the row becomes, as the dry run says it.")
    warnings = serializers.ListField(child=serializers.CharField())
    interview = serializers.IntegerField(
        allow_null=True, help_text="The number of the interview (in the file) the row belongs to."
    )


class InterviewImportCandidateSerializer(serializers.Serializer):
    person_id = serializers.IntegerField()
    label = serializers.CharField()
    score = serializers.IntegerField()


class InterviewImportNearMatchSerializer(serializers.Serializer):
    row = serializers.IntegerField()
    name = serializers.CharField()
    candidates = InterviewImportCandidateSerializer(many=True)
    decision = serializers.CharField(
        required=False, help_text='The choice made for the row, "" while none is.'
    )


COUNTS_HELP = (
    "interviews, participants, people_new, people_matched, groups, follow_ups, already_imported"
)


class InterviewImportSummarySerializer(serializers.ModelSerializer):
    # A plain string: a "state" enum would collide with the other jobs' (spectacular warns).
    state = serializers.CharField(
        read_only=True, help_text="uploaded, checked (dry run), committed, failed"
    )
    counts = serializers.DictField(
        child=serializers.IntegerField(),
        source="report.counts",
        read_only=True,
        help_text=COUNTS_HELP,
    )
    errors = serializers.ListField(
        child=serializers.CharField(),
        source="report.errors",
        read_only=True,
        help_text="Problems that stop the import, each naming its row.",
    )
    already_imported = serializers.BooleanField(
        source="report.already_imported",
        read_only=True,
        help_text="Every interview of the file is already in the log: nothing new to import.",
    )
    sheets = serializers.ListField(
        child=serializers.CharField(), source="report.sheets", read_only=True
    )
    decisions = serializers.DictField(
        child=serializers.CharField(),
        read_only=True,
        help_text='Row -> "person:<id>" | "new" | "group" | "person".',
    )

    class Meta:
        model = InterviewImportJob
        fields = [
            "id", "filename", "sheet", "sheets", "month_first", "state", "error", "counts",
            "errors", "already_imported", "decisions", "created_at", "committed_at",
        ]  # fmt: skip
        read_only_fields = fields


class InterviewImportSerializer(InterviewImportSummarySerializer):
    lines = InterviewImportLineSerializer(many=True, source="report.lines", read_only=True)
    near_matches = InterviewImportNearMatchSerializer(
        many=True, source="report.near_matches", read_only=True
    )

    class Meta(InterviewImportSummarySerializer.Meta):
        fields = [*InterviewImportSummarySerializer.Meta.fields, "lines", "near_matches"]
        read_only_fields = fields


class InterviewImportUploadSerializer(serializers.Serializer):
    file = serializers.FileField(
        allow_empty_file=True, help_text="A .csv or .xlsx list of persons interviewed, ≤ 5 MB."
    )
    sheet = serializers.CharField(required=False, allow_blank=True, max_length=100)
    month_first = serializers.BooleanField(
        required=False, default=False, help_text="Dates are month first (3/15/2013)."
    )

    def validate_file(self, upload: Any) -> Any:
        if upload.size > MAX_BYTES:
            raise serializers.ValidationError(
                _("The file is larger than %(limit)s MB.") % {"limit": MAX_BYTES // (1024 * 1024)}
            )
        return upload


class InterviewImportDecisionsSerializer(serializers.Serializer):
    decisions = serializers.DictField(
        child=serializers.CharField(allow_blank=True),
        help_text='{"<row>": "person:<id>" | "new" | "group" | "person" | "" (drop the choice)}.',
    )


class InterviewImportProblemSerializer(serializers.Serializer):
    detail = serializers.CharField()
    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))


# --- the import job -------------------------------------------------------------------------


def _conflict(problem: AlreadyCommitted) -> Response:
    return Response(problem_body(problem.message, problem.errors), status=status.HTTP_409_CONFLICT)


@extend_schema(parameters=[SLUG])
class InterviewImportViewSet(
    EvaluationScoped, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Lists of persons interviewed uploaded into the evaluation's log, each with its dry run."""

    lookup_value_regex = r"\d+"
    queryset = InterviewImportJob.objects.none()
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return InterviewImportJob.objects.none()
        evaluation = self.evaluation(Action.ENTER_RESPONSES)
        jobs = InterviewImportJob.objects.filter(evaluation=evaluation).order_by(
            "-created_at", "-pk"
        )
        return jobs.select_related("evaluation")

    def get_serializer_class(self):
        if self.action == "list":
            return InterviewImportSummarySerializer
        return InterviewImportSerializer

    def _job(self) -> InterviewImportJob:
        return get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])

    @extend_schema(
        request={"multipart/form-data": InterviewImportUploadSerializer},
        responses={201: InterviewImportSerializer, 400: InterviewImportProblemSerializer},
    )
    def create(self, request: Request, **kwargs: str) -> Response:
        """Upload a list: it is checked at once (dry run) and nothing is imported yet. An
        unreadable file, a wrong sheet or unknown columns answer 400 and keep nothing."""
        evaluation = self.evaluation(Action.ENTER_RESPONSES)
        data = InterviewImportUploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        upload = data.validated_data["file"]
        job = import_job_create(
            evaluation=evaluation,
            by=request.user,
            file=upload,
            filename=upload.name,
            sheet=data.validated_data.get("sheet", ""),
            month_first=data.validated_data["month_first"],
        )
        return Response(InterviewImportSerializer(job).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=InterviewImportDecisionsSerializer,
        responses={
            200: InterviewImportSerializer,
            400: InterviewImportProblemSerializer,
            409: InterviewImportProblemSerializer,
        },
    )
    @action(detail=True, methods=["post"])
    def decisions(self, request: Request, **kwargs: str) -> Response:
        """Decide rows (near matches, group or person) and check again."""
        data = InterviewImportDecisionsSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            job = import_job_check(
                job=self._job(), by=request.user, decisions=data.validated_data["decisions"]
            )
        except AlreadyCommitted as problem:
            return _conflict(problem)
        return Response(InterviewImportSerializer(job).data)

    @extend_schema(
        request=None,
        responses={
            200: InterviewImportSerializer,
            400: InterviewImportProblemSerializer,
            409: InterviewImportProblemSerializer,
        },
    )
    @action(detail=True, methods=["post"])
    def commit(self, request: Request, **kwargs: str) -> Response:
        """Import every row as checked and decided, or nothing (400 naming the rows to fix);
        409 when the job was imported before."""
        try:
            job = import_job_commit(job=self._job(), by=request.user)
        except AlreadyCommitted as problem:
            return _conflict(problem)
        return Response(InterviewImportSerializer(job).data)


# --- the export -----------------------------------------------------------------------------


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
            OpenApiParameter(
                "withhold_names",
                OpenApiTypes.BOOL,
                description="Leave the names of the people out.",
            ),
        ],
        responses={
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.BINARY, description="The CSV."),
            (200, XLSX_TYPE): OpenApiResponse(OpenApiTypes.BINARY, description="The workbook."),
            (400, "application/json"): InterviewImportProblemSerializer,
        },
    )
    def get(self, request: Request, evaluation_slug: str) -> HttpResponse:
        evaluation = self.evaluation(Action.VIEW_RESPONSES)
        withhold = query_flag(request, "withhold_names")
        if request.query_params.get("format", "csv") == "xlsx":
            content = log_xlsx(evaluation=evaluation, user=request.user, withhold_names=withhold)
            return xlsx_download(content, export_filename(evaluation, "xlsx"))
        rows = log_rows(evaluation=evaluation, user=request.user, withhold_names=withhold)
        return csv_download(rows, export_filename(evaluation, "csv"))
