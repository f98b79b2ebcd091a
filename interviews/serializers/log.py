"""API shapes of the interview log. Countries and stakeholder groups are named by their codes,
people, offices, organisations, guide versions and interviews by id, regions and reporting
categories by id or name; the rules are the services'."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers

from common.revisions import revision_field
from interviews.models import Interview, Interviewer, InterviewNote, Participation
from interviews.serializers.fields import (
    CategoryField,
    CodeField,
    PlainChoiceField,
    RegionField,
    ScopedPrimaryKeyField,
    choice_field,
)
from questionnaires.models import InstrumentVersion, Question
from stakeholders.models import Country, Office, Organisation, Person, Region, StakeholderGroup
from stakeholders.serializers import NamedSerializer

# --- reading ------------------------------------------------------------------------------------


class CodedSerializer(serializers.Serializer):
    code = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)


class PersonRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(source="display_name", read_only=True)


class ParticipationSerializer(serializers.ModelSerializer):
    """A registry person (with the affiliation copied on the day) or an unnamed group."""

    person = PersonRefSerializer(read_only=True, allow_null=True)
    organisation = NamedSerializer(read_only=True, allow_null=True)
    office = NamedSerializer(read_only=True, allow_null=True)
    country = CodedSerializer(read_only=True, allow_null=True)
    stakeholder_group = CodedSerializer(read_only=True, allow_null=True)
    is_group = serializers.BooleanField(read_only=True)

    class Meta:
        model = Participation
        fields = [
            "id",
            "person",
            "is_group",
            "group_label",
            "headcount",
            "organisation",
            "organisation_name",
            "unit",
            "job_title",
            "office",
            "country",
            "stakeholder_group",
            "original_text",
        ]
        read_only_fields = fields


class MemberRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(source="user.display_name", read_only=True)


class InterviewerSerializer(serializers.ModelSerializer):
    member = MemberRefSerializer(source="membership", read_only=True, allow_null=True)

    class Meta:
        model = Interviewer
        fields = ["initials", "member"]
        read_only_fields = fields


class InterviewSerializer(serializers.ModelSerializer):
    """An interview as the log shows it."""

    country = CodedSerializer(read_only=True, allow_null=True)
    region = NamedSerializer(read_only=True, allow_null=True)
    category = NamedSerializer(read_only=True, allow_null=True)
    follow_ups = serializers.SerializerMethodField()
    referred_by = PersonRefSerializer(read_only=True, allow_null=True)
    participants = ParticipationSerializer(source="participations", many=True, read_only=True)
    interviewers = InterviewerSerializer(many=True, read_only=True)
    when = serializers.CharField(
        read_only=True,
        help_text='The day or days as people read them ("15 Mar 2013"), or "date unknown" '
        "(translated) when `date` is null: a list of persons interviewed printed without dates.",
    )

    class Meta:
        model = Interview
        fields = [
            "id",
            "date",
            "date_end",
            "when",
            "grouping",
            "venue",
            "country",
            "region",
            "mode",
            "kind",
            "category",
            "category_by_hand",
            "follow_up_of",
            "follow_ups",
            "about",
            "referred_by",
            "guide_version",
            "guide_attributes",
            "excluded",
            "excluded_reason",
            "source",
            "participants",
            "interviewers",
            "revision",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_follow_ups(self, interview: Interview) -> list[int]:
        return [f.pk for f in interview.follow_ups.all()]


class LogCountsSerializer(serializers.Serializer):
    """The numbers under the log, of the interviews not excluded."""

    interviews = serializers.IntegerField()
    excluded = serializers.IntegerField(help_text="Interviews excluded from the tables.")
    persons = serializers.IntegerField(help_text="Distinct named people.")
    group_people = serializers.IntegerField(help_text="The sum of known group headcounts.")
    groups_unknown_size = serializers.IntegerField()
    participants = serializers.IntegerField(help_text="Persons plus group people.")
    at_least = serializers.BooleanField(
        help_text="True when a group's size is not known: the total is a minimum."
    )


VISIBILITY_HELP = "team (the whole evaluation team; the default) or lead (the lead evaluator only)."


class NoteSerializer(serializers.ModelSerializer):
    question = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    question_key = serializers.CharField(source="question.key", read_only=True, allow_null=True)
    created_by = serializers.CharField(
        source="created_by.display_name", read_only=True, allow_null=True
    )
    visibility = serializers.CharField(read_only=True, help_text=VISIBILITY_HELP)

    class Meta:
        model = InterviewNote
        fields = [
            "id",
            "question",
            "question_key",
            "text",
            "attribution",
            "visibility",
            "created_by",
            "created_at",
        ]
        read_only_fields = fields


class GuideQuestionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    key = serializers.CharField()
    label = serializers.CharField()
    text = serializers.CharField(help_text="In English.")
    condition = serializers.CharField(
        allow_null=True, help_text="Who the guide asks it of, in words; null: everyone."
    )


class CategorySerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(max_length=200)
    order = serializers.IntegerField(read_only=True)


# --- writing ------------------------------------------------------------------------------------


COPIED_HELP = "Left out or null: copied from the person's affiliation on the interview's date."


class ParticipantWriteSerializer(serializers.Serializer):
    """A registry person (`person`) or an unnamed group (`group_label`, `headcount` empty when
    not known). The other fields replace what is copied from the person's affiliation."""

    person = ScopedPrimaryKeyField(
        queryset=Person.objects.all(),
        what=gettext_lazy("person in the registry"),
        required=False,
        allow_null=True,
    )
    group_label = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    headcount = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        error_messages={
            "min_value": gettext_lazy(
                "The number of people must be at least 1, or left empty when not known."
            )
        },
        help_text="Empty when not known (the totals then say “at least”).",
    )
    stakeholder_group = CodeField(
        queryset=StakeholderGroup.objects.all(), what=gettext_lazy("stakeholder group")
    )
    organisation = ScopedPrimaryKeyField(
        queryset=Organisation.objects.all(),
        what=gettext_lazy("organisation"),
        required=False,
        allow_null=True,
    )
    organisation_name = serializers.CharField(
        required=False, allow_blank=True, allow_null=True, help_text=COPIED_HELP
    )
    unit = serializers.CharField(
        required=False, allow_blank=True, allow_null=True, help_text=COPIED_HELP
    )
    job_title = serializers.CharField(
        required=False, allow_blank=True, allow_null=True, help_text=COPIED_HELP
    )
    office = ScopedPrimaryKeyField(
        queryset=Office.objects.all(), what=gettext_lazy("office"), required=False, allow_null=True
    )
    country = CodeField(queryset=Country.objects.all(), what=gettext_lazy("country"))


