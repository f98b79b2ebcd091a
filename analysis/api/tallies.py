"""Tallies of codes by an attribute (every member; suppressed unless a lead asks otherwise),
and the thresholds of the words for shares (read by every member, set by the lead)."""

from __future__ import annotations

from dataclasses import asdict

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from analysis.selectors.tallies import code_tallies, thresholds_of
from analysis.serializers.tallies import ShareWordsSerializer, TallyQuery, TallyTableSerializer
from analysis.services.wording import share_words_set
from common.api_input import validated_query
from evaluations.api import SLUG
from reports.api.base import ReportScoped


class TallyView(ReportScoped, APIView):
    """Codes × stakeholder group, region, category or instrument: distinct people per cell,
    n per column, the share in words."""

    @extend_schema(parameters=[SLUG, TallyQuery], responses=TallyTableSerializer)
    def get(self, request: Request, evaluation_slug: str) -> Response:
        evaluation = self.members_evaluation()
        params = validated_query(TallyQuery, request)
        table = code_tallies(user=request.user, evaluation=evaluation, **params)
        return Response(TallyTableSerializer(table).data)


class ShareWordsView(ReportScoped, APIView):
    """Where the words for shares change, in percent of n."""

    @extend_schema(parameters=[SLUG], responses=ShareWordsSerializer)
    def get(self, request: Request, evaluation_slug: str) -> Response:
        limits = thresholds_of(self.members_evaluation())
        return Response(ShareWordsSerializer(asdict(limits)).data)

    @extend_schema(parameters=[SLUG], request=ShareWordsSerializer, responses=ShareWordsSerializer)
    def put(self, request: Request, evaluation_slug: str) -> Response:
        write = ShareWordsSerializer(data=request.data)
        write.is_valid(raise_exception=True)
        words = share_words_set(
            evaluation=self.members_evaluation(), by=request.user, **write.validated_data
        )
        return Response(ShareWordsSerializer(words).data)
