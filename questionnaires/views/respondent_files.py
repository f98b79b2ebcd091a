"""File questions on the respondent's pages: the files a page's form sends (a new file for a
question, or "remove"), stored through questionnaires.services.answer_files."""

from __future__ import annotations

from django.http import HttpRequest

from common.errors import ValidationProblem
from questionnaires.answers import FILE_KIND
from questionnaires.models import Invitation, Response
from questionnaires.presentation import Page
from questionnaires.services.answer_files import (
    answer_file_attach,
    answer_file_remove,
    draft_files,
)

REMOVE_SUFFIX = "__remove"


def page_files(
    request: HttpRequest, invitation: Invitation, page: Page, language: str
) -> dict[str, list[str]]:
    """Store the files the page sent and remove those asked; the refused ones' errors, by
    question key (a refused file changes nothing of the draft). FormClosed and
    AlreadySubmitted pass through, as from response_save."""
    errors: dict[str, list[str]] = {}
    for q in page.questions:
        if q.kind != FILE_KIND:
            continue
        upload = request.FILES.get(q.name)
        try:
            if upload is not None:
                answer_file_attach(
                    invitation=invitation, key=q.key, upload=upload, language=language
                )
            elif request.POST.get(q.name + REMOVE_SUFFIX):
                answer_file_remove(invitation=invitation, key=q.key)
        except ValidationProblem as problem:
            errors[q.key] = problem.errors.get(q.key) or [problem.message]
    return errors


def show_files(page: Page, invitation: Invitation) -> None:
    """Show the files the draft holds now beside the page's file questions."""
    response = Response.objects.filter(invitation=invitation).first()
    files = draft_files(response)
    for q in page.questions:
        if q.kind == FILE_KIND:
            stored = files.get(q.key)
            q.value, q.file_size = (stored.name, stored.size) if stored else ("", None)
