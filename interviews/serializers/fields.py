"""Fields of the interview log's API shapes: choices whose refusal lists the accepted values,
ids scoped to the evaluation, countries and stakeholder groups by code, regions and reporting
categories by id or name."""

from __future__ import annotations

from typing import Any

from django.db.models import Model, QuerySet
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from common.api_input import NullTextRefused
from stakeholders.models import Region


def _message(text: str, **values: object) -> str:
    """A refusal translated when shown; DRF fills in "{input}", "{pk_value}" and the like."""
    return _(text) % {key: str(value) for key, value in values.items()}


# Module-level fields are built at import: their messages are translated when shown.
message = lazy(_message, str)


def choice_field(
    choices: Any,
    what: str,
    field_class: type[serializers.ChoiceField] = serializers.ChoiceField,
    **kwargs: Any,
) -> serializers.ChoiceField:
    """A choice whose refusal lists the accepted values (worded as the services word it)."""
    refusal = message(
        gettext_noop("“%(value)s” is not a known %(what)s. Use one of: %(known)s."),
        value="{input}",
        what=what,
        known=", ".join(choices.values),
    )
    return field_class(
        choices=choices.choices, error_messages={"invalid_choice": refusal}, **kwargs
    )


@extend_schema_field(OpenApiTypes.STR)
class PlainChoiceField(serializers.ChoiceField):
    """A choice shown as a plain string in the schema (its help text lists the values), where
    an enum would collide with another of the same name or values (e.g. the interview's kind
    with instruments' and organisations' kinds; note visibility with response routes)."""


ID_OR_NAME = {"oneOf": [{"type": "integer"}, {"type": "string"}]}


class ScopedPrimaryKeyField(NullTextRefused, serializers.PrimaryKeyRelatedField):
    """An id among the rows of the evaluation in the serializer's context (`scope` names the
    lookup to it); an id elsewhere is refused as unknown, never revealed."""

    def __init__(self, *, scope: str = "", what: str = "", **kwargs: Any) -> None:
        self.scope = scope
        kwargs.setdefault(
            "error_messages",
            {
                "does_not_exist": message(
                    gettext_noop("There is no %(what)s with id %(id)s."), what=what, id="{pk_value}"
                ),
                "incorrect_type": message(
                    gettext_noop("Give the id of the %(what)s (a number), not %(type)s."),
                    what=what,
                    type="{data_type}",
                ),
            },
        )
        super().__init__(**kwargs)

    def get_queryset(self) -> QuerySet:
        queryset = super().get_queryset()
        if self.scope:
            queryset = queryset.filter(**{self.scope: self.context["evaluation"]})
        return queryset


class CodeField(NullTextRefused, serializers.SlugRelatedField):
    """A country or stakeholder group by its code, case ignored."""

    def __init__(self, *, what: str, **kwargs: Any) -> None:
        kwargs.setdefault(
            "error_messages",
            {
                "does_not_exist": message(
                    gettext_noop("There is no %(what)s with the code “%(code)s”."),
                    what=what,
                    code="{value}",
                )
            },
        )
        kwargs.setdefault("allow_null", True)
        kwargs.setdefault("required", False)
        super().__init__(slug_field="code", **kwargs)

    def to_internal_value(self, data: Any) -> Model:
        if isinstance(data, str) and self.queryset is not None:
            match = self.queryset.filter(code__iexact=data.strip()).first()
            if match is not None:
                return match
        return super().to_internal_value(data)


@extend_schema_field(ID_OR_NAME)
class RegionField(serializers.Field):
    """A region by id, name or code."""

    def to_internal_value(self, data: Any) -> Region:
        region = None
        if isinstance(data, int) and not isinstance(data, bool):
            region = Region.objects.filter(pk=data).first()
        elif isinstance(data, str) and data.strip():
            text = data.strip()
            region = Region.objects.filter(name__iexact=text).first() or (
                Region.objects.filter(code__iexact=text).first()
            )
            if region is None and text.isdigit():
                region = Region.objects.filter(pk=int(text)).first()
        if region is None:
            known = ", ".join(
                Region.objects.order_by("order", "name").values_list("name", flat=True)
            )
            raise serializers.ValidationError(
                _("There is no region “%(value)s”. Use the id or name of one of: %(known)s.")
                % {"value": data, "known": known}
            )
        return region

    def to_representation(self, value: Region) -> Any:
        return value.pk


@extend_schema_field(ID_OR_NAME)
class CategoryField(serializers.Field):
    """A reporting category of the evaluation: by id (a number), or by name (a text; a new name
    adds the category)."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, int) and not isinstance(data, bool):
            found = self.context["evaluation"].reporting_categories.filter(pk=data).first()
            if found is None:
                raise serializers.ValidationError(
                    _("There is no reporting category with id %(id)d in this evaluation.")
                    % {"id": data}
                )
            return found
        if isinstance(data, str):
            return data  # the service finds it by name, or adds it
        raise serializers.ValidationError(
            _("Give the reporting category's id (a number) or its name (a text).")
        )

    def to_representation(self, value: Any) -> Any:
        return getattr(value, "pk", value)
