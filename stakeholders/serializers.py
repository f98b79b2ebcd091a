"""API shapes of the registry. Countries, regions and stakeholder groups are named by their
codes, organisations and offices by id; the rules are the services'."""

from __future__ import annotations

from rest_framework import serializers

from common.api_input import NullablePrimaryKeyField, NullableSlugField
from common.revisions import revision_field
from stakeholders.models import (
    Affiliation,
    Country,
    Office,
    Organisation,
    Person,
    PersonAlias,
    PersonMerge,
    Region,
    StakeholderGroup,
    Tag,
)


def _code(model: type, **kwargs: object) -> serializers.SlugRelatedField:
    return NullableSlugField(
        slug_field="code", queryset=model.objects.all(), allow_null=True, required=False, **kwargs
    )


class PersonSearchSerializer(serializers.Serializer):
    """The filters of GET /registry/people/ (the same as the registry page's)."""

    q = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="Words of the name or an alias (case, accents, punctuation and order ignored), "
        "or an e-mail address.",
    )
    organisation = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.all(), required=False, help_text="Organisation id."
    )
    group = serializers.SlugRelatedField(
        slug_field="code",
        queryset=StakeholderGroup.objects.all(),
        required=False,
        help_text="Stakeholder group code, e.g. workers.",
    )
    country = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Country.objects.all(),
        required=False,
        help_text="ISO 3166 code, e.g. VN.",
    )
    region = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Region.objects.all(),
        required=False,
        help_text="Region code, e.g. asia-pacific.",
    )
    office = serializers.PrimaryKeyRelatedField(
        queryset=Office.objects.all(), required=False, help_text="Office id."
    )
    tag = serializers.SlugRelatedField(
        slug_field="name", queryset=Tag.objects.all(), required=False, help_text="Tag name."
    )


class NamedSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)


class AffiliationSerializer(serializers.ModelSerializer):
    organisation = NamedSerializer(read_only=True, allow_null=True)
    office = NamedSerializer(read_only=True, allow_null=True)
    country = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    stakeholder_group = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True
    )

    class Meta:
        model = Affiliation
        fields = [
            "id",
            "organisation",
            "unit",
            "job_title",
            "office",
            "country",
            "stakeholder_group",
            "start",
            "end",
            "revision",
        ]


class AliasSerializer(serializers.ModelSerializer):
    class Meta:
        model = PersonAlias
        fields = ["name", "source"]


