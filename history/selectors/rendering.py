"""History entries in words: when (in the evaluation's time zone), who, what (record type,
object, link), the action, the changes field by field, and why. One pure step over a page of
entries, shared by the pages and the API.

Models above this app (people, interviews …) are reached through the entries' content types, not
imported (README, "Architecture"): their field labels and the names behind foreign-key ids.
"""

from __future__ import annotations

import ast
import datetime as dt
import zoneinfo
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from common.attributes import attribute_items
from common.moments import moment_text
from evaluations.models import Evaluation
from history.context import Kind
from history.models import Entry
from history.selectors.entries import verb_label

EMPTY = "—"
EMPTY_VALUES: tuple[Any, ...] = (None, "", "None", [], {})
# Never shown, whatever an entry holds: what would open a respondent's link.
SECRET_FIELDS = frozenset({"selector", "legacy_token_hash", "token", "password", "secret"})
# Kept in the entries (edit conflicts read `revision`), not worth a line on the page.
BOOKKEEPING = frozenset({"id", "revision", "created_at"})
# The page of each anchor kind: URL name, whether it sits under an evaluation, whether it takes
# the anchor's id (the others are the evaluation's list of them).
PAGES = {
    "person": ("stakeholders:person", False, True),
    "organisation": ("stakeholders:organisation_edit", False, True),
    "group": ("stakeholders:group_edit", False, True),
    "interview": ("interviews:interview", True, True),
    "distribution": ("questionnaires:distribution", True, True),
    "instrument": ("questionnaires:instruments", True, False),
    "instrumentversion": ("questionnaires:instruments", True, False),
    "coverage": ("interviews:coverage", True, False),
    "rules": ("reports:overview", True, False),
    "layout": ("reports:overview", True, False),
    "evaluation": ("evaluations:detail", True, False),
}


@dataclass(frozen=True)
class Change:
    field: str
    label: str
    before: str
    after: str
    only: str = ""  # one value where "before → after" says nothing (created, deleted, …)


@dataclass(frozen=True)
class EntryRow:
    pk: int
    at: dt.datetime
    who: str
    actor_id: int | None
    actor_kind: str
    kind: str  # the record type's model name
    record_type: str
    what: str
    object_id: str
    url: str
    action: str
    verb: str
    reason: str
    lead_only: bool
    changes: list[Change] = field(default_factory=list)


def entry_rows(entries: Iterable[Entry], *, evaluation: Evaluation | None = None) -> list[EntryRow]:
    """The entries (one page of them) in words; foreign keys read in one query per model."""
    entries = list(entries)
    names = related_names(entries)
    slugs = _evaluation_slugs(entries, evaluation)
    zone = _zone(evaluation)
    return [_row(entry, names, slugs, zone) for entry in entries]


def _zone(evaluation: Evaluation | None) -> dt.tzinfo:
    name = getattr(evaluation, "time_zone", "") if evaluation is not None else ""
    try:
        return zoneinfo.ZoneInfo(name) if name else timezone.get_current_timezone()
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return timezone.get_current_timezone()


def _model(entry: Entry) -> type[models.Model] | None:
    return entry.content_type.model_class() if entry.content_type_id else None


def field_of(model: type[models.Model] | None, name: str) -> models.Field | None:
    if model is None:
        return None
    try:
        found = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    return found if isinstance(found, models.Field) else None


def _pairs(entry: Entry) -> Iterable[tuple[str, Any]]:
    for name, value in (entry.changes or {}).items():
        if name not in SECRET_FIELDS:
            yield name, value


def related_names(entries: Sequence[Entry]) -> dict[tuple[type, str], str]:
    """{(model, id as text): name} for every foreign key the entries mention."""
    wanted: dict[type[models.Model], set[str]] = defaultdict(set)
    for entry in entries:
        model = _model(entry)
        for name, value in _pairs(entry):
            target = field_of(model, name)
            related = target.related_model if target is not None else None
            if target is None or related is None or target.many_to_many or related == "self":
                continue
            if isinstance(value, list):
                wanted[related].update(
                    str(v) for v in value if v not in EMPTY_VALUES and str(v).isdigit()
                )
    names = {}
    for related, ids in wanted.items():
        found = related._default_manager.select_related(*_named_with(related))
        for pk, obj in found.in_bulk([int(i) for i in ids]).items():
            names[(related, str(pk))] = str(obj)
    return names


def _named_with(model: type[models.Model]) -> list[str]:
    """The required foreign keys of `model`, read in the same query: some names are made of
    them (a version is "staff v2", a membership names its user), one query per row otherwise."""
    return [
        f.name
        for f in model._meta.concrete_fields
        if f.many_to_one and not f.null and f.remote_field
    ]


def _evaluation_slugs(entries: Sequence[Entry], evaluation: Evaluation | None) -> dict[int, str]:
    if evaluation is not None:
        return {evaluation.pk: evaluation.slug}
    ids = {e.evaluation_id for e in entries if e.evaluation_id}
    return dict(Evaluation.objects.filter(pk__in=ids).values_list("pk", "slug"))


