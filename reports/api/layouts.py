"""Saved layouts of the overview and their cells (printed numbers, overrides)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from common.errors import ValidationProblem
from common.revisions import CONFLICT, IF_MATCH, api_revision
from evaluations.api import SLUG
from interviews.models import ReportingCategory
from reports.api.base import ID, ReportScoped, field_problem
from reports.models import TableLayout
from reports.serializers import CellWriteSerializer, LayoutSerializer, LayoutWriteSerializer
from reports.services.layouts import layout_cell_set, layout_create, layout_delete, layout_update

if TYPE_CHECKING:
    from evaluations.models import Evaluation


def _cell_errors(problem: ValidationProblem) -> ValidationProblem:
    """The service names the model's fields; the caller sent `reason` and `override`."""
    names = {"override_reason": "reason", "value": "override"}
    errors = {names.get(key, key): messages for key, messages in problem.errors.items()}
    return ValidationProblem(problem.message, errors=errors)


@extend_schema(parameters=[SLUG])
class LayoutViewSet(ReportScoped, viewsets.GenericViewSet):
    """Saved ways of printing the overview: columns shown, and the numbers a report printed
    with the overrides (each with its reason). Members read; the lead evaluator and
    evaluators change them."""

    serializer_class = LayoutSerializer
    queryset = TableLayout.objects.none()
    pagination_class = None

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return TableLayout.objects.none()
        return (
            TableLayout.objects.filter(evaluation=self.members_evaluation())
            .prefetch_related(
                "cells__category", "cells__override_by"
            )  # the cells come with every layout
            .order_by("name")
        )

    def _layout(self) -> TableLayout:
        found = self.get_queryset().filter(pk=self.kwargs["pk"]).first()
        if found is None:
            raise Http404(_("There is no table layout with this id in this evaluation."))
        return found

    def _body(self, layout: TableLayout, code: int = status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().get(pk=layout.pk)
        return Response(LayoutSerializer(fresh).data, status=code)

    def list(self, request: Request, evaluation_slug: str) -> Response:
        return Response(LayoutSerializer(self.get_queryset(), many=True).data)

    def retrieve(self, request: Request, evaluation_slug: str, pk: str) -> Response:
        return Response(LayoutSerializer(self._layout()).data)

    @extend_schema(request=LayoutWriteSerializer, responses={201: LayoutSerializer})
    def create(self, request: Request, evaluation_slug: str) -> Response:
        evaluation = self.editable_evaluation()
        data = LayoutWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        data.validated_data.pop("revision", None)
        layout = layout_create(evaluation=evaluation, by=request.user, **data.validated_data)
        return self._body(layout, status.HTTP_201_CREATED)

    @extend_schema(
        parameters=[ID, IF_MATCH],
        request=LayoutWriteSerializer,
        responses={200: LayoutSerializer, 409: CONFLICT},
    )
    def partial_update(self, request: Request, evaluation_slug: str, pk: str) -> Response:
        self.editable_evaluation()
        layout = self._layout()
        data = LayoutWriteSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        revision = api_revision(request, data.validated_data)
        layout = layout_update(
            layout=layout, by=request.user, revision=revision, **data.validated_data
        )
        return self._body(layout)

    @extend_schema(parameters=[ID], responses={204: None})
    def destroy(self, request: Request, evaluation_slug: str, pk: str) -> Response:
        self.editable_evaluation()
        layout_delete(layout=self._layout(), by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        parameters=[ID, IF_MATCH],
        request=CellWriteSerializer,
        responses={200: LayoutSerializer, 409: CONFLICT},
    )
    @action(detail=True, methods=["post"])
    def cells(self, request: Request, evaluation_slug: str, pk: str) -> Response:
        """Set a cell's printed number and/or override it (a reason is required); null clears.
        The cells share the layout's revision: send it (or If-Match) to refuse a change based
        on an older one with 409; the answer holds the new one."""
        evaluation = self.editable_evaluation()
        layout = self._layout()
        data = CellWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        changes = data.validated_data
        revision = api_revision(request, changes)
        try:
            layout_cell_set(
                layout=layout,
                by=request.user,
                category=_category(evaluation, changes["category"]),
                column=changes["column"],
                changes=changes,
                revision=revision,
            )
        except ValidationProblem as problem:
            raise _cell_errors(problem) from None
        return self._body(layout)


def _category(evaluation: Evaluation, wanted: int | None) -> ReportingCategory | None:
    """The evaluation's category of that id; None for the Total row."""
    if wanted is None:
        return None
    category = ReportingCategory.objects.filter(evaluation=evaluation, pk=wanted).first()
    if category is None:
        raise field_problem(
            "category",
            _("There is no reporting category %(id)d in this evaluation.") % {"id": wanted},
        )
    return category
