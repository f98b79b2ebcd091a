"""A new submission's writes as one statement on PostgreSQL: the response, its answers and the
invitation's event inserted by data-modifying CTEs around the invitation's UPDATE. One round
trip instead of four on the hot path of a survey (questionnaires.services.responses, the API
door); SQLite keeps the ORM's statements.

The statement is written once per process from the models' metadata: every concrete column
(a column added later is included); the response's and the event's values prepared by their
fields as the ORM's INSERT prepares them (pre_save, then get_db_prep_save); the answers as one
JSON array read by jsonb_to_recordset into the columns' own types. Building it through the
ORM's compilers on every submission, and preparing a hundred values one by one, cost about
half of the request. No model signals are sent: none of these models has receivers, and none
is in the history (history.tracked).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import DEFAULT_DB_ALIAS, connection, connections, models
from django.db.backends.base.base import BaseDatabaseWrapper

from questionnaires.models import Answer, Invitation, InvitationEvent, Response
from questionnaires.services.prepared import statement_cursor


def folds() -> bool:
    """Whether submissions are written in one statement (PostgreSQL)."""
    return connection.vendor == "postgresql"


@cache
def _fields(model: type[models.Model]) -> tuple[models.Field, ...]:
    """The columns an INSERT of a new row gives (not an automatic id)."""
    meta = model._meta
    return tuple(f for f in meta.concrete_fields if f is not meta.auto_field and not f.generated)


def _column(field: Any) -> str:
    return connection.ops.quote_name(str(field.column))


def _into(model: type[models.Model]) -> str:
    quote = connection.ops.quote_name
    columns = ", ".join(_column(f) for f in _fields(model))
    return f"INSERT INTO {quote(model._meta.db_table)} ({columns})"


@cache
def _statement(with_answers: bool) -> str:
    quote = connection.ops.quote_name
    one = ", ".join(["%s"] * len(_fields(Response)))
    parts = [f"response AS ({_into(Response)} VALUES ({one}))"]
    if with_answers:  # the response's id, then the other columns from one JSON array
        others = [f for f in _fields(Answer) if f.attname != "response_id"]
        record = ", ".join(f"{_column(f)} {f.db_type(connection)}" for f in others)
        select = ", ".join(f"a.{_column(f)}" for f in others)
        parts.append(
            f"answers AS ({_into(Answer)} SELECT %s, {select} "  # noqa: S608
            f"FROM jsonb_to_recordset(%s::jsonb) AS a({record}))"
        )
    event = ", ".join(["%s"] * len(_fields(InvitationEvent)))
    parts.append(f"event AS ({_into(InvitationEvent)} VALUES ({event}))")
    meta = Invitation._meta
    status, submitted_at = (_column(meta.get_field(n)) for n in ("status", "submitted_at"))
    # Names from the models' metadata only; every value is a parameter.
    return (
        f"WITH {', '.join(parts)} UPDATE {quote(meta.db_table)} "  # noqa: S608
        f"SET {status} = %s, {submitted_at} = %s WHERE {_column(meta.pk)} = %s"
    )


@cache
def _as_is(field: models.Field) -> tuple[type, ...]:
    """The Python types of values the field sends unchanged: a hundred values a submission
    need not go through get_db_prep_save."""
    target = getattr(field, "target_field", field)
    if isinstance(target, models.JSONField):
        return ()  # None is JSON's null here, not SQL's NULL
    if isinstance(target, models.CharField | models.TextField):
        return (str, type(None))
    if isinstance(target, models.IntegerField):
        return (int, type(None))
    return (type(None),)


def _prepare(field: models.Field, value: Any, db: BaseDatabaseWrapper) -> Any:
    """A value as the ORM's INSERT sends it."""
    return value if type(value) in _as_is(field) else field.get_db_prep_save(value, db)


def _values(obj: models.Model, db: BaseDatabaseWrapper) -> list[Any]:
    """The new row's values as the ORM's INSERT sends them."""
    return [_prepare(f, f.pre_save(obj, add=True), db) for f in _fields(type(obj))]


def submission_write(
    *,
    response: Response,
    answers: Sequence[Mapping[str, Any]],
    invitation: Invitation,
    status: str,
    submitted_at: dt.datetime | None,
    event: InvitationEvent,
) -> None:
    """Insert the response (new), its answers and the event, and move the invitation to
    `status`, in one statement. The caller holds the invitation's row lock. `answers` are
    their Answer columns by attname, the response aside, in Python types JSON carries (text,
    numbers, dates, lists, None)."""
    db = connections[DEFAULT_DB_ALIAS]  # not the proxy: hundreds of lookups spared
    params = _values(response, db)
    if answers:
        params += [response.pk, json.dumps(answers, cls=DjangoJSONEncoder)]
    params += _values(event, db)
    meta = Invitation._meta
    params += [
        meta.get_field("status").get_db_prep_save(status, db),
        meta.get_field("submitted_at").get_db_prep_save(submitted_at, db),
        invitation.pk,
    ]
    with statement_cursor() as cursor:
        cursor.execute(_statement(bool(answers)), params)
    response._state.adding, response._state.db = False, db.alias
