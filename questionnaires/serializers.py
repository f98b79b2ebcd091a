"""API shapes of the questionnaires: instruments, distributions, invitations, messages,
responses, submissions and response tracking."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from common.api_input import NullablePrimaryKeyField
from common.upload_limits import size_text
from questionnaires import links
from questionnaires.instrument_format import yaml_refusal
from questionnaires.instrument_format.xlsform import is_workbook, xlsform_to_yaml
from questionnaires.models import (
    Distribution,
    Instrument,
    InstrumentVersion,
    Invitation,
    Message,
    Response,
)
from questionnaires.selectors.distributions import reminder_plan
from questionnaires.selectors.responses import HistoryLine, day_of, day_only, invitation_history
from stakeholders.models import Person


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
    file = serializers.FileField(
        required=False,
        help_text="Or the file itself (multipart): YAML, or an XLSForm workbook (.xlsx).",
    )

    def validate(self, data: dict) -> dict:
        limit = settings.INSTRUMENT_MAX_BYTES
        if data.get("file") is not None and data["file"].size > limit:
            raise serializers.ValidationError({"file": _larger_than(limit)})
        if data.get("file") is not None:
            content = data["file"].read()
            if is_workbook(content):  # an XLSForm: its problems come back by sheet and row
                data["yaml"] = xlsform_to_yaml(content)
                return data
            try:
                data["yaml"] = content.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise serializers.ValidationError(
                    {"file": _("The file is not UTF-8 text.")}
                ) from exc
        if not data.get("yaml"):
            raise serializers.ValidationError({"yaml": _("Give the file's text, or the file.")})
        if len(data["yaml"].encode("utf-8", "surrogatepass")) > limit:
            raise serializers.ValidationError({"yaml": _larger_than(limit)})
        refused = yaml_refusal(data["yaml"])
        if refused is not None:  # e.g. an alias bomb, refused before the YAML is composed
            field = "file" if data.get("file") is not None else "yaml"
            raise serializers.ValidationError({field: f"Line {refused[0]}: {refused[1]}"})
        return data


def _larger_than(limit: int) -> str:
    return _("The file is larger than %(size)s.") % {"size": size_text(limit)}


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

    reminders = serializers.SerializerMethodField(
        help_text="Planned reminders: when, and how many were sent for each."
    )

    class Meta:
        model = Distribution
        fields = [
            "id", "title", "instrument", "version", "confidentiality", "languages", "deadline",
            "closes_at", "time_zone", "sender_name", "reply_to", "invitation_subject",
            "invitation_body", "reminder_subject", "reminder_body", "reminder_days",
            "max_reminders", "audience", "sent_at", "reminders", "created_at",
            "responses_locked_at", "responses_lock_reason",
        ]  # fmt: skip
        # Locked and unlocked through …/lock/ and …/unlock/, with a reason.
        read_only_fields = ["responses_locked_at", "responses_lock_reason"]

    @extend_schema_field(
        {"type": "array", "items": {"type": "object", "properties": {
            "planned_at": {"type": "string", "format": "date-time"},
            "sent": {"type": "integer"}}}}
    )  # fmt: skip
    def get_reminders(self, distribution: Distribution) -> list[dict]:
        return [{"planned_at": p["at"], "sent": p["sent"]} for p in reminder_plan(distribution)]


class DistributionSettingsSerializer(serializers.Serializer):
    """What can change after a distribution is made (PATCH)."""

    title = serializers.CharField(max_length=300, required=False)
    deadline = serializers.DateTimeField(required=False, allow_null=True)
    closes_at = serializers.DateTimeField(required=False, allow_null=True)
    time_zone = serializers.CharField(max_length=64, required=False)
    sender_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    reply_to = serializers.EmailField(required=False, allow_blank=True)
    invitation_subject = serializers.CharField(max_length=300, required=False, allow_blank=True)
    invitation_body = serializers.CharField(required=False, allow_blank=True)
    reminder_subject = serializers.CharField(max_length=300, required=False, allow_blank=True)
    reminder_body = serializers.CharField(required=False, allow_blank=True)
    reminder_days = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=90), required=False
    )
    max_reminders = serializers.IntegerField(min_value=0, max_value=10, required=False)


class AudienceSerializer(serializers.Serializer):
    groups = serializers.ListField(child=serializers.CharField(), required=False)
    countries = serializers.ListField(child=serializers.CharField(), required=False)
    regions = serializers.ListField(child=serializers.CharField(), required=False)
    offices = serializers.ListField(child=serializers.IntegerField(), required=False)
    tags = serializers.ListField(child=serializers.CharField(), required=False)
    channel = serializers.ChoiceField(choices=Invitation.Channel.choices, default="web")


class AudienceResultSerializer(serializers.Serializer):
    added = serializers.IntegerField()
    already_invited = serializers.ListField(child=serializers.CharField())
    without_email = serializers.ListField(child=serializers.CharField())


class SendResultSerializer(serializers.Serializer):
    queued = serializers.IntegerField()


DAY_ONLY_HELP = "In an anonymous distribution, the day only (YYYY-MM-DD)."


def _time_or_day(value: dt.datetime | None, day: bool) -> str | None:
    """A time as DRF writes it; where only the day is shown, that day (anonymous)."""
    if value is None:
        return None
    if day:
        return str(day_of(value))
    return serializers.DateTimeField().to_representation(value)


class InvitationEventSerializer(serializers.Serializer):
    """One step of an invitation's history (selectors.responses.HistoryLine)."""

    status = serializers.CharField(read_only=True)
    at = serializers.SerializerMethodField(
        help_text="When. The respondent's own steps: " + DAY_ONLY_HELP
    )
    by = serializers.CharField(
        source="by.display_name",
        default=None,
        allow_null=True,
        read_only=True,
        help_text="The member's name; null for the respondent's own steps and the system's.",
    )
    note = serializers.CharField(read_only=True)

    def get_at(self, line: HistoryLine) -> str | None:
        return _time_or_day(line.at, line.day is not None)


class InvitationActionSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=["exclude", "revoke", "restore", "resend", "change"])
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    email = serializers.CharField(
        required=False, allow_blank=True, max_length=254, help_text="With change: the address."
    )
    channel = serializers.ChoiceField(
        choices=Invitation.Channel.choices, required=False, help_text="With change: the channel."
    )


class MessageSerializer(serializers.ModelSerializer):
    body = serializers.SerializerMethodField(
        help_text="The text; null where your role may not see personal links."
    )

    class Meta:
        model = Message
        fields = [
            "id", "invitation", "kind", "recipient", "subject", "body", "status", "attempts",
            "next_attempt_at", "error", "created_at", "sent_at",
        ]  # fmt: skip

    def get_body(self, message: Message) -> str | None:
        return message.body if self.context.get("show_links") else None


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
    name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    person = NullablePrimaryKeyField(
        queryset=Person.objects.filter(merged_into__isnull=True),
        required=False,
        allow_null=True,
        help_text="A registry person; name, e-mail and attributes default from it.",
    )
    history = serializers.SerializerMethodField()
    opened_at = serializers.SerializerMethodField(help_text=DAY_ONLY_HELP, allow_null=True)
    submitted_at = serializers.SerializerMethodField(help_text=DAY_ONLY_HELP, allow_null=True)

    class Meta:
        model = Invitation
        fields = [
            "id", "name", "email", "language", "attributes", "person", "channel", "status",
            "reason", "link", "created_at", "sent_at", "opened_at", "submitted_at",
            "reminders_sent", "last_reminder_at", "history",
        ]  # fmt: skip
        read_only_fields = [
            "id", "status", "reason", "link", "created_at", "sent_at", "opened_at",
            "submitted_at", "reminders_sent", "last_reminder_at", "history",
        ]  # fmt: skip

    def get_link(self, invitation: Invitation) -> str | None:
        """The personal link; null for roles that may not see it (see can_see_links)."""
        if not self.context.get("show_links", False):
            return None
        return links.link_url(invitation)

    def _distribution(self, invitation: Invitation) -> Distribution:
        return self.context.get("distribution") or invitation.distribution

    @extend_schema_field(InvitationEventSerializer(many=True))
    def get_history(self, invitation: Invitation) -> list:
        lines = invitation_history(
            invitation.events.all(), distribution=self._distribution(invitation)
        )
        return InvitationEventSerializer(lines, many=True).data

    @extend_schema_field(OpenApiTypes.STR)
    def get_opened_at(self, invitation: Invitation) -> str | None:
        return _time_or_day(invitation.opened_at, day_only(self._distribution(invitation)))

    @extend_schema_field(OpenApiTypes.STR)
    def get_submitted_at(self, invitation: Invitation) -> str | None:
        return _time_or_day(invitation.submitted_at, day_only(self._distribution(invitation)))


