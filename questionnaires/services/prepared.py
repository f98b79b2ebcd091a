"""Statements of the submission's hot path, prepared: compiled to SQL once per process, their
parameters bound on the PostgreSQL server (sent apart from the statement's text). They are not
kept as server-side prepared statements (Django leaves psycopg's prepare_threshold off), so a
pooler in transaction mode is no trouble.

Prepared(queryset_of).first(value) runs a queryset compiled once (for the row lock in
questionnaires.services.responses, whose compilation cost more than its round trip) and makes
model instances as QuerySet iteration does (the compiler's converters, Model.from_db, the
select_related populators), so the caller gets what first() gives. statement_cursor() is the
cursor both it and questionnaires.services.folded use: with Django's own cursors the
parameters are quoted into the statement's text on the client, which cost as much again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import psycopg
from django.db import DEFAULT_DB_ALIAS, connection, connections, models
from django.db.backends.postgresql.psycopg_any import register_tzloader
from django.db.backends.utils import CursorWrapper
from django.db.models.query import get_related_populators
from django.db.transaction import TransactionManagementError
from psycopg.pq import Format

M = TypeVar("M", bound=models.Model)
SENTINEL = "\x00prepared-parameter"  # stands for the value until the call gives it


@contextmanager
def statement_cursor() -> Iterator[CursorWrapper]:
    """On PostgreSQL a cursor binding its parameters on the server, wrapped as Django wraps
    its own (database errors translated; the debug log and CaptureQueriesContext see its
    statements); elsewhere Django's cursor."""
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            yield cursor
        return
    connection.ensure_connection()
    raw: Any = psycopg.Cursor(connection.connection)
    # As Django's own cursors: times in the connection's time zone.
    loader = raw.adapters.get_loader(psycopg.adapters.types["timestamptz"].oid, Format.TEXT)
    if connection.timezone != loader.timezone:
        register_tzloader(connection.timezone, raw)
    wrap = connection.make_debug_cursor if connection.queries_logged else connection.make_cursor
    try:
        yield wrap(raw)
    finally:
        raw.close()


@dataclass(frozen=True)
class _Compiled:
    sql: str
    params: tuple[Any, ...]
    index: int  # of the parameter the call gives
    compiler: Any
    converters: dict[int, Any]  # by column: from_db_value and the backend's
    model: type[models.Model]
    init_list: list[str]
    start: int
    end: int
    populators: list[Any]


class Prepared(Generic[M]):
    """first(value): the first row of `queryset_of(value)`, with its select_related objects,
    without compiling the query again. The value is sent as given (text or an integer compared
    with a column of that type); a query that locks rows must run inside a transaction."""

    def __init__(self, queryset_of: Callable[[Any], models.QuerySet[M]]) -> None:
        self._queryset_of = queryset_of
        self._compiled: dict[str, _Compiled] = {}  # by database vendor

    def _compile(self) -> _Compiled:
        compiler = self._queryset_of(SENTINEL)[:1].query.get_compiler(connection=connection)
        sql, params = compiler.as_sql()
        klass_info, select = compiler.klass_info, compiler.select
        fields = klass_info["select_fields"]
        start, end = fields[0], fields[-1] + 1
        populators = get_related_populators(klass_info, select, connection.alias)  # type: ignore[call-arg]  # stubs: Django 6's
        return _Compiled(
            sql=sql,
            params=tuple(params),
            index=list(params).index(SENTINEL),
            compiler=compiler,
            converters=compiler.get_converters([s[0] for s in select[0 : compiler.col_count]]),
            model=klass_info["model"],
            init_list=[column[0].target.attname for column in select[start:end]],
            start=start,
            end=end,
            populators=populators,
        )

    def first(self, value: Any) -> M | None:
        db = connections[DEFAULT_DB_ALIAS]
        if db.get_autocommit():
            raise TransactionManagementError("A prepared query runs inside a transaction.")
        compiled = self._compiled.get(db.vendor)
        if compiled is None:  # two threads may both compile it: to the same
            compiled = self._compiled[db.vendor] = self._compile()
        params = list(compiled.params)
        params[compiled.index] = value
        with statement_cursor() as cursor:
            cursor.execute(compiled.sql, params)
            rows = cursor.fetchmany(1)
        if not rows:
            return None
        row = rows[0]
        if compiled.converters:
            (row,) = compiled.compiler.apply_converters(rows, compiled.converters)
        values = row[compiled.start : compiled.end]
        obj = compiled.model.from_db(db.alias, compiled.init_list, values)
        for populator in compiled.populators:
            populator.populate(row, obj)
        return obj  # type: ignore[return-value]
