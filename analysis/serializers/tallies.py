"""API shapes of the tallies and the share words."""

from __future__ import annotations

from rest_framework import serializers

from analysis.models import ShareWords
from analysis.selectors.tallies import ATTRIBUTES


class TallyQuery(serializers.Serializer):
    by = serializers.ChoiceField(choices=list(ATTRIBUTES), default="stakeholder_group")
    unsuppressed = serializers.BooleanField(
        default=False, help_text="The lead's unsuppressed view (leads only)."
    )


class TallyCellSerializer(serializers.Serializer):
    count = serializers.IntegerField(allow_null=True, help_text="null: suppressed.")
    at_least = serializers.BooleanField(help_text="A group of unknown size is in it.")
    words = serializers.CharField(help_text="The share in words, with n.")


class TallyColumnSerializer(serializers.Serializer):
    value = serializers.CharField()
    label = serializers.CharField()
    n = serializers.IntegerField(allow_null=True)
    n_at_least = serializers.BooleanField()


class TallyRowSerializer(serializers.Serializer):
    code_id = serializers.IntegerField()
    code = serializers.CharField()
    depth = serializers.IntegerField()
    cells = TallyCellSerializer(many=True)
    total = TallyCellSerializer()


class TallyTableSerializer(serializers.Serializer):
    by = serializers.CharField()
    by_label = serializers.CharField()
    noun = serializers.CharField()
    n = serializers.IntegerField(allow_null=True)
    n_at_least = serializers.BooleanField()
    suppressed = serializers.BooleanField()
    threshold = serializers.IntegerField()
    hidden = serializers.IntegerField()
    columns = TallyColumnSerializer(many=True)
    rows = TallyRowSerializer(many=True)


class ShareWordsSerializer(serializers.ModelSerializer):
    class Meta:
        model = ShareWords
        fields = ["few_below", "quarter_below", "third_below", "most_from"]
        # PUT replaces the four limits: each is given (the model's defaults are not a PUT's).
        extra_kwargs = {name: {"required": True} for name in fields}
