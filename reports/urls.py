"""Pages of the reports, under /evaluations/<slug>/reports/."""

from django.urls import path

from reports.views import exports, pages

app_name = "reports"

urlpatterns = [
    path("<slug:slug>/reports/", pages.overview_page, name="overview"),
    path("<slug:slug>/reports/overview.csv", pages.overview_csv, name="overview_csv"),
    path("<slug:slug>/reports/overview/<str:what>/", pages.overview_edit, name="overview_edit"),
    path("<slug:slug>/reports/annex/", pages.annex_page, name="annex"),
    path("<slug:slug>/reports/annex.csv", pages.annex_csv, name="annex_csv"),
    path("<slug:slug>/reports/questionnaires/", pages.likert_page, name="likert"),
    path("<slug:slug>/reports/likert.csv", pages.likert_csv, name="likert_csv"),
    path("<slug:slug>/reports/open-answers/", pages.open_answers_page, name="open_answers"),
    path("<slug:slug>/reports/rates/", pages.rates_page, name="rates"),
    path("<slug:slug>/reports/rates.csv", pages.rates_csv, name="rates_csv"),
    path("<slug:slug>/reports/downloads/", exports.exports_page, name="exports"),
    path("<slug:slug>/reports/downloads/<int:pk>/", exports.export_status, name="export_status"),
    path(
        "<slug:slug>/reports/downloads/<int:pk>/file/",
        exports.export_download,
        name="export_download",
    ),
    path(
        "<slug:slug>/reports/downloads/<int:pk>/<str:action>/",
        exports.export_action,
        name="export_action",
    ),
]
