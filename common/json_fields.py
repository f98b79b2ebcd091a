"""Reading JSON fields in the database: which keys the objects of a JSON column hold."""

from __future__ import annotations

from django.db import connection, models


def json_object_keys(model: type[models.Model], field: str, **where: object) -> set[str]:
    """The distinct keys of the JSON objects in `model.field` over the rows matching `where`
    (plain column = value tests), in one query on PostgreSQL and SQLite."""
    table = connection.ops.quote_name(model._meta.db_table)
    column = connection.ops.quote_name(model._meta.get_field(field).column)
    # Only the model's own table and column names are formatted in; values are parameters.
    tests = " AND ".join(
        f"{table}.{connection.ops.quote_name(model._meta.get_field(name).column)} = %s"
        for name in where
    )
    if connection.vendor == "postgresql":
        sql = (
            f"SELECT DISTINCT jsonb_object_keys({column}) FROM {table} "  # noqa: S608
            f"WHERE {tests} AND jsonb_typeof({column}) = 'object'"
        )
    elif connection.vendor == "sqlite":
        sql = (
            f"SELECT DISTINCT j.key FROM {table}, json_each({table}.{column}) AS j "  # noqa: S608
            f"WHERE {tests} AND json_type({table}.{column}) = 'object'"
        )
    else:  # pragma: no cover - the project runs on PostgreSQL and SQLite
        keys: set[str] = set()
        for value in model.objects.filter(**where).values_list(field, flat=True):
            keys |= set(value or {}) if isinstance(value, dict) else set()
        return keys
    with connection.cursor() as cursor:
        cursor.execute(sql, list(where.values()))
        return {key for (key,) in cursor.fetchall()}
