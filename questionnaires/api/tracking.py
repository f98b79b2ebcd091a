"""API door into response tracking: the rates of a distribution, as the tracking page shows."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response as ApiResponse
from rest_framework.views import APIView

from evaluations.permissions import Action
from evaluations.selectors import evaluation_get
from questionnaires.models import Distribution
from questionnaires.selectors.tracking import (
    COUNTED,
    DEFAULT_BREAKDOWN,
    RateRow,
    channel_counts,
    country_rollup,
    response_rates,
    status_counts,
)
from questionnaires.serializers import DistributionRatesSerializer


def _row(row: RateRow) -> dict[str, object]:
    return {
        **{name: getattr(row, name) for name in ("value", "label", *COUNTED, "percent")},
        "rate": None if row.rate is None else round(row.rate, 4),
    }


class DistributionRatesView(APIView):
    """Response rates of a distribution by a recipient attribute, counts by status, and the
    roll-up per country. For members whose role includes the questionnaires."""

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "by",
                OpenApiTypes.STR,
                OpenApiParameter.QUERY,
                description=(
                    "A recipient attribute (region, country, office_type, unit_type, "
                    "years_of_service_band, stakeholder_group, or another key of the "
                    "snapshots), or channel (the planned channel). Default: region."
                ),
            )
        ],
        responses={
            200: DistributionRatesSerializer,
            400: OpenApiResponse(description="Unknown `by`: {detail, errors}."),
            403: OpenApiResponse(description="Your role does not include the questionnaires."),
            404: OpenApiResponse(description="No such evaluation or distribution for you."),
        },
    )
    def get(self, request: Request, evaluation_slug: str, distribution_id: int) -> ApiResponse:
        evaluation = evaluation_get(
            user=request.user, slug=evaluation_slug, action=Action.VIEW_INSTRUMENTS
        )
        distribution = get_object_or_404(
            Distribution.objects.select_related("evaluation"),
            evaluation=evaluation,
            pk=distribution_id,
        )
        by = request.query_params.get("by") or DEFAULT_BREAKDOWN
        rows = response_rates(distribution, by)  # ValidationProblem -> 400
        rollup = country_rollup(distribution, user=request.user)
        body = {
            "by": by,
            "status_counts": status_counts(distribution),
            "channels": channel_counts(distribution),
            "rows": [_row(row) for row in rows[:-1]],
            "total": _row(rows[-1]),
            "countries": [
                {
                    "country": c.country,
                    "label": c.label,
                    "recipients": c.recipients,
                    "responded_recipients": c.responded_recipients,
                    "responded": c.responded,
                    "non_responders": c.non_responders,
                }
                for c in rollup.rows
            ],
            "summary": rollup.summary,
        }
        return ApiResponse(DistributionRatesSerializer(body).data)
