"""API shapes of the history: entries in words (history.selectors.rendering), and the
activity's filters."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers


class ChangeSerializer(serializers.Serializer):
    field = serializers.CharField(help_text=_("The field's name in the record."))
    label = serializers.CharField(help_text=_("The field as the pages name it."))
    before = serializers.CharField(help_text=_("“—” for empty; names for linked records."))
    after = serializers.CharField()


class EntrySerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    at = serializers.DateTimeField(help_text=_("When, in the evaluation's time zone."))
    who = serializers.CharField(help_text=_("The member's name, “system” or “respondent”."))
    actor = serializers.IntegerField(source="actor_id", allow_null=True)
    actor_kind = serializers.ChoiceField(choices=["user", "system", "respondent"])
    kind = serializers.CharField(help_text=_("The record type (model name): interview, person …"))
    record_type = serializers.CharField()
    object = serializers.CharField(source="what", help_text=_("The record as it was named."))
    object_id = serializers.CharField()
    url = serializers.CharField(help_text=_("The page it is about, when there is one."))
    action = serializers.CharField(help_text=_("created, changed, deleted, downloaded …"))
    verb = serializers.CharField(help_text=_("The explicit record's word: download, merge …"))
    changes = ChangeSerializer(many=True)
    reason = serializers.CharField()
    lead_only = serializers.BooleanField()


class ActivityFilterSerializer(serializers.Serializer):
    member = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text=_("A member's user id, or “system” or “respondent”."),
    )
    kind = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text=_(
            "A record type (interview, person, invitation …), created / changed / deleted, or "
            "another action (download, merge …)."
        ),
    )
    since = serializers.DateField(required=False, help_text=_("From this day (inclusive)."))
    until = serializers.DateField(required=False, help_text=_("To this day (inclusive)."))
