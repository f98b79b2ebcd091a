"""API shapes of the evaluation matrix."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from analysis.formats.matrix_format import FORMATS, KINDS
from analysis.models import Criterion, EvaluationQuestion
from analysis.services.matrix import source_ref


class SourceSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(
        choices=KINDS,
        help_text="question (INSTRUMENT:VERSION:QUESTION), group (a stakeholder group's name) "
        "or document (free text).",
    )
    ref = serializers.CharField(
        max_length=2000, help_text="The source, as the matrix files write it."
    )


class QuestionSerializer(serializers.ModelSerializer):
    criterion = serializers.PrimaryKeyRelatedField(read_only=True)
    sources = serializers.SerializerMethodField()

    class Meta:
        model = EvaluationQuestion
        fields = ["id", "criterion", "order", "number", "text", "sources"]

    @extend_schema_field(SourceSerializer(many=True))
    def get_sources(self, question: EvaluationQuestion) -> list[dict[str, str]]:
        return [{"kind": s.kind, "ref": source_ref(s)} for s in question.sources.all()]


class QuestionWriteSerializer(serializers.Serializer):
    criterion = serializers.IntegerField(help_text="The criterion's id.")
    number = serializers.CharField(max_length=20)
    text = serializers.CharField(max_length=5000)
    order = serializers.IntegerField(required=False, min_value=0, max_value=32767)
    sources = SourceSerializer(many=True, required=False)


class CriterionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Criterion
        fields = ["id", "order", "label", "name", "description"]
        extra_kwargs = {"description": {"required": False}, "order": {"required": False}}


class MatrixQuestionSerializer(serializers.Serializer):
    number = serializers.CharField()
    text = serializers.CharField()
    sources = SourceSerializer(many=True)


class MatrixCriterionSerializer(serializers.Serializer):
    label = serializers.CharField()
    name = serializers.CharField()
    description = serializers.CharField(allow_blank=True)
    questions = MatrixQuestionSerializer(many=True)


class MatrixFileQuery(serializers.Serializer):
    file_format = serializers.ChoiceField(
        choices=FORMATS, default="csv", help_text="csv, xlsx or yaml (`format` is DRF's own)."
    )


class MatrixUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="A .csv, .xlsx or .yaml file, as the export writes it.")


class MatrixCountsSerializer(serializers.Serializer):
    criteria = serializers.IntegerField()
    questions = serializers.IntegerField()
    sources = serializers.IntegerField()
