"""Top-level URLs: pages, the API under /api/v1/, the admin and the health endpoint."""

from django.contrib import admin
from django.urls import include, path, re_path
from django.views.generic import RedirectView

from common.views import healthz, livez
from survey_site.views import api_not_found

# A respondent's page refused for too many fields comes back with its answers (survey_site.views).
handler400 = "survey_site.views.bad_request"
# Under /api/ a 404 from the routing and a failure outside DRF's views answer JSON too.
handler404 = "survey_site.views.page_not_found"
handler500 = "survey_site.views.server_error"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="evaluations:list", permanent=False), name="home"),
    path("healthz", healthz, name="healthz"),
    path("livez", livez, name="livez"),
    path("accounts/", include("accounts.urls")),
    path("evaluations/", include("evaluations.urls")),
    path("evaluations/", include("questionnaires.urls")),
    path("evaluations/", include("interviews.urls")),
    path("evaluations/", include("reports.urls")),
    path("evaluations/", include("analysis.urls")),
    path("", include("history.urls")),  # …/activity/, …/history/ (evaluations and registry)
    path("r/", include("questionnaires.respondent_urls")),
    path("o/", include("questionnaires.open_urls")),
    path("", include("privacy.urls")),
    path("registry/import/", include("stakeholders.import_urls")),
    path("registry/", include("stakeholders.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include(("survey_site.api", "api"), namespace="api")),
    # Last under /api/: what no route takes is a JSON 404 with DEBUG on too (ending in "/", so
    # that APPEND_SLASH still redirects an address given without its slash).
    re_path(r"^api/[\s\S]*/$", api_not_found),
    path("admin/", admin.site.urls),
]
