"""Codings of open answers and interview notes, and the texts a member may code. Roles that do
not read individual answers (viewers) get a 403; lead-only sources are coded by the lead only."""

from __future__ import annotations

from django.db import transaction
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from analysis.api.matrix import ID
from analysis.models import Code, Coding
from analysis.selectors.codings import codable_answers, codable_notes, codings_of
from analysis.serializers.codings import (
    CodableQuery,
    CodableSerializer,
    CodingChangeSerializer,
    CodingFilterSerializer,
    CodingSerializer,
    CodingWriteSerializer,
)
from analysis.services.codings import coding_create, coding_delete, coding_update
from common.api_input import validated_query
from evaluations.api import SLUG
from interviews.models import Interview, InterviewNote
from questionnaires.models import Answer
from reports.api.base import ReportScoped, field_problem


@extend_schema_view(
    list=extend_schema(parameters=[SLUG, CodingFilterSerializer]),
    retrieve=extend_schema(parameters=[SLUG, ID]),
    destroy=extend_schema(parameters=[SLUG, ID]),
    create=extend_schema(parameters=[SLUG], request=CodingWriteSerializer),
    partial_update=extend_schema(parameters=[SLUG, ID], request=CodingChangeSerializer),
)
class CodingViewSet(ReportScoped, viewsets.ModelViewSet):
    """Coded excerpts the user may read; create one on an answer or a note, change its codes
    or memo, or remove it."""

    serializer_class = CodingSerializer
    queryset = Coding.objects.none()
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self) -> QuerySet[Coding]:
        if getattr(self, "swagger_fake_view", False):
            return Coding.objects.none()
        evaluation = self.members_evaluation()
        params = (
            validated_query(CodingFilterSerializer, self.request) if self.action == "list" else {}
        )
        return codings_of(user=self.request.user, evaluation=evaluation, **params)

    def _codes(self, ids: list[int]) -> list[Code]:
        codes = list(Code.objects.filter(evaluation=self.members_evaluation(), pk__in=ids))
        if len(codes) != len(set(ids)):
            raise field_problem("codes", "A code is not in this evaluation's codebook.")
        return codes

    @transaction.atomic
    def create(self, request: Request, evaluation_slug: str) -> Response:
        evaluation = self.members_evaluation()
        write = CodingWriteSerializer(data=request.data)
        write.is_valid(raise_exception=True)
        data = write.validated_data
        answer = note = None
        if data.get("answer") is not None:
            answer = get_object_or_404(
                Answer.objects.select_related("response__distribution", "question"),
                pk=data["answer"],
                response__distribution__evaluation=evaluation,
            )
        if data.get("note") is not None:
            note = get_object_or_404(
                InterviewNote.objects.select_related("interview"),
                pk=data["note"],
                interview__evaluation=evaluation,
            )
        coding = coding_create(
            evaluation=evaluation,
            by=request.user,
            answer=answer,
            note=note,
            start=data["start"],
            end=data["end"],
            codes=self._codes(data["codes"]),
            memo=data.get("memo", ""),
        )
        return Response(CodingSerializer(coding).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, evaluation_slug: str, pk: str) -> Response:
        coding = self.get_object()
        change = CodingChangeSerializer(data=request.data)
        change.is_valid(raise_exception=True)
        data = change.validated_data
        codes = self._codes(data["codes"]) if "codes" in data else None
        coding_update(coding=coding, by=request.user, codes=codes, memo=data.get("memo"))
        return Response(CodingSerializer(self.get_queryset().get(pk=coding.pk)).data)

    def perform_destroy(self, instance: Coding) -> None:
        coding_delete(coding=instance, by=self.request.user)


class CodableView(ReportScoped, APIView):
    """The texts the user may read and code: a distribution's open answers, or an interview's
    notes (with their ids, for coding)."""

    @extend_schema(parameters=[SLUG, CodableQuery], responses=CodableSerializer)
    def get(self, request: Request, evaluation_slug: str) -> Response:
        params = validated_query(CodableQuery, request)
        evaluation = self.members_evaluation()
        answers: QuerySet[Answer] = Answer.objects.none()
        notes: QuerySet[InterviewNote] = InterviewNote.objects.none()
        if "distribution" in params:
            answers = codable_answers(
                user=request.user, distribution=self.distribution(params["distribution"])
            )
        else:
            interview = get_object_or_404(
                Interview.objects.select_related("evaluation"),
                pk=params["interview"],
                evaluation=evaluation,
            )
            notes = codable_notes(user=request.user, evaluation=evaluation, interview=interview)
        return Response(CodableSerializer({"answers": answers, "notes": notes}).data)
