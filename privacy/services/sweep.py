"""Replacing an erased person's names, addresses and numbers wherever a text or JSON column
quotes them: the outbox, notes, import reports, interview remarks, answers … Every table is
searched, so a column added later is covered without a change here.

Writes go through queryset updates: no history entry repeats the erased values (the erasure
itself is recorded once, by privacy.services.erasure)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db import models
from django.db.models import Q, TextField
from django.db.models.functions import Cast

from history.services.scrub import pattern_of, replace_in, search_forms, wanted_strings

# Searched by their own services (history.services.scrub_person) or not personal data of a
# registry person: users are team members with their own accounts; sessions are opaque.
SKIPPED_MODELS = frozenset(
    {
        "history.Entry",
        "accounts.User",
        "sessions.Session",
        "contenttypes.ContentType",
        "auth.Permission",
        "auth.Group",
        "authtoken.Token",
        "authtoken.TokenProxy",
    }
)
# Other people's own names are theirs, even when spelt the same as the erased person's: these
# rows and columns are left alone (the erased person's own rows were rewritten before).
LEFT_ALONE_ROWS: dict[str, dict[str, Any]] = {
    "questionnaires.Invitation": {"person__isnull": False},
    "interviews.Participation": {"person__isnull": False},
}
LEFT_ALONE_COLUMNS: dict[str, frozenset[str]] = {
    "stakeholders.Person": frozenset(
        {"display_name", "given_name", "family_name", "normalised", "emails", "phones"}
    ),
    "stakeholders.PersonAlias": frozenset({"name", "normalised"}),
}

# Identifiers, not text: codes and keys other rows refer to, enumerations, tokens, languages and
# time zones. A person named "Government" or "Other" must not rewrite a group's code, an
# organisation's kind or a question's key (found by the API fuzzer, tests/contract).
IDENTIFIER_NAMES = frozenset(
    {
        "key", "code", "choice", "selector", "legacy_token_hash", "language", "time_zone",
        "signature", "parameters_key", "status", "verb", "cid", "anchor", "object_pk",
    }
)  # fmt: skip


def is_text_column(column: models.Field) -> bool:
    """A column of free text a person's name can appear in (never an identifier)."""
    return not (
        column.choices or isinstance(column, models.SlugField) or column.name in IDENTIFIER_NAMES
    )


@dataclass
class SweepResult:
    rows: int = 0
    # model label -> primary keys of the rows changed
    changed: dict[str, list[Any]] = field(default_factory=dict)


def _text_columns(model: type[models.Model]) -> tuple[list[models.Field], list[models.Field]]:
    texts: list[models.Field] = []
    jsons: list[models.Field] = []
    left_alone = LEFT_ALONE_COLUMNS.get(model._meta.label, frozenset())
    for f in model._meta.concrete_fields:
        if f.primary_key or f.name in left_alone or not is_text_column(f):
            continue
        if isinstance(f, models.JSONField):
            jsons.append(f)
        elif isinstance(f, models.CharField | models.TextField):
            texts.append(f)
    return texts, jsons


def _fit(column: models.Field, value: Any) -> Any:
    if isinstance(value, str) and getattr(column, "max_length", None):
        return value[: column.max_length]
    return value


def sweep_rows(
    queryset: models.QuerySet, strings: Iterable[str], placeholder: str, result: SweepResult
) -> None:
    """Replace the strings in every text and JSON column of the rows of `queryset`."""
    wanted = wanted_strings(strings)
    if not wanted:
        return
    model = queryset.model
    texts, jsons = _text_columns(model)
    if not texts and not jsons:
        return
    mentions = Q()
    for value in wanted:
        for form in search_forms(value):
            for column in texts:
                mentions |= Q(**{f"{column.attname}__icontains": form})
            for column in jsons:
                mentions |= Q(**{f"_privacy_{column.attname}__icontains": form})
    annotations = {f"_privacy_{c.attname}": Cast(c.attname, TextField()) for c in jsons}
    matching = queryset.annotate(**annotations).filter(mentions)
    pattern = pattern_of(wanted)
    names = [c.attname for c in (*texts, *jsons)]
    by_name = {c.attname: c for c in (*texts, *jsons)}
    for row in matching.values("pk", *names).iterator():
        changes = {}
        for name in names:
            new = replace_in(row[name], pattern, placeholder)
            if new != row[name]:
                # An address column holding the erased address is emptied: the placeholder is
                # no address (the API documents these columns as e-mail or empty).
                email = isinstance(by_name[name], models.EmailField)
                changes[name] = "" if email else _fit(by_name[name], new)
        if changes:
            model._base_manager.filter(pk=row["pk"]).update(**changes)
            result.rows += 1
            result.changed.setdefault(model._meta.label, []).append(row["pk"])


def sweep_everywhere(strings: Iterable[str], placeholder: str) -> SweepResult:
    """Replace the strings in every text and JSON column of every table (but SKIPPED_MODELS)."""
    result = SweepResult()
    wanted = wanted_strings(strings)
    for model in apps.get_models():
        meta = model._meta
        if meta.label in SKIPPED_MODELS or meta.proxy or not meta.managed:
            continue
        rows = model._base_manager.exclude(**LEFT_ALONE_ROWS.get(meta.label, {}))
        sweep_rows(rows, wanted, placeholder, result)
    return result
