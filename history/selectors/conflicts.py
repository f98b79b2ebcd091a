"""What changed meanwhile: the history since the revision an edit was based on, for the
message of an edit conflict (common/revisions.py).

Every save of a record with a revision is recorded with `revision: [old, new]` among its
changes (for the coverage plan and the rules of an evaluation, a record on the evaluation with
the anchor "coverage:<id>" / "rules:<id>"). The entry that moved the revision on from the
user's base marks where "meanwhile" begins; the changes listed are those of the page's entries
(the anchor, or the record's own) from there on.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from common.revisions import Change, when_text
from history.context import Kind
from history.models import Entry
from history.selectors.rendering import field_of, related_names

# How far back to look for the entry that left the base revision.
LOOKBACK = 500
EMPTY = "—"
Names = dict[tuple[type, str], str]


def changes_since(
    *, revised: models.Model, base: int, anchor: str = "", field: str = "revision"
) -> list[Change]:
    """The changes made since `revised` was at revision `base`, oldest first. `anchor`: the
    page whose entries count (a person's page holds their aliases and affiliations too; the
    coverage plan and the rules are pages of the evaluation); empty: the record's own."""
    own = Q(
        content_type=ContentType.objects.get_for_model(type(revised)),
        object_id=revised.pk,
    )
    marks = Entry.objects.filter(own, anchor=anchor) if anchor else Entry.objects.filter(own)
    start = _start(marks, base, field)
    if start is None:
        return []
    # Lead-only entries (a lead's note) stay out: the message is shown to whoever edits.
    scope = Entry.objects.filter(
        Q(anchor=anchor) if anchor else own, pk__gte=start, lead_only=False
    )
    entries = list(scope.select_related("actor", "content_type").order_by("pk"))
    itself = (ContentType.objects.get_for_model(type(revised)).pk, str(revised.pk))
    names = related_names(entries)
    return [change for entry in entries for change in _changes(entry, field, itself, names)]


def _start(marks: models.QuerySet[Entry], base: int, field: str) -> int | None:
    """The id of the first entry after revision `base`: the one that moved it on from base, or
    (when that write left no entry) the one after the entry that reached it."""
    reached: int | None = None
    for pk, changes in marks.order_by("-pk").values_list("pk", "changes")[:LOOKBACK]:
        before, after = _pair((changes or {}).get(field))
        if before == str(base):
            return pk
        if after == str(base):
            reached = pk
            break
    if reached is None:
        return None
    return marks.filter(pk__gt=reached).order_by("pk").values_list("pk", flat=True).first()


def _pair(value: object) -> tuple[str | None, str | None]:
    if isinstance(value, list | tuple) and len(value) == 2:
        return tuple(None if v is None else str(v) for v in value)  # type: ignore[return-value]
    return None, None


def _who(entry: Entry) -> str:
    if entry.actor is not None:
        return str(entry.actor)
    if entry.actor_kind == Kind.RESPONDENT:
        return _("a respondent")
    return _("the system")


def _changes(entry: Entry, skip: str, itself: tuple[int, str], names: Names) -> list[Change]:
    """The entry's changes in words; its revision step is bookkeeping, left out. A change of
    another record of the page (a cell of a layout, an affiliation) names that record."""
    model = entry.content_type.model_class() if entry.content_type_id else None
    noun = str(model._meta.verbose_name) if model else _("record")
    who, when = _who(entry), entry.timestamp
    if entry.action == Entry.Action.CREATE:
        return [Change(who, when, noun, noun, "", entry.object_repr, verb="added")]
    if entry.action == Entry.Action.DELETE:
        return [Change(who, when, noun, noun, entry.object_repr, "", verb="removed")]
    out = []
    for name, pair in (entry.changes or {}).items():
        if name == skip or name in {"revision", "coverage_revision", "rules_revision"}:
            continue
        before, after = _pair(pair)
        label = _label(model, name)
        record = (
            "" if (entry.content_type_id, str(entry.object_id)) == itself else entry.object_repr
        )
        out.append(
            Change(
                who,
                when,
                name,
                label,
                _shown(model, name, before, names),
                _shown(model, name, after, names),
                record=record,
            )
        )
    return out


def _label(model: type[models.Model] | None, name: str) -> str:
    field = field_of(model, name)
    return str(getattr(field, "verbose_name", name) or name)


def _shown(model: type[models.Model] | None, name: str, value: str | None, names: Names) -> str:
    """A value as people read it: a related record by its name while it exists (read for all
    the entries at once, as the history pages do), "—" for nothing."""
    if value in (None, "", "None", "[]", "{}"):
        return EMPTY
    field = field_of(model, name)
    if field is not None and field.is_relation and field.related_model is not None:
        return names.get((field.related_model, str(value)), str(value))
    if isinstance(field, models.DateTimeField):  # stored as ISO text: shown as people read it
        moment = parse_datetime(str(value))
        if moment is not None:
            if timezone.is_naive(moment):
                moment = timezone.make_aware(moment, dt.UTC)
            return when_text(moment)
    return str(value)
