"""API doors to the interview log's lock and the evaluation's legal hold, under
/api/v1/evaluations/{slug}/: POST interviews/lock/, interviews/unlock/, legal-hold/. Lead only;
each takes the reason the history keeps. While the log is locked, every write on it answers
409 with who locked it, when and why."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from evaluations.api import SLUG, EvaluationScoped
from evaluations.models import Evaluation
from evaluations.permissions import Action
from evaluations.serializers import (
    EvaluationSerializer,
    LegalHoldSerializer,
    LockRequestSerializer,
    LockStateSerializer,
)
from interviews.services.locks import interview_log_lock, interview_log_unlock, legal_hold_set

REFUSALS = {
    400: OpenApiResponse(description="no reason given, or already (un)locked"),
    403: OpenApiResponse(description="not the lead evaluator"),
}


def log_lock_body(evaluation: Evaluation) -> dict[str, Any]:
    by = evaluation.interview_log_locked_by
    return {
        "locked": evaluation.interview_log_locked_at is not None,
        "locked_at": evaluation.interview_log_locked_at,
        "locked_by": by.display_name if by else None,
        "reason": evaluation.interview_log_lock_reason,
    }


class InterviewLogLockView(EvaluationScoped, APIView):
    """Lock (or, as unlock, open again) the interview log: reads and exports go on, writes
    answer 409 with the reason."""

    locking = True

    @extend_schema(
        parameters=[SLUG],
        request=LockRequestSerializer,
        responses={200: LockStateSerializer, **REFUSALS},
    )
    def post(self, request: Request, evaluation_slug: str) -> Response:
        evaluation = self.evaluation(Action.VIEW_EVALUATION)
        serializer = LockRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        service = interview_log_lock if self.locking else interview_log_unlock
        evaluation = service(
            evaluation=evaluation, by=request.user, reason=serializer.validated_data["reason"]
        )
        return Response(log_lock_body(evaluation))


class LegalHoldView(EvaluationScoped, APIView):
    """Set or lift the legal hold: while it holds, nobody who appears in the evaluation may
    be erased."""

    @extend_schema(
        parameters=[SLUG],
        request=LegalHoldSerializer,
        responses={200: EvaluationSerializer, **REFUSALS},
    )
    def post(self, request: Request, evaluation_slug: str) -> Response:
        evaluation = self.evaluation(Action.VIEW_EVALUATION)
        serializer = LegalHoldSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        evaluation = legal_hold_set(
            evaluation=evaluation,
            by=request.user,
            on=serializer.validated_data["legal_hold"],
            reason=serializer.validated_data["reason"],
        )
        return Response(EvaluationSerializer(evaluation).data)
