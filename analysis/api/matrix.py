"""The evaluation matrix: criteria, evaluation questions with their planned sources, the whole
matrix (read, defaults) and its files (CSV, XLSX, YAML). Every member reads it; the lead
evaluator and evaluators change it (the services refuse the others)."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from analysis.formats.matrix_format import MatrixSource, matrix_file, read_matrix
from analysis.models import Criterion, EvaluationQuestion, PlannedSource
from analysis.selectors.matrix import matrix_of
from analysis.serializers.matrix import (
    CriterionSerializer,
    MatrixCountsSerializer,
    MatrixCriterionSerializer,
    MatrixFileQuery,
    MatrixUploadSerializer,
    QuestionSerializer,
    QuestionWriteSerializer,
)
from analysis.services.matrix import (
    criteria_defaults,
    criterion_delete,
    criterion_save,
    ensure_can_edit_matrix,
    matrix_replace,
    question_delete,
    question_save,
    sources_set,
)
from common.api_input import FormParser, MultiPartParser, validated_query
from common.api_schema import file_responses
from common.downloads import XLSX_TYPE, safe_filename
from evaluations.api import SLUG
from reports.api.base import ReportScoped, field_problem

ID = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH)
CONTENT_TYPES = {"csv": "text/csv; charset=utf-8", "xlsx": XLSX_TYPE, "yaml": "application/yaml"}


def _with_slug(*names: str, detail: tuple[str, ...] = ()) -> dict[str, object]:
    return {
        name: extend_schema(parameters=[SLUG, *([ID] if name in detail else [])]) for name in names
    }


@extend_schema_view(
    **_with_slug(
        "list",
        "create",
        "retrieve",
        "update",
        "partial_update",
        "destroy",
        detail=("retrieve", "update", "partial_update", "destroy"),
    )
)
class CriterionViewSet(ReportScoped, viewsets.ModelViewSet):
    """The evaluation's criteria, in order."""

    serializer_class = CriterionSerializer
    queryset = Criterion.objects.none()

    def get_queryset(self) -> QuerySet[Criterion]:
        if getattr(self, "swagger_fake_view", False):
            return Criterion.objects.none()
        return Criterion.objects.filter(evaluation=self.members_evaluation()).order_by(
            "order", "pk"
        )

    def perform_create(self, serializer: CriterionSerializer) -> None:
        serializer.instance = criterion_save(
            evaluation=self.members_evaluation(), by=self.request.user, **serializer.validated_data
        )

    def perform_update(self, serializer: CriterionSerializer) -> None:
        criterion = serializer.instance
        data = {
            "label": criterion.label,
            "name": criterion.name,
            "description": criterion.description,
            **serializer.validated_data,
        }
        serializer.instance = criterion_save(
            evaluation=self.members_evaluation(), by=self.request.user, criterion=criterion, **data
        )

    def perform_destroy(self, instance: Criterion) -> None:
        criterion_delete(criterion=instance, by=self.request.user)


