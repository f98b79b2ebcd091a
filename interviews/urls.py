"""Pages of the interview log, under /evaluations/<slug>/interviews/ and …/coverage/."""

from django.urls import path

from interviews import coverage_views, export_views, import_views, views

app_name = "interviews"

urlpatterns = [
    path("<slug:slug>/interviews/", views.log_page, name="log"),
    path("<slug:slug>/interviews/new/", views.interview_new_page, name="new"),
    path("<slug:slug>/interviews/<int:pk>/", views.interview_page, name="interview"),
    path("<slug:slug>/interviews/<int:pk>/edit/", views.interview_edit_page, name="edit"),
    path("<slug:slug>/interviews/<int:pk>/exclude/", views.interview_exclude, name="exclude"),
    path("<slug:slug>/interviews/<int:pk>/delete/", views.interview_delete, name="delete"),
    path("<slug:slug>/interviews/people/", views.people_found, name="people_found"),
    path("<slug:slug>/interviews/people/new/", views.person_new, name="person_new"),
    path("<slug:slug>/interviews/participant/", views.participant_row, name="participant_row"),
    path("<slug:slug>/interviews/guide-fields/", views.guide_fields, name="guide_fields"),
    path("<slug:slug>/coverage/", coverage_views.coverage_page, name="coverage"),
    path("<slug:slug>/coverage/edit/", coverage_views.coverage_edit_page, name="coverage_edit"),
    path("<slug:slug>/coverage.csv", coverage_views.coverage_csv, name="coverage_csv"),
    path("<slug:slug>/interviews/import/", import_views.import_upload_page, name="import_upload"),
    path(
        "<slug:slug>/interviews/import/<int:pk>/",
        import_views.import_report_page,
        name="import_report",
    ),
    path(
        "<slug:slug>/interviews/import/<int:pk>/result/",
        import_views.import_result_page,
        name="import_result",
    ),
    path("<slug:slug>/interviews/export.csv", export_views.export_csv, name="export_csv"),
    path("<slug:slug>/interviews/export.xlsx", export_views.export_xlsx, name="export_xlsx"),
]
