"""The API router: every app registers its viewsets here, under /api/v1/."""

from __future__ import annotations

from typing import Any

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from accounts.api import TokenObtainView
from analysis.api.codebook import CodebookFileView, CodeViewSet
from analysis.api.codings import CodableView, CodingViewSet
from analysis.api.grid import AssessedUnitViewSet, AssessmentView, GridView, RatingScaleView
from analysis.api.matrix import (
    CriterionViewSet,
    EvaluationQuestionViewSet,
    MatrixDefaultsView,
    MatrixFileView,
    MatrixView,
)
from analysis.api.qdpx import QdpxView
from analysis.api.tallies import ShareWordsView, TallyView
from evaluations.api import EvaluationViewSet, MembershipViewSet
from history.api.urls import urlpatterns as history_urls
from interviews.api.coverage import CoverageView
from interviews.api.exports import InterviewExportView
from interviews.api.imports import InterviewImportViewSet
from interviews.api.locks import InterviewLogLockView, LegalHoldView
from interviews.api.log import InterviewViewSet, ReportingCategoryViewSet
from privacy.api.people import PersonDataView, PersonEraseView
from privacy.api.retention import RetentionView
from questionnaires.api.corrections import (
    CorrectionDecisionView,
    CorrectionListView,
    RespondCorrectionView,
    ResponseCorrectionView,
    ResponseReopenView,
)
from questionnaires.api.distributions import DistributionViewSet, InvitationViewSet, ResponseViewSet
from questionnaires.api.instruments import InstrumentViewSet, VersionViewSet
from questionnaires.api.locks import DistributionLockView
from questionnaires.api.respondent import RespondView
from questionnaires.api.respondent_files import RespondFileView
from questionnaires.api.tracking import DistributionRatesView
from reports.api.annex import AnnexView
from reports.api.exports import ExportViewSet
from reports.api.layouts import LayoutViewSet
from reports.api.likert import LikertView
from reports.api.open_answers import OpenAnswersView
from reports.api.overview import OverviewView
from reports.api.rates import RatesView
from reports.api.rules import RulesView
from stakeholders.api.imports import ImportJobViewSet
from stakeholders.api.registry import (
    CountryViewSet,
    GroupViewSet,
    MergeViewSet,
    OfficeViewSet,
    OrganisationViewSet,
    PersonViewSet,
)


class Router(DefaultRouter):
    """DRF's router, with one pattern for the id in every detail route: a number (`\\d+`), as
    `<int:…>` in the paths below, unless the viewset names its own (`lookup_value_regex`: a
    slug, a country code, a response's hex id). `…/distributions/abc/` or `…/null,null/` is
    then a 404 in JSON from the routing, never a lookup with a string."""

    def get_lookup_regex(self, viewset: Any, lookup_prefix: str = "") -> str:
        kwarg = getattr(viewset, "lookup_url_kwarg", None) or getattr(viewset, "lookup_field", "pk")
        value = getattr(viewset, "lookup_value_regex", r"\d+")
        return f"(?P<{lookup_prefix}{kwarg}>{value})"


