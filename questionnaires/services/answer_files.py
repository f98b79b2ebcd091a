"""File questions' answers: a respondent uploads, replaces or removes the file of a question
while the response is a draft. The form's page and the respondent API both come here.

The file is checked before anything is stored (questionnaires.files.file_check: its size
first, then its type by content); a refused file leaves the draft as it was. The stored file
gets a random name with the extension of its type; the name the respondent's file had is kept
in the answer's text, shown to them and to those who may read the answers."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from common.errors import ValidationProblem
from questionnaires.answers import FILE_KIND, QuestionMeta, applies, not_asked_message, version_meta
from questionnaires.consent import ConsentNeeded, needs_consent
from questionnaires.files import display_name, file_check
from questionnaires.models import Answer, Invitation, Response
from questionnaires.services.corrections import open_correction
from questionnaires.services.distributions import form_is_closed
from questionnaires.services.invitations import invitation_started
from questionnaires.services.responses import FormClosed, _draft_for, _lock
from questionnaires.services.stored_files import delete_files_after_commit


@dataclass(frozen=True)
class StoredFile:
    """A file answer as the respondent sees it: the question, the file's name and size."""

    key: str
    name: str
    size: int


def _file_question(invitation: Invitation, key: str) -> QuestionMeta:
    meta = version_meta(invitation.distribution.version)
    question = meta.by_key.get(key)
    if question is None or question.kind != FILE_KIND:
        message = _("“%(key)s” is not a file question of this questionnaire.") % {"key": key}
        raise ValidationProblem(message, errors={key: [message]})
    if not applies(question, invitation.attributes):
        message = not_asked_message(question)
        raise ValidationProblem(message, errors={key: [message]})
    return question


def _draft(
    invitation: Invitation | None, token: str | None, key: str, language: str
) -> tuple[Invitation, QuestionMeta, Response]:
    """The locked invitation, the file question and the draft (made on the first upload);
    FormClosed, AlreadySubmitted, InvalidLink or a ValidationProblem otherwise."""
    invitation = _lock(invitation=invitation, token=token)
    if form_is_closed(invitation.distribution):
        raise FormClosed
    question = _file_question(invitation, key)
    if open_correction(invitation) is not None:
        message = _(
            "A file cannot be replaced in a correction: the file you sent is kept. Write to the "
            "evaluation team if it must change."
        )
        raise ValidationProblem(message, errors={key: [message]})
    response = _draft_for(invitation, language)
    if needs_consent(invitation.distribution.version, response):
        raise ConsentNeeded  # nothing is stored before the respondent agrees
    return invitation, question, response


def _saved(response: Response, invitation: Invitation, key: str, name: str | None) -> None:
    """Note the file (or its removal, with None) in the draft's document and save time."""
    document = {k: v for k, v in (response.document or {}).items() if k != key}
    if name is not None:
        document[key] = name
    response.document = document
    Response.objects.filter(pk=response.pk).update(document=document, last_saved_at=timezone.now())
    invitation_started(invitation)


@transaction.atomic
def answer_file_attach(
    *,
    key: str,
    upload: UploadedFile,
    invitation: Invitation | None = None,
    token: str | None = None,
    language: str = "",
) -> StoredFile:
    """Store `upload` as the answer to file question `key` of the link's draft, replacing a
    file uploaded before (deleted once this commits). A refused file raises a
    ValidationProblem keyed by the question, and changes nothing."""
    invitation, question, response = _draft(invitation, token, key, language)
    size = upload.size or 0
    try:
        checked = file_check(
            upload, size=size, name=upload.name or "", accept=list(question.accept),
            max_size=question.max_size,
        )  # fmt: skip
    except ValidationProblem as problem:
        raise ValidationProblem(problem.message, errors={key: [problem.message]}) from None
    answer = Answer.objects.filter(response=response, question_id=question.id).first()
    old = str(answer.file.name or "") if answer is not None else ""
    if answer is None:
        answer = Answer(response=response, question_id=question.id)
    name = display_name(upload.name or "")
    answer.text, answer.file_size = name, checked.size
    answer.file.save(f"answer.{checked.type}", upload, save=False)
    try:
        answer.save()
        _saved(response, invitation, key, name)
    except Exception:  # not stored after all: the file just written is nobody's
        default_storage.delete(str(answer.file.name))
        raise
    delete_files_after_commit([old])
    return StoredFile(key=key, name=name, size=checked.size)


@transaction.atomic
def answer_file_remove(
    *, key: str, invitation: Invitation | None = None, token: str | None = None
) -> None:
    """Remove the file answering question `key` of the link's draft (none is no error)."""
    invitation, question, response = _draft(invitation, token, key, "")
    answers = Answer.objects.filter(response=response, question_id=question.id)
    names = [str(a.file.name) for a in answers if a.file]
    answers.delete()
    _saved(response, invitation, key, None)
    delete_files_after_commit(names)


def draft_files(response: Response | None) -> dict[str, StoredFile]:
    """The files of a response, by question key: what the form shows beside each question."""
    if response is None:
        return {}
    rows = Answer.objects.filter(response=response, question__kind=FILE_KIND).exclude(file="")
    return {
        key: StoredFile(key=key, name=text, size=size or 0)
        for key, text, size in rows.values_list("question__key", "text", "file_size")
    }
