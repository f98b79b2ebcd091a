"""The API schema's answer for a write refused by a lock (common.errors.Locked answers 409 in
common.api's exception handler), for the operations a locked interview log or locked
responses refuse."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import serializers

from common.revisions import CONFLICT

LOCKED_DESCRIPTION = (
    "The records are locked (the interview log, or the distribution's responses): nothing "
    "was changed. `detail` says who locked them, when and why; reads and exports go on."
)

LOCKED = OpenApiResponse(
    response=inline_serializer(
        "Locked",
        {
            "detail": serializers.CharField(),
            "errors": serializers.DictField(child=serializers.ListField()),
        },
    ),
    description=LOCKED_DESCRIPTION,
)

# An edit that meets either an old revision or a lock: both answer 409.
CONFLICT_OR_LOCKED = OpenApiResponse(
    response=CONFLICT.response,
    description=f"{CONFLICT.description} Or: {LOCKED_DESCRIPTION} (then only `detail` and "
    "`errors`).",
)
