"""API plumbing shared by every app: the exception handler."""

from __future__ import annotations

from typing import Any

from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from common.errors import ValidationProblem


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Turn a domain ValidationProblem into a 400 with field errors; the rest as DRF does."""
    if isinstance(exc, ValidationProblem):
        return Response(exc.as_dict(), status=400)
    return drf_exception_handler(exc, context)
