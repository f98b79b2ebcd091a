"""API doors into the history, read-only: the evaluation's activity (filtered), an interview's,
a distribution's, an instrument version's and a registry person's. The same rules as the pages
(history.selectors.access): lead evaluators and evaluators; others get 403."""

from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.generics import ListAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from common.api_input import validated_query
from evaluations.api import SLUG, EvaluationScoped
from evaluations.models import Evaluation
from evaluations.permissions import Action
from history.api.serializers import ActivityFilterSerializer, EntrySerializer
from history.models import Entry
from history.selectors import (
    ActivityFilter,
    distribution_history,
    ensure_history,
    entry_rows,
    evaluation_activity,
    history_subject,
    interview_history,
    person_history,
    version_history,
    version_of,
)

ID = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH)


class _HistoryList(ListAPIView):
    """A list view (paginated, documented as a page of entries) whose get reads a selector."""

    serializer_class = EntrySerializer
    queryset = Entry.objects.none()

    def _listed(self, entries: QuerySet[Entry], evaluation: Evaluation | None) -> Response:
        page = self.paginate_queryset(entries)
        rows = entry_rows(page if page is not None else entries, evaluation=evaluation)
        return self.get_paginated_response(EntrySerializer(rows, many=True).data)


class _EvaluationHistoryList(EvaluationScoped, _HistoryList):
    def _evaluation(self) -> Evaluation:
        """The evaluation for its members (404 for others), then the history's rule (403)."""
        evaluation = self.evaluation(Action.VIEW_EVALUATION)
        ensure_history(self.request.user, evaluation)
        return evaluation


class EvaluationHistoryView(_EvaluationHistoryList):
    """Everything recorded in the evaluation, newest first: who created, changed, deleted or
    downloaded what. Lead-only entries for the lead evaluator only."""

    @extend_schema(parameters=[SLUG, ActivityFilterSerializer])
    def get(self, request: Request, evaluation_slug: str) -> Response:
        evaluation = self._evaluation()
        data = validated_query(ActivityFilterSerializer, request)
        filters = ActivityFilter(
            member=data.get("member", ""),
            kind=data.get("kind", ""),
            since=data.get("since"),
            until=data.get("until"),
        )
        entries = evaluation_activity(user=request.user, evaluation=evaluation, filters=filters)
        return self._listed(entries, evaluation)


class InterviewHistoryView(_EvaluationHistoryList):
    """The history of one interview: its record, participants, interviewers and notes."""

    @extend_schema(parameters=[SLUG, ID])
    def get(self, request: Request, evaluation_slug: str, pk: int) -> Response:
        evaluation = self._evaluation()
        entries = interview_history(user=request.user, evaluation=evaluation, interview_id=pk)
        history_subject("interviews.Interview", entries, evaluation=evaluation, pk=pk)
        return self._listed(entries, evaluation)


class DistributionHistoryView(_EvaluationHistoryList):
    """The history of one distribution: its settings, attachments and invitations."""

    @extend_schema(parameters=[SLUG, ID])
    def get(self, request: Request, evaluation_slug: str, pk: int) -> Response:
        evaluation = self._evaluation()
        entries = distribution_history(user=request.user, evaluation=evaluation, distribution_id=pk)
        history_subject("questionnaires.Distribution", entries, evaluation=evaluation, pk=pk)
        return self._listed(entries, evaluation)


class VersionHistoryView(_EvaluationHistoryList):
    """The history of one instrument version and of its instrument."""

    @extend_schema(
        parameters=[
            SLUG,
            OpenApiParameter("instrument_key", OpenApiTypes.STR, OpenApiParameter.PATH),
            OpenApiParameter("number", OpenApiTypes.INT, OpenApiParameter.PATH),
        ]
    )
    def get(self, request: Request, evaluation_slug: str, instrument_key: str, number: int):
        evaluation = self._evaluation()
        version = version_of(evaluation=evaluation, key=instrument_key, number=number)
        entries = version_history(
            user=request.user,
            evaluation=evaluation,
            version_id=version.pk,
            instrument_id=version.instrument_id,
        )
        return self._listed(entries, evaluation)


class PersonHistoryView(_HistoryList):
    """The history of a person in the registry: their record, aliases, affiliations and
    merges, with their participations and invitations in the evaluations where you are a lead
    evaluator or an evaluator."""

    @extend_schema(parameters=[ID])
    def get(self, request: Request, pk: int) -> Response:
        entries = person_history(user=request.user, person_id=pk)
        history_subject("stakeholders.Person", entries, pk=pk)
        return self._listed(entries, None)