class PersonSerializer(serializers.ModelSerializer):
    """A person as the registry shows it; `merged_into` is set once merged into someone."""

    name = serializers.CharField(source="display_name", read_only=True)
    sex = serializers.ChoiceField(
        choices=Person.Sex.choices,
        allow_blank=True,
        read_only=True,
        help_text="f, m or x; an empty text when it was not recorded (as it is written).",
    )
    tags = serializers.SlugRelatedField(slug_field="name", many=True, read_only=True)
    aliases = AliasSerializer(many=True, read_only=True)
    affiliations = AffiliationSerializer(many=True, read_only=True)

    class Meta:
        model = Person
        fields = [
            "id",
            "name",
            "given_name",
            "family_name",
            "honorific",
            "sex",
            "emails",
            "phones",
            "language",
            "notes",
            "tags",
            "aliases",
            "affiliations",
            "merged_into",
            "revision",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class PersonWriteSerializer(serializers.Serializer):
    """What a person is created or changed with. Lists replace the current ones."""

    name = serializers.CharField(
        max_length=300, help_text="As typed, e.g. “Mr. José GARCÍA-LÓPEZ”: the title is split off."
    )
    given_name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    family_name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    honorific = serializers.CharField(max_length=30, required=False, allow_blank=True)
    sex = serializers.ChoiceField(choices=Person.Sex.choices, required=False, allow_blank=True)
    emails = serializers.ListField(
        child=serializers.CharField(max_length=254), required=False, max_length=20
    )
    phones = serializers.ListField(
        child=serializers.CharField(max_length=50), required=False, max_length=20
    )
    language = serializers.CharField(
        max_length=8,
        required=False,
        allow_blank=True,
        help_text="Language code, e.g. en, fr, es: invitations use it where offered.",
    )
    notes = serializers.CharField(required=False, allow_blank=True)
    tags = serializers.ListField(
        child=serializers.CharField(max_length=60), required=False, max_length=50
    )
    aliases = serializers.ListField(
        child=serializers.CharField(max_length=300), required=False, max_length=50
    )
    revision = revision_field()


class CandidateSerializer(serializers.Serializer):
    """Someone who may be the same person, with a similarity of 0–100. Never merged by itself."""

    id = serializers.IntegerField(source="person.id")
    name = serializers.CharField(source="person.display_name")
    emails = serializers.ListField(child=serializers.CharField(), source="person.emails")
    organisations = serializers.SerializerMethodField()
    score = serializers.FloatField()

    def get_organisations(self, candidate: object) -> list[str]:
        return [str(a.organisation) for a in candidate.person.affiliations.all() if a.organisation]


class OrganisationSerializer(serializers.ModelSerializer):
    country = _code(Country)
    stakeholder_group = _code(StakeholderGroup)
    parent = NullablePrimaryKeyField(
        queryset=Organisation.objects.all(), allow_null=True, required=False
    )
    aliases = serializers.ListField(
        child=serializers.CharField(max_length=300), required=False, max_length=50
    )
    people = serializers.IntegerField(
        read_only=True, help_text="People who are or were affiliated with it."
    )
    revision = revision_field()

    class Meta:
        model = Organisation
        fields = [
            "id",
            "name",
            "acronym",
            "kind",
            "country",
            "parent",
            "stakeholder_group",
            "aliases",
            "people",
            "revision",
        ]
        # Uniqueness is the services' rule (one name per country, accents ignored).
        validators: list = []


class OfficeSerializer(serializers.ModelSerializer):
    country = _code(Country)
    region = _code(Region, help_text="Left out: the country's region.")

    class Meta:
        model = Office
        fields = ["id", "name", "type", "city", "country", "region"]
        extra_kwargs = {"name": {"validators": []}}


class CountrySerializer(serializers.ModelSerializer):
    region = _code(Region)
    aliases = serializers.ListField(
        child=serializers.CharField(max_length=120), required=False, max_length=50
    )

    class Meta:
        model = Country
        fields = ["code", "name", "official_name", "region", "aliases"]
        read_only_fields = ["code", "name", "official_name"]


class GroupSerializer(serializers.ModelSerializer):
    code = serializers.SlugField(
        max_length=40,
        required=False,
        allow_blank=True,
        help_text="Set once, on create (made from the name when left out); never changes.",
    )
    order = serializers.IntegerField(
        min_value=0, max_value=32767, required=False, help_text="Left out on create: last."
    )
    aliases = serializers.ListField(
        child=serializers.CharField(max_length=100), required=False, max_length=50
    )
    organisation_count = serializers.IntegerField(read_only=True)
    affiliation_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = StakeholderGroup
        fields = [
            "id",
            "name",
            "code",
            "order",
            "aliases",
            "active",
            "organisation_count",
            "affiliation_count",
        ]
        extra_kwargs = {"name": {"validators": []}}


class MergeSerializer(serializers.ModelSerializer):
    kept_name = serializers.CharField(source="kept.display_name", read_only=True)
    merged_name = serializers.CharField(source="merged.display_name", read_only=True)
    by = serializers.SlugRelatedField(slug_field="email", read_only=True)
    undone_by = serializers.SlugRelatedField(slug_field="email", read_only=True)
    moved = serializers.JSONField(
        read_only=True, help_text="What the merge moved (row ids by table, e-mails, phones, tags)."
    )

    class Meta:
        model = PersonMerge
        fields = [
            "id",
            "kept",
            "kept_name",
            "merged",
            "merged_name",
            "score",
            "by",
            "at",
            "moved",
            "undone_at",
            "undone_by",
        ]
        read_only_fields = fields


class MergeCreateSerializer(serializers.Serializer):
    kept = serializers.PrimaryKeyRelatedField(
        queryset=Person.objects.all(), help_text="The person who stays."
    )
    merged = serializers.PrimaryKeyRelatedField(
        queryset=Person.objects.all(), help_text="The person merged into the kept one."
    )
    score = serializers.FloatField(required=False, allow_null=True, min_value=0, max_value=100)
