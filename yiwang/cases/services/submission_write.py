"""Writing the rows of a new submission: application, materials, delivery, case, the first status
row, the audit event and the applicant's notifications.

This is the intake hot path (benchmarks/intake.py). On PostgreSQL the rows go in ONE statement —
data-modifying CTEs, ids taken from the sequences first so every row can be written with its
foreign keys and the audit event hashed over its object id — instead of seven ORM inserts with
seven round trips and seven passes through the query compiler. Values are prepared by each
model field (`get_db_prep_save`: encryption, JSON, dates), so the two paths store exactly the same
thing; elsewhere (SQLite: the demo, local tests) the ORM writes the rows one by one.
"""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache

from django.apps import apps
from django.db import connection, transaction
from django.db.models import Model
from psycopg.types.json import Jsonb

from yiwang.cases.models import Application, ApplicationMaterial, Case, CaseStatusChange, Delivery
from yiwang.core.audit import build_event
from yiwang.notifications.services import after_outbound_saved, save_notifications


# The one statement also inserts the audit event and the notifications' outbox rows (ADR 0007).
# Those rows are built by their owners (core.audit.build_event, notifications.services
# build_notifications); this module only needs the two models' table names and columns, so it
# names them through the app registry instead of importing another app's models module.
def _audit_event_model():
    return apps.get_model("core", "AuditEvent")


def _notification_model():
    return apps.get_model("notifications", "Notification")


@dataclass
class SubmissionRows:
    application: Application
    materials: list[ApplicationMaterial]
    delivery: Delivery
    case: Case
    status_change: CaseStatusChange
    notifications: list  # notifications.Notification rows, unsaved
    actor: object
    audit_details: dict = field(default_factory=dict)


def persist_submission(rows: SubmissionRows) -> None:
    """Write a new submission's rows (all or nothing); set their ids on the objects."""
    if connection.vendor == "postgresql":
        # In a transaction (a savepoint inside the caller's, so a unique violation leaves the caller
        # usable): the audit event's number is taken from this writer's stream and must roll back
        # with the rows if the statement fails (yiwang/core/audit.py).
        with transaction.atomic():
            _persist_in_one_statement(rows)
        after_outbound_saved(rows.notifications)
    else:
        with transaction.atomic():
            _persist_with_the_orm(rows)


def _link(rows: SubmissionRows) -> None:
    app, case = rows.application, rows.case
    for material in rows.materials:
        material.application = app
    rows.delivery.application = app
    case.application = app
    rows.status_change.case = case
    for n in rows.notifications:
        n.object_id = str(case.pk)


def _audit(rows: SubmissionRows):
    return build_event(actor=rows.actor, action="application.submitted", obj=rows.application,
                       details={"case": rows.case.number, **rows.audit_details})


def _persist_with_the_orm(rows: SubmissionRows) -> None:
    rows.application.save(force_insert=True)
    _link(rows)
    ApplicationMaterial.objects.bulk_create(rows.materials)
    rows.delivery.save(force_insert=True)
    rows.case.save(force_insert=True)
    _link(rows)
    rows.status_change.save(force_insert=True)
    _audit(rows).save(force_insert=True)
    save_notifications(rows.notifications)


@lru_cache(maxsize=1)
def _next_ids_sql() -> str:
    """Ids for every row, from the tables' own sequences, in one round trip."""
    def seq(model):
        return f"pg_get_serial_sequence('{model._meta.db_table}', 'id')"

    sequences = [seq(m) for m in (Application, Case, Delivery, CaseStatusChange, _audit_event_model())]
    single = ", ".join(f"nextval({name})" for name in sequences)
    many = ", ".join(f"ARRAY(SELECT nextval({seq(m)}) FROM generate_series(1, %s))"  # noqa: S608 (as below)
                     for m in (ApplicationMaterial, _notification_model()))
    return f"SELECT {single}, {many}"  # noqa: S608 (table names from the models; the counts are parameters)


def _json_value(value):
    """A field's database value as JSON for jsonb_populate_recordset (PostgreSQL parses the text
    into the column's type: timestamptz, date, numeric, jsonb …)."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal | uuid.UUID):
        return str(value)
    if hasattr(value, "obj"):  # psycopg's Jsonb adapter around a JSONField's value
        return value.obj
    raise TypeError(f"no JSON form for {type(value).__name__}")


def _record(obj: Model) -> dict:
    return {f.column: _json_value(f.get_db_prep_save(f.pre_save(obj, True), connection))
            for f in obj._meta.concrete_fields}


@lru_cache(maxsize=16)
def _statement(tables: tuple[str, ...]) -> str:
    """WITH s0 AS (INSERT INTO t0 SELECT * FROM jsonb_populate_recordset(NULL::t0, %s)), … — one
    parameter per table, so the text is short and constant: psycopg caches its parsing and
    PostgreSQL its plan (a statement with one parameter per value would be re-parsed every time)."""
    qn = connection.ops.quote_name
    parts = [f"INSERT INTO {qn(t)} SELECT * FROM jsonb_populate_recordset(NULL::{qn(t)}, %s)"  # noqa: S608 (model tables)
             for t in tables]
    *ctes, last = parts
    return ("WITH " + ", ".join(f"s{i} AS ({sql})" for i, sql in enumerate(ctes)) + " " if ctes else "") + last


def _persist_in_one_statement(rows: SubmissionRows) -> None:
    with connection.cursor() as cursor:
        cursor.execute(_next_ids_sql(), [len(rows.materials), len(rows.notifications)])
        (rows.application.pk, rows.case.pk, rows.delivery.pk, rows.status_change.pk, audit_id, material_ids,
         notification_ids) = cursor.fetchone()
        for obj, pk in zip(rows.materials, material_ids, strict=True):
            obj.pk = pk
        for obj, pk in zip(rows.notifications, notification_ids, strict=True):
            obj.pk = pk
        _link(rows)
        audit = _audit(rows)
        audit.pk = audit_id
        groups: list[list[Model]] = [[rows.application], rows.materials, [rows.delivery], [rows.case],
                                     [rows.status_change], [audit], rows.notifications]
        groups = [g for g in groups if g]
        tables = tuple(g[0]._meta.db_table for g in groups)
        cursor.execute(_statement(tables), [Jsonb([_record(obj) for obj in g]) for g in groups])
