"""API plumbing shared by every app: one shape for every 400.

Bad input, whether refused by a serializer or by a service, answers
`{"detail": "<the first problem, as a sentence>", "errors": {"<field or line>": ["…"]}}`.
"""

from __future__ import annotations

from typing import Any

from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from common.errors import ValidationProblem


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


def problem_body(message: str, errors: dict[str, list[str]]) -> dict[str, object]:
    return {"detail": message, "errors": errors}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Domain problems and serializer errors as one 400 shape; the rest as DRF does."""
    if isinstance(exc, ValidationProblem):
        return Response(problem_body(exc.message, exc.errors), status=400)
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(exc, ValidationError):
        errors = _flatten(exc.detail)
        field, messages = next(iter(errors.items()), ("", ["Invalid input."]))
        sentence = f"{field}: {messages[0]}" if field else messages[0]
        response.data = problem_body(sentence, errors)
    return response
