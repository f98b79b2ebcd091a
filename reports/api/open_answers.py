"""The open answers of a distribution, grouped by an attribute."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from common.api_input import validated_query
from evaluations.api import SLUG
from reports.api.base import ReportScoped
from reports.selectors.access import report_access
from reports.selectors.open_answers import open_answers
from reports.serializers import OpenQuestionSerializer


class OpenAnswersQuery(serializers.Serializer):
    distribution = serializers.IntegerField(help_text="The distribution's id.")
    by = serializers.CharField(
        required=False, allow_blank=True, help_text="A snapshot attribute to group answers by."
    )


class OpenAnswersView(ReportScoped, APIView):
    """The open answers of a distribution per question, grouped by an attribute; only for
    roles that read responses, and lead-only answers only for the lead (counted otherwise)."""

    @extend_schema(
        parameters=[SLUG, OpenAnswersQuery],
        responses={
            200: OpenQuestionSerializer(many=True),
            403: OpenApiResponse(description="Your role does not read individual answers."),
        },
    )
    def get(self, request: Request, evaluation_slug: str) -> Response:
        access = report_access(request.user, self.members_evaluation())
        if not access.raw_answers:  # the role first: the same 403 whatever is asked
            raise PermissionDenied(_("Your role does not include individual answers."))
        params = validated_query(OpenAnswersQuery, request)
        distribution = self.distribution(params["distribution"])
        by = params.get("by", "")
        questions = open_answers(user=request.user, distribution=distribution, by=by)
        return Response(OpenQuestionSerializer(questions, many=True).data)
