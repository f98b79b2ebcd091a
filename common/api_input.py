"""What the API reads from a request, checked the same way everywhere: the query parameters of
every list's filters (common.api's parser checks JSON bodies), and the text "null" sent for a
nullable related field. Apart from common.api so that serializers can import it (common.api
is loaded by DRF's settings while its views are being built)."""

from __future__ import annotations

from typing import Any

from django.http import QueryDict
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request

NUL_REFUSED = (
    "Not valid text: it holds a NUL character (%00), which cannot be searched for or "
    "stored. Leave it out."
)


def validated_query(
    serializer_class: type[serializers.Serializer],
    request: Request,
    context: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The query parameters, read by every list's filters: a NUL character in any of them is
    a 400 naming the parameter (no database can search for it), then the serializer's checks
    (a bad one is a 400 naming it). A parameter sent empty (`?region=`, as a form sends an
    unchosen filter) is one left out: the schema says so (`allowEmptyValue`)."""
    given = QueryDict(mutable=True)
    for name, values in request.query_params.lists():
        if any("\x00" in value for value in values) or "\x00" in name:
            raise ValidationError({name.replace("\x00", ""): [NUL_REFUSED]})
        if any(values):
            given.setlist(name, [value for value in values if value])
    params = serializer_class(data=given, context=context or {})
    params.is_valid(raise_exception=True)
    return params.validated_data


NULL_TEXT = (
    "The text “null” is not a value here. To leave it empty, send JSON null "
    "(Content-Type: application/json) or leave the field out."
)


class NullTextRefused(serializers.RelatedField):
    """Put first in a nullable related field's bases: the text "null" (a form or multipart
    body cannot send JSON null) is refused saying how to send an empty value, instead of
    "Object with code=null does not exist"."""

    def to_internal_value(self, data: Any) -> Any:
        if self.allow_null and data == "null":
            raise ValidationError(NULL_TEXT)
        return super().to_internal_value(data)


class NullableSlugField(NullTextRefused, serializers.SlugRelatedField):
    """A SlugRelatedField refusing the text "null" with the way to send an empty value."""


class NullablePrimaryKeyField(NullTextRefused, serializers.PrimaryKeyRelatedField):
    """A PrimaryKeyRelatedField refusing the text "null" with the way to send an empty value."""
