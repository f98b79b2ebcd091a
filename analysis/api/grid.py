"""The criteria grid: assessed units, the rating scale, each unit's assessment per criterion,
and the whole grid as a report prints it. Every member reads it; the lead evaluator and
evaluators change it (the services refuse the others)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from analysis.api.matrix import ID
from analysis.models import AssessedUnit, Criterion
from analysis.selectors.grid import grid_of
from analysis.serializers.grid import (
    AssessedUnitSerializer,
    AssessmentWriteSerializer,
    GridSerializer,
    RatingScaleSerializer,
)
from analysis.services.grid import (
    assessment_set,
    scale_levels,
    scale_set,
    unit_delete,
    unit_save,
)
from evaluations.api import SLUG
from reports.api.base import ReportScoped


@extend_schema_view(
    list=extend_schema(parameters=[SLUG]),
    create=extend_schema(parameters=[SLUG]),
    retrieve=extend_schema(parameters=[SLUG, ID]),
    update=extend_schema(parameters=[SLUG, ID]),
    destroy=extend_schema(parameters=[SLUG, ID]),
)
class AssessedUnitViewSet(ReportScoped, viewsets.ModelViewSet):
    """The units the grid assesses (case studies, projects, countries), in order."""

    serializer_class = AssessedUnitSerializer
    queryset = AssessedUnit.objects.none()
    http_method_names = ["get", "post", "put", "delete", "head", "options"]

    def get_queryset(self) -> QuerySet[AssessedUnit]:
        if getattr(self, "swagger_fake_view", False):
            return AssessedUnit.objects.none()
        return AssessedUnit.objects.filter(evaluation=self.members_evaluation()).order_by(
            "order", "pk"
        )

    def _save(self, request: Request, unit: AssessedUnit | None) -> AssessedUnit:
        write = AssessedUnitSerializer(data=request.data)
        write.is_valid(raise_exception=True)
        data = write.validated_data
        return unit_save(
            evaluation=self.members_evaluation(),
            by=request.user,
            unit=unit,
            name=data["name"],
            kind=data.get("kind", AssessedUnit.Kind.CASE_STUDY),
            description=data.get("description", ""),
        )

    def create(self, request: Request, evaluation_slug: str) -> Response:
        unit = self._save(request, None)
        return Response(AssessedUnitSerializer(unit).data, status=status.HTTP_201_CREATED)

    def update(self, request: Request, evaluation_slug: str, pk: str) -> Response:
        return Response(AssessedUnitSerializer(self._save(request, self.get_object())).data)

    def perform_destroy(self, instance: AssessedUnit) -> None:
        unit_delete(unit=instance, by=self.request.user)


class GridView(ReportScoped, APIView):
    """The whole grid: per unit, every criterion with its assessment (or "not yet assessed"),
    rating and sources as you may read them."""

    @extend_schema(parameters=[SLUG], responses=GridSerializer)
    def get(self, request: Request, evaluation_slug: str) -> Response:
        grid = grid_of(user=request.user, evaluation=self.members_evaluation())
        return Response(GridSerializer(grid).data)


class AssessmentView(ReportScoped, APIView):
    """Write one cell of the grid: a unit's assessment against a criterion."""

    @extend_schema(parameters=[SLUG], request=AssessmentWriteSerializer, responses=GridSerializer)
    def put(self, request: Request, evaluation_slug: str) -> Response:
        evaluation = self.members_evaluation()
        write = AssessmentWriteSerializer(data=request.data)
        write.is_valid(raise_exception=True)
        data = dict(write.validated_data)
        unit = get_object_or_404(AssessedUnit, pk=data.pop("unit"), evaluation=evaluation)
        criterion = get_object_or_404(Criterion, pk=data.pop("criterion"), evaluation=evaluation)
        assessment_set(unit=unit, criterion=criterion, by=request.user, **data)
        return Response(GridSerializer(grid_of(user=request.user, evaluation=evaluation)).data)


class RatingScaleView(ReportScoped, APIView):
    """The levels an assessment may be rated on (none: text only)."""

    @extend_schema(parameters=[SLUG], responses=RatingScaleSerializer)
    def get(self, request: Request, evaluation_slug: str) -> Response:
        return Response({"levels": scale_levels(self.members_evaluation())})

    @extend_schema(
        parameters=[SLUG], request=RatingScaleSerializer, responses=RatingScaleSerializer
    )
    def put(self, request: Request, evaluation_slug: str) -> Response:
        write = RatingScaleSerializer(data=request.data)
        write.is_valid(raise_exception=True)
        scale = scale_set(
            evaluation=self.members_evaluation(),
            by=request.user,
            levels=write.validated_data["levels"],
        )
        return Response({"levels": scale.levels})
