"""The team's download of a file question's answer: for those who may read the response's
answers (lead-only answers for the lead alone; viewers never), streamed as an attachment from
the storage (media files are never served directly: they hold answers)."""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from evaluations.models import Evaluation
from evaluations.permissions import Action
from evaluations.views import evaluation_view
from history.services import record_download
from questionnaires.answers import FILE_KIND
from questionnaires.files import FILE_TYPES
from questionnaires.models import Distribution, Response
from questionnaires.selectors.responses import response_answers


@evaluation_view(Action.VIEW_RESPONSES)
def answer_file(
    request: HttpRequest, evaluation: Evaluation, pk: int, response_id: str, key: str
) -> FileResponse:
    distribution = get_object_or_404(Distribution, evaluation=evaluation, pk=pk)
    response = get_object_or_404(
        Response.objects.select_related("distribution__evaluation"),
        distribution=distribution,
        pk=response_id,
    )
    answers = response_answers(user=request.user, response=response)  # PermissionDenied
    answer = next(
        (a for a in answers if a.question.key == key and a.question.kind == FILE_KIND), None
    )
    if answer is None or not answer.file:
        raise Http404(_("This response has no file for this question."))
    extension = answer.file.name.rsplit(".", 1)[-1]
    kind = FILE_TYPES.get(extension)
    try:  # from the storage of settings.STORAGES (the local disk or a private bucket)
        opened = answer.file.open("rb")
    except OSError:
        raise Http404(_("This file is no longer kept.")) from None
    # As for returned files: the history names the file only where the whole team reads.
    shared = distribution.confidentiality == Distribution.Confidentiality.TEAM
    what = f"{answer.text} ({response}, {key})" if shared else f"file answer to {key}"
    record_download(distribution, what=what, evaluation_id=evaluation.pk)
    # The respondent's name with the extension of the type its content showed.
    stem = answer.text.rsplit(".", 1)[0] if "." in answer.text else answer.text
    return FileResponse(
        opened,
        as_attachment=True,
        filename=f"{stem or key}.{extension}",
        content_type=kind.content_type if kind else "application/octet-stream",
    )