class ResponseSerializer(serializers.ModelSerializer):
    respondent = serializers.SerializerMethodField()
    answers = serializers.SerializerMethodField(
        help_text="Question key to value; null when your role may not read them.", allow_null=True
    )
    answers_withheld = serializers.SerializerMethodField()
    submitted_at = serializers.SerializerMethodField(help_text=DAY_ONLY_HELP, allow_null=True)
    consented_at = serializers.SerializerMethodField(
        help_text="When the respondent agreed to the privacy notice, if the version has one. "
        + DAY_ONLY_HELP,
        allow_null=True,
    )

    class Meta:
        model = Response
        fields = [
            "id", "status", "channel", "route", "language", "late", "attributes", "submitted_at",
            "respondent", "answers", "answers_withheld", "consented_at",
        ]  # fmt: skip

    @extend_schema_field(OpenApiTypes.STR)
    def get_submitted_at(self, response: Response) -> str | None:
        return _time_or_day(response.submitted_at, day_only(response.distribution))

    @extend_schema_field(OpenApiTypes.STR)
    def get_consented_at(self, response: Response) -> str | None:
        return _time_or_day(response.consented_at, day_only(response.distribution))

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
            elif kind == "file":  # its name and size; the file itself at …/files/<key>/
                out[a.question.key] = {"name": a.text, "size": a.file_size}
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
        help_text=(
            "Question key to answer: text, number, choice code, or a list of codes. NUL "
            "characters are removed from texts; a text holds at most ANSWER_TEXT_MAX (50,000 "
            "by default) characters; a lone surrogate (\\ud800) is refused with a 400."
        ),
    )
    language = serializers.CharField(required=False, allow_blank=True, max_length=8)
    route = serializers.ChoiceField(
        choices=["lead", "team"],
        required=False,
        help_text="Who reads the answers, where the respondent chooses (lead or team).",
    )
    consent = serializers.BooleanField(
        required=False,
        help_text="true: the respondent agreed to the questionnaire's privacy notice (required "
        "where the version has one: without it the submission is refused with a 400 on "
        "`consent`, nothing stored).",
    )


class SubmissionResultSerializer(serializers.Serializer):
    status = serializers.CharField()
    submitted_at = serializers.DateTimeField(allow_null=True)


# --- response tracking ---------------------------------------------------------------------


class RateRowSerializer(serializers.Serializer):
    value = serializers.CharField(help_text='The attribute value; "" where none was recorded.')
    label = serializers.CharField(help_text="As shown: the value, or “(not recorded)”.")
    invited = serializers.IntegerField(help_text="Everyone except excluded and revoked.")
    excluded = serializers.IntegerField()
    declined = serializers.IntegerField()
    opened = serializers.IntegerField(help_text="Link opened, not started.")
    started = serializers.IntegerField(help_text="Started, not submitted.")
    submitted_online = serializers.IntegerField()
    returned = serializers.IntegerField(help_text="Keyed in by the team (e-mail, phone, paper).")
    responded = serializers.IntegerField(help_text="Submitted online + returned.")
    rate = serializers.FloatField(
        allow_null=True, help_text="Responded / invited (0 to 1); null when nobody is invited."
    )
    percent = serializers.FloatField(allow_null=True, help_text="The rate in %, one decimal.")


class TrackingCountrySerializer(serializers.Serializer):
    country = serializers.CharField(help_text='"" for recipients without a country.')
    label = serializers.CharField()
    recipients = serializers.IntegerField()
    responded_recipients = serializers.IntegerField(
        allow_null=True, help_text="Null where a report suppresses it (fewer than the threshold)."
    )
    responded = serializers.BooleanField(help_text="At least one recipient responded.")
    non_responders = serializers.ListField(
        child=serializers.CharField(),
        allow_null=True,
        help_text="Names of those who have not responded; null where your role hides names.",
    )


class DistributionRatesSerializer(serializers.Serializer):
    by = serializers.CharField()
    status_counts = serializers.DictField(
        child=serializers.IntegerField(),
        help_text="Invitations per status; team entries count as returned.",
    )
    channels = serializers.DictField(
        child=serializers.IntegerField(), help_text="Submitted responses per channel."
    )
    rows = RateRowSerializer(many=True)
    total = RateRowSerializer()
    countries = TrackingCountrySerializer(many=True)
    summary = serializers.CharField(help_text="E.g. “All responded except Country C (…).”")
