"""The history's API addresses, added to the API's (survey_site/api.py) under /api/v1/."""

from django.urls import path

from history.api.views import (
    DistributionHistoryView,
    EvaluationHistoryView,
    InterviewHistoryView,
    PersonHistoryView,
    VersionHistoryView,
)

EVALUATION = "evaluations/<slug:evaluation_slug>"

urlpatterns = [
    path(f"{EVALUATION}/history/", EvaluationHistoryView.as_view(), name="evaluation-history"),
    path(
        f"{EVALUATION}/interviews/<int:pk>/history/",
        InterviewHistoryView.as_view(),
        name="interview-history",
    ),
    path(
        f"{EVALUATION}/distributions/<int:pk>/history/",
        DistributionHistoryView.as_view(),
        name="distribution-history",
    ),
    path(
        f"{EVALUATION}/instruments/<str:instrument_key>/versions/<int:number>/history/",
        VersionHistoryView.as_view(),
        name="instrument-version-history",
    ),
    path(
        "registry/people/<int:pk>/history/",
        PersonHistoryView.as_view(),
        name="registry-person-history",
    ),
]
