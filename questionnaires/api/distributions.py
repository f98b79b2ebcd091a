"""API doors into distributions: settings, audience, sending, messages; their invitations
(links and actions) and their responses."""

from __future__ import annotations

from django.db.models import Prefetch
from django.http import FileResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response as ApiResponse

from common.api_schema import LOCKED, ProblemSerializer
from common.errors import ValidationProblem
from evaluations.api import SLUG, EvaluationScoped
from evaluations.permissions import Action, can_see_links, ensure
from questionnaires.answer_downloads import answer_file_response
from questionnaires.api.open_links import OpenLinkActions
from questionnaires.audience import audience_clean, audience_people
from questionnaires.models import (
    Answer,
    Distribution,
    InstrumentVersion,
    Invitation,
    InvitationEvent,
    Message,
    Response,
)
from questionnaires.selectors.distributions import distribution_list
from questionnaires.selectors.responses import answers_refusal, response_order
from questionnaires.serializers import (
    AudienceResultSerializer,
    AudienceSerializer,
    DistributionCreateSerializer,
    DistributionSerializer,
    DistributionSettingsSerializer,
    InvitationActionSerializer,
    InvitationSerializer,
    MessageSerializer,
    ResponseSerializer,
    SendResultSerializer,
)
from questionnaires.services.actions import invitation_act
from questionnaires.services.distributions import distribution_create, distribution_update
from questionnaires.services.invitations import invitation_create, invitations_for_people
from questionnaires.services.messaging import distribution_send
from questionnaires.services.reminders import reminders_preview, reminders_send_now

DISTRIBUTION = OpenApiParameter("distribution_id", OpenApiTypes.INT, OpenApiParameter.PATH)


class SendSerializer(serializers.Serializer):
    texts_confirmed = serializers.BooleanField(
        default=False,
        help_text="true: send although the questionnaire's texts were flagged (read them first)",
    )


class RemindSerializer(serializers.Serializer):
    preview = serializers.BooleanField(
        default=False, help_text="true: say who would be reminded and the message; send nothing"
    )
    recipients = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        required=False,
        help_text="only these invitations (the ids of a preview), those of them still waiting",
    )


