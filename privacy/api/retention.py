"""API door into an evaluation's retention: who would be erased now (GET), erasing them (POST)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response as ApiResponse
from rest_framework.views import APIView

from evaluations.api import EvaluationScoped
from evaluations.permissions import Action
from privacy.selectors.retention import RetentionPlan, retention_plan
from privacy.services.retention import retention_erase


class RetentionInputSerializer(serializers.Serializer):
    people = serializers.ListField(
        child=serializers.IntegerField(),
        required=False,
        help_text="Only these people (as listed by GET); all those due when left out.",
    )


def plan_body(plan: RetentionPlan) -> dict:
    return {
        "ends": plan.ends.isoformat() if plan.ends else None,
        "over": plan.over,
        "blocked": plan.blocked,
        "counts": plan.counts,
        "people": [
            {
                "id": d.person.pk,
                "name": d.person.display_name,
                "evaluations": d.evaluations,
                "interviews": d.interviews,
                "invitations": d.invitations,
            }
            for d in plan.due
        ],
    }


class RetentionView(EvaluationScoped, APIView):
    """The people whose personal data the evaluation's retention period lets the lead erase
    now, and erasing them (never automatic)."""

    @extend_schema(responses={200: OpenApiResponse(description="Who would be erased now.")})
    def get(self, request: Request, evaluation_slug: str) -> ApiResponse:
        evaluation = self.evaluation(Action.CHANGE_EVALUATION)
        return ApiResponse(plan_body(retention_plan(evaluation=evaluation)))

    @extend_schema(
        request=RetentionInputSerializer,
        responses={
            200: inline_serializer(
                "RetentionErasure",
                {
                    "erased": serializers.ListField(child=serializers.IntegerField()),
                    "count": serializers.IntegerField(),
                },
            )
        },
    )
    def post(self, request: Request, evaluation_slug: str) -> ApiResponse:
        evaluation = self.evaluation(Action.CHANGE_EVALUATION)
        data = RetentionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        done = retention_erase(
            by=request.user, evaluation=evaluation, people=data.validated_data.get("people")
        )
        return ApiResponse({"erased": [e.person_id for e in done.erased], "count": done.people})
