"""The annex: the list of persons interviewed."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from common.api_input import validated_query
from evaluations.api import SLUG
from reports.api.base import ReportScoped
from reports.selectors.annex import annex
from reports.serializers import AnnexSerializer


class AnnexQuery(serializers.Serializer):
    by = serializers.CharField(
        required=False, default="grouping", help_text="grouping (default) or category."
    )
    withhold_names = serializers.BooleanField(
        required=False, default=False, help_text="Organisation and function only, no names."
    )

    def validate_by(self, value: str) -> str:
        if value not in ("grouping", "category"):
            raise serializers.ValidationError(_("Group the annex by grouping or by category."))
        return value


class AnnexView(ReportScoped, APIView):
    """The list of persons interviewed, grouped by grouping or by reporting category. Names
    are withheld on request, and always for roles that may not see them."""

    @extend_schema(parameters=[SLUG, AnnexQuery], responses=AnnexSerializer)
    def get(self, request: Request, evaluation_slug: str) -> Response:
        evaluation = self.members_evaluation()  # an outsider's 404 before any 400
        params = validated_query(AnnexQuery, request)
        found = annex(evaluation=evaluation, user=request.user, **params)
        return Response(AnnexSerializer(found).data)
