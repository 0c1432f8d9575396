"""Several writes in one round trip to the database.

For the few places where a lock is held while writing (a register's counter, DOMAIN.md
§3): every round trip made under the lock makes every other clerk wait longer, and on a
busy machine every statement's compilation costs the processor the others need. The
statements are built from the models' own fields and conversions (each value prepared
by its field, as ``save()`` would), their SQL text kept per shape, so a process builds
it once; a column may instead take a value the database computes (:class:`Computed`,
e.g. the number just issued, read back from the counter row in the same transaction).
On PostgreSQL they are sent in one batch with psycopg's pipeline mode; SQLite, which
runs one writing transaction at a time anyway, gets them one by one.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.db import connection
from django.db.models import Model

Statement = tuple[str, tuple[Any, ...]]


@dataclass(frozen=True)
class Computed:
    """A column value computed by the database: ``sql`` (an expression, e.g. a scalar
    subquery in parentheses) with its ``params``."""

    sql: str
    params: tuple[Any, ...] = ()


def json_with(data: dict[str, Any], **values: Computed) -> Computed:
    """A JSON object: ``data`` with each key of ``values`` set to a computed value."""
    sql, params = "CAST(%s AS jsonb)" if connection.vendor == "postgresql" else "json(%s)", [json.dumps(data)]
    for key, value in values.items():
        if connection.vendor == "postgresql":
            sql = f"jsonb_set({sql}, '{{{key}}}', to_jsonb({value.sql}))"
        else:
            sql = f"json_set({sql}, '$.{key}', {value.sql})"
        params += value.params
    return Computed(sql, tuple(params))


def _value(field, obj: Model) -> tuple[str, tuple]:
    value = getattr(obj, field.attname)
    if isinstance(value, Computed):
        return value.sql, value.params
    return "%s", (field.get_db_prep_save(field.pre_save(obj, add=True), connection),)


@lru_cache(maxsize=64)
def _insert_sql(model: type[Model], vendor: str, shape: tuple[str, ...]) -> str:
    columns = ", ".join(connection.ops.quote_name(f.column) for f in _fields(model))
    return f"INSERT INTO {connection.ops.quote_name(model._meta.db_table)} ({columns}) VALUES ({', '.join(shape)})"


def _fields(model: type[Model]) -> list:
    return [f for f in model._meta.concrete_fields if not f.primary_key]


def insert_statement(obj: Model) -> Statement:
    """``INSERT`` of ``obj`` (a new, unsaved instance; its pk stays unset): every
    concrete field's value as ``save()`` would write it (defaults, ``auto_now_add``,
    JSON, dates), or a :class:`Computed` value assigned to the field's attribute."""
    parts = [_value(f, obj) for f in _fields(type(obj))]
    sql = _insert_sql(type(obj), connection.vendor, tuple(p[0] for p in parts))
    return sql, tuple(p for _, params in parts for p in params)


def update_statement(model: type[Model], pk: Any, values: dict[str, Any]) -> Statement:
    """``UPDATE`` of row ``pk`` of ``model`` setting ``values`` (field name → value or
    :class:`Computed`); a relation may be given as the related instance."""
    assignments, params = [], []
    for name, value in values.items():
        field = model._meta.get_field(name)
        if isinstance(value, Computed):
            sql, value_params = value.sql, value.params
        else:
            if isinstance(value, Model):
                value = value.pk
            sql, value_params = "%s", (field.get_db_prep_save(value, connection),)
        assignments.append(f"{connection.ops.quote_name(field.column)} = {sql}")
        params += value_params
    table, key = connection.ops.quote_name(model._meta.db_table), connection.ops.quote_name(model._meta.pk.column)
    return f"UPDATE {table} SET {', '.join(assignments)} WHERE {key} = %s", (*params, pk)


def execute_together(statements: list[Statement]) -> tuple | None:
    """Run ``statements`` in order, in one round trip on PostgreSQL (psycopg's pipeline
    mode); call inside a transaction (a failure of any rolls back all with it).
    Returns the first row the last statement with a ``RETURNING`` clause gave back
    (None if it gave none, or none has one)."""
    returning = max((i for i, (sql, _) in enumerate(statements) if " RETURNING " in sql), default=None)
    row = None
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and len(statements) > 1:
            raw = cursor.cursor  # psycopg's own cursors: one for the row wanted, one for the rest
            with connection.wrap_database_errors, raw.connection.cursor() as answer:
                with raw.connection.pipeline():
                    for i, (sql, params) in enumerate(statements):
                        (answer if i == returning else raw).execute(sql, params)
                if returning is not None:
                    row = answer.fetchone()
        else:
            for i, (sql, params) in enumerate(statements):
                cursor.execute(sql, params)
                if i == returning:
                    row = cursor.fetchone()
    return row
