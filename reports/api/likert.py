"""Likert summaries of a distribution, with their charts' series."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from common.api_input import validated_query
from evaluations.api import SLUG
from reports.api.base import ReportScoped, field_problem
from reports.selectors.access import report_access
from reports.selectors.likert import likert_blocks, likert_summary
from reports.serializers import LikertTableSerializer


class LikertQuery(serializers.Serializer):
    distribution = serializers.IntegerField(help_text="The distribution's id.")
    block = serializers.CharField(
        required=False, allow_blank=True, help_text="One Likert block's key; default: all."
    )
    by = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="A snapshot attribute to break down by (region, country …); default: none.",
    )
    unsuppressed = serializers.BooleanField(
        required=False, default=False, help_text="Lead evaluator only: small cells shown."
    )


class LikertView(ReportScoped, APIView):
    """Likert summaries of a distribution: per item n, counts and percents per point in scale
    order (null where suppressed), agreeing, mean, standard deviation; with a breakdown, the
    rows per value; and the diverging chart's series."""

    @extend_schema(
        parameters=[SLUG, LikertQuery],
        responses={
            200: LikertTableSerializer(many=True),
            400: OpenApiResponse(description="Unknown distribution, block or attribute."),
            403: OpenApiResponse(description="Unsuppressed asked by someone not the lead."),
        },
    )
    def get(self, request: Request, evaluation_slug: str) -> Response:
        evaluation = self.members_evaluation()  # an outsider's 404 before any 400
        params = validated_query(LikertQuery, request)
        report_access(request.user, evaluation, unsuppressed=params["unsuppressed"])
        distribution = self.distribution(params["distribution"])
        block = None
        if params.get("block"):
            blocks = {b.key: b for b in likert_blocks(distribution)}
            block = blocks.get(params["block"])
            if block is None:
                known = ", ".join(blocks) or _("none")
                message = _("There is no Likert block “%(key)s” in this questionnaire.") % {
                    "key": params["block"]
                }
                raise field_problem("block", f"{message} {_('Use one of: %s.') % known}")
        by = params.get("by", "")
        tables = likert_summary(
            user=request.user,
            distribution=distribution,
            block=block,
            by=by,
            unsuppressed=params["unsuppressed"],
        )
        return Response(LikertTableSerializer(tables, many=True).data)
