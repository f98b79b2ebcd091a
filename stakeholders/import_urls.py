"""The people import, under /registry/import/ (mounted before the registry's own pages)."""

from django.urls import path

from stakeholders import import_views

app_name = "registry_import"

urlpatterns = [
    path("", import_views.import_upload_page, name="upload"),
    path("<int:pk>/columns/", import_views.import_mapping_page, name="mapping"),
    path("<int:pk>/", import_views.import_report_page, name="report"),
    path("<int:pk>/result/", import_views.import_result_page, name="result"),
]