router = Router()
router.register("evaluations", EvaluationViewSet, basename="evaluation")
router.register(
    r"evaluations/(?P<evaluation_slug>[-\w]+)/members", MembershipViewSet, basename="membership"
)
EVALUATION = r"evaluations/(?P<evaluation_slug>[-\w]+)"
router.register(f"{EVALUATION}/instruments", InstrumentViewSet, basename="instrument")
router.register(
    rf"{EVALUATION}/instruments/(?P<instrument_key>[-\w.]+)/versions",
    VersionViewSet,
    basename="instrument-version",
)
router.register(f"{EVALUATION}/distributions", DistributionViewSet, basename="distribution")
router.register(
    rf"{EVALUATION}/distributions/(?P<distribution_id>\d+)/invitations",
    InvitationViewSet,
    basename="invitation",
)
router.register(
    rf"{EVALUATION}/distributions/(?P<distribution_id>\d+)/responses",
    ResponseViewSet,
    basename="response",
)
router.register(f"{EVALUATION}/interviews", InterviewViewSet, basename="interview")
router.register(
    f"{EVALUATION}/interview-imports", InterviewImportViewSet, basename="interview-import"
)
router.register(
    f"{EVALUATION}/interview-categories", ReportingCategoryViewSet, basename="interview-category"
)
router.register(f"{EVALUATION}/reports/layouts", LayoutViewSet, basename="report-layout")
router.register(f"{EVALUATION}/reports/exports", ExportViewSet, basename="report-export")
router.register(f"{EVALUATION}/analysis/criteria", CriterionViewSet, basename="criterion")
router.register(
    f"{EVALUATION}/analysis/questions", EvaluationQuestionViewSet, basename="evaluation-question"
)
router.register(f"{EVALUATION}/analysis/codes", CodeViewSet, basename="analysis-code")
router.register(f"{EVALUATION}/analysis/codings", CodingViewSet, basename="analysis-coding")
router.register(f"{EVALUATION}/analysis/units", AssessedUnitViewSet, basename="analysis-unit")
router.register("registry/people", PersonViewSet, basename="registry-person")
router.register("registry/organisations", OrganisationViewSet, basename="registry-organisation")
router.register("registry/offices", OfficeViewSet, basename="registry-office")
router.register("registry/countries", CountryViewSet, basename="registry-country")
router.register("registry/groups", GroupViewSet, basename="registry-group")
router.register("registry/merges", MergeViewSet, basename="registry-merge")
router.register("registry/imports", ImportJobViewSet, basename="registry-import")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves its start-up script as a file: no inline script (CSP).
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path("auth/token/", TokenObtainView.as_view(), name="token"),
    path("respond/<str:token>/", RespondView.as_view(), name="respond"),
    path("respond/<str:token>/files/<str:key>/", RespondFileView.as_view(), name="respond-file"),
    path(
        "respond/<str:token>/correction/",
        RespondCorrectionView.as_view(),
        name="respond-correction",
    ),
    path(
        "evaluations/<slug:evaluation_slug>/distributions/<int:distribution_id>/corrections/",
        CorrectionListView.as_view(),
        name="distribution-corrections",
    ),
    path(
        "evaluations/<slug:evaluation_slug>/distributions/<int:distribution_id>/corrections/<int:correction_id>/approve/",
        CorrectionDecisionView.as_view(approve=True),
        name="correction-approve",
    ),
    path(
        "evaluations/<slug:evaluation_slug>/distributions/<int:distribution_id>/corrections/<int:correction_id>/decline/",
        CorrectionDecisionView.as_view(approve=False),
        name="correction-decline",
    ),
    # Before the router: "reopen" and "correction" follow a response's id.
    path(
        "evaluations/<slug:evaluation_slug>/distributions/<int:distribution_id>/responses/<str:response_id>/reopen/",
        ResponseReopenView.as_view(),
        name="response-reopen",
    ),
    path(
        "evaluations/<slug:evaluation_slug>/distributions/<int:distribution_id>/responses/<str:response_id>/correction/",
        ResponseCorrectionView.as_view(),
        name="response-correction",
    ),
    path(
        "evaluations/<slug:evaluation_slug>/distributions/<int:distribution_id>/rates/",
        DistributionRatesView.as_view(),
        name="distribution-rates",
    ),
    # Before the router: "lock" is not an interview's id.
    path(
        "evaluations/<slug:evaluation_slug>/interviews/lock/",
        InterviewLogLockView.as_view(locking=True),
        name="interview-log-lock",
    ),
    path(
        "evaluations/<slug:evaluation_slug>/interviews/unlock/",
        InterviewLogLockView.as_view(locking=False),
        name="interview-log-unlock",
    ),
    path(
        "evaluations/<slug:evaluation_slug>/legal-hold/",
        LegalHoldView.as_view(),
        name="evaluation-legal-hold",
    ),
    path(
        "evaluations/<slug:evaluation_slug>/distributions/<int:distribution_id>/lock/",
        DistributionLockView.as_view(locking=True),
        name="distribution-lock",
    ),
    path(
        "evaluations/<slug:evaluation_slug>/distributions/<int:distribution_id>/unlock/",
        DistributionLockView.as_view(locking=False),
        name="distribution-unlock",
    ),
    path(
        "evaluations/<slug:evaluation_slug>/coverage/",
        CoverageView.as_view(),
        name="evaluation-coverage",
    ),
    path(
        "evaluations/<slug:evaluation_slug>/interviews-export/",
        InterviewExportView.as_view(),
        name="interviews-export",
    ),
    path("registry/people/<int:pk>/data/", PersonDataView.as_view(), name="person-data"),
    path("registry/people/<int:pk>/erase/", PersonEraseView.as_view(), name="person-erase"),
    path(
        "evaluations/<slug:evaluation_slug>/retention/",
        RetentionView.as_view(),
        name="evaluation-retention",
    ),
    *(
        path(f"evaluations/<slug:evaluation_slug>/reports/{name}/", view.as_view(), name=url_name)
        for name, view, url_name in (
            ("overview", OverviewView, "report-overview"),
            ("rules", RulesView, "report-rules"),
            ("annex", AnnexView, "report-annex"),
            ("likert", LikertView, "report-likert"),
            ("open-answers", OpenAnswersView, "report-open-answers"),
            ("rates", RatesView, "report-rates"),
        )
    ),
    *(
        path(f"evaluations/<slug:evaluation_slug>/analysis/{name}/", view.as_view(), name=url_name)
        for name, view, url_name in (
            ("matrix", MatrixView, "analysis-matrix"),
            ("matrix/defaults", MatrixDefaultsView, "analysis-matrix-defaults"),
            ("matrix/file", MatrixFileView, "analysis-matrix-file"),
            ("codebook/file", CodebookFileView, "analysis-codebook-file"),
            ("codable", CodableView, "analysis-codable"),
            ("tallies", TallyView, "analysis-tallies"),
            ("share-words", ShareWordsView, "analysis-share-words"),
            ("qdpx", QdpxView, "analysis-qdpx"),
            ("grid", GridView, "analysis-grid"),
            ("grid/assessment", AssessmentView, "analysis-grid-assessment"),
            ("grid/scale", RatingScaleView, "analysis-grid-scale"),
        )
    ),
    *history_urls,  # …/history/: read-only, before the router's detail routes
    *router.urls,
]
