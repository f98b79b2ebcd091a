"""API doors into a person's data: everything about them as JSON, and erasing them."""

from __future__ import annotations

from dataclasses import asdict

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response as ApiResponse
from rest_framework.views import APIView

from history.services import record_download
from privacy.selectors.access import export_reader
from privacy.selectors.export import person_export
from privacy.services.erasure import person_erase
from stakeholders.models import Person


class EraseInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


def erasure_body(erasure: object) -> dict:
    body = asdict(erasure)
    body.pop("files_deleted", None)
    return body


class PersonDataView(APIView):
    """Everything Consulta holds about one person that you may read (lead evaluators of an
    evaluation they appear in, and staff). The download is recorded in the history."""

    @extend_schema(responses={200: OpenApiResponse(description="The person's data as JSON.")})
    def get(self, request: Request, pk: int) -> ApiResponse:
        person = get_object_or_404(Person, pk=pk)
        export = person_export(reader=export_reader(by=request.user, person=person), person=person)
        record_download(person, what=f"person-{person.pk}.json", evaluation_id=None)
        return ApiResponse(export)


class PersonEraseView(APIView):
    """Erase a person everywhere, with a reason (staff, or the lead evaluator of every
    evaluation they appear in); refused under a legal hold or a lock."""

    @extend_schema(
        request=EraseInputSerializer,
        responses={
            200: inline_serializer(
                "Erasure",
                {
                    "person_id": serializers.IntegerField(),
                    "placeholder": serializers.CharField(),
                },
            )
        },
    )
    def post(self, request: Request, pk: int) -> ApiResponse:
        person = get_object_or_404(Person, pk=pk)
        data = EraseInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        erasure = person_erase(by=request.user, person=person, reason=data.validated_data["reason"])
        return ApiResponse(erasure_body(erasure))
