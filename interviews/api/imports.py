"""API door into the interview list import: upload (= dry run), look, decide, commit. Members
who log interviews import."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from common.api_input import FormParser, JSONParser, MultiPartParser
from common.api_schema import ProblemSerializer
from common.imports import AlreadyCommitted
from common.problems import problem_body
from evaluations.api import SLUG, EvaluationScoped
from evaluations.permissions import Action
from interviews.importing.jobs import import_job_check, import_job_commit, import_job_create
from interviews.models import InterviewImportJob
from interviews.serializers.imports import (
    InterviewImportDecisionsSerializer,
    InterviewImportSerializer,
    InterviewImportSummarySerializer,
    InterviewImportUploadSerializer,
)


def _conflict(problem: AlreadyCommitted) -> Response:
    return Response(problem_body(problem.message, problem.errors), status=status.HTTP_409_CONFLICT)


@extend_schema(parameters=[SLUG])
class InterviewImportViewSet(
    EvaluationScoped, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Lists of persons interviewed uploaded into the evaluation's log, each with its dry run."""

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
        responses={201: InterviewImportSerializer, 400: ProblemSerializer},
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
            layout=data.validated_data["layout"],
        )
        return Response(InterviewImportSerializer(job).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=InterviewImportDecisionsSerializer,
        responses={
            200: InterviewImportSerializer,
            400: ProblemSerializer,
            409: ProblemSerializer,
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
            400: ProblemSerializer,
            409: ProblemSerializer,
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
