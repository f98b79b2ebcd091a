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
from django.utils.translation import gettext
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from common.errors import Locked, ValidationProblem
from common.problems import DATABASE_DOWN, SERVER_ERROR, problem_body
from common.revisions import EditConflict

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
        return Response(
            problem_body(gettext(DATABASE_DOWN), {}), status=503, headers={"Retry-After": "30"}
        )
    if response is None and not settings.DEBUG:  # DEBUG keeps Django's page with the trace
        logger.error("API request failed", exc_info=exc)
        set_rollback()
        return Response(problem_body(gettext(SERVER_ERROR), {}), status=500)
    if response is None:
        return response
    if isinstance(exc, ValidationError) or not (
        isinstance(response.data, dict) and set(response.data) == {"detail"}
    ):
        errors = _flatten(response.data)
        field, messages = next(iter(errors.items()), ("", [gettext("Invalid input.")]))
        sentence = f"{field}: {messages[0]}" if field else messages[0]
        response.data = problem_body(sentence, errors)
    else:  # 401, 403, 404, 405, 406, 415, 429…: the sentence alone
        response.data = problem_body(str(response.data["detail"]), {})
    return response
