"""API shapes of the codebook."""

from __future__ import annotations

from rest_framework import serializers

from analysis.models import Code


class CodeSerializer(serializers.ModelSerializer):
    questions = serializers.SlugRelatedField(
        many=True, read_only=True, slug_field="number", help_text="Evaluation question numbers."
    )

    class Meta:
        model = Code
        fields = ["id", "guid", "parent", "order", "name", "description", "color", "questions"]
        read_only_fields = ["guid", "parent", "order"]


class CodeWriteSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    parent = serializers.IntegerField(required=False, allow_null=True, help_text="A code's id.")
    description = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    color = serializers.CharField(required=False, allow_blank=True, max_length=7)
    questions = serializers.ListField(
        child=serializers.CharField(max_length=20),
        required=False,
        help_text="Evaluation question numbers, e.g. a.3.",
    )


class CodebookFileQuery(serializers.Serializer):
    file_format = serializers.ChoiceField(choices=["qdc", "csv"], default="qdc")


class CodebookUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="A REFI-QDA codebook (.qdc).")
    dry_run = serializers.BooleanField(default=False, help_text="Say what would change only.")


class CodebookReportSerializer(serializers.Serializer):
    created = serializers.ListField(child=serializers.CharField())
    updated = serializers.ListField(child=serializers.CharField())
    unchanged = serializers.IntegerField()
    warnings = serializers.ListField(child=serializers.CharField())
    dry_run = serializers.BooleanField()
