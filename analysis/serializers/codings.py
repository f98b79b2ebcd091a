"""API shapes of codings and of the texts that can be coded."""

from __future__ import annotations

from rest_framework import serializers

from analysis.models import Coding
from interviews.models import InterviewNote
from questionnaires.models import Answer


class CodingSerializer(serializers.ModelSerializer):
    codes = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    coder = serializers.SerializerMethodField()

    class Meta:
        model = Coding
        fields = [
            "id", "answer", "note", "start", "end", "text", "memo", "codes", "lead_only",
            "coder", "created_at",
        ]  # fmt: skip
        read_only_fields = fields

    def get_coder(self, coding: Coding) -> str:
        return str(coding.coder) if coding.coder_id else ""


class CodingWriteSerializer(serializers.Serializer):
    answer = serializers.IntegerField(required=False, allow_null=True, help_text="An answer's id.")
    note = serializers.IntegerField(
        required=False, allow_null=True, help_text="An interview note's id."
    )
    start = serializers.IntegerField(min_value=0, help_text="First character (0-based).")
    end = serializers.IntegerField(min_value=1, help_text="The character after the last one.")
    codes = serializers.ListField(child=serializers.IntegerField(), help_text="Code ids.")
    memo = serializers.CharField(required=False, allow_blank=True, max_length=20000)


class CodingChangeSerializer(serializers.Serializer):
    codes = serializers.ListField(child=serializers.IntegerField(), required=False)
    memo = serializers.CharField(required=False, allow_blank=True, max_length=20000)


class CodingFilterSerializer(serializers.Serializer):
    code = serializers.IntegerField(required=False, help_text="A code (its sub-codes too).")
    answer = serializers.IntegerField(required=False)
    note = serializers.IntegerField(required=False)


class CodableQuery(serializers.Serializer):
    distribution = serializers.IntegerField(required=False, help_text="Its open answers.")
    interview = serializers.IntegerField(required=False, help_text="Its notes.")

    def validate(self, attrs: dict) -> dict:
        if ("distribution" in attrs) == ("interview" in attrs):
            raise serializers.ValidationError("Give either distribution or interview.")
        return attrs


class CodableAnswerSerializer(serializers.ModelSerializer):
    question = serializers.CharField(source="question.key")

    class Meta:
        model = Answer
        fields = ["id", "question", "text"]


class CodableNoteSerializer(serializers.ModelSerializer):
    lead_only = serializers.SerializerMethodField()

    class Meta:
        model = InterviewNote
        fields = ["id", "question", "text", "attribution", "lead_only"]

    def get_lead_only(self, note: InterviewNote) -> bool:
        return note.visibility == InterviewNote.Visibility.LEAD


class CodableSerializer(serializers.Serializer):
    answers = CodableAnswerSerializer(many=True)
    notes = CodableNoteSerializer(many=True)
