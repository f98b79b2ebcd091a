"""API shapes of codings and of the texts that can be coded."""

from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework import serializers

from analysis.models import Coding
from analysis.selectors.codings import attribution_of
from analysis.selectors.tallies import ATTRIBUTES
from interviews.models import InterviewNote
from questionnaires.models import Answer


class CodingSerializer(serializers.ModelSerializer):
    codes = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    coder = serializers.SerializerMethodField()
    attribution = serializers.SerializerMethodField(
        help_text="How a report may name the source (never a name)."
    )

    class Meta:
        model = Coding
        fields = [
            "id", "answer", "note", "start", "end", "text", "memo", "codes", "lead_only",
            "coder", "created_at", "attribution",
        ]  # fmt: skip
        read_only_fields = fields

    def get_attribution(self, coding: Coding) -> str:
        return attribution_of(coding)

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
    by = serializers.ChoiceField(
        choices=list(ATTRIBUTES), required=False, help_text="With value: one cell of a tally."
    )
    value = serializers.CharField(
        required=False, allow_blank=True, help_text="The attribute's value (blank: not recorded)."
    )

    def validate(self, attrs: dict) -> dict:
        if ("by" in attrs) != ("value" in attrs):
            raise serializers.ValidationError(_("Give by and value together."))
        return attrs


class CodableQuery(serializers.Serializer):
    distribution = serializers.IntegerField(required=False, help_text="Its open answers.")
    interview = serializers.IntegerField(required=False, help_text="Its notes.")

    def validate(self, attrs: dict) -> dict:
        if ("distribution" in attrs) == ("interview" in attrs):
            raise serializers.ValidationError(_("Give either distribution or interview."))
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
