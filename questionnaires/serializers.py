from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from questionnaires.models import Distribution, Instrument, InstrumentVersion, Invitation, Response


class VersionSummarySerializer(serializers.ModelSerializer):
    frozen = serializers.BooleanField(source="is_frozen", read_only=True)

    class Meta:
        model = InstrumentVersion
        fields = ["number", "frozen", "title", "languages", "created_at"]


class InstrumentSerializer(serializers.ModelSerializer):
    versions = VersionSummarySerializer(many=True, read_only=True)

    class Meta:
        model = Instrument
        fields = ["id", "key", "kind", "versions"]


class InstrumentImportSerializer(serializers.Serializer):
    yaml = serializers.CharField(
        required=False, trim_whitespace=False, help_text="The instrument file's text."
    )
    file = serializers.FileField(required=False, help_text="Or the file itself (multipart).")

    def validate(self, data: dict) -> dict:
        if data.get("file") is not None:
            try:
                data["yaml"] = data["file"].read().decode("utf-8")
            except UnicodeDecodeError as exc:
                raise serializers.ValidationError({"file": "The file is not UTF-8 text."}) from exc
        if not data.get("yaml"):
            raise serializers.ValidationError({"yaml": "Give the file's text, or the file."})
        return data


class ImportResultSerializer(serializers.Serializer):
    instrument = serializers.CharField()
    version = serializers.IntegerField()
    outcome = serializers.CharField()
    summary = serializers.CharField()


class VersionSpecSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    frozen = serializers.BooleanField()
    spec = serializers.JSONField(help_text="The canonical instrument, as in the YAML format.")


class DistributionSerializer(serializers.ModelSerializer):
    instrument = serializers.SlugRelatedField(
        source="version.instrument", slug_field="key", read_only=True
    )
    version = serializers.IntegerField(source="version.number", read_only=True)

    class Meta:
        model = Distribution
        fields = [
            "id", "title", "instrument", "version", "confidentiality", "languages", "deadline",
            "closes_at", "created_at",
        ]  # fmt: skip


class DistributionCreateSerializer(serializers.Serializer):
    instrument = serializers.CharField(help_text="The instrument's key.")
    version = serializers.IntegerField(min_value=1)
    title = serializers.CharField(max_length=300)
    confidentiality = serializers.ChoiceField(choices=Distribution.Confidentiality.choices)
    languages = serializers.ListField(
        child=serializers.ChoiceField(choices=[c for c, _n in settings.LANGUAGES]), required=False
    )
    deadline = serializers.DateTimeField(required=False, allow_null=True)
    closes_at = serializers.DateTimeField(required=False, allow_null=True)


class InvitationSerializer(serializers.ModelSerializer):
    link = serializers.SerializerMethodField()

    class Meta:
        model = Invitation
        fields = ["id", "name", "email", "language", "attributes", "status", "link", "created_at"]
        read_only_fields = ["id", "status", "link", "created_at"]

    def get_link(self, invitation: Invitation) -> str | None:
        """The personal link; null for roles that may not see it (see can_see_links)."""
        if not self.context.get("show_links", False):
            return None
        return settings.SITE_URL.rstrip("/") + reverse("respondent:start", args=[invitation.token])


class ResponseSerializer(serializers.ModelSerializer):
    respondent = serializers.SerializerMethodField()
    answers = serializers.SerializerMethodField(
        help_text="Question key to value; null when your role may not read them."
    )
    answers_withheld = serializers.SerializerMethodField()

    class Meta:
        model = Response
        fields = [
            "id", "status", "channel", "route", "language", "late", "attributes", "submitted_at",
            "respondent", "answers", "answers_withheld",
        ]  # fmt: skip

    def get_respondent(self, response: Response) -> str | None:
        return response.invitation.name if response.invitation else None

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_answers(self, response: Response) -> dict[str, object] | None:
        if not self.context["readable"](response):
            return None
        out: dict[str, object] = {}
        for a in response.answers.all():
            kind = a.question.kind
            if kind == "multiple_choice":
                out[a.question.key] = a.choices
            elif kind in ("single_choice", "likert"):
                out[a.question.key] = a.choice
            elif kind == "number" and a.number is not None:
                out[a.question.key] = float(a.number)
            else:
                out[a.question.key] = a.text
        return out

    def get_answers_withheld(self, response: Response) -> str | None:
        if self.context["readable"](response):
            return None
        return "lead evaluator only" if response.confidentiality == "lead" else "role"


class SubmissionSerializer(serializers.Serializer):
    answers = serializers.DictField(
        child=serializers.JSONField(),
        help_text="Question key to answer: text, number, choice code, or a list of codes.",
    )
    language = serializers.CharField(required=False, allow_blank=True, max_length=8)
    route = serializers.ChoiceField(
        choices=["lead", "team"],
        required=False,
        help_text="Who reads the answers, where the respondent chooses (lead or team).",
    )


class SubmissionResultSerializer(serializers.Serializer):
    status = serializers.CharField()
    submitted_at = serializers.DateTimeField(allow_null=True)