INTERVIEW_SCOPE = "evaluation"
VERSION_SCOPE = "instrument__evaluation"


class InterviewWriteSerializer(serializers.Serializer):
    """What an interview is logged or changed with. Lists replace the current ones."""

    revision = revision_field()

    date = serializers.DateField()
    date_end = serializers.DateField(required=False, allow_null=True)
    mode = choice_field(Interview.Mode, gettext_lazy("mode of interview"))
    kind = choice_field(
        Interview.Kind,
        gettext_lazy("kind of interview"),
        field_class=PlainChoiceField,
        required=False,
        allow_null=True,
        help_text="individual or group; left out: group when several participants or a group, "
        "else individual.",
    )
    participants = ParticipantWriteSerializer(many=True)
    interviewers = serializers.ListField(
        child=serializers.CharField(max_length=100),
        required=False,
        max_length=50,
        help_text="Initials, matched to the team's; kept as written when nobody has them.",
    )
    grouping = serializers.CharField(required=False, allow_blank=True)
    venue = serializers.CharField(required=False, allow_blank=True)
    country = CodeField(queryset=Country.objects.all(), what=gettext_lazy("country"))
    region = RegionField(
        required=False, allow_null=True, help_text="Id or name; left out: the country's."
    )
    category = CategoryField(
        required=False,
        allow_null=True,
        help_text="Reporting category id, or a name (added when new); null: left to the rules.",
    )
    about = serializers.CharField(required=False, allow_blank=True)
    follow_up_of = ScopedPrimaryKeyField(
        queryset=Interview.objects.all(),
        scope=INTERVIEW_SCOPE,
        what=gettext_lazy("interview in this evaluation"),
        required=False,
        allow_null=True,
    )
    referred_by = ScopedPrimaryKeyField(
        queryset=Person.objects.all(),
        what=gettext_lazy("person in the registry"),
        required=False,
        allow_null=True,
    )
    guide_version = ScopedPrimaryKeyField(
        queryset=InstrumentVersion.objects.select_related("instrument"),
        scope=VERSION_SCOPE,
        what=gettext_lazy("instrument version in this evaluation"),
        required=False,
        allow_null=True,
    )
    guide_attributes = serializers.DictField(
        child=serializers.CharField(allow_blank=True, allow_null=True),
        required=False,
        help_text='The guide\'s attributes, e.g. {"interviewee_type": "M_GMG"}.',
    )
    source = serializers.CharField(required=False, allow_blank=True)


