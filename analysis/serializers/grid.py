"""API shapes of the criteria grid."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from analysis.models import AssessedUnit, Assessment


class AssessedUnitSerializer(serializers.ModelSerializer):
    class Meta:
        model = AssessedUnit
        fields = ["id", "order", "kind", "name", "description"]
        read_only_fields = ["order"]


class RatingScaleSerializer(serializers.Serializer):
    levels = serializers.ListField(
        child=serializers.CharField(max_length=80, allow_blank=True),
        max_length=10,
        help_text="The levels, best first; an empty list makes the grid text only.",
    )


class AssessmentWriteSerializer(serializers.Serializer):
    unit = serializers.IntegerField(help_text="An assessed unit's id.")
    criterion = serializers.IntegerField(help_text="A criterion's id.")
    state = serializers.ChoiceField(choices=Assessment.State.choices)
    text = serializers.CharField(required=False, allow_blank=True, max_length=50000)
    rating = serializers.CharField(required=False, allow_blank=True, max_length=80)
    documents = serializers.CharField(
        required=False, allow_blank=True, max_length=20000, help_text="One document per line."
    )
    codings = serializers.ListField(
        child=serializers.IntegerField(), required=False, help_text="Coded excerpts' ids."
    )
    interviews = serializers.ListField(
        child=serializers.IntegerField(), required=False, help_text="Interviews' ids."
    )


class GridExcerptSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    codes = serializers.ListField(child=serializers.CharField())
    text = serializers.CharField()
    attribution = serializers.CharField()


class GridInterviewSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    label = serializers.CharField()


class GridCellSerializer(serializers.Serializer):
    criterion_id = serializers.IntegerField()
    criterion = serializers.CharField()
    criterion_label = serializers.CharField()
    state = serializers.ChoiceField(choices=Assessment.State.choices)
    state_label = serializers.CharField()
    text = serializers.CharField()
    rating = serializers.CharField()
    documents = serializers.ListField(child=serializers.CharField())
    excerpts = GridExcerptSerializer(many=True, help_text="The linked excerpts you may read.")
    excerpts_total = serializers.IntegerField(help_text="All linked excerpts.")
    interviews = serializers.SerializerMethodField()
    interviews_total = serializers.IntegerField()

    @extend_schema_field(GridInterviewSerializer(many=True))
    def get_interviews(self, cell: object) -> list[dict[str, object]]:
        return [{"id": pk, "label": label} for pk, label in cell.interviews]  # type: ignore[attr-defined]


class GridUnitSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=AssessedUnit.Kind.choices)
    kind_label = serializers.CharField()
    description = serializers.CharField()
    cells = GridCellSerializer(many=True)


class GridSerializer(serializers.Serializer):
    levels = serializers.ListField(child=serializers.CharField())
    units = GridUnitSerializer(many=True)
