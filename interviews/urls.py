"""Pages of the interview log, under /evaluations/<slug>/interviews/ and …/coverage/."""

from django.urls import path

from interviews.views import coverage, exports, imports, locks, log

app_name = "interviews"

urlpatterns = [
    path("<slug:slug>/interviews/", log.log_page, name="log"),
    path("<slug:slug>/interviews/lock/", locks.log_lock_page, name="log_lock"),
    path("<slug:slug>/legal-hold/", locks.legal_hold_page, name="legal_hold"),
    path("<slug:slug>/interviews/new/", log.interview_new_page, name="new"),
    path("<slug:slug>/interviews/<int:pk>/", log.interview_page, name="interview"),
    path("<slug:slug>/interviews/<int:pk>/edit/", log.interview_edit_page, name="edit"),
    path("<slug:slug>/interviews/<int:pk>/exclude/", log.interview_exclude, name="exclude"),
    path("<slug:slug>/interviews/<int:pk>/delete/", log.interview_delete, name="delete"),
    path("<slug:slug>/interviews/people/", log.people_found, name="people_found"),
    path("<slug:slug>/interviews/people/new/", log.person_new, name="person_new"),
    path("<slug:slug>/interviews/participant/", log.participant_row, name="participant_row"),
    path("<slug:slug>/interviews/guide-fields/", log.guide_fields, name="guide_fields"),
    path("<slug:slug>/coverage/", coverage.coverage_page, name="coverage"),
    path("<slug:slug>/coverage/edit/", coverage.coverage_edit_page, name="coverage_edit"),
    path("<slug:slug>/coverage.csv", coverage.coverage_csv, name="coverage_csv"),
    path("<slug:slug>/interviews/import/", imports.import_upload_page, name="import_upload"),
    path(
        "<slug:slug>/interviews/import/<int:pk>/",
        imports.import_report_page,
        name="import_report",
    ),
    path(
        "<slug:slug>/interviews/import/<int:pk>/result/",
        imports.import_result_page,
        name="import_result",
    ),
    path("<slug:slug>/interviews/export.csv", exports.export_csv, name="export_csv"),
    path("<slug:slug>/interviews/export.xlsx", exports.export_xlsx, name="export_xlsx"),
]