class FollowUpSerializer(InterviewWriteSerializer):
    """A follow-up: a date; everything else left out is taken from the interview followed."""

    mode = choice_field(Interview.Mode, gettext_lazy("mode of interview"), required=False)
    participants = ParticipantWriteSerializer(many=True, required=False)
    follow_up_of = None  # it is the interview of the address
    revision = None  # a follow-up is a new interview: no revision to be based on


class ExcludeSerializer(serializers.Serializer):
    reason = serializers.CharField(
        allow_blank=True, help_text="Why the interview is left out of the tables."
    )


class NoteWriteSerializer(serializers.Serializer):
    question = ScopedPrimaryKeyField(
        queryset=Question.objects.all(),
        scope="version__instrument__evaluation",
        what=gettext_lazy("question in this evaluation's guides"),
        required=False,
        allow_null=True,
        help_text="A question of the interview's guide; left out: a free note.",
    )
    text = serializers.CharField(allow_blank=True, trim_whitespace=False)
    attribution = serializers.CharField(required=False, allow_blank=True)
    visibility = choice_field(
        InterviewNote.Visibility,
        gettext_lazy("visibility"),
        field_class=PlainChoiceField,
        required=False,
        help_text=VISIBILITY_HELP,
    )


class InterviewFilterSerializer(serializers.Serializer):
    """The filters of the log (the same as the log page's)."""

    date_from = serializers.DateField(
        required=False, help_text="Interviews on or after (a range that overlaps counts)."
    )
    date_to = serializers.DateField(required=False, help_text="Interviews on or before.")
    region = serializers.IntegerField(required=False, help_text="Region id.")
    category = serializers.IntegerField(required=False, help_text="Reporting category id.")
    grouping = serializers.CharField(required=False, help_text="Grouping, case ignored.")
    interviewer = serializers.CharField(required=False, help_text="Initials, case ignored.")
    mode = choice_field(Interview.Mode, gettext_lazy("mode of interview"), required=False)
    kind = choice_field(Interview.Kind, gettext_lazy("kind of interview"), required=False)

    def validate_region(self, value: int) -> Region:
        region = Region.objects.filter(pk=value).first()
        if region is None:
            known = ", ".join(f"{r.pk} ({r.name})" for r in Region.objects.order_by("order"))
            raise serializers.ValidationError(
                _("There is no region with id %(id)d. Use one of: %(known)s.")
                % {"id": value, "known": known}
            )
        return region

    def validate_category(self, value: int) -> Any:
        categories = self.context["evaluation"].reporting_categories.order_by("order", "name")
        found = next((c for c in categories if c.pk == value), None)
        if found is None:
            known = ", ".join(f"{c.pk} ({c.name})" for c in categories) or _("none yet")
            raise serializers.ValidationError(
                _("There is no reporting category with id %(id)d. Use one of: %(known)s.")
                % {"id": value, "known": known}
            )
        return found
