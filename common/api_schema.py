"""The OpenAPI schema's error answers: every operation documents each status it can return,
with the one error shape (common.problems), derived from what the view does — not written by
hand on 127 operations, where they would drift.

- 400 when the operation reads input (a body, a query parameter);
- 401 and 403 unless anyone may call it (token first: 401 carries `WWW-Authenticate: Token`);
- 404 when the address holds an id or a slug, or the list is paged (a page past the end);
- 409 for writes on what a lock or a newer revision can refuse (evaluations, the registry);
- 415 when there is a body (a content type no parser reads);
- 429 when the view is throttled;
- 503 everywhere: the database cannot be reached (with `Retry-After`).

A status a view documents itself (`@extend_schema(responses=…)`) keeps its own description
and body (the error shape when it gave none). An optional query parameter may be sent empty:
it is then one left out (`allowEmptyValue`, common.api_input.validated_query)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers
from rest_framework.permissions import AllowAny

from common.revisions import CONFLICT

WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# Writes here can meet a lock (the interview log, locked responses) or an edit based on an
# old revision: 409 with the sentence saying who locked or changed what.
CONFLICT_PREFIXES = ("/api/v1/evaluations/{", "/api/v1/registry/")

DESCRIPTIONS = {
    400: "Bad input: `detail` says what is wrong, `errors` names each field or line.",
    401: "No credentials, or a token that is not valid (`WWW-Authenticate: Token`).",
    403: "Your role in this evaluation does not allow this.",
    404: "Nothing answers at this address (an id, a slug or a page that does not exist).",
    409: "Refused as it stands: locked, or changed by someone else since you read it.",
    415: "The body's content type is not one this operation reads.",
    429: "Too many requests: wait for `Retry-After` seconds.",
    503: "The database cannot be reached just now; nothing was stored. Retry after `Retry-After`.",
}


class ProblemSerializer(serializers.Serializer):
    """Every error under /api/: the first problem as a sentence, and each field's messages."""

    detail = serializers.CharField()
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Messages by field (nested fields dotted, `languages.1`; files by "
        "`line 12`); empty when no field is at fault.",
    )


class AutoSchema(SpectacularAutoSchema):
    """drf-spectacular's AutoSchema, adding the error answers each operation can give."""

    def get_operation(self, *args: Any, **kwargs: Any) -> dict[str, Any] | None:
        operation = super().get_operation(*args, **kwargs)
        if operation is None:
            return None
        for parameter in operation.get("parameters", []):
            if parameter.get("in") == "query" and not parameter.get("required"):
                parameter["allowEmptyValue"] = True  # common.api_input.validated_query
        responses = operation.setdefault("responses", {})
        for code in self.error_statuses(operation):
            if str(code) in responses:
                continue
            answer = self._get_response_for_code(ProblemSerializer, str(code))
            answer["description"] = DESCRIPTIONS[code]
            if code in (429, 503):
                answer["headers"] = {
                    "Retry-After": {"schema": {"type": "integer"}, "description": "Seconds."}
                }
            responses[str(code)] = answer
        for code, answer in responses.items():
            if code >= "400" and "content" not in answer:  # described by the view, no body
                answer["content"] = self._get_response_for_code(ProblemSerializer, code)["content"]
        operation["responses"] = dict(sorted(responses.items()))
        return operation

    def error_statuses(self, operation: dict[str, Any]) -> list[int]:
        parameters = operation.get("parameters", [])
        located = {p.get("in") for p in parameters}
        has_body = "requestBody" in operation
        codes = {503}
        if has_body or "query" in located or self.method in WRITES:
            codes.add(400)
        if not all(isinstance(p, AllowAny) for p in self.view.get_permissions()):
            codes.update((401, 403))
        paged = any(p.get("in") == "query" and p.get("name") == "page" for p in parameters)
        if "path" in located or paged:
            codes.add(404)
        if self.method in WRITES and self.path.startswith(CONFLICT_PREFIXES):
            codes.add(409)
        if has_body:
            codes.add(415)
        if self.view.get_throttles():
            codes.add(429)
        return sorted(codes)


def file_responses(description: str, *media_types: str) -> dict[tuple[int, str], Any]:
    """A download's 200, documented once per content type it can answer with."""
    return {
        (200, media): OpenApiResponse(OpenApiTypes.BINARY, description) for media in media_types
    }


LOCKED_DESCRIPTION = (
    "The records are locked (the interview log, or the distribution's responses): nothing "
    "was changed. `detail` says who locked them, when and why; reads and exports go on."
)
# A write refused by a lock (common.errors.Locked answers 409 in common.api's handler).
LOCKED = OpenApiResponse(response=ProblemSerializer, description=LOCKED_DESCRIPTION)
# An edit that meets either an old revision or a lock: both answer 409.
CONFLICT_OR_LOCKED = OpenApiResponse(
    response=CONFLICT.response,
    description=f"{CONFLICT.description} Or: {LOCKED_DESCRIPTION} (then only `detail` and "
    "`errors`).",
)
