"""Writing the rows of a new submission: application, materials, delivery, case, the first status
row, the audit event and the applicant's notifications.

This is the intake hot path (benchmarks/intake.py). On PostgreSQL the rows go in ONE statement —
data-modifying CTEs, ids taken from the sequences first so every row can be written with its
foreign keys and the audit event hashed over its object id — instead of seven ORM inserts with
seven round trips and seven passes through the query compiler. Values are prepared by each
model field (`get_db_prep_save`: encryption, JSON, dates), so the two paths store exactly the same
thing; elsewhere (SQLite: the demo, local tests) the ORM writes the rows one by one.

A batch (`persist_batch`: a bundle's member applications, filed together) goes the same way: the
rows of every application of the batch, the cases' dependencies (`Case.depends_on`), the caller's
own notifications and audit events, in the same one statement, with every id and audit number
taken in one round trip each.
"""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache

from django.apps import apps
from django.db import DEFAULT_DB_ALIAS, connection, connections, models, transaction
from django.db.models import Model
from psycopg.types.json import Jsonb

from yiwang.cases.models import Application, ApplicationMaterial, Case, CaseStatusChange, Delivery
from yiwang.cases.transitions import applicant_case_link
from yiwang.core.audit import build_event, next_sequences
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


@dataclass
class BatchExtras:
    """What a batch writes besides its applications' own rows: the caller's notifications (built
    rows, e.g. the one message for a whole bundle), its audit events ((action, obj, details) — the
    object already saved), and dependencies between the batch's cases ((case index, index of the
    case it waits for))."""

    notifications: list = field(default_factory=list)
    events: list[tuple[str, Model, dict]] = field(default_factory=list)
    dependencies: list[tuple[int, int]] = field(default_factory=list)


def persist_submission(rows: SubmissionRows) -> None:
    """Write a new submission's rows (all or nothing); set their ids on the objects."""
    if connection.vendor == "postgresql":
        # In a transaction (a savepoint inside the caller's, so a unique violation leaves the caller
        # usable): the audit event's number is taken from this writer's stream and must roll back
        # with the rows if the statement fails (yiwang/core/audit.py).
        with transaction.atomic():
            _persist_in_one_statement([rows], BatchExtras())
        after_outbound_saved(rows.notifications)
    else:
        with transaction.atomic():
            _persist_with_the_orm(rows)


def persist_batch(batch: list[SubmissionRows], extras: BatchExtras) -> None:
    """Write the rows of several new submissions of one filing, and `extras`, in the caller's
    transaction (no savepoint: a failure — a case number taken twice — must roll the caller back,
    audit numbers included; the caller retries the whole filing)."""
    if not connection.in_atomic_block:
        raise RuntimeError("a batch is written inside the caller's transaction")
    if connection.vendor == "postgresql":
        _persist_in_one_statement(batch, extras)
        after_outbound_saved([n for rows in batch for n in rows.notifications] + list(extras.notifications))
        return
    for rows in batch:
        _persist_with_the_orm(rows)
    through = Case.depends_on.through
    through.objects.bulk_create([through(from_case_id=batch[i].case.pk, to_case_id=batch[j].case.pk)
                                 for i, j in extras.dependencies])
    for action, obj, details in extras.events:
        build_event(actor=batch[0].actor if batch else None, action=action, obj=obj, details=details).save(force_insert=True)
    save_notifications(list(extras.notifications))


def _link(rows: SubmissionRows) -> None:
    app, case = rows.application, rows.case
    for material in rows.materials:
        material.application = app
    rows.delivery.application = app
    case.application = app
    rows.status_change.case = case
    for n in rows.notifications:
        n.object_id = str(case.pk)
        if n.link == applicant_case_link(None):
            n.link = applicant_case_link(case.pk)


def _audit(rows: SubmissionRows, sequence: tuple[int, int] | None = None):
    return build_event(actor=rows.actor, action="application.submitted", obj=rows.application,
                       details={"case": rows.case.number, **rows.audit_details}, sequence=sequence)


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


def _models():
    """The tables a submission writes, in the order of the statement (foreign keys first)."""
    return (Application, ApplicationMaterial, Delivery, Case, Case.depends_on.through, CaseStatusChange,
            _audit_event_model(), _notification_model())


@lru_cache(maxsize=1)
def _next_ids_sql() -> str:
    """Ids for every row, from the tables' own sequences, in one round trip."""
    arrays = ", ".join(f"ARRAY(SELECT nextval(pg_get_serial_sequence('{m._meta.db_table}', 'id')) "  # noqa: S608 (as below)
                       "FROM generate_series(1, %s))" for m in _models())
    return f"SELECT {arrays}"  # noqa: S608 (table names from the models; the counts are parameters)


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


