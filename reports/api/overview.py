"""The overview of interviews: per reporting category, interviews and participants."""

from __future__ import annotations

from typing import TYPE_CHECKING

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from common.api_input import validated_query
from evaluations.api import SLUG
from reports.api.base import ReportScoped
from reports.models import TableLayout
from reports.selectors.overview import interview_overview
from reports.serializers import OverviewTableSerializer

if TYPE_CHECKING:
    from evaluations.models import Evaluation


class OverviewQuery(serializers.Serializer):
    layout = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="A layout's name (case ignored) or id; default: the first layout by name.",
    )


def _layout_wanted(evaluation: Evaluation, wanted: str) -> TableLayout | str:
    """A layout's id as the layout; a name is left to the selector (which names the known)."""
    if wanted.strip().isdigit():
        found = TableLayout.objects.filter(evaluation=evaluation, pk=int(wanted)).first()
        if found is not None:
            return found
    return wanted


class OverviewView(ReportScoped, APIView):
    """The overview of interviews: per reporting category, interviews and participants
    (computed, printed, difference, overrides), the optional columns, the Total row, the
    footnotes, the rules that sorted the interviews and the excluded interviews."""

    @extend_schema(
        parameters=[SLUG, OverviewQuery],
        responses={
            200: OverviewTableSerializer,
            400: OpenApiResponse(description="Unknown layout: {detail, errors: {layout}}."),
            404: OpenApiResponse(description="No such evaluation for you."),
        },
    )
    def get(self, request: Request, evaluation_slug: str) -> Response:
        evaluation = self.members_evaluation()
        wanted = validated_query(OverviewQuery, request).get("layout", "")
        layout = _layout_wanted(evaluation, wanted) if wanted.strip() else None
        table = interview_overview(evaluation=evaluation, user=request.user, layout=layout)
        return Response(OverviewTableSerializer(table).data)
