"""Downloads of the interview log in the layout of a list of persons interviewed (CSV and
XLSX), so that what is exported can be imported again."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from common.downloads import csv_download, query_flag, xlsx_download
from evaluations.models import Evaluation
from evaluations.permissions import Action
from evaluations.views import evaluation_view
from history.services import record_download
from interviews.exporting import export_filename, log_rows, log_xlsx


def withhold_names(request: HttpRequest) -> bool:
    """`?withhold_names=1`: groups and people shown without their names."""
    return query_flag(request, "withhold_names")


@evaluation_view(Action.VIEW_RESPONSES)
def export_csv(request: HttpRequest, evaluation: Evaluation) -> HttpResponse:
    rows = log_rows(
        evaluation=evaluation, user=request.user, withhold_names=withhold_names(request)
    )
    filename = export_filename(evaluation, "csv")
    record_download(evaluation, what=filename, evaluation_id=evaluation.pk)
    return csv_download(rows, filename)


@evaluation_view(Action.VIEW_RESPONSES)
def export_xlsx(request: HttpRequest, evaluation: Evaluation) -> HttpResponse:
    content = log_xlsx(
        evaluation=evaluation, user=request.user, withhold_names=withhold_names(request)
    )
    filename = export_filename(evaluation, "xlsx")
    record_download(evaluation, what=filename, evaluation_id=evaluation.pk)
    return xlsx_download(content, filename)