@extend_schema(parameters=[SLUG])
class DistributionViewSet(OpenLinkActions, EvaluationScoped, viewsets.ReadOnlyModelViewSet):
    """Versions sent out: a deadline, who reads the answers, languages."""

    serializer_class = DistributionSerializer
    queryset = Distribution.objects.none()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Distribution.objects.none()
        return distribution_list(
            evaluation=self.evaluation(Action.VIEW_INSTRUMENTS)
        ).prefetch_related(
            Prefetch(
                "messages",
                Message.objects.filter(kind="reminder", status="sent").only("key", "distribution"),
                to_attr="sent_reminders",
            )
        )

    @extend_schema(request=DistributionCreateSerializer, responses={201: DistributionSerializer})
    def create(self, request: Request, evaluation_slug: str) -> ApiResponse:
        evaluation = self.evaluation(Action.MANAGE_INSTRUMENTS)
        data = DistributionCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        version = get_object_or_404(
            InstrumentVersion,
            instrument__evaluation=evaluation,
            instrument__key=fields.pop("instrument"),
            number=fields.pop("version"),
        )
        distribution = distribution_create(
            evaluation=evaluation, by=request.user, version=version, **fields
        )
        return ApiResponse(
            DistributionSerializer(distribution).data, status=status.HTTP_201_CREATED
        )

    def _distribution(self, action_needed: Action) -> Distribution:
        distribution = get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])
        ensure(self.request.user, action_needed, distribution.evaluation)
        return distribution

    @extend_schema(request=DistributionSettingsSerializer, responses={200: DistributionSerializer})
    def partial_update(self, request: Request, evaluation_slug: str, pk: str) -> ApiResponse:
        """Change the deadline, close, time zone, sender, messages or reminders."""
        distribution = self._distribution(Action.MANAGE_RESPONDENTS)
        data = DistributionSettingsSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        distribution = distribution_update(
            distribution=distribution, by=request.user, **data.validated_data
        )
        return ApiResponse(DistributionSerializer(distribution).data)

    @extend_schema(request=SendSerializer, responses={200: SendResultSerializer, 409: LOCKED})
    @action(detail=True, methods=["post"])
    def send(self, request: Request, evaluation_slug: str, pk: str) -> ApiResponse:
        """Queue the invitations not sent yet (e-mail goes out from a Celery task). Refused
        (400, the list under `texts_confirmed`) while the questionnaire's texts hold an
        unfilled placeholder, a printed blank or a past date, unless `texts_confirmed`."""
        distribution = self._distribution(Action.MANAGE_RESPONDENTS)
        data = SendSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        queued = distribution_send(
            distribution=distribution,
            by=request.user,
            texts_confirmed=data.validated_data["texts_confirmed"],
        )
        return ApiResponse({"queued": queued})

    @extend_schema(request=RemindSerializer, responses={
        200: OpenApiTypes.OBJECT, 400: OpenApiTypes.OBJECT, 409: LOCKED
    })  # fmt: skip
    @action(detail=True, methods=["post"])
    def remind(self, request: Request, evaluation_slug: str, pk: str) -> ApiResponse:
        """Remind now everyone who has not answered (within `max_reminders`). With
        `{"preview": true}` nothing is sent: the answer lists the recipients and the message
        (`{"preview": true, "count", "recipients": [{id, name, email, reminders_sent}],
        "subject", "body"}`); without it, `{"queued": n}`, to the `recipients` given (ids of a
        preview) that still wait, or else to everyone waiting. 400 before the invitations are
        sent, after the close or when nobody waits; 409 while the responses are locked."""
        distribution = self._distribution(Action.MANAGE_RESPONDENTS)
        data = RemindSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        if not data.validated_data["preview"]:
            queued = reminders_send_now(
                distribution=distribution,
                by=request.user,
                recipients=data.validated_data.get("recipients"),
            )
            return ApiResponse({"queued": queued})
        preview = reminders_preview(distribution=distribution, by=request.user)
        show = can_see_links(
            request.user, distribution.evaluation, confidentiality=distribution.confidentiality
        )
        return ApiResponse({
            "preview": True,
            "count": len(preview.recipients),
            "recipients": [
                {"id": i.pk, "name": i.name, "email": i.email, "reminders_sent": i.reminders_sent}
                for i in preview.recipients
            ],
            "subject": preview.subject,
            "body": preview.body if show else "",
        })  # fmt: skip

    @extend_schema(
        request=AudienceSerializer, responses={201: AudienceResultSerializer, 409: LOCKED}
    )
    @action(detail=True, methods=["post"])
    def audience(self, request: Request, evaluation_slug: str, pk: str) -> ApiResponse:
        """Invite the registry people a query selects (group, country, region, office, tag)."""
        distribution = self._distribution(Action.MANAGE_RESPONDENTS)
        data = AudienceSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        query = audience_clean(data.validated_data)
        if not query:
            raise ValidationProblem(
                _("Choose at least one group, region, country, office or tag."),
                errors={"groups": [_("Choose at least one criterion.")]},
            )
        result = invitations_for_people(
            distribution=distribution,
            by=request.user,
            people=audience_people(query),
            channel=data.validated_data["channel"],
            audience=query,
        )
        body = {
            "added": len(result.added),
            "already_invited": result.already,
            "without_email": result.without_email,
        }
        return ApiResponse(body, status=status.HTTP_201_CREATED)

    @extend_schema(responses={200: MessageSerializer(many=True)})
    @action(detail=True, methods=["get"])
    def messages(self, request: Request, evaluation_slug: str, pk: str) -> ApiResponse:
        """Every e-mail of the distribution, with its status and attempts."""
        distribution = self._distribution(Action.MANAGE_RESPONDENTS)
        show = can_see_links(
            request.user, distribution.evaluation, confidentiality=distribution.confidentiality
        )
        page = self.paginate_queryset(distribution.messages.all())
        data = MessageSerializer(page, many=True, context={"show_links": show}).data
        return self.get_paginated_response(data)


