"""API door into the people import: upload (dry run), look, change columns or choices,
commit. Registry managers only (lead evaluators and evaluators of any evaluation)."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from common.api_input import FormParser, JSONParser, MultiPartParser
from evaluations.permissions import ensure_registry
from stakeholders.importing.jobs import import_job_check, import_job_commit, import_job_create
from stakeholders.models import ImportJob


class RegistryManager(BasePermission):
    """403 with the reason unless the user may change the registry."""

    def has_permission(self, request: Request, view: Any) -> bool:
        ensure_registry(request.user, manage=True)
        return True


class ImportCandidateSerializer(serializers.Serializer):
    person_id = serializers.IntegerField()
    name = serializers.CharField()
    score = serializers.FloatField()
    why = serializers.CharField()


class ImportProblemSerializer(serializers.Serializer):
    column = serializers.CharField()
    message = serializers.CharField()


class ImportReportRowSerializer(serializers.Serializer):
    row = serializers.IntegerField(help_text="The row number as the spreadsheet shows it.")
    name = serializers.CharField()
    status = serializers.ChoiceField(choices=["new", "matched", "duplicate", "error"])
    message = serializers.CharField()
    problems = ImportProblemSerializer(many=True)
    candidates = ImportCandidateSerializer(many=True)
    person_id = serializers.IntegerField(allow_null=True)
    same_as_row = serializers.IntegerField(allow_null=True)
    action = serializers.ChoiceField(choices=["create", "update", "skip", "none"])
    decision = serializers.CharField()
    choices = serializers.ListField(
        child=serializers.CharField(), help_text='Accepted decisions: "merge:<id>", "new", "skip".'
    )


class ImportJobSerializer(serializers.ModelSerializer):
    report = ImportReportRowSerializer(many=True, read_only=True)
    mapping = serializers.DictField(child=serializers.CharField(), read_only=True)
    decisions = serializers.DictField(child=serializers.CharField(), read_only=True)
    counts = serializers.DictField(child=serializers.IntegerField(), read_only=True)
    headers = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = ImportJob
        fields = [
            "id", "filename", "sheet", "state", "headers", "mapping", "counts", "error",
            "decisions", "report", "created_at", "committed_at",
        ]  # fmt: skip
        read_only_fields = fields


class ImportJobSummarySerializer(ImportJobSerializer):
    class Meta(ImportJobSerializer.Meta):
        fields = [f for f in ImportJobSerializer.Meta.fields if f != "report"]
        read_only_fields = fields


class ImportUploadSerializer(serializers.Serializer):
    file = serializers.FileField(
        help_text="A .csv or .xlsx file, at most SPREADSHEET_MAX_MB (5 MB by default)."
    )
    sheet = serializers.CharField(required=False, allow_blank=True, max_length=100)
    mapping = serializers.JSONField(
        required=False,
        binary=True,
        help_text='Optional: {"<header>": "<field>" or ""} for every column to import; by '
        "default the mapping remembered for the layout, else the recognised one.",
    )

    def validate_mapping(self, value: Any) -> dict[str, str]:
        return _string_map(value)


def _string_map(value: Any) -> dict[str, str]:
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and isinstance(v, str | None) for k, v in value.items()
    ):
        raise serializers.ValidationError(_("Expected an object of column names to field names."))
    return {k: v or "" for k, v in value.items()}


class ImportChangeSerializer(serializers.Serializer):
    mapping = serializers.DictField(
        child=serializers.CharField(allow_blank=True),
        required=False,
        help_text='{"<header>": "<field>" or ""}; a new mapping drops earlier decisions.',
    )
    decisions = serializers.DictField(
        child=serializers.CharField(allow_blank=True),
        required=False,
        help_text='{"<row>": "merge:<person id>" | "new" | "skip" | "" (default)}.',
    )


class ImportDecisionsSerializer(serializers.Serializer):
    decisions = serializers.DictField(child=serializers.CharField(allow_blank=True))


class ImportJobViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Files of people imported into the registry: each with its dry-run report."""

    queryset = ImportJob.objects.all()
    permission_classes = [IsAuthenticated, RegistryManager]
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        jobs = ImportJob.objects.order_by("-created_at", "-pk")
        return jobs.defer("report") if self.action == "list" else jobs

    def get_serializer_class(self):
        return ImportJobSummarySerializer if self.action == "list" else ImportJobSerializer

    def _job(self, pk: str) -> ImportJob:
        return get_object_or_404(ImportJob, pk=pk)

    @extend_schema(
        request={"multipart/form-data": ImportUploadSerializer},
        responses={201: ImportJobSerializer},
    )
    def create(self, request: Request) -> Response:
        """Upload a file: it is checked (dry run) at once. When no column holds the name the
        job waits in state "uploaded" with the reason in `error`: PATCH a mapping."""
        data = ImportUploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        upload = data.validated_data["file"]
        job = import_job_create(
            by=request.user,
            file=upload,
            filename=upload.name,
            sheet=data.validated_data.get("sheet", ""),
            mapping=data.validated_data.get("mapping"),
        )
        return Response(ImportJobSerializer(job).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ImportChangeSerializer, responses=ImportJobSerializer)
    def partial_update(self, request: Request, pk: str) -> Response:
        """Change the columns and/or the decisions, and check again."""
        data = ImportChangeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        job = import_job_check(
            job=self._job(pk),
            by=request.user,
            mapping=data.validated_data.get("mapping"),
            decisions=data.validated_data.get("decisions"),
        )
        return Response(ImportJobSerializer(job).data)

    @extend_schema(request=ImportDecisionsSerializer, responses=ImportJobSerializer)
    @action(detail=True, methods=["post"])
    def decisions(self, request: Request, pk: str) -> Response:
        """Decide rows: "merge:<person id>", "new" (keep separate), "skip", "" (default)."""
        data = ImportDecisionsSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        job = import_job_check(
            job=self._job(pk), by=request.user, decisions=data.validated_data["decisions"]
        )
        return Response(ImportJobSerializer(job).data)

    @extend_schema(request=None, responses=ImportJobSerializer)
    @action(detail=True, methods=["post"])
    def commit(self, request: Request, pk: str) -> Response:
        """Import every row as checked and decided, or nothing (400 naming the rows to fix)."""
        job = import_job_commit(job=self._job(pk), by=request.user)
        return Response(ImportJobSerializer(job).data)
