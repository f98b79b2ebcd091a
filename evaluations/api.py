"""API doors into evaluations and teams: validate the shape, call a service, serialise."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from evaluations import services
from evaluations.models import Evaluation, Membership
from evaluations.permissions import Action
from evaluations.selectors import evaluation_get, evaluation_list, membership_list
from evaluations.serializers import (
    EvaluationSerializer,
    MembershipChangeSerializer,
    MembershipCreatedSerializer,
    MembershipSerializer,
)

SLUG = OpenApiParameter("evaluation_slug", OpenApiTypes.STR, OpenApiParameter.PATH)


class EvaluationScoped:
    """Views under /evaluations/{evaluation_slug}/ (every app's API): the evaluation, checked
    for an action."""

    kwargs: dict
    request: Request

    def evaluation(self, action: Action) -> Evaluation:
        return evaluation_get(
            user=self.request.user, slug=self.kwargs["evaluation_slug"], action=action
        )


class EvaluationViewSet(viewsets.ModelViewSet):
    """Evaluations you are a member of. Creating one makes you its lead evaluator."""

    serializer_class = EvaluationSerializer
    lookup_field = "slug"
    lookup_value_regex = r"[-\w]+"
    queryset = Evaluation.objects.none()

    def get_queryset(self) -> QuerySet[Evaluation]:
        return evaluation_list(user=self.request.user)

    def _evaluation(self, action: Action) -> Evaluation:
        return evaluation_get(user=self.request.user, slug=self.kwargs["slug"], action=action)

    def retrieve(self, request: Request, slug: str) -> Response:
        return Response(self.get_serializer(self._evaluation(Action.VIEW_EVALUATION)).data)

    def create(self, request: Request) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        evaluation = services.evaluation_create(by=request.user, **serializer.validated_data)
        return Response(
            self.get_serializer(self.get_queryset().get(pk=evaluation.pk)).data,
            status=status.HTTP_201_CREATED,
        )

    def update(self, request: Request, slug: str, partial: bool = False) -> Response:
        evaluation = self._evaluation(Action.CHANGE_EVALUATION)
        serializer = self.get_serializer(evaluation, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        evaluation = services.evaluation_update(
            evaluation=evaluation, by=request.user, **serializer.validated_data
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=evaluation.pk)).data)

    def destroy(self, request: Request, slug: str) -> Response:
        services.evaluation_delete(
            evaluation=self._evaluation(Action.DELETE_EVALUATION), by=request.user
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema_view(
    **{
        name: extend_schema(
            parameters=[
                OpenApiParameter("evaluation_slug", OpenApiTypes.STR, OpenApiParameter.PATH)
            ]
        )
        for name in ("list", "create", "retrieve", "update", "partial_update", "destroy")
    }
)
class MembershipViewSet(viewsets.ModelViewSet):
    """The team of one evaluation. Every member may list it; only lead evaluators change it."""

    serializer_class = MembershipSerializer
    queryset = Membership.objects.none()

    def get_serializer_class(self) -> type:
        if self.action in ("update", "partial_update"):
            return MembershipChangeSerializer
        return MembershipSerializer

    def _evaluation(self, action: Action) -> Evaluation:
        return evaluation_get(
            user=self.request.user, slug=self.kwargs["evaluation_slug"], action=action
        )

    def get_queryset(self) -> QuerySet[Membership]:
        if getattr(self, "swagger_fake_view", False):
            return Membership.objects.none()
        return membership_list(evaluation=self._evaluation(Action.VIEW_MEMBERS))

    def _membership(self, action: Action) -> Membership:
        evaluation = self._evaluation(action)
        return get_object_or_404(membership_list(evaluation=evaluation), pk=self.kwargs["pk"])

    @extend_schema(responses={201: MembershipCreatedSerializer})
    def create(self, request: Request, evaluation_slug: str) -> Response:
        evaluation = self._evaluation(Action.MANAGE_MEMBERS)
        serializer = MembershipSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        membership, mail_error = services.member_invite(
            evaluation=evaluation,
            by=request.user,
            email=data["user"]["email"],
            name=data["user"].get("name", ""),
            role=data["role"],
            initials=data.get("initials", ""),
        )
        body = {**MembershipSerializer(membership).data, "invitation_error": mail_error}
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(request=MembershipChangeSerializer, responses=MembershipSerializer)
    def update(
        self, request: Request, evaluation_slug: str, pk: str, partial: bool = False
    ) -> Response:
        membership = self._membership(Action.MANAGE_MEMBERS)
        serializer = MembershipChangeSerializer(membership, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        membership = services.membership_change(
            membership=membership, by=request.user, **serializer.validated_data
        )
        return Response(MembershipSerializer(membership).data)

    @extend_schema(request=MembershipChangeSerializer, responses=MembershipSerializer)
    def partial_update(self, request: Request, evaluation_slug: str, pk: str) -> Response:
        return self.update(request, evaluation_slug, pk, partial=True)

    def destroy(self, request: Request, evaluation_slug: str, pk: str) -> Response:
        services.membership_remove(
            membership=self._membership(Action.MANAGE_MEMBERS), by=request.user
        )
        return Response(status=status.HTTP_204_NO_CONTENT)
