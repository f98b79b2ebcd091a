"""API door for respondents' files: upload (multipart), replace or remove the file answering a
file question of a personal link's draft; the rest of the answers then go to respond/<token>/
as JSON, which keeps the files uploaded."""

from __future__ import annotations

from django.conf import settings
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response as ApiResponse
from rest_framework.views import APIView

from common.api_input import MultiPartParser
from common.api_schema import ProblemSerializer
from common.problems import problem_body
from common.ratelimit import ScopedRateThrottle, over_limit
from questionnaires.api.respondent import CLOSED, UNKNOWN_LINK, _already_submitted
from questionnaires.serializers import SubmissionResultSerializer
from questionnaires.services.answer_files import answer_file_attach, answer_file_remove
from questionnaires.services.responses import AlreadySubmitted, FormClosed, InvalidLink

NOT_A_FILE = "Send the file as the multipart field “file”."


class FileUploadSerializer(serializers.Serializer):
    file = serializers.FileField(
        help_text="The file. Its type is decided by its content (not its name): one of the "
        "question's accepted types, at most its size limit."
    )
    language = serializers.CharField(required=False, help_text="The form's language code.")


class StoredFileSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="The file question's key.")
    name = serializers.CharField(help_text="The uploaded file's name, as shown.")
    size = serializers.IntegerField(help_text="In bytes.")


class RespondFileView(APIView):
    """A file question's answer on a personal link's draft (the same rules as the form)."""

    parser_classes = [MultiPartParser]
    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "respond"

    def _refused(self, request: Request, error: Exception) -> ApiResponse:
        if isinstance(error, InvalidLink):
            if over_limit(request, "respondent-bad-link", settings.RESPONDENT_BAD_LINK_LIMIT):
                message = "Too many links that open no questionnaire; try again in a minute."
                return ApiResponse(problem_body(message, {}), status=429)
            return ApiResponse(problem_body(UNKNOWN_LINK, {}), status=404)
        if isinstance(error, AlreadySubmitted):
            return _already_submitted(error.submitted_at)
        return ApiResponse(problem_body(CLOSED, {}), status=403)

    @extend_schema(
        request={"multipart/form-data": FileUploadSerializer},
        responses={
            201: StoredFileSerializer,
            400: OpenApiResponse(
                ProblemSerializer,
                description="not a file question, or the file is refused (too large, or not "
                "an accepted type): the draft is unchanged",
            ),
            404: OpenApiResponse(ProblemSerializer, description=UNKNOWN_LINK),
            403: OpenApiResponse(ProblemSerializer, description=CLOSED),
            409: OpenApiResponse(
                SubmissionResultSerializer, description="already submitted: files no longer change"
            ),
        },
        auth=[],
    )
    def post(self, request: Request, token: str, key: str) -> ApiResponse:
        upload = request.FILES.get("file")
        if upload is None:
            return ApiResponse(problem_body(NOT_A_FILE, {"file": [NOT_A_FILE]}), status=400)
        language = request.data.get("language") or ""
        try:
            stored = answer_file_attach(
                token=token, key=key, upload=upload, language=str(language)[:8]
            )
        except (InvalidLink, AlreadySubmitted, FormClosed) as error:
            return self._refused(request, error)
        body = {"key": stored.key, "name": stored.name, "size": stored.size}
        return ApiResponse(body, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=None,
        responses={
            204: OpenApiResponse(description="the file is removed (or there was none)"),
            400: OpenApiResponse(ProblemSerializer, description="not a file question"),
            404: OpenApiResponse(ProblemSerializer, description=UNKNOWN_LINK),
            403: OpenApiResponse(ProblemSerializer, description=CLOSED),
            409: OpenApiResponse(
                SubmissionResultSerializer, description="already submitted: files no longer change"
            ),
        },
        auth=[],
    )
    def delete(self, request: Request, token: str, key: str) -> ApiResponse:
        try:
            answer_file_remove(token=token, key=key)
        except (InvalidLink, AlreadySubmitted, FormClosed) as error:
            return self._refused(request, error)
        return ApiResponse(status=status.HTTP_204_NO_CONTENT)
