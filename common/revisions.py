"""Edit conflicts: no lost edits between two team members.

A record people edit carries a `revision`. Every service write moves it on by one; an edit
based on an older revision (the one the form or the API client loaded) is refused with
`EditConflict`, which says what changed meanwhile (read from the history by the service) and
holds the current revision, so that a second submit after reading it passes.

Race-safe: the check locks the row inside the service's transaction, with the base in the
condition (`UPDATE … SET revision = revision + 1 WHERE pk = … AND revision = <base>`, or
`SELECT … WHERE … AND revision = <base> FOR UPDATE` when the service saves the row itself so
that the history records the revision [old, new]). Of two requests from the same base exactly
one finds its row: PostgreSQL re-checks the condition on the version the first one committed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django import forms as django_forms
from django.db import models
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, inline_serializer
from rest_framework import serializers

from common.errors import ValidationProblem
from common.moments import in_zone, moment_text

if TYPE_CHECKING:
    from django import forms


@dataclass(frozen=True)
class Change:
    """One change made since the user's base: who, when, which field, before → after."""

    who: str
    when: dt.datetime
    field: str  # the field's name
    label: str  # the field's name in words
    before: str
    after: str
    verb: str = "changed"  # "added", "removed": a record of the page (a participant, a rule)
    record: str = ""  # another record of the page the change is on (a cell, an affiliation)

    def sentence(self) -> str:
        values = {
            "who": self.who,
            "field": self.label,
            "before": self.before or "—",
            "after": self.after or "—",
            "when": when_text(self.when),
            "record": self.record,
        }
        if self.verb == "added":
            return _("%(who)s added %(field)s “%(after)s” at %(when)s") % values
        if self.verb == "removed":
            return _("%(who)s removed %(field)s “%(before)s” at %(when)s") % values
        if self.record:
            return (
                _(
                    "%(who)s changed %(field)s of “%(record)s” from “%(before)s” to "
                    "“%(after)s” at %(when)s"
                )
                % values
            )
        return _("%(who)s changed %(field)s from “%(before)s” to “%(after)s” at %(when)s") % values

    def as_dict(self) -> dict[str, object]:
        return {
            "who": self.who,
            "when": self.when.isoformat(),
            "field": self.field,
            "label": self.label,
            "before": self.before,
            "after": self.after,
            "verb": self.verb,
            "record": self.record,
        }


def when_text(moment: dt.datetime) -> str:
    """The time of a change as people read it, its zone named: "10:42 UTC" today,
    "3 May 2025, 10:42 UTC" before (common.moments)."""
    if in_zone(moment).date() == in_zone(timezone.now()).date():
        return moment_text(moment, format="H:i")
    return moment_text(moment)