# Fields whose database value is the attribute itself (str, int, bool or None; a foreign key's
# id): exact classes only, so a subclass that transforms its value (EncryptedTextField) goes the
# full way through get_db_prep_save.
_PLAIN_FIELDS = (models.CharField, models.TextField, models.IntegerField, models.PositiveIntegerField,
                 models.PositiveSmallIntegerField, models.PositiveBigIntegerField, models.BigIntegerField,
                 models.SmallIntegerField, models.BooleanField, models.AutoField, models.BigAutoField,
                 models.ForeignKey, models.OneToOneField)


@lru_cache(maxsize=64)
def _plan(model) -> tuple[tuple[str, str, object], ...]:
    """(column, attname, field or None when the attribute is the value) per concrete field."""
    return tuple((f.column, f.attname, None if type(f) in _PLAIN_FIELDS else f)
                 for f in model._meta.concrete_fields)


def _record(obj: Model, conn) -> dict:
    """Each field's database value as its model field prepares it (encryption, JSON, dates).
    `conn` is the connection itself, not django.db.connection: the proxy costs a lookup through
    the thread's connections each time a field asks it for its operations."""
    values = obj.__dict__
    return {column: values[attname] if field is None else _json_value(field.get_db_prep_save(field.pre_save(obj, True), conn))
            for column, attname, field in _plan(type(obj))}


@lru_cache(maxsize=64)
def _statement(tables: tuple[str, ...]) -> str:
    """WITH s0 AS (INSERT INTO t0 SELECT * FROM jsonb_populate_recordset(NULL::t0, %s)), … — one
    parameter per table, so the text is short and constant: psycopg caches its parsing and
    PostgreSQL its plan (a statement with one parameter per value would be re-parsed every time)."""
    qn = connection.ops.quote_name
    parts = [f"INSERT INTO {qn(t)} SELECT * FROM jsonb_populate_recordset(NULL::{qn(t)}, %s)"  # noqa: S608 (model tables)
             for t in tables]
    *ctes, last = parts
    return ("WITH " + ", ".join(f"s{i} AS ({sql})" for i, sql in enumerate(ctes)) + " " if ctes else "") + last


def _persist_in_one_statement(batch: list[SubmissionRows], extras: BatchExtras) -> None:
    through = Case.depends_on.through
    links = [through(from_case=batch[i].case, to_case=batch[j].case) for i, j in extras.dependencies]
    notifications = [n for rows in batch for n in rows.notifications] + list(extras.notifications)
    materials = [m for rows in batch for m in rows.materials]
    count = len(batch) + len(extras.events)
    with connection.cursor() as cursor:
        cursor.execute(_next_ids_sql(), [len(batch), len(materials), len(batch), len(batch), len(links), len(batch),
                                         count, len(notifications)])
        app_ids, material_ids, delivery_ids, case_ids, link_ids, change_ids, audit_ids, notification_ids = cursor.fetchone()
        for objs, ids in ((materials, material_ids), (notifications, notification_ids)):
            for obj, pk in zip(objs, ids, strict=True):
                obj.pk = pk
        for rows, app_id, delivery_id, case_id, change_id in zip(batch, app_ids, delivery_ids, case_ids, change_ids,
                                                                 strict=True):
            rows.application.pk, rows.delivery.pk, rows.case.pk, rows.status_change.pk = app_id, delivery_id, case_id, change_id
            _link(rows)
        for link, pk in zip(links, link_ids, strict=True):
            link.pk, link.from_case_id, link.to_case_id = pk, link.from_case.pk, link.to_case.pk
        stream, first = next_sequences(count)
        actor = batch[0].actor if batch else None
        events = [_audit(rows, (stream, first + i)) for i, rows in enumerate(batch)]
        events += [build_event(actor=actor, action=action, obj=obj, details=details, sequence=(stream, first + len(batch) + i))
                   for i, (action, obj, details) in enumerate(extras.events)]
        for event, pk in zip(events, audit_ids, strict=True):
            event.pk = pk
        groups: list[list[Model]] = [[r.application for r in batch], materials, [r.delivery for r in batch],
                                     [r.case for r in batch], links, [r.status_change for r in batch], events,
                                     notifications]
        groups = [g for g in groups if g]
        tables = tuple(g[0]._meta.db_table for g in groups)
        conn = connections[DEFAULT_DB_ALIAS]
        cursor.execute(_statement(tables), [Jsonb([_record(obj, conn) for obj in g]) for g in groups])
