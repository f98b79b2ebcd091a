"""API doors into a distribution's open link (mixed into the distributions' viewset): read it
with its counts, make or change it, rotate it, close or open it again."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response as ApiResponse

from common.api_schema import LOCKED
from evaluations.permissions import Action, actions_for
from questionnaires.models import Distribution, OpenLink
from questionnaires.selectors.open_links import open_link_summary
from questionnaires.services.open_links import (
    MAX_QUOTA,
    open_link_close,
    open_link_rotate,
    open_link_save,
)

NO_LINK = "This questionnaire has no open link yet."


class OpenLinkSerializer(serializers.Serializer):
    """The open link, its settings and its counts (apart from the response rates: nobody
    was invited through it, so there is no denominator)."""

    url = serializers.CharField(
        allow_null=True,
        help_text="The public address to share; null for roles that do not manage respondents",
    )
    quota = serializers.IntegerField(allow_null=True, help_text="At most this many responses")
    closes_at = serializers.DateTimeField(allow_null=True, help_text="The link closes then")
    email_capture = serializers.ChoiceField(choices=OpenLink.EmailCapture.choices)
    one_per_browser = serializers.BooleanField(
        help_text="A cookie brings a visitor back to their answers (not a security boundary)"
    )
    closed_at = serializers.DateTimeField(allow_null=True, help_text="Closed by the team then")
    created_at = serializers.DateTimeField()
    submitted = serializers.IntegerField(help_text="Responses submitted through the link")
    in_progress = serializers.IntegerField(help_text="Visitors who started, not submitted")
    remaining = serializers.IntegerField(
        allow_null=True, help_text="Responses the quota still takes; null without a quota"
    )


class OpenLinkSettingsSerializer(serializers.Serializer):
    quota = serializers.IntegerField(
        min_value=1, max_value=MAX_QUOTA, allow_null=True, required=False
    )
    closes_at = serializers.DateTimeField(allow_null=True, required=False)
    email_capture = serializers.ChoiceField(choices=OpenLink.EmailCapture.choices, required=False)
    one_per_browser = serializers.BooleanField(required=False)


class OpenLinkCloseSerializer(serializers.Serializer):
    closed = serializers.BooleanField(
        default=True, help_text="false: open the link again after it was closed"
    )


def open_link_body(request: Request, distribution: Distribution) -> dict[str, Any]:
    summary = open_link_summary(distribution)
    link = summary.link
    if link is None:
        raise NotFound(NO_LINK)
    manages = Action.MANAGE_RESPONDENTS in actions_for(request.user, distribution.evaluation)
    url = request.build_absolute_uri(reverse("open_link:entry", args=[link.token]))
    return OpenLinkSerializer({
        "url": url if manages else None,
        **{name: getattr(link, name) for name in (
            "quota", "closes_at", "email_capture", "one_per_browser", "closed_at", "created_at"
        )},
        "submitted": summary.submitted,
        "in_progress": summary.in_progress,
        "remaining": summary.remaining,
    }).data  # fmt: skip


class OpenLinkActions:
    """The open link's routes on DistributionViewSet (`_distribution(action)` checks roles)."""

    _distribution: Any

    @extend_schema(methods=["GET"], request=None, responses={200: OpenLinkSerializer})
    @extend_schema(
        methods=["POST"],
        request=OpenLinkSettingsSerializer,
        responses={200: OpenLinkSerializer, 201: OpenLinkSerializer, 409: LOCKED},
    )
    @action(detail=True, methods=["get", "post"], url_path="open-link")
    def open_link(self, request: Request, evaluation_slug: str, pk: str) -> ApiResponse:
        """GET: the open link with its counts (404 before one is made). POST: make it (201),
        or change the settings given (200): `quota`, `closes_at`, `email_capture`
        (off | optional | required), `one_per_browser`."""
        if request.method == "GET":
            distribution = self._distribution(Action.VIEW_INSTRUMENTS)
            return ApiResponse(open_link_body(request, distribution))
        distribution = self._distribution(Action.MANAGE_RESPONDENTS)
        data = OpenLinkSettingsSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        existed = OpenLink.objects.filter(
            distribution=distribution, replaced_at__isnull=True
        ).exists()
        open_link_save(distribution=distribution, by=request.user, **data.validated_data)
        code = status.HTTP_200_OK if existed else status.HTTP_201_CREATED
        return ApiResponse(open_link_body(request, distribution), status=code)

    @extend_schema(request=None, responses={200: OpenLinkSerializer, 409: LOCKED})
    @action(detail=True, methods=["post"], url_path="open-link/rotate")
    def rotate_open_link(self, request: Request, evaluation_slug: str, pk: str) -> ApiResponse:
        """A new address for the open link: the old one stops working and says it was
        replaced; settings and counts stay. 400 before a link is made."""
        distribution = self._distribution(Action.MANAGE_RESPONDENTS)
        open_link_rotate(distribution=distribution, by=request.user)
        return ApiResponse(open_link_body(request, distribution))

    @extend_schema(
        request=OpenLinkCloseSerializer, responses={200: OpenLinkSerializer, 409: LOCKED}
    )
    @action(detail=True, methods=["post"], url_path="open-link/close")
    def close_open_link(self, request: Request, evaluation_slug: str, pk: str) -> ApiResponse:
        """Close the open link (nobody new starts; those who started may finish), or open it
        again with `{"closed": false}`. 400 before a link is made."""
        distribution = self._distribution(Action.MANAGE_RESPONDENTS)
        data = OpenLinkCloseSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        open_link_close(
            distribution=distribution, by=request.user, closed=data.validated_data["closed"]
        )
        return ApiResponse(open_link_body(request, distribution))
