"""Downloads of the interview log in the layout of a list of persons interviewed (CSV and
XLSX), so that what is exported can be imported again."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from common.downloads import csv_download, safe_filename
from evaluations.models import Evaluation
from evaluations.permissions import Action
from evaluations.views import evaluation_view

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TRUE_WORDS = ("1", "true", "yes", "on")


def withhold_names(request: HttpRequest) -> bool:
    """`?withhold_names=1`: groups and people shown without their names."""
    return request.GET.get("withhold_names", "").strip().lower() in TRUE_WORDS


def export_filename(evaluation: Evaluation, extension: str) -> str:
    return safe_filename(f"{evaluation.slug}-persons-interviewed.{extension}")


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{safe_filename(filename)}"'
    return response


@evaluation_view(Action.VIEW_RESPONSES)
def export_csv(request: HttpRequest, evaluation: Evaluation) -> HttpResponse:
    from interviews.exporting import log_rows

    rows = log_rows(
        evaluation=evaluation, user=request.user, withhold_names=withhold_names(request)
    )
    return csv_download(rows, export_filename(evaluation, "csv"))


@evaluation_view(Action.VIEW_RESPONSES)
def export_xlsx(request: HttpRequest, evaluation: Evaluation) -> HttpResponse:
    from interviews.exporting import log_xlsx

    content = log_xlsx(
        evaluation=evaluation, user=request.user, withhold_names=withhold_names(request)
    )
    return xlsx_response(content, export_filename(evaluation, "xlsx"))
