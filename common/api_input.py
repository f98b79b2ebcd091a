"""What the API reads from a request, checked the same way everywhere: the bodies (the parsers
refuse text no database can store), the query parameters of every list's filters, the page
number, and the text "null" sent for a nullable related field. Apart from common.api, which
imports DRF's views: DRF's settings import the parsers and the pagination named here while
those views are being built."""

from __future__ import annotations

from typing import Any

from django.http import QueryDict
from django.utils.translation import gettext, gettext_noop
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination as DrfPageNumberPagination
from rest_framework.parsers import FormParser as DrfFormParser
from rest_framework.parsers import JSONParser as DrfJSONParser
from rest_framework.parsers import MultiPartParser as DrfMultiPartParser
from rest_framework.request import Request

from common.text import lone_surrogate_path, nul_path

NUL_REFUSED = gettext_noop(
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
            raise ValidationError({name.replace("\x00", ""): [gettext(NUL_REFUSED)]})
        if any(values):
            given.setlist(name, [value for value in values if value])
    params = serializer_class(data=given, context=context or {})
    params.is_valid(raise_exception=True)
    return params.validated_data


NULL_TEXT = gettext_noop(
    "The text “null” is not a value here. To leave it empty, send JSON null "
    "(Content-Type: application/json) or leave the field out."
)


class NullTextRefused(serializers.RelatedField):
    """Put first in a nullable related field's bases: the text "null" (a form or multipart
    body cannot send JSON null) is refused saying how to send an empty value, instead of
    "Object with code=null does not exist"."""

    def to_internal_value(self, data: Any) -> Any:
        if self.allow_null and data == "null":
            raise ValidationError(gettext(NULL_TEXT))
        return super().to_internal_value(data)


class NullableSlugField(NullTextRefused, serializers.SlugRelatedField):
    """A SlugRelatedField refusing the text "null" with the way to send an empty value."""


class NullablePrimaryKeyField(NullTextRefused, serializers.PrimaryKeyRelatedField):
    """A PrimaryKeyRelatedField refusing the text "null" with the way to send an empty value."""


SURROGATE_REFUSED = gettext_noop(
    "Not valid text: it holds a lone surrogate (a \\ud800-\\udfff escape without its pair), "
    "which cannot be stored. Send the text as UTF-8."
)


def refuse_unstorable_text(data: Any, *, nul: bool = True) -> None:
    """A 400 naming where parsed input holds text no database can store or search for: a lone
    surrogate, and (unless `nul` is off) a NUL character."""
    path = lone_surrogate_path(data)
    if path is not None:
        raise ValidationError({path or "": [gettext(SURROGATE_REFUSED)]})
    path = nul_path(data) if nul else None
    if path is not None:
        raise ValidationError({path or "": [gettext(NUL_REFUSED)]})


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


class PageNumberPagination(DrfPageNumberPagination):
    """DRF's pages, with the page number checked as the schema says: a page that is not a
    whole number from 1 is a 400 naming `page` (DRF answered 404 "Invalid page."); a page
    past the last one stays a 404."""

    def get_page_number(self, request: Any, paginator: Any) -> Any:
        number = request.query_params.get(self.page_query_param)
        if number in (None, "") or number in self.last_page_strings:
            return super().get_page_number(request, paginator)
        if not number.isascii() or not number.isdigit() or int(number) < 1:
            message = gettext("Not a page number: give a whole number from 1.")
            raise ValidationError({self.page_query_param: [message]})
        return number
