"""API plumbing shared by every app: one shape for every error (common.problems).

Bad input, whether refused by a serializer or by a service, answers
`{"detail": "<the first problem, as a sentence>", "errors": {"<field or line>": ["…"]}}`;
every other error the same, `errors` empty (401, 403, 404, 405, 429, 500, 503…).
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.db import InterfaceError, OperationalError
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination as DrfPageNumberPagination
from rest_framework.parsers import FormParser as DrfFormParser
from rest_framework.parsers import JSONParser as DrfJSONParser
from rest_framework.parsers import MultiPartParser as DrfMultiPartParser
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from common.api_input import NUL_REFUSED
from common.errors import Locked, ValidationProblem
from common.problems import DATABASE_DOWN, SERVER_ERROR, problem_body
from common.revisions import EditConflict
from common.text import lone_surrogate_path, nul_path

logger = logging.getLogger(__name__)


def _flatten(detail: Any, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error details as {"field.sub": ["message", …]}."""
    if isinstance(detail, dict):
        out: dict[str, list[str]] = {}
        for key, value in detail.items():
            name = "" if key == "non_field_errors" else str(key)
            out.update(_flatten(value, f"{prefix}.{name}" if prefix and name else prefix or name))
        return out
    if isinstance(detail, list) and detail and all(isinstance(d, dict | list) for d in detail):
        out = {}
        for index, value in enumerate(detail):
            out.update(_flatten(value, f"{prefix}.{index}" if prefix else str(index)))
        return out
    messages = [str(d) for d in detail] if isinstance(detail, list) else [str(detail)]
    return {prefix: messages} if messages else {}


SURROGATE_REFUSED = (
    "Not valid text: it holds a lone surrogate (a \\ud800-\\udfff escape without its pair), "
    "which cannot be stored. Send the text as UTF-8."
)


def refuse_unstorable_text(data: Any, *, nul: bool = True) -> None:
    """A 400 naming where parsed input holds text no database can store or search for: a lone
    surrogate, and (unless `nul` is off) a NUL character."""
    path = lone_surrogate_path(data)
    if path is not None:
        raise ValidationError({path or "": [SURROGATE_REFUSED]})
    path = nul_path(data) if nul else None
    if path is not None:
        raise ValidationError({path or "": [NUL_REFUSED]})


def refuse_in_fields(fields: Any) -> None:
    """The same refusals for a form's fields (a QueryDict), naming the field."""
    for name, values in fields.lists():
        try:
            refuse_unstorable_text([name, *values])
        except ValidationError as refused:
            messages = next(iter(refused.detail.values()))  # type: ignore[union-attr]
            raise ValidationError({name.replace("\x00", ""): messages}) from None


class JSONParser(DrfJSONParser):
    """DRF's JSON parser, refusing text no database can store (a lone surrogate such as
    "\\ud800", a NUL character) with a 400 naming where it is, before any view sees it."""

    refuse_nul = True

    def parse(self, stream: Any, media_type: Any = None, parser_context: Any = None) -> Any:
        data = super().parse(stream, media_type, parser_context)
        refuse_unstorable_text(data, nul=self.refuse_nul)
        return data


class FormParser(DrfFormParser):
    """DRF's form parser, with the JSON parser's refusals (a field's values by its name)."""

    def parse(self, stream: Any, media_type: Any = None, parser_context: Any = None) -> Any:
        data = super().parse(stream, media_type, parser_context)
        refuse_in_fields(data)
        return data


class MultiPartParser(DrfMultiPartParser):
    """DRF's multipart parser, with the JSON parser's refusals for the fields (not the files:
    their content is read by the import, which says what it cannot read)."""

    def parse(self, stream: Any, media_type: Any = None, parser_context: Any = None) -> Any:
        parsed = super().parse(stream, media_type, parser_context)
        refuse_in_fields(parsed.data)
        return parsed


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Domain problems and serializer errors as one 400 shape; a database that cannot be reached
    as 503 and any other failure as 500, in JSON too (never an HTML page or a trace); the rest
    as DRF does, in the same shape (`errors` empty). An edit based on an old revision answers
    409 with what changed meanwhile."""
    if isinstance(exc, EditConflict):
        set_rollback()
        return Response(exc.as_dict(), status=409)
    if isinstance(exc, ValidationProblem):
        locked = isinstance(exc, Locked)  # the records are locked: a conflict, not bad input
        return Response(problem_body(exc.message, exc.errors), status=409 if locked else 400)
    response = drf_exception_handler(exc, context)
    if response is None and isinstance(exc, OperationalError | InterfaceError):
        logger.error("API request failed, the database is unreachable: %r", exc)
        set_rollback()
        return Response(problem_body(DATABASE_DOWN, {}), status=503, headers={"Retry-After": "30"})
    if response is None and not settings.DEBUG:  # DEBUG keeps Django's page with the trace
        logger.error("API request failed", exc_info=exc)
        set_rollback()
        return Response(problem_body(SERVER_ERROR, {}), status=500)
    if response is None:
        return response
    if isinstance(exc, ValidationError) or not (
        isinstance(response.data, dict) and set(response.data) == {"detail"}
    ):
        errors = _flatten(response.data)
        field, messages = next(iter(errors.items()), ("", ["Invalid input."]))
        sentence = f"{field}: {messages[0]}" if field else messages[0]
        response.data = problem_body(sentence, errors)
    else:  # 401, 403, 404, 405, 406, 415, 429…: the sentence alone
        response.data = problem_body(str(response.data["detail"]), {})
    return response


class PageNumberPagination(DrfPageNumberPagination):
    """DRF's pages, with the page number checked as the schema says: a page that is not a
    whole number from 1 is a 400 naming `page` (DRF answered 404 "Invalid page."); a page
    past the last one stays a 404."""

    def get_page_number(self, request: Any, paginator: Any) -> Any:
        number = request.query_params.get(self.page_query_param)
        if number in (None, "") or number in self.last_page_strings:
            return super().get_page_number(request, paginator)
        if not number.isascii() or not number.isdigit() or int(number) < 1:
            message = "Not a page number: give a whole number from 1."
            raise ValidationError({self.page_query_param: [message]})
        return number
