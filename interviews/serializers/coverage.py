"""API shapes of the coverage plan: a cell with planned vs reached, and a cell to set (the
group, the country or region, the method and the number planned)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework import serializers

from interviews.models import CoverageTarget
from interviews.selectors.coverage_plan import CoverageCell
from interviews.views.coverage import PLANNED_MAX


class GroupRefSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class CountryRefSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="ISO 3166-1 alpha-2.")
    name = serializers.CharField()


class RegionRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class CoverageCellSerializer(serializers.Serializer):
    stakeholder_group = GroupRefSerializer()
    country = CountryRefSerializer(allow_null=True, help_text="Null for a region's cell.")
    region = RegionRefSerializer(allow_null=True, help_text="Null for a country's cell.")
    method = serializers.ChoiceField(choices=CoverageTarget.Method.choices)
    planned = serializers.IntegerField()
    reached = serializers.IntegerField(
        allow_null=True,
        help_text="Interviews by the method's modes, or questionnaires submitted or returned; "
        "null where a small count of respondents is hidden (fewer than hidden_below).",
    )
    gap = serializers.IntegerField(
        allow_null=True, help_text="Planned − reached, never below 0; null where reached is."
    )
    hidden_below = serializers.IntegerField(
        allow_null=True,
        help_text="The threshold under which questionnaires reached are hidden from you "
        '(shown as "<N"); null when nothing is hidden from you.',
    )


class CoverageCellInputSerializer(serializers.Serializer):
    stakeholder_group = serializers.CharField(
        max_length=100, help_text="The group's code (e.g. government), or its name."
    )
    country = serializers.CharField(
        required=False,
        allow_null=True,
        allow_blank=True,
        max_length=120,
        help_text="ISO code (e.g. VN) or name. Give a country or a region, not both.",
    )
    region = serializers.CharField(
        required=False,
        allow_null=True,
        allow_blank=True,
        max_length=100,
        help_text="The region's id, code or name.",
    )
    method = serializers.ChoiceField(choices=CoverageTarget.Method.choices)
    planned = serializers.IntegerField(
        min_value=0, max_value=PLANNED_MAX, help_text="0 removes the cell from the plan."
    )

    def validate(self, attrs: dict[str, object]) -> dict[str, object]:
        if bool(attrs.get("country")) == bool(attrs.get("region")):
            raise serializers.ValidationError(
                {"country": _("Give a country or a region (one of the two).")}
            )
        return attrs


def cell_body(cell: CoverageCell) -> dict[str, object]:
    target = cell.target
    group, country, region = target.stakeholder_group, target.country, target.region
    return {
        "stakeholder_group": {"code": group.code, "name": group.name},
        "country": {"code": country.code, "name": country.name} if country else None,
        "region": {"id": region.pk, "name": region.name} if region else None,
        "method": target.method,
        "planned": cell.planned,
        "reached": cell.reached,
        "gap": cell.gap,
        "hidden_below": cell.hidden_below,
    }
