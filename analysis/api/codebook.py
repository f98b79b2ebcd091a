"""The codebook: codes (nested by `parent`, linked to evaluation questions by number), and the
codebook as a REFI-QDA .qdc file or CSV (GET), or codes imported from a .qdc (POST)."""

from __future__ import annotations

from dataclasses import asdict

from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from analysis.api.matrix import ID
from analysis.formats.qdc import codebook_csv, qdc_bytes, read_qdc
from analysis.models import Code
from analysis.selectors.codebook import codebook_of, codes_of
from analysis.serializers.codebook import (
    CodebookFileQuery,
    CodebookReportSerializer,
    CodebookUploadSerializer,
    CodeSerializer,
    CodeWriteSerializer,
)
from analysis.services.codebook import code_delete, code_save, codebook_import
from analysis.services.matrix import ensure_can_edit_matrix
from common.api_input import FormParser, MultiPartParser, validated_query
from common.api_schema import file_responses
from common.downloads import safe_filename
from evaluations.api import SLUG
from reports.api.base import ReportScoped, field_problem


class DryRun(Exception):
    pass


@extend_schema_view(
    list=extend_schema(parameters=[SLUG]),
    retrieve=extend_schema(parameters=[SLUG, ID]),
    destroy=extend_schema(parameters=[SLUG, ID]),
    create=extend_schema(parameters=[SLUG], request=CodeWriteSerializer),
    update=extend_schema(parameters=[SLUG, ID], request=CodeWriteSerializer),
)
class CodeViewSet(ReportScoped, viewsets.ModelViewSet):
    """The evaluation's codes; every member reads them, the lead and evaluators change them."""

    serializer_class = CodeSerializer
    queryset = Code.objects.none()
    http_method_names = ["get", "post", "put", "delete", "head", "options"]

    def get_queryset(self) -> QuerySet[Code]:
        if getattr(self, "swagger_fake_view", False):
            return Code.objects.none()
        return codes_of(user=self.request.user, evaluation=self.members_evaluation())

    def _save(self, request: Request, code: Code | None) -> Code:
        write = CodeWriteSerializer(data=request.data)
        write.is_valid(raise_exception=True)
        data = dict(write.validated_data)
        evaluation = self.members_evaluation()
        parent, parent_id = None, data.pop("parent", None)
        if parent_id is not None:
            parent = Code.objects.filter(evaluation=evaluation, pk=parent_id).first()
            if parent is None:
                raise field_problem("parent", _("There is no such code in this evaluation."))
        saved = code_save(evaluation=evaluation, by=request.user, code=code, parent=parent, **data)
        return self.get_queryset().get(pk=saved.pk)

    def create(self, request: Request, evaluation_slug: str) -> Response:
        return Response(
            CodeSerializer(self._save(request, None)).data, status=status.HTTP_201_CREATED
        )

    def update(self, request: Request, evaluation_slug: str, pk: str) -> Response:
        return Response(CodeSerializer(self._save(request, self.get_object())).data)

    def perform_destroy(self, instance: Code) -> None:
        code_delete(code=instance, by=self.request.user)


class CodebookFileView(ReportScoped, APIView):
    """The codebook as a file, or codes imported from one (matched by GUID)."""

    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        parameters=[SLUG, CodebookFileQuery],
        responses=file_responses(
            "The codebook: CSV, or REFI-QDA .qdc.", "text/csv", "application/xml"
        ),
    )
    def get(self, request: Request, evaluation_slug: str) -> HttpResponse:
        form = validated_query(CodebookFileQuery, request)["file_format"]
        evaluation = self.members_evaluation()
        codes = codebook_of(user=request.user, evaluation=evaluation)
        if form == "csv":
            response = HttpResponse(codebook_csv(codes), content_type="text/csv; charset=utf-8")
        else:
            response = HttpResponse(qdc_bytes(codes), content_type="application/xml")
        name = safe_filename(f"{evaluation.slug}-codebook.{form}")
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response

    @extend_schema(
        parameters=[SLUG], request=CodebookUploadSerializer, responses=CodebookReportSerializer
    )
    def post(self, request: Request, evaluation_slug: str) -> Response:
        evaluation = self.members_evaluation()
        ensure_can_edit_matrix(request.user, evaluation)
        upload = CodebookUploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        codes = read_qdc(upload.validated_data["file"].read())
        dry_run = upload.validated_data["dry_run"]
        try:
            with transaction.atomic():
                report = codebook_import(evaluation=evaluation, by=request.user, codes=codes)
                if dry_run:
                    raise DryRun
        except DryRun:
            pass
        return Response(CodebookReportSerializer({**asdict(report), "dry_run": dry_run}).data)
