"""A file question's answer, downloaded by the team: the page (views.answer_files) and the API
(api.distributions.ResponseViewSet.file) both answer with this, for those who may read the
response's answers (lead-only answers for the lead alone; viewers never), streamed as an
attachment from the storage (media files are never served directly: they hold answers)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import FileResponse, Http404
from django.utils.translation import gettext as _

from history.services import record_download
from questionnaires.answers import FILE_KIND
from questionnaires.files import FILE_TYPES
from questionnaires.models import Distribution, Response
from questionnaires.selectors.responses import response_answers

if TYPE_CHECKING:
    from accounts.models import User


def answer_file_response(*, user: User, response: Response, key: str) -> FileResponse:
    """The file answering question `key` of the response: PermissionDenied for who may not
    read its answers, Http404 when it has none (or it is no longer kept)."""
    answers = response_answers(user=user, response=response)  # PermissionDenied
    answer = next(
        (a for a in answers if a.question.key == key and a.question.kind == FILE_KIND), None
    )
    if answer is None or not answer.file:
        raise Http404(_("This response has no file for this question."))
    extension = str(answer.file.name).rsplit(".", 1)[-1]
    kind = FILE_TYPES.get(extension)
    try:  # from the storage of settings.STORAGES (the local disk or a private bucket)
        opened = answer.file.open("rb")
    except OSError:
        raise Http404(_("This file is no longer kept.")) from None
    distribution = response.distribution
    # As for returned files: the history names the file only where the whole team reads.
    shared = distribution.confidentiality == Distribution.Confidentiality.TEAM
    what = f"{answer.text} ({response}, {key})" if shared else f"file answer to {key}"
    record_download(distribution, what=what, evaluation_id=distribution.evaluation_id)
    # The respondent's name with the extension of the type its content showed.
    stem = answer.text.rsplit(".", 1)[0] if "." in answer.text else answer.text
    return FileResponse(
        opened,
        as_attachment=True,
        filename=f"{stem or key}.{extension}",
        content_type=kind.content_type if kind else "application/octet-stream",
    )