class EditConflict(Exception):
    """The record changed since the user loaded it: nothing was saved."""

    def __init__(
        self,
        *,
        what: str,
        revision: int,
        base: int | None,
        changes: Sequence[Change] = (),
        current: dict[str, Any] | None = None,
    ):
        self.what = what
        self.revision = revision
        self.base = base
        self.changes = list(changes)
        self.current = {"revision": revision, **(current or {})}
        super().__init__(self.message)

    @property
    def message(self) -> str:
        last = self.changes[-1] if self.changes else None
        if last is None:
            return _(
                "%(what)s was changed by someone else since you loaded it (revision %(base)s, "
                "now %(revision)s): nothing was saved. Check the current values and save again."
            ) % {"what": self.what, "base": self.base, "revision": self.revision}
        return _(
            "%(what)s was changed by %(who)s at %(when)s since you loaded it: nothing was "
            "saved. Check the current values and save again."
        ) % {"what": self.what, "who": last.who, "when": when_text(last.when)}

    @property
    def errors(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for change in self.changes:
            out.setdefault(change.field, []).append(change.sentence())
        return out or {"revision": [self.message]}

    def as_dict(self) -> dict[str, object]:
        return {
            "detail": self.message,
            "errors": self.errors,
            "current": self.current,
            "changes": [c.as_dict() for c in self.changes],
        }


Explain = Callable[[int], Sequence[Change]]


def revision_bump(
    model: type[models.Model],
    pk: object,
    *,
    expected: int | None = None,
    field: str = "revision",
    what: str = "",
    explain: Explain | None = None,
) -> int:
    """Move the row's revision on by one and return the new one; with `expected` (the revision
    the user's edit is based on), only when the row still has it, else EditConflict (with
    `explain(expected)` as the changes made since). Call it inside the service's transaction,
    before its writes: the row stays locked until the transaction ends."""
    rows = model._default_manager.filter(pk=pk)
    matching = rows if expected is None else rows.filter(**{field: expected})
    moved = matching.update(**{field: F(field) + 1})
    current = rows.values_list(field, flat=True).first()
    if current is None:
        raise model.DoesNotExist(f"{model._meta.label} {pk} does not exist.")
    if not moved:
        raise EditConflict(
            what=what or str(model._meta.verbose_name).capitalize(),
            revision=current,
            base=expected,
            changes=explain(expected) if explain and expected is not None else (),
        )
    return current


def revision_take(
    instance: models.Model,
    *,
    expected: int | None = None,
    field: str = "revision",
    what: str = "",
    explain: Explain | None = None,
) -> int:
    """For an instance the service is about to save: lock its row (with `expected`, only if
    it still has that revision, else EditConflict) and set its revision to the next one, which
    the save stores (save it with `field` among update_fields) and the history records."""
    model = type(instance)
    rows = model._default_manager.filter(pk=instance.pk)
    matching = rows if expected is None else rows.filter(**{field: expected})
    found = matching.select_for_update(of=("self",)).values_list(field, flat=True).first()
    if found is None:
        current = rows.values_list(field, flat=True).first()
        if current is None:
            raise model.DoesNotExist(f"{model._meta.label} {instance.pk} does not exist.")
        raise EditConflict(
            what=what or str(instance),
            revision=current,
            base=expected,
            changes=explain(expected) if explain and expected is not None else (),
        )
    setattr(instance, field, found + 1)
    return found + 1


def revision_wanted(value: object, header: str | None = None) -> int | None:
    """The base revision an API client sent: the `revision` field, else an If-Match header
    ("3" or the ETag form "\\"3\\"")."""
    if value in (None, "") and header:
        value = header.strip().removeprefix("W/").strip('"')
    if value in (None, ""):
        return None
    try:
        number = int(str(value))
    except ValueError:
        number = 0
    if number < 1:
        message = _("The revision must be a whole number, 1 or more (as the record showed it).")
        raise ValidationProblem(message, errors={"revision": [message]})
    return number


# --- forms ------------------------------------------------------------------------------------


def form_revision(form: forms.Form, revision: int) -> None:
    """Give an edit form the hidden `revision` it was loaded at (kept as posted when bound)."""
    form.fields["revision"] = django_forms.IntegerField(
        required=False, min_value=1, widget=django_forms.HiddenInput, initial=revision
    )


def form_add_conflict(
    form: forms.Form, conflict: EditConflict, aliases: Mapping[str, str] | None = None
) -> None:
    """Show an EditConflict on the form that sent the edit: the sentence on top with each
    change, next to each changed field its current value beside what the user typed (which
    stays in the form), and the hidden revision moved to the current one so that saving again
    passes. `aliases`: form field names of record fields named otherwise ({"display_name":
    "name"})."""
    form.add_error(None, conflict.message)
    now: dict[str, str] = {}
    for change in conflict.changes:
        form.add_error(None, change.sentence())
        name = (aliases or {}).get(change.field, change.field)
        if name in form.fields and change.verb == "changed" and not change.record:
            now[name] = change.after  # the last change of a field is its current value
    for name, value in now.items():
        typed = form.data.get(form.add_prefix(name), "")
        form.add_error(
            name,
            _("Now “%(current)s” (you typed “%(typed)s”).")
            % {"current": value or "—", "typed": typed or "—"},
        )
    data = form.data.copy()
    data[form.add_prefix("revision")] = str(conflict.revision)
    form.data = data


# --- API --------------------------------------------------------------------------------------


def revision_field() -> serializers.IntegerField:
    """The `revision` a record is read with, sent back with a change (optional)."""
    return serializers.IntegerField(
        required=False,
        min_value=1,
        help_text="The revision the change is based on (as read): an older one answers 409. "
        "The If-Match header may carry it instead.",
    )


def api_revision(request: Any, data: dict[str, Any]) -> int | None:
    """Take the base revision out of a request's validated data, or its If-Match header."""
    return revision_wanted(data.pop("revision", None), request.headers.get("If-Match"))


IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description="The revision the change is based on (like the `revision` field).",
)

ETAG = OpenApiParameter(
    "ETag",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    response=[200],
    description='The current revision, quoted ("3"): send it back as If-Match with a change.',
)

CONFLICT = OpenApiResponse(
    response=inline_serializer(
        "EditConflict",
        {
            "detail": serializers.CharField(),
            "errors": serializers.DictField(child=serializers.ListField()),
            "current": serializers.DictField(help_text="The current revision (and values)."),
            "changes": serializers.ListField(
                child=serializers.DictField(),
                help_text="Changes since the base, oldest first: who, when, field, label, "
                "before, after, verb (changed, added, removed) and record (another record of "
                "the page the change is on, e.g. a layout's cell; empty for the record itself).",
            ),
        },
    ),
    description="The record changed since the revision the change is based on: nothing was "
    "saved. `changes` says what changed meanwhile; send the change again with the current "
    "revision.",
)
