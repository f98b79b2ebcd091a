"""API doors to corrections after submission (README, "Corrections"):

- POST …/distributions/{id}/responses/{response_id}/reopen/  {reason}: the lead reopens any
  response, the team one it keyed in;
- POST …/distributions/{id}/responses/{response_id}/correction/  {answers}: the team's
  corrected answers of a reopened response it corrects (keyed in, or anonymous);
- GET …/distributions/{id}/corrections/: requests and corrections of the responses you may read;
- POST …/distributions/{id}/corrections/{correction_id}/approve/ and …/decline/: the lead decides;
- POST /respond/{token}/correction/  {message}: the respondent asks; PUT with {answers}:
  the respondent resubmits a reopened response.
"""

from __future__ import annotations

from django.conf import settings
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response as ApiResponse
from rest_framework.views import APIView

from common.api_schema import LOCKED, ProblemSerializer
from common.problems import problem_body
from common.ratelimit import ScopedRateThrottle, over_limit
from evaluations.api import SLUG
from evaluations.permissions import Action
from questionnaires.api.distributions import DISTRIBUTION, DistributionScoped
from questionnaires.api.respondent import CLOSED, UNKNOWN_LINK, AnswersParser
from questionnaires.models import Correction, Response
from questionnaires.selectors.responses import day_only, readable_responses_filter
from questionnaires.serializers import DAY_ONLY_HELP, _time_or_day
from questionnaires.services.corrections import (
    correction_approve,
    correction_decline,
    correction_enter,
    correction_request,
    correction_submit,
    response_reopen,
)
from questionnaires.services.responses import AlreadySubmitted, FormClosed, InvalidLink

RESPONSE = OpenApiParameter("response_id", OpenApiTypes.STR, OpenApiParameter.PATH)
CORRECTION = OpenApiParameter("correction_id", OpenApiTypes.INT, OpenApiParameter.PATH)


class CorrectionSerializer(serializers.ModelSerializer):
    response = serializers.CharField(source="response_id", read_only=True)
    respondent = serializers.SerializerMethodField()
    decided_by = serializers.SerializerMethodField()
    requested_at = serializers.SerializerMethodField(help_text=DAY_ONLY_HELP, allow_null=True)
    decided_at = serializers.SerializerMethodField(help_text=DAY_ONLY_HELP, allow_null=True)
    resubmitted_at = serializers.SerializerMethodField(help_text=DAY_ONLY_HELP, allow_null=True)

    class Meta:
        model = Correction
        fields = [
            "id", "response", "respondent", "status", "message", "reason", "requested_at",
            "decided_at", "decided_by", "resubmitted_at",
        ]  # fmt: skip

    def _when(self, correction: Correction, name: str) -> str | None:
        return _time_or_day(getattr(correction, name), day_only(correction.response.distribution))

    @extend_schema_field(OpenApiTypes.STR)
    def get_requested_at(self, correction: Correction) -> str | None:
        return self._when(correction, "requested_at")

    @extend_schema_field(OpenApiTypes.STR)
    def get_decided_at(self, correction: Correction) -> str | None:
        return self._when(correction, "decided_at")

    @extend_schema_field(OpenApiTypes.STR)
    def get_resubmitted_at(self, correction: Correction) -> str | None:
        return self._when(correction, "resubmitted_at")

    def get_respondent(self, correction: Correction) -> str | None:
        invitation = correction.response.invitation
        return invitation.name if invitation else None

    def get_decided_by(self, correction: Correction) -> str | None:
        by = correction.decided_by
        return by.display_name if by else None


class CorrectionReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=2000, allow_blank=True, required=False, default="",
        help_text="Why (required to reopen; optional to approve or decline). The history keeps it.",
    )  # fmt: skip


class CorrectionAskSerializer(serializers.Serializer):
    message = serializers.CharField(
        max_length=2000, allow_blank=True, required=False, default="",
        help_text="What the respondent would like to correct (optional).",
    )  # fmt: skip


class CorrectedAnswersSerializer(serializers.Serializer):
    answers = serializers.DictField(
        child=serializers.JSONField(),
        help_text="Every answer, by question key, as POST /respond/{token}/ takes them: they "
        "replace the submitted ones.",
    )


class CorrectionResubmittedSerializer(serializers.Serializer):
    status = serializers.CharField()
    response = serializers.CharField()


def _correction_body(correction: Correction) -> dict:
    correction = Correction.objects.select_related(
        "response__invitation", "response__distribution", "decided_by"
    ).get(pk=correction.pk)
    return CorrectionSerializer(correction).data


class ResponseScoped(DistributionScoped):
    def response(self) -> Response:
        distribution = self.distribution(Action.VIEW_RESPONSES)
        return get_object_or_404(
            Response.objects.select_related("distribution__evaluation", "invitation"),
            distribution=distribution,
            status=Response.Status.SUBMITTED,
            pk=self.kwargs["response_id"],
        )


