"""Pages of the reports, under /evaluations/<slug>/reports/."""

from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("<slug:slug>/reports/", views.overview_page, name="overview"),
    path("<slug:slug>/reports/overview.csv", views.overview_csv, name="overview_csv"),
    path("<slug:slug>/reports/overview/<str:what>/", views.overview_edit, name="overview_edit"),
    path("<slug:slug>/reports/annex/", views.annex_page, name="annex"),
    path("<slug:slug>/reports/annex.csv", views.annex_csv, name="annex_csv"),
    path("<slug:slug>/reports/questionnaires/", views.likert_page, name="likert"),
    path("<slug:slug>/reports/likert.csv", views.likert_csv, name="likert_csv"),
    path("<slug:slug>/reports/open-answers/", views.open_answers_page, name="open_answers"),
    path("<slug:slug>/reports/rates/", views.rates_page, name="rates"),
    path("<slug:slug>/reports/rates.csv", views.rates_csv, name="rates_csv"),
    path("<slug:slug>/reports/downloads/", views.exports_page, name="exports"),
    path("<slug:slug>/reports/downloads/<int:pk>/", views.export_status, name="export_status"),
    path(
        "<slug:slug>/reports/downloads/<int:pk>/file/",
        views.export_download,
        name="export_download",
    ),
    path(
        "<slug:slug>/reports/downloads/<int:pk>/<str:action>/",
        views.export_action,
        name="export_action",
    ),
]
