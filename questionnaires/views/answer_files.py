"""The team's page door to a file question's answer (questionnaires.answer_downloads)."""

from __future__ import annotations

from django.http import FileResponse, HttpRequest
from django.shortcuts import get_object_or_404

from evaluations.models import Evaluation
from evaluations.permissions import Action
from evaluations.views import evaluation_view
from questionnaires.answer_downloads import answer_file_response
from questionnaires.models import Response


@evaluation_view(Action.VIEW_RESPONSES)
def answer_file(
    request: HttpRequest, evaluation: Evaluation, pk: int, response_id: str, key: str
) -> FileResponse:
    response = get_object_or_404(
        Response.objects.select_related("distribution__evaluation"),
        distribution__evaluation=evaluation,
        distribution_id=pk,
        pk=response_id,
    )
    return answer_file_response(user=request.user, response=response, key=key)