def _row(
    entry: Entry, names: dict[tuple[type, str], str], slugs: dict[int, str], zone: dt.tzinfo
) -> EntryRow:
    model = _model(entry)
    changes = [
        _single(entry, _change(model, name, value, names))
        for name, value in _pairs(entry)
        if (entry.verb != "download" or name == "file") and name not in BOOKKEEPING
    ]
    if entry.action in (Entry.Action.CREATE, Entry.Action.DELETE):
        changes = [c for c in changes if c.only != EMPTY]  # a new record's empty fields: noise
    return EntryRow(
        pk=entry.pk,
        at=timezone.localtime(entry.timestamp, zone),
        who=_who(entry),
        actor_id=entry.actor_id,
        actor_kind=entry.actor_kind,
        kind=str(model._meta.model_name) if model else "",
        record_type=str(capfirst(model._meta.verbose_name)) if model else "",
        what=entry.object_repr,
        object_id=entry.object_pk,
        url=_url(entry, slugs),
        action=_action(entry),
        verb=entry.verb,
        reason=entry.reason,
        lead_only=entry.lead_only,
        changes=changes,
    )


def _single(entry: Entry, change: Change) -> Change:
    """A created record's values, a deleted one's, a download's file: one value each."""
    if entry.action == Entry.Action.DELETE:
        return replace(change, only=change.before)
    if entry.action in (Entry.Action.CREATE, Entry.Action.ACCESS):
        return replace(change, only=change.after)
    if entry.verb and change.before == EMPTY:
        return replace(change, only=change.after)
    return change


def _who(entry: Entry) -> str:
    if entry.actor_kind == Kind.RESPONDENT:
        return _("respondent")
    if entry.actor is not None:
        return entry.actor.display_name
    if entry.actor_kind == Kind.USER and entry.actor_email:
        return entry.actor_email  # the account is gone; the address was kept
    return _("system")


def _action(entry: Entry) -> str:
    if entry.verb:
        return verb_label(entry.verb)
    return {
        Entry.Action.CREATE: _("created"),
        Entry.Action.UPDATE: _("changed"),
        Entry.Action.DELETE: _("deleted"),
        Entry.Action.ACCESS: _("opened"),
    }.get(entry.action, str(entry.action))


def _url(entry: Entry, slugs: dict[int, str]) -> str:
    kind, _sep, pk = entry.anchor.partition(":")
    page = PAGES.get(kind)
    if page is None or not pk.isdigit():
        return ""
    name, in_evaluation, with_id = page
    slug = slugs.get(entry.evaluation_id or 0)
    if in_evaluation and slug is None:
        return ""  # the evaluation is gone
    arguments: list[object] = [slug] if in_evaluation else []
    if with_id:
        arguments.append(int(pk))
    try:
        return reverse(name, args=arguments)
    except NoReverseMatch:
        return ""


def _change(
    model: type[models.Model] | None, name: str, value: Any, names: dict[tuple[type, str], str]
) -> Change:
    target = field_of(model, name)
    if target is not None:
        label = capfirst(str(target.verbose_name))
    elif name == "file":
        label = _("File")
    else:
        label = capfirst(name.replace("_", " "))
    if isinstance(value, dict) and value.get("type") == "m2m":
        return _m2m_change(name, label, value)
    before, after = value if isinstance(value, list) and len(value) == 2 else (None, value)
    return Change(name, label, _shown(target, before, names), _shown(target, after, names))


def _m2m_change(name: str, label: str, value: dict[str, Any]) -> Change:
    objects = ", ".join(str(o) for o in value.get("objects", [])) or EMPTY
    operation = value.get("operation", "")
    if operation == "add":
        return Change(name, label, EMPTY, _("added: %(objects)s") % {"objects": objects})
    if operation == "delete":
        return Change(name, label, _("removed: %(objects)s") % {"objects": objects}, EMPTY)
    return Change(name, label, EMPTY, _("cleared"))


def _shown(target: models.Field | None, value: Any, names: dict[tuple[type, str], str]) -> str:
    if value in EMPTY_VALUES:
        return EMPTY
    if isinstance(value, list):
        return ", ".join(_shown(target, v, names) for v in value)
    text = str(value)
    if target is None:
        return text
    if isinstance(target, models.DateTimeField):
        return _moment(text)
    if target.is_relation and target.related_model is not None:
        return names.get((target.related_model, text), f"#{text}")
    if target.choices:
        return str(dict(target.flatchoices).get(text, text))
    if isinstance(target, models.BooleanField):
        return _("yes") if text in ("True", "true", "1") else _("no")
    if isinstance(target, models.JSONField):
        return _mapping_shown(text)
    return text


def _mapping_shown(text: str) -> str:
    """A stored mapping ("{'office_type': 'project'}", as the history keeps it) by its labels:
    "Office type: project"; anything else as stored."""
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return text
    if not isinstance(value, dict):
        return text
    return "; ".join(f"{label}: {item}" for label, item in attribute_items(value))


def _moment(text: str) -> str:
    """A stored date-time ("2026-12-07 02:15:35.654683", UTC) as the page shows times."""
    parsed = parse_datetime(text)
    if parsed is None:
        return text
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed, dt.UTC)
    return moment_text(parsed)
