"""API door for respondents: submitting a whole questionnaire by a personal link's token."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response as ApiResponse
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from common.api import problem_body
from questionnaires.serializers import SubmissionResultSerializer, SubmissionSerializer
from questionnaires.services.responses import (
    AlreadySubmitted,
    FormClosed,
    InvalidLink,
    response_submit,
)


class RespondView(APIView):
    """Submit a whole questionnaire with a personal link's token (the same rules as the form)."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "respond"

    @extend_schema(
        request=SubmissionSerializer,
        responses={
            201: SubmissionResultSerializer,
            200: SubmissionResultSerializer,
            404: OpenApiResponse(description="unknown link"),
            403: OpenApiResponse(description="closed"),
        },
        auth=[],
    )
    def post(self, request: Request, token: str) -> ApiResponse:
        # Checked by hand rather than by the serializer: this is the hot path of a survey.
        data = request.data if isinstance(request.data, dict) else {}
        answers, language = data.get("answers"), data.get("language") or ""
        route = data.get("route") or ""
        if (
            not isinstance(answers, dict)
            or not isinstance(language, str)
            or not isinstance(route, str)
        ):
            message = "Expected an object of question key to answer, and a language code."
            return ApiResponse(problem_body(message, {"answers": [message]}), status=400)
        try:
            submission = response_submit(
                token=token, answers=answers, language=language[:8], route=route
            )
        except InvalidLink:
            return ApiResponse({"detail": "This link does not open a questionnaire."}, status=404)
        except AlreadySubmitted:
            return ApiResponse({"status": "already submitted", "submitted_at": None})
        except FormClosed:
            return ApiResponse({"detail": "This questionnaire is closed."}, status=403)
        submitted_at = submission.response.submitted_at
        if not submission.created:
            return ApiResponse({"status": "already submitted", "submitted_at": submitted_at})
        return ApiResponse(
            {"status": "submitted", "submitted_at": submitted_at},
            status=status.HTTP_201_CREATED,
        )
