"""The people import, under /registry/import/ (mounted before the registry's own pages)."""

from django.urls import path

from stakeholders.views import imports

app_name = "registry_import"

urlpatterns = [
    path("", imports.import_upload_page, name="upload"),
    path("<int:pk>/columns/", imports.import_mapping_page, name="mapping"),
    path("<int:pk>/", imports.import_report_page, name="report"),
    path("<int:pk>/result/", imports.import_result_page, name="result"),
]
