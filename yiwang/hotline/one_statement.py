"""Write several tables' new rows in one SQL statement on PostgreSQL (data-modifying CTEs), so a
ticket, its timeline, its audit events and the caller's notice cost one round trip and are atomic
without a transaction block (ADR 0007 takes the same approach for case submissions).

Rows are compiled by Django's own insert compiler (so field preparation, auto_now, encryption and
JSON encoding are exactly what `bulk_create` would do); the parent row's id is taken from its
sequence first, so children can reference it and audit hashes can name it. Foreign keys are
created DEFERRABLE INITIALLY DEFERRED by Django on PostgreSQL and so are checked at the end of the
statement's implicit transaction, after every row is in."""

from __future__ import annotations

from django.db import connection
from django.db.models.sql import InsertQuery


def next_id(model) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id'))", [model._meta.db_table])
        return cursor.fetchone()[0]


def _insert_sql(model, objs) -> tuple[str, list]:
    opts = model._meta
    with_pk = objs[0].pk is not None
    fields = [f for f in opts.local_concrete_fields if with_pk or not f.primary_key]
    query = InsertQuery(model)
    query.insert_values(fields, objs, raw=False)
    statements = query.get_compiler(connection=connection).as_sql()
    assert len(statements) == 1, "one multi-row INSERT per table"
    sql, params = statements[0]
    return sql, list(params)


def insert_all(groups: list[tuple[type, list]]) -> None:
    """INSERT every group's objects in one statement; groups with no objects are skipped."""
    parts = [(model, objs) for model, objs in groups if objs]
    compiled = [_insert_sql(model, objs) for model, objs in parts]
    head, params = compiled[-1][0], []
    ctes = []
    for i, (sql, p) in enumerate(compiled[:-1]):
        ctes.append(f"w{i} AS ({sql})")
        params += p
    params += compiled[-1][1]
    statement = (f"WITH {', '.join(ctes)} {head}" if ctes else head)
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
    for _model, objs in parts:
        for obj in objs:
            obj._state.adding = False
            obj._state.db = connection.alias
