"""API doors into instruments and their versions: import, read, replace a draft, YAML and
XLSForm."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response as ApiResponse

from common.api_input import FormParser, JSONParser, MultiPartParser
from common.api_schema import file_responses
from common.errors import ValidationProblem
from common.problems import problem_body
from evaluations.api import SLUG, EvaluationScoped
from evaluations.permissions import Action
from questionnaires.instrument_format.dumper import instrument_dump
from questionnaires.instrument_format.xlsform import XLSX_MEDIA_TYPE, xlsform_write
from questionnaires.models import Instrument, InstrumentVersion
from questionnaires.selectors.instruments import instrument_list, version_spec
from questionnaires.serializers import (
    ImportResultSerializer,
    InstrumentImportSerializer,
    InstrumentSerializer,
    VersionSpecSerializer,
)
from questionnaires.services.instruments import instrument_load


@extend_schema(parameters=[SLUG])
class InstrumentViewSet(EvaluationScoped, viewsets.ReadOnlyModelViewSet):
    """Questionnaires and interview guides, with their versions."""

    serializer_class = InstrumentSerializer
    queryset = Instrument.objects.none()
    lookup_field = "key"
    lookup_value_regex = r"[-\w]+"  # a slug (the router's default is a numeric id)
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Instrument.objects.none()
        return instrument_list(evaluation=self.evaluation(Action.VIEW_INSTRUMENTS))

    @extend_schema(
        request=InstrumentImportSerializer,
        responses={201: ImportResultSerializer, 200: ImportResultSerializer},
    )
    @action(detail=False, methods=["post"], url_path="import")
    def import_file(self, request: Request, evaluation_slug: str) -> ApiResponse:
        """Load a YAML file or an XLSForm workbook (.xlsx, as `file`): a new instrument, a new
        version, the draft replaced, or unchanged."""
        evaluation = self.evaluation(Action.MANAGE_INSTRUMENTS)
        data = InstrumentImportSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        result = instrument_load(
            evaluation=evaluation, text=data.validated_data["yaml"], by=request.user
        )
        body = {
            "instrument": result.version.instrument.key,
            "version": result.version.number,
            "outcome": result.outcome,
            "summary": result.summary(),
        }
        created = result.outcome in ("created", "new version")
        return ApiResponse(body, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


@extend_schema(parameters=[SLUG, OpenApiParameter("instrument_key", OpenApiTypes.STR, "path")])
class VersionViewSet(EvaluationScoped, viewsets.ViewSet):
    """One instrument's versions: read always; replace only while not frozen."""

    lookup_field = "number"

    def _version(self, action: Action) -> InstrumentVersion:
        evaluation = self.evaluation(action)
        return get_object_or_404(
            InstrumentVersion.objects.select_related("instrument"),
            instrument__evaluation=evaluation,
            instrument__key=self.kwargs["instrument_key"],
            number=self.kwargs["number"],
        )

    @extend_schema(responses=VersionSpecSerializer)
    def retrieve(self, request: Request, **kwargs: str) -> ApiResponse:
        version = self._version(Action.VIEW_INSTRUMENTS)
        return ApiResponse(
            {"number": version.number, "frozen": version.is_frozen, "spec": version_spec(version)}
        )

    @extend_schema(
        request=InstrumentImportSerializer,
        responses={200: ImportResultSerializer, 409: OpenApiResponse(description="frozen")},
    )
    def update(self, request: Request, **kwargs: str) -> ApiResponse:
        version = self._version(Action.MANAGE_INSTRUMENTS)
        if version.is_frozen:
            message = (
                f"Version {version.number} is frozen: it has been sent out and never "
                "changes. Import the changed file to make the next version."
            )
            return ApiResponse(problem_body(message, {}), status=status.HTTP_409_CONFLICT)
        data = InstrumentImportSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        text = data.validated_data["yaml"]
        result = instrument_load(
            evaluation=version.instrument.evaluation, text=text, by=request.user
        )
        if result.version.pk != version.pk:
            raise ValidationProblem(
                _("The file is for another instrument (its key differs)."),
                errors={
                    "yaml": [
                        _("The key in the file must be %(key)s.") % {"key": version.instrument.key}
                    ]
                },
            )
        return ApiResponse(
            {
                "instrument": version.instrument.key,
                "version": result.version.number,
                "outcome": result.outcome,
                "summary": result.summary(),
            }
        )

    @extend_schema(responses={(200, "application/yaml"): OpenApiTypes.STR})
    @action(detail=True, methods=["get"])
    def yaml(self, request: Request, **kwargs: str) -> HttpResponse:
        """The version as YAML, the format import reads."""
        version = self._version(Action.VIEW_INSTRUMENTS)
        return HttpResponse(
            instrument_dump(version_spec(version)), content_type="application/yaml; charset=utf-8"
        )

    @extend_schema(
        responses=file_responses(
            "The version as an XLSForm workbook (survey, choices and settings sheets), for "
            "KoboToolbox, ODK or SurveyCTO; import reads it back.",
            XLSX_MEDIA_TYPE,
        )
    )
    @action(detail=True, methods=["get"])
    def xlsform(self, request: Request, **kwargs: str) -> HttpResponse:
        """The version as an XLSForm workbook (.xlsx)."""
        version = self._version(Action.VIEW_INSTRUMENTS)
        response = HttpResponse(
            xlsform_write(version_spec(version), version=version.number),
            content_type=XLSX_MEDIA_TYPE,
        )
        key = version.instrument.key
        response["Content-Disposition"] = f'attachment; filename="{key}-v{version.number}.xlsx"'
        return response
