"""Files on disk that may name an erased person: the spreadsheets uploaded to imports (kept as
the jobs' files) and, where e-mail is written to files instead of sent (the embedded default,
var/mail/), the messages written there.

Import files are read and searched cell by cell inside the erasure's transaction; the files are
deleted after it commits (privacy.services.erasure). Mail files are rewritten after the commit
without the messages that name the person."""

from __future__ import annotations

import email
import email.policy
import logging
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.utils.translation import gettext as _

from common.errors import ValidationProblem
from common.models import ImportJobBase
from common.spreadsheets import Table, read_table
from history.services.scrub import wanted_strings
from stakeholders.models import Person

logger = logging.getLogger(__name__)

# What django.core.mail.backends.filebased writes after each message.
MAIL_SEPARATOR = b"-" * 79 + b"\n"


def import_job_models() -> list[Any]:
    """The import job models (each declares its own `file`)."""
    return [
        model
        for model in apps.get_models()
        if issubclass(model, ImportJobBase) and not model._meta.abstract
    ]


def close_import_jobs(model: Any, pks: Iterable[object]) -> None:
    """Jobs whose file went with an erasure take no more steps: cancelled where the import
    can be (the people import), else failed, with the reason shown on the job."""
    cancelled = getattr(model.State, "CANCELLED", None)
    open_states = [model.State.UPLOADED, model.State.CHECKED]
    model._base_manager.filter(pk__in=list(pks), state__in=open_states).update(
        state=cancelled or model.State.FAILED,
        error=_(
            "The uploaded file was deleted because it named a person who was erased; "
            "upload it again without them."
        ),
    )


def _pairs(family: list[Person]) -> list[tuple[str, str]]:
    """Given and family name, found in two cells of one row (a list kept in columns)."""
    return [
        (p.given_name.strip().casefold(), p.family_name.strip().casefold())
        for p in family
        if p.given_name.strip() and p.family_name.strip()
    ]


def _row_names(cells: list[str], wanted: list[str], pairs: list[tuple[str, str]]) -> bool:
    text = " ".join(cells).casefold()
    if any(s in text for s in wanted):
        return True
    values = {c.strip().casefold() for c in cells}
    return any(given in values and family in values for given, family in pairs)


def _tables(content: bytes, filename: str) -> Iterable[Table]:
    first = read_table(content, filename)
    yield first
    for sheet in first.sheets:
        if sheet != first.sheet:
            yield read_table(content, filename, sheet)


def file_names(
    content: bytes, filename: str, wanted: list[str], pairs: list[tuple[str, str]]
) -> bool:
    """Whether a stored CSV/XLSX names the person anywhere (a file that cannot be read as a
    table any more is searched as text)."""
    try:
        for table in _tables(content, filename):
            if _row_names(table.headers, wanted, pairs):
                return True
            if any(_row_names(row.values, wanted, pairs) for row in table.rows):
                return True
    except ValidationProblem:
        return _row_names([content.decode("utf-8", "replace")], wanted, [])
    return False


def drop_import_files(family: list[Person], strings: Iterable[str], files: list[str]) -> int:
    """Empty the file of every import job whose spreadsheet names the person (the names go in
    `files`, deleted after commit); the jobs stay, closed. Returns how many."""
    wanted = [s.casefold() for s in wanted_strings(strings)]
    pairs = _pairs(family)
    dropped = 0
    for model in import_job_models():
        for pk, name, filename in model._base_manager.exclude(file="").values_list(
            "pk", "file", "filename"
        ):
            try:
                with model._meta.get_field("file").storage.open(name, "rb") as handle:
                    content = handle.read()
            except OSError:
                continue  # gone already: nothing to delete
            if not file_names(content, filename or name, wanted, pairs):
                continue
            files.append(name)
            model._base_manager.filter(pk=pk).update(file="")
            close_import_jobs(model, [pk])
            dropped += 1
    return dropped


def _message_text(raw: bytes) -> str:
    message = email.message_from_bytes(raw, policy=email.policy.default)
    texts = [f"{key}: {value}" for key, value in message.items()]
    for part in message.walk():
        if part.get_content_maintype() == "text":
            try:
                texts.append(str(part.get_content()))
            except (LookupError, ValueError):
                texts.append(raw.decode("utf-8", "replace"))
        filename = part.get_filename()
        if filename:
            texts.append(filename)
    return "\n".join(texts)


def erase_mail_files(strings: Iterable[str]) -> int:
    """Where e-mail is written to files, drop from them every message that names the person
    (its headers and text decoded); a file left empty is deleted. Returns how many messages
    went. Nothing to do when e-mail is sent."""
    if not settings.EMAIL_BACKEND.endswith("filebased.EmailBackend"):
        return 0
    folder = Path(getattr(settings, "EMAIL_FILE_PATH", "") or "")
    if not folder.is_dir():
        return 0
    wanted = [s.casefold() for s in wanted_strings(strings)]
    if not wanted:
        return 0
    dropped = 0
    for path in sorted(folder.iterdir()):
        if not path.is_file():
            continue
        try:
            chunks = path.read_bytes().split(MAIL_SEPARATOR)
        except OSError:
            logger.warning("Mail file %s could not be read for an erasure.", path)
            continue
        kept = []
        for chunk in chunks:
            if chunk.strip() and any(s in _message_text(chunk).casefold() for s in wanted):
                dropped += 1
                continue
            kept.append(chunk)
        if len(kept) == len(chunks):
            continue
        if not any(chunk.strip() for chunk in kept):
            path.unlink()
        else:
            path.write_bytes(MAIL_SEPARATOR.join(kept))
    return dropped