class ResponseReopenView(ResponseScoped, APIView):
    """Reopen a submitted response for a correction, with a reason."""

    @extend_schema(
        parameters=[SLUG, DISTRIBUTION, RESPONSE],
        request=CorrectionReasonSerializer,
        responses={201: CorrectionSerializer, 409: LOCKED},
    )
    def post(self, request: Request, **kwargs: str) -> ApiResponse:
        data = CorrectionReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        correction = response_reopen(
            response=self.response(), by=request.user, reason=data.validated_data["reason"]
        )
        return ApiResponse(_correction_body(correction), status=status.HTTP_201_CREATED)


class ResponseCorrectionView(ResponseScoped, APIView):
    """The team's corrected answers of a reopened response it keyed in (or anonymous)."""

    parser_classes = [AnswersParser]

    @extend_schema(
        parameters=[SLUG, DISTRIBUTION, RESPONSE],
        request=CorrectedAnswersSerializer,
        responses={200: CorrectionResubmittedSerializer, 409: LOCKED},
    )
    def post(self, request: Request, **kwargs: str) -> ApiResponse:
        self.distribution(Action.ENTER_RESPONSES)
        data = CorrectedAnswersSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        response = self.response()
        correction = get_object_or_404(Correction, response=response, status=Correction.Status.OPEN)
        correction_enter(
            correction=correction, by=request.user, answers=data.validated_data["answers"]
        )
        return ApiResponse({"status": "resubmitted", "response": response.pk})


class CorrectionListView(DistributionScoped, APIView):
    """Requests and corrections of the responses whose answers you may read, oldest first."""

    @extend_schema(
        parameters=[SLUG, DISTRIBUTION], responses={200: CorrectionSerializer(many=True)}
    )
    def get(self, request: Request, **kwargs: str) -> ApiResponse:
        distribution = self.distribution(Action.VIEW_RESPONSES)
        readable = readable_responses_filter(request.user, distribution, prefix="response__")
        if readable is None:
            return ApiResponse([])
        corrections = (
            Correction.objects.filter(readable)
            .select_related("response__invitation", "response__distribution", "decided_by")
            .order_by("pk")
        )
        return ApiResponse(CorrectionSerializer(corrections, many=True).data)


class CorrectionDecisionView(DistributionScoped, APIView):
    """The lead approves (the link shows the answers again) or declines a request."""

    approve = True

    @extend_schema(
        parameters=[SLUG, DISTRIBUTION, CORRECTION],
        request=CorrectionReasonSerializer,
        responses={200: CorrectionSerializer, 409: LOCKED},
    )
    def post(self, request: Request, **kwargs: str) -> ApiResponse:
        distribution = self.distribution(Action.VIEW_RESPONSES)
        correction = get_object_or_404(
            Correction, response__distribution=distribution, pk=self.kwargs["correction_id"]
        )
        data = CorrectionReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        decide = correction_approve if self.approve else correction_decline
        correction = decide(
            correction=correction, by=request.user, reason=data.validated_data["reason"]
        )
        return ApiResponse(_correction_body(correction))


def _link_problem(request: Request, exc: Exception) -> ApiResponse:
    if isinstance(exc, InvalidLink):
        if over_limit(request, "respondent-bad-link", settings.RESPONDENT_BAD_LINK_LIMIT):
            message = "Too many links that open no questionnaire; try again in a minute."
            return ApiResponse(problem_body(message, {}), status=429)
        return ApiResponse(problem_body(UNKNOWN_LINK, {}), status=404)
    if isinstance(exc, FormClosed):
        return ApiResponse(problem_body(CLOSED, {}), status=403)
    message = "These answers are not reopened for a correction; nothing was stored."
    return ApiResponse(problem_body(message, {}), status=409)


class RespondCorrectionView(APIView):
    """A respondent's link: ask to correct the submitted answers (POST), or resubmit them
    once the lead reopened them (PUT)."""

    parser_classes = [AnswersParser]
    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "respond"

    @extend_schema(
        request=CorrectionAskSerializer,
        responses={
            201: CorrectionSerializer,
            404: OpenApiResponse(ProblemSerializer, description=UNKNOWN_LINK),
            403: OpenApiResponse(ProblemSerializer, description=CLOSED),
        },
        auth=[],
    )
    def post(self, request: Request, token: str) -> ApiResponse:
        data = CorrectionAskSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            correction = correction_request(token=token, message=data.validated_data["message"])
        except (InvalidLink, FormClosed) as exc:
            return _link_problem(request, exc)
        return ApiResponse(_correction_body(correction), status=status.HTTP_201_CREATED)

    @extend_schema(
        request=CorrectedAnswersSerializer,
        responses={
            200: CorrectionResubmittedSerializer,
            404: OpenApiResponse(ProblemSerializer, description=UNKNOWN_LINK),
            403: OpenApiResponse(ProblemSerializer, description=CLOSED),
            409: OpenApiResponse(ProblemSerializer, description="not reopened"),
        },
        auth=[],
    )
    def put(self, request: Request, token: str) -> ApiResponse:
        data = CorrectedAnswersSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            submission = correction_submit(token=token, answers=data.validated_data["answers"])
        except (InvalidLink, FormClosed, AlreadySubmitted) as exc:
            return _link_problem(request, exc)
        return ApiResponse({"status": "resubmitted", "response": submission.response.pk})
