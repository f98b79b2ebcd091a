from __future__ import annotations

from django.conf import settings
from rest_framework import serializers

from evaluations.models import EVALUATION_EDITABLE_FIELDS, Evaluation, Membership


class EvaluationSerializer(serializers.ModelSerializer):
    slug = serializers.SlugField(
        max_length=80,
        required=False,
        help_text="Used in addresses. Omitted on create: made from the title.",
    )
    languages = serializers.ListField(
        child=serializers.ChoiceField(choices=[code for code, _name in settings.LANGUAGES]),
        required=False,
        help_text="Language codes; English (en) is always one of them.",
    )
    my_role = serializers.SerializerMethodField(
        help_text="Your role in this evaluation; null for a site administrator who is not a member."
    )
    interview_log_locked_by = serializers.CharField(
        source="interview_log_locked_by.display_name",
        read_only=True,
        allow_null=True,
        help_text="Who locked the interview log (POST …/interviews/lock/); null when unlocked.",
    )

    class Meta:
        model = Evaluation
        fields = [
            *EVALUATION_EDITABLE_FIELDS,
            "my_role",
            "interview_log_locked_at",
            "interview_log_locked_by",
            "interview_log_lock_reason",
            "legal_hold",
            "legal_hold_reason",
            "created_at",
            "updated_at",
        ]
        # Locks and the legal hold change through their own endpoints, with a reason.
        read_only_fields = [
            "interview_log_locked_at",
            "interview_log_lock_reason",
            "legal_hold",
            "legal_hold_reason",
            "created_at",
            "updated_at",
        ]
        # Uniqueness and cross-field rules are the services' job (one place for every door).
        validators: list = []

    def get_my_role(self, evaluation: Evaluation) -> str | None:
        return getattr(evaluation, "my_role", None)


class MembershipSerializer(serializers.ModelSerializer):
    email = serializers.EmailField(source="user.email")
    name = serializers.CharField(
        source="user.name", required=False, allow_blank=True, max_length=200
    )
    invitation_pending = serializers.SerializerMethodField(
        help_text="True while the person has not chosen a password yet."
    )

    class Meta:
        model = Membership
        fields = ["id", "email", "name", "role", "initials", "invitation_pending", "created_at"]
        read_only_fields = ["id", "invitation_pending", "created_at"]
        validators: list = []

    def get_invitation_pending(self, membership: Membership) -> bool:
        return membership.user.is_active and not membership.user.has_usable_password()


class MembershipCreatedSerializer(MembershipSerializer):
    invitation_error = serializers.CharField(
        read_only=True,
        allow_null=True,
        help_text="Null when the set-password e-mail went out (or was not needed).",
    )

    class Meta(MembershipSerializer.Meta):
        fields = [*MembershipSerializer.Meta.fields, "invitation_error"]


class MembershipChangeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Membership
        fields = ["role", "initials"]
        extra_kwargs = {"role": {"required": False}, "initials": {"required": False}}


class LockRequestSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=2000, help_text="Why the records are locked or unlocked; kept in the history."
    )


class LockStateSerializer(serializers.Serializer):
    locked = serializers.BooleanField()
    locked_at = serializers.DateTimeField(allow_null=True)
    locked_by = serializers.CharField(allow_null=True, help_text="Who locked them.")
    reason = serializers.CharField(allow_blank=True, help_text="Why they were locked.")


class LegalHoldSerializer(serializers.Serializer):
    legal_hold = serializers.BooleanField(
        help_text="True: nobody who appears in the evaluation may be erased."
    )
    reason = serializers.CharField(
        max_length=2000, help_text="Why the hold is set or lifted; kept in the history."
    )
