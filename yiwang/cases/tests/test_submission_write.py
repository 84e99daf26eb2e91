"""The one-statement write of a submission (PostgreSQL) stores exactly what the ORM path stores."""

import pytest
from django.db import connection
from django.forms.models import model_to_dict

from yiwang.cases.models import ApplicationMaterial, CaseStatusChange, Delivery
from yiwang.cases.services import submission_write
from yiwang.core.audit import verify_audit
from yiwang.core.models import AuditEvent
from yiwang.notifications.models import Notification

pytestmark = pytest.mark.django_db

IGNORED = {"id", "application", "case", "created_at", "updated_at", "number", "verification_code", "submitted_at",
           "occurred_at", "idempotency_key", "object_id", "sent_at", "content_hash", "block",
           "body", "link"}  # these name the case (its number and id), which differ by construction


def snapshot(case):
    app = case.application

    def rows(qs):
        return [{k: v for k, v in model_to_dict(o).items() if k not in IGNORED} for o in qs]

    return {
        "application": rows([app]), "case": rows([case]),
        "materials": rows(ApplicationMaterial.objects.filter(application=app).order_by("requirement_id")),
        "delivery": rows(Delivery.objects.filter(application=app)),
        "status": rows(CaseStatusChange.objects.filter(case=case)),
        "notifications": rows(Notification.objects.filter(object_id=str(case.pk)).order_by("channel")),
        "audit": [{k: v for k, v in e.items() if k not in ("details",)}
                  for e in AuditEvent.objects.filter(action="application.submitted", object_id=str(app.pk))
                  .values("action", "object_type", "actor_label")],
    }


def test_one_statement_and_orm_paths_store_the_same_rows(world, submit, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("the one-statement path is PostgreSQL's")
    fast = submit(idempotency_key="fast")
    monkeypatch.setattr(submission_write.connection, "vendor", "sqlite")  # force the ORM path
    slow = submit(idempotency_key="slow")
    monkeypatch.undo()
    a, b = snapshot(fast), snapshot(slow)
    for rows in (a["application"], b["application"]):
        rows[0].pop("request_digest")
    assert a == b
    assert fast.application.delivery.pk is not None
    assert all(fast.number in n.body for n in Notification.objects.filter(object_id=str(fast.pk)))
    assert verify_audit()[2] is None  # the hash written by SQL matches the content
