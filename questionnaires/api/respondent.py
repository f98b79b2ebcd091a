"""API door for respondents: submitting a whole questionnaire by a personal link's token."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response as ApiResponse
from rest_framework.views import APIView

from common.api_input import JSONParser
from common.api_schema import ProblemSerializer
from common.problems import problem_body
from common.ratelimit import ScopedRateThrottle, over_limit
from questionnaires.serializers import SubmissionResultSerializer, SubmissionSerializer
from questionnaires.services.responses import (
    AlreadySubmitted,
    FormClosed,
    InvalidLink,
    response_submit,
)

UNKNOWN_LINK = gettext_noop("This link does not open a questionnaire.")
CLOSED = gettext_noop("This questionnaire is closed.")


class AnswersParser(JSONParser):
    """NUL characters in answers are removed by the service, as on the form (README, API)."""

    refuse_nul = False


class RespondView(APIView):
    """Submit a whole questionnaire with a personal link's token (the same rules as the form)."""

    parser_classes = [AnswersParser]
    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "respond"

    @extend_schema(
        request=SubmissionSerializer,
        responses={
            201: SubmissionResultSerializer,
            409: OpenApiResponse(
                SubmissionResultSerializer,
                description="already submitted: the receipt of the stored response; the "
                "answers sent now were not stored",
            ),
            404: OpenApiResponse(ProblemSerializer, description=UNKNOWN_LINK),
            403: OpenApiResponse(ProblemSerializer, description=CLOSED),
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
            message = _("Expected an object of question key to answer, and a language code.")
            return ApiResponse(problem_body(message, {"answers": [message]}), status=400)
        try:
            submission = response_submit(
                token=token,
                answers=answers,
                language=language.replace("\x00", "")[:8],
                route=route,
                consent=data.get("consent") is True,
            )
        except InvalidLink:
            # Counted with the form's unknown links: guessing at either door is one budget.
            if over_limit(request, "respondent-bad-link", settings.RESPONDENT_BAD_LINK_LIMIT):
                message = _("Too many links that open no questionnaire; try again in a minute.")
                return ApiResponse(problem_body(message, {}), status=429)
            return ApiResponse(problem_body(_(UNKNOWN_LINK), {}), status=404)
        except AlreadySubmitted as done:
            return _already_submitted(done.submitted_at)
        except FormClosed:
            return ApiResponse(problem_body(_(CLOSED), {}), status=403)
        submitted_at = submission.response.submitted_at
        if not submission.created:
            return _already_submitted(submitted_at)
        return ApiResponse(
            {"status": "submitted", "submitted_at": submitted_at},
            status=status.HTTP_201_CREATED,
        )


def _already_submitted(submitted_at: dt.datetime | None) -> ApiResponse:
    """409 with the receipt of the stored submission: a retry, a race lost, other answers."""
    detail = _("This questionnaire was already submitted; the answers sent now were not stored.")
    body = {"status": "already submitted", "submitted_at": submitted_at, "detail": detail}
    return ApiResponse(body, status=status.HTTP_409_CONFLICT)
