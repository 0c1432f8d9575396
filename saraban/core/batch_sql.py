"""Several writes in one round trip to the database, built by the ORM.

For the few places where a lock is held while writing (a register's counter, DOMAIN.md
§3): every round trip made under the lock makes every other clerk wait longer. The SQL
is compiled by Django's own compilers (so it follows the models and their field
conversions) and sent in one batch with psycopg's pipeline mode on PostgreSQL; SQLite,
which runs one writing transaction at a time anyway, gets the statements one by one.
"""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.db.models import Model
from django.db.models.sql import InsertQuery, UpdateQuery

Statement = tuple[str, tuple[Any, ...]]


def insert_statement(obj: Model) -> Statement:
    """``INSERT`` of ``obj`` (a new, unsaved instance; its pk stays unset), with every
    concrete field's value as the model would save it (defaults, JSON, dates)."""
    fields = [f for f in obj._meta.concrete_fields if not f.primary_key]
    for field in fields:
        if getattr(field, "auto_now_add", False) or getattr(field, "auto_now", False):
            field.pre_save(obj, add=True)
    query = InsertQuery(obj.__class__)
    query.insert_values(fields, [obj])
    (sql, params), = query.get_compiler(connection=connection).as_sql()
    return sql, tuple(params)


def update_statement(model: type[Model], pk: Any, values: dict[str, Any]) -> Statement:
    """``UPDATE`` of row ``pk`` of ``model`` setting ``values`` (field name → value)."""
    query = UpdateQuery(model)
    query.add_q(model._base_manager.filter(pk=pk).query.where)
    query.add_update_values(values)
    sql, params = query.get_compiler(connection=connection).as_sql()
    return sql, tuple(params)


def execute_together(statements: list[Statement]) -> None:
    """Run ``statements`` in order, in one round trip on PostgreSQL (psycopg's pipeline
    mode); call inside a transaction (a failure of any rolls back all with it)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and len(statements) > 1:
            raw = cursor.cursor  # psycopg's own cursor
            with raw.connection.pipeline():
                for sql, params in statements:
                    raw.execute(sql, params)
        else:
            for sql, params in statements:
                cursor.execute(sql, params)