class DistributionScoped(EvaluationScoped):
    def distribution(self, action: Action) -> Distribution:
        """The distribution, checked for `action`; loaded once per request."""
        if not hasattr(self, "_distribution"):
            self._distribution = get_object_or_404(
                Distribution.objects.select_related("evaluation", "version"),
                evaluation=self.evaluation(Action.VIEW_INSTRUMENTS),
                pk=self.kwargs["distribution_id"],
            )
        ensure(self.request.user, action, self._distribution.evaluation)
        return self._distribution


@extend_schema(parameters=[SLUG, DISTRIBUTION])
class InvitationViewSet(DistributionScoped, viewsets.ReadOnlyModelViewSet):
    """Respondents of a distribution and their personal links."""

    serializer_class = InvitationSerializer
    queryset = Invitation.objects.none()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Invitation.objects.none()
        return (
            self.distribution(Action.VIEW_INSTRUMENTS)
            .invitations.prefetch_related(
                Prefetch("events", InvitationEvent.objects.select_related("by"))
            )
            .order_by("name")
        )

    @extend_schema(
        request=InvitationActionSerializer, responses={200: InvitationSerializer, 409: LOCKED}
    )
    @action(detail=True, methods=["post"], url_path="actions")
    def act(self, request: Request, pk: str, **kwargs: str) -> ApiResponse:
        """Exclude (reason required), revoke the link, restore, or send the invitation again."""
        self.distribution(Action.MANAGE_RESPONDENTS)
        invitation = get_object_or_404(self.get_queryset(), pk=pk)
        data = InvitationActionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        invitation_act(
            invitation=invitation,
            by=request.user,
            action=data.validated_data["action"],
            data=data.validated_data,
        )
        invitation = self.get_queryset().get(pk=pk)
        return ApiResponse(
            InvitationSerializer(invitation, context=self.get_serializer_context()).data
        )

    def get_serializer_context(self) -> dict:
        context = super().get_serializer_context()
        if not getattr(self, "swagger_fake_view", False):
            distribution = self.distribution(Action.VIEW_INSTRUMENTS)
            context["distribution"] = distribution
            context["show_links"] = can_see_links(
                self.request.user,
                distribution.evaluation,
                confidentiality=distribution.confidentiality,
            )
        return context

    @extend_schema(responses={201: InvitationSerializer, 409: LOCKED})
    def create(self, request: Request, **kwargs: str) -> ApiResponse:
        distribution = self.distribution(Action.MANAGE_RESPONDENTS)
        data = InvitationSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        invitation = invitation_create(
            distribution=distribution, by=request.user, **data.validated_data
        )
        invitation = self.get_queryset().get(pk=invitation.pk)
        return ApiResponse(
            InvitationSerializer(invitation, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )


@extend_schema(parameters=[SLUG, DISTRIBUTION])
class ResponseViewSet(DistributionScoped, viewsets.ReadOnlyModelViewSet):
    """Responses, with their answers only where your role may read them."""

    serializer_class = ResponseSerializer
    queryset = Response.objects.none()
    lookup_value_regex = "[0-9a-f]{32}"  # questionnaires.models.responses.response_id

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Response.objects.none()
        distribution = self.distribution(Action.VIEW_RESPONSES)
        return (
            Response.objects.filter(distribution=distribution, status=Response.Status.SUBMITTED)
            .select_related("invitation", "distribution__evaluation")
            .prefetch_related(Prefetch("answers", Answer.objects.select_related("question")))
            .order_by(*response_order(distribution))
        )

    def get_serializer_context(self) -> dict:
        context = super().get_serializer_context()
        user = self.request.user
        context["readable"] = lambda response: answers_refusal(user=user, response=response) is None
        return context

    @extend_schema(
        parameters=[OpenApiParameter("key", str, OpenApiParameter.PATH)],
        responses={
            200: OpenApiResponse(OpenApiTypes.BINARY, description="The file, as an attachment."),
            403: OpenApiResponse(
                ProblemSerializer, description="Your role may not read this response's answers."
            ),
            404: OpenApiResponse(ProblemSerializer, description="No file for this question."),
        },
    )
    @action(detail=True, methods=["get"], url_path=r"files/(?P<key>[^/]+)")
    def file(
        self, request: Request, evaluation_slug: str, distribution_id: str, pk: str, key: str
    ) -> FileResponse:
        """The file answering a file question, where your role may read the answers."""
        return answer_file_response(user=request.user, response=self.get_object(), key=key)
