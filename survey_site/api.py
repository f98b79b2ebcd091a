"""The API router: every app registers its viewsets here, under /api/v1/."""

from __future__ import annotations

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from accounts.api import TokenObtainView
from evaluations.api import EvaluationViewSet, MembershipViewSet

router = DefaultRouter()
router.register("evaluations", EvaluationViewSet, basename="evaluation")
router.register(
    r"evaluations/(?P<evaluation_slug>[-\w]+)/members", MembershipViewSet, basename="membership"
)

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("auth/token/", TokenObtainView.as_view(), name="token"),
    *router.urls,
]
