"""API doors into the registry, under /api/v1/registry/. The same rules as the pages: reading
needs can_view_registry, writing can_manage_registry; merges only through the services."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import SAFE_METHODS, BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from common.api_input import validated_query
from common.revisions import CONFLICT, IF_MATCH, api_revision
from evaluations.permissions import ensure_registry
from stakeholders.models import (
    Country,
    Office,
    Organisation,
    Person,
    PersonAlias,
    PersonMerge,
    Region,
    StakeholderGroup,
)
from stakeholders.selectors.duplicates import person_duplicates
from stakeholders.selectors.groups import group_list
from stakeholders.selectors.merges import merge_list
from stakeholders.selectors.organisations import organisation_list
from stakeholders.selectors.people import people_search, person_get
from stakeholders.selectors.places import country_list, office_list
from stakeholders.serializers import (
    CandidateSerializer,
    CountrySerializer,
    GroupSerializer,
    MergeCreateSerializer,
    MergeSerializer,
    OfficeSerializer,
    OrganisationSerializer,
    PersonSearchSerializer,
    PersonSerializer,
    PersonWriteSerializer,
)
from stakeholders.services.groups import group_create, group_delete, group_update
from stakeholders.services.merges import person_merge, person_merge_undo
from stakeholders.services.organisations import organisation_create, organisation_update
from stakeholders.services.people import person_create, person_update
from stakeholders.services.places import country_update, office_create, office_update


class RegistryPermission(BasePermission):
    """Team members who may see the registry read it; lead evaluators and evaluators change
    it. The refusal says which (the same sentence as the pages)."""

    def has_permission(self, request: Request, view: object) -> bool:
        try:
            ensure_registry(request.user, manage=request.method not in SAFE_METHODS)
        except PermissionDenied as refusal:
            self.message = str(refusal)
            return False
        return True


class RegistryViewSet(viewsets.GenericViewSet):
    permission_classes = [IsAuthenticated, RegistryPermission]

    def fake(self) -> bool:
        """True while drf-spectacular inspects the view (no request user to filter by)."""
        return getattr(self, "swagger_fake_view", False)

    def query(self, serializer_class: type[serializers.Serializer]) -> dict[str, Any]:
        """The query parameters, checked: an unknown code is a 400 that names it."""
        params = validated_query(serializer_class, self.request)
        return {k: v for k, v in params.items() if v not in (None, "")}


# --- people ------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(parameters=[PersonSearchSerializer]),
    create=extend_schema(request=PersonWriteSerializer, responses={201: PersonSerializer}),
    update=extend_schema(
        request=PersonWriteSerializer,
        parameters=[IF_MATCH],
        responses={200: PersonSerializer, 409: CONFLICT},
    ),
    partial_update=extend_schema(
        request=PersonWriteSerializer,
        parameters=[IF_MATCH],
        responses={200: PersonSerializer, 409: CONFLICT},
    ),
)
class PersonViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    RegistryViewSet,
):
    """People in the registry. The list leaves merged people out; a merged person's own
    address still answers, with `merged_into` naming the person kept."""

    serializer_class = PersonSerializer
    queryset = Person.objects.none()

    def get_queryset(self) -> QuerySet[Person]:
        if self.fake():
            return Person.objects.none()
        return people_search(user=self.request.user, **self.query(PersonSearchSerializer))

    def _person(self) -> Person:
        return person_get(user=self.request.user, pk=self.kwargs["pk"])

    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(PersonSerializer(self._person()).data)

    def create(self, request: Request) -> Response:
        data = PersonWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        data.validated_data.pop("revision", None)
        person = person_create(
            by=request.user, alias_source=PersonAlias.Source.MANUAL, **data.validated_data
        )
        body = PersonSerializer(person_get(user=request.user, pk=person.pk)).data
        return Response(body, status=status.HTTP_201_CREATED)

    def update(self, request: Request, pk: str, partial: bool = False) -> Response:
        person = self._person()
        data = PersonWriteSerializer(data=request.data, partial=partial)
        data.is_valid(raise_exception=True)
        revision = api_revision(request, data.validated_data)
        person_update(by=request.user, person=person, revision=revision, **data.validated_data)
        return Response(PersonSerializer(person_get(user=request.user, pk=person.pk)).data)

    @extend_schema(responses=CandidateSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)
    def candidates(self, request: Request, pk: str) -> Response:
        """Other people who may be this one (similar name or alias), best first; pairs marked
        as different people are left out. Nothing is merged by asking."""
        person = self._person()
        return Response(CandidateSerializer(person_duplicates(person=person), many=True).data)


# --- organisations, offices, countries, groups ----------------------------------------------


class OrganisationSearchSerializer(serializers.Serializer):
    q = serializers.CharField(required=False, allow_blank=True)
    country = serializers.SlugRelatedField(
        slug_field="code", queryset=Country.objects.all(), required=False
    )
    group = serializers.SlugRelatedField(
        slug_field="code", queryset=StakeholderGroup.objects.all(), required=False
    )
    kind = serializers.ChoiceField(choices=Organisation.Kind.choices, required=False)


ORGANISATION_FIELDS = (
    "name",
    "acronym",
    "kind",
    "country",
    "parent",
    "stakeholder_group",
    "aliases",
)


@extend_schema_view(
    list=extend_schema(parameters=[OrganisationSearchSerializer]),
    update=extend_schema(
        parameters=[IF_MATCH], responses={200: OrganisationSerializer, 409: CONFLICT}
    ),
    partial_update=extend_schema(
        parameters=[IF_MATCH], responses={200: OrganisationSerializer, 409: CONFLICT}
    ),
)
class OrganisationViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    RegistryViewSet,
):
    """Organisations: one name per country (case, accents and punctuation ignored)."""

    serializer_class = OrganisationSerializer
    queryset = Organisation.objects.none()

    def get_queryset(self) -> QuerySet[Organisation]:
        if self.fake():
            return Organisation.objects.none()
        filters = self.query(OrganisationSearchSerializer) if self.action == "list" else {}
        return organisation_list(user=self.request.user, **filters)

    def perform_create(self, serializer: OrganisationSerializer) -> None:
        serializer.validated_data.pop("revision", None)
        serializer.instance = organisation_create(by=self.request.user, **serializer.validated_data)
        serializer.instance.people = 0

    def perform_update(self, serializer: OrganisationSerializer) -> None:
        organisation = serializer.instance
        fields = {f: getattr(organisation, f) for f in ORGANISATION_FIELDS}
        revision = api_revision(self.request, serializer.validated_data)
        organisation_update(
            by=self.request.user,
            organisation=organisation,
            revision=revision,
            **{**fields, **serializer.validated_data},
        )


class OfficeViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    RegistryViewSet,
):
    """Offices (headquarters, regional, country …), with their country and region."""

    serializer_class = OfficeSerializer
    queryset = Office.objects.none()

    def get_queryset(self) -> QuerySet[Office]:
        if self.fake():
            return Office.objects.none()
        return office_list(user=self.request.user)

    def perform_create(self, serializer: OfficeSerializer) -> None:
        serializer.instance = office_create(by=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer: OfficeSerializer) -> None:
        office = serializer.instance
        fields = {f: getattr(office, f) for f in ("name", "type", "city", "country", "region")}
        office_update(
            by=self.request.user, office=office, **{**fields, **serializer.validated_data}
        )


class CountrySearchSerializer(serializers.Serializer):
    region = serializers.SlugRelatedField(
        slug_field="code", queryset=Region.objects.all(), required=False
    )


@extend_schema_view(
    list=extend_schema(parameters=[CountrySearchSerializer]),
    retrieve=extend_schema(
        parameters=[OpenApiParameter("code", OpenApiTypes.STR, OpenApiParameter.PATH)]
    ),
    update=extend_schema(
        parameters=[OpenApiParameter("code", OpenApiTypes.STR, OpenApiParameter.PATH)]
    ),
    partial_update=extend_schema(
        parameters=[OpenApiParameter("code", OpenApiTypes.STR, OpenApiParameter.PATH)]
    ),
)
class CountryViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.UpdateModelMixin, RegistryViewSet
):
    """Countries by ISO code; their region and other names can be changed."""

    serializer_class = CountrySerializer
    queryset = Country.objects.none()
    lookup_field = "code"
    lookup_value_regex = "[A-Za-z]{2}"

    def get_queryset(self) -> QuerySet[Country]:
        if self.fake():
            return Country.objects.none()
        filters = self.query(CountrySearchSerializer) if self.action == "list" else {}
        return country_list(user=self.request.user, **filters)

    def get_object(self) -> Country:
        return get_object_or_404(self.get_queryset(), code=self.kwargs["code"].upper())

    def perform_update(self, serializer: CountrySerializer) -> None:
        country = serializer.instance
        data = serializer.validated_data
        country_update(
            by=self.request.user,
            country=country,
            region=data.get("region", country.region),
            aliases=data.get("aliases", country.aliases),
        )


class GroupViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    RegistryViewSet,
):
    """The controlled list of stakeholder groups. A group in use is not deleted: deactivate
    it (`active`: false)."""

    serializer_class = GroupSerializer
    queryset = StakeholderGroup.objects.none()

    def get_queryset(self) -> QuerySet[StakeholderGroup]:
        if self.fake():
            return StakeholderGroup.objects.none()
        return group_list(user=self.request.user)

    def perform_create(self, serializer: GroupSerializer) -> None:
        data = serializer.validated_data
        data.pop("active", None)
        group = group_create(by=self.request.user, **data)
        serializer.instance = self.get_queryset().get(pk=group.pk)

    def perform_update(self, serializer: GroupSerializer) -> None:
        group = serializer.instance
        data = serializer.validated_data
        group_update(
            by=self.request.user,
            group=group,
            name=data.get("name", group.name),
            aliases=data.get("aliases", group.aliases),
            active=data.get("active", group.active),
            order=data.get("order"),
        )
        serializer.instance = self.get_queryset().get(pk=group.pk)

    def perform_destroy(self, instance: StakeholderGroup) -> None:
        group_delete(by=self.request.user, group=instance)


# --- merges ------------------------------------------------------------------------------------


class MergeSearchSerializer(serializers.Serializer):
    person = serializers.PrimaryKeyRelatedField(
        queryset=Person.objects.all(), required=False, help_text="Merges of this person only."
    )


@extend_schema_view(
    list=extend_schema(parameters=[MergeSearchSerializer]),
    create=extend_schema(request=MergeCreateSerializer, responses={201: MergeSerializer}),
)
class MergeViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, RegistryViewSet
):
    """Merges of two people into one: create merges (refused with a reason when it cannot be
    done), undo puts everything back."""

    serializer_class = MergeSerializer
    queryset = PersonMerge.objects.none()

    def get_queryset(self) -> QuerySet[PersonMerge]:
        if self.fake():
            return PersonMerge.objects.none()
        filters = self.query(MergeSearchSerializer) if self.action == "list" else {}
        return merge_list(user=self.request.user, **filters)

    def create(self, request: Request) -> Response:
        data = MergeCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        merge = person_merge(by=request.user, **data.validated_data)
        return Response(
            MergeSerializer(self.get_queryset().get(pk=merge.pk)).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(request=None, responses=MergeSerializer)
    @action(detail=True, methods=["post"])
    def undo(self, request: Request, pk: str) -> Response:
        """Undo the merge: the merged person's rows, aliases and details go back exactly."""
        merge = person_merge_undo(by=request.user, merge=self.get_object())
        return Response(MergeSerializer(self.get_queryset().get(pk=merge.pk)).data)