@extend_schema_view(
    **_with_slug("list", "retrieve", "destroy", detail=("retrieve", "destroy")),
    create=extend_schema(parameters=[SLUG], request=QuestionWriteSerializer),
    update=extend_schema(parameters=[SLUG, ID], request=QuestionWriteSerializer),
)
class EvaluationQuestionViewSet(ReportScoped, viewsets.ModelViewSet):
    """Evaluation questions under the criteria, each with its planned sources (replaced as a
    whole when `sources` is sent)."""

    serializer_class = QuestionSerializer
    queryset = EvaluationQuestion.objects.none()
    http_method_names = ["get", "post", "put", "delete", "head", "options"]

    def get_queryset(self) -> QuerySet[EvaluationQuestion]:
        if getattr(self, "swagger_fake_view", False):
            return EvaluationQuestion.objects.none()
        sources = PlannedSource.objects.select_related(
            "instrument_question__version__instrument", "stakeholder_group"
        )
        return (
            EvaluationQuestion.objects.filter(evaluation=self.members_evaluation())
            .order_by("criterion__order", "order", "pk")
            .prefetch_related(Prefetch("sources", queryset=sources))
        )

    @transaction.atomic  # the question and its sources, or neither
    def _save(self, request: Request, question: EvaluationQuestion | None) -> EvaluationQuestion:
        write = QuestionWriteSerializer(data=request.data)
        write.is_valid(raise_exception=True)
        data = write.validated_data
        evaluation = self.members_evaluation()
        criterion = Criterion.objects.filter(evaluation=evaluation, pk=data["criterion"]).first()
        if criterion is None:
            raise field_problem("criterion", _("There is no such criterion in this evaluation."))
        question = question_save(
            criterion=criterion,
            by=request.user,
            question=question,
            number=data["number"],
            text=data["text"],
            order=data.get("order"),
        )
        if "sources" in data:
            sources = [MatrixSource(s["kind"], s["ref"]) for s in data["sources"]]
            sources_set(question=question, by=request.user, sources=sources)
        return self.get_queryset().get(pk=question.pk)

    def create(self, request: Request, evaluation_slug: str) -> Response:
        question = self._save(request, None)
        return Response(QuestionSerializer(question).data, status=status.HTTP_201_CREATED)

    def update(self, request: Request, evaluation_slug: str, pk: str) -> Response:
        return Response(QuestionSerializer(self._save(request, self.get_object())).data)

    def perform_destroy(self, instance: EvaluationQuestion) -> None:
        question_delete(question=instance, by=self.request.user)


class MatrixView(ReportScoped, APIView):
    """The whole matrix: criteria, their questions and planned sources."""

    @extend_schema(parameters=[SLUG], responses=MatrixCriterionSerializer(many=True))
    def get(self, request: Request, evaluation_slug: str) -> Response:
        criteria = matrix_of(user=request.user, evaluation=self.members_evaluation())
        return Response(MatrixCriterionSerializer(criteria, many=True).data)


class MatrixDefaultsView(ReportScoped, APIView):
    """Add the six standard criteria the evaluation does not have yet."""

    @extend_schema(parameters=[SLUG], request=None, responses={201: CriterionSerializer(many=True)})
    def post(self, request: Request, evaluation_slug: str) -> Response:
        made = criteria_defaults(evaluation=self.members_evaluation(), by=request.user)
        return Response(CriterionSerializer(made, many=True).data, status=status.HTTP_201_CREATED)


class MatrixFileView(ReportScoped, APIView):
    """The matrix as a file (GET ?file_format=csv|xlsx|yaml), or replaced by one (POST, multipart
    `file`): criteria matched by short label and questions by number are kept and updated."""

    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        parameters=[SLUG, MatrixFileQuery],
        responses={
            **file_responses("The matrix file.", "text/csv", XLSX_TYPE),
            # YAML is read as data by clients: an object (criteria, questions, sources).
            (200, "application/yaml"): OpenApiResponse(OpenApiTypes.OBJECT, "The matrix as YAML."),
        },
    )
    def get(self, request: Request, evaluation_slug: str) -> HttpResponse:
        form = validated_query(MatrixFileQuery, request)["file_format"]
        evaluation = self.members_evaluation()
        data = matrix_file(matrix_of(user=request.user, evaluation=evaluation), form)
        response = HttpResponse(data, content_type=CONTENT_TYPES[form])
        name = safe_filename(f"{evaluation.slug}-matrix.{form}")
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response

    @extend_schema(
        parameters=[SLUG], request=MatrixUploadSerializer, responses=MatrixCountsSerializer
    )
    def post(self, request: Request, evaluation_slug: str) -> Response:
        evaluation = self.members_evaluation()
        ensure_can_edit_matrix(request.user, evaluation)  # the role first, then the file
        upload = MatrixUploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        file = upload.validated_data["file"]
        criteria = read_matrix(file.read(), file.name or "")
        counts = matrix_replace(evaluation=evaluation, by=request.user, criteria=criteria)
        return Response(MatrixCountsSerializer(counts).data)
