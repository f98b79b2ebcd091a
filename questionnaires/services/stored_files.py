"""The stored files of file questions' answers, as the services that write answers see them:
those a response keeps when its other answers are replaced, and their deletion once a change
that drops them is committed (never before: a rollback keeps them)."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from questionnaires.answers import FILE_KIND, VersionMeta
from questionnaires.models import Answer, Response

logger = logging.getLogger(__name__)


def stored_file_names(answers: QuerySet[Answer]) -> list[str]:
    """The names in storage of these answers' files."""
    return [name for name in answers.exclude(file="").values_list("file", flat=True) if name]


def delete_files_after_commit(names: Iterable[str]) -> None:
    """Delete these stored files once the transaction commits; one that cannot be deleted is
    logged, the others still go."""
    names = [name for name in dict.fromkeys(names) if name]
    if not names:
        return

    def delete() -> None:
        for name in names:
            try:
                default_storage.delete(name)
            except Exception:
                logger.exception("Answer file %s could not be deleted: delete it", name)

    transaction.on_commit(delete, robust=True)


def kept_file_answers(response: Response | None) -> dict[int, tuple[str, str]]:
    """The file answers a response holds, by question id: (question key, file name shown).
    They stay when the API or data entry replace the other answers."""
    if response is None:
        return {}
    rows = Answer.objects.filter(response=response, question__kind=FILE_KIND).exclude(file="")
    return {
        qid: (key, name)
        for qid, key, name in rows.values_list("question_id", "question__key", "text")
    }


def file_values_refused(meta: VersionMeta, answers: Mapping[str, Any]) -> dict[str, list[str]]:
    """An error for each file question given a value among the answers: a file is uploaded on
    its own (the page's file field, or POST …/files/<key>/ of the API)."""
    message = _(
        "This question is answered with a file: upload it on its own (the API's "
        "…/files/%(key)s/), not among the answers."
    )
    return {
        q.key: [message % {"key": q.key}]
        for q in meta.questions
        if q.kind == FILE_KIND and answers.get(q.key) not in (None, "", [])
    }
