"""API doors to the lock on a distribution's responses: POST
/api/v1/evaluations/{slug}/distributions/{id}/lock/ and …/unlock/ (lead only, with the reason
the history keeps). While locked, every write on the responses answers 409 with who locked
them, when and why; the respondent's link answers as a closed form."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from evaluations.api import SLUG
from evaluations.permissions import Action
from evaluations.serializers import LockRequestSerializer, LockStateSerializer
from questionnaires.api.distributions import DISTRIBUTION, DistributionScoped
from questionnaires.models import Distribution
from questionnaires.services.distributions import (
    distribution_responses_lock,
    distribution_responses_unlock,
)


def responses_lock_body(distribution: Distribution) -> dict[str, Any]:
    by = distribution.responses_locked_by
    return {
        "locked": distribution.responses_locked_at is not None,
        "locked_at": distribution.responses_locked_at,
        "locked_by": by.display_name if by else None,
        "reason": distribution.responses_lock_reason,
    }


class DistributionLockView(DistributionScoped, APIView):
    """Lock (or, as unlock, open again) the responses of a distribution."""

    locking = True

    @extend_schema(
        parameters=[SLUG, DISTRIBUTION],
        request=LockRequestSerializer,
        responses={
            200: LockStateSerializer,
            400: OpenApiResponse(description="no reason given, or already (un)locked"),
            403: OpenApiResponse(description="not the lead evaluator"),
        },
    )
    def post(self, request: Request, evaluation_slug: str, distribution_id: int) -> Response:
        distribution = self.distribution(Action.VIEW_INSTRUMENTS)
        serializer = LockRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        service = distribution_responses_lock if self.locking else distribution_responses_unlock
        distribution = service(
            distribution=distribution,
            by=request.user,
            reason=serializer.validated_data["reason"],
        )
        return Response(responses_lock_body(distribution))
