"""Response rates of an evaluation's distributions."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from common.api_input import validated_query
from evaluations.api import SLUG
from reports.api.base import ReportScoped
from reports.selectors.rates import evaluation_rates
from reports.serializers import EvaluationRatesSerializer


class RatesQuery(serializers.Serializer):
    by = serializers.CharField(
        required=False, default="region", help_text="A recipient attribute; default: region."
    )
    unsuppressed = serializers.BooleanField(
        required=False, default=False, help_text="Lead evaluator only: small groups shown."
    )


class RatesView(ReportScoped, APIView):
    """Response rates of every distribution with invitations, by an attribute, with the
    submitted responses by channel and the non-responders per country."""

    @extend_schema(
        parameters=[SLUG, RatesQuery],
        responses={
            200: EvaluationRatesSerializer(many=True),
            400: OpenApiResponse(description="Unknown attribute: {detail, errors: {by}}."),
        },
    )
    def get(self, request: Request, evaluation_slug: str) -> Response:
        evaluation = self.members_evaluation()  # an outsider's 404 before any 400
        query = validated_query(RatesQuery, request)
        found = evaluation_rates(
            user=request.user,
            evaluation=evaluation,
            by=query["by"],
            unsuppressed=query["unsuppressed"],
        )
        return Response(EvaluationRatesSerializer(found, many=True).data)
