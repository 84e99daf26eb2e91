"""Several applications filed as one (a bundle's members): every item gets exactly the checks and
rows of a single filing, written together (one statement on PostgreSQL, the ORM elsewhere), with
the cases' dependencies, the caller's one notice and its audit events; errors come back by item
and nothing is written."""

import pytest
from django.db import connection, transaction

from yiwang.cases.models import Application, Case
from yiwang.cases.services import BatchItem, BatchRejected, applications_submit_batch, stored_file_create
from yiwang.cases.tests.conftest import MONDAY, form_for, pdf_upload
from yiwang.cases.tests.test_submission_write import snapshot
from yiwang.core.audit import verify_audit
from yiwang.core.models import AuditEvent
from yiwang.notifications.models import Notification
from yiwang.notifications.services import build_notifications

pytestmark = pytest.mark.django_db


def _items(world, stored, *, second_materials=None):
    materials = {str(world.required_material.pk): {"file": stored.pk}}
    return [BatchItem(world.impl.pk, form_for(world), materials),
            BatchItem(world.impl.pk, form_for(world), materials if second_materials is None else second_materials,
                      depends_on=(0,))]


def test_a_batch_stores_what_single_filings_store(world, submit):
    single = submit()
    stored = stored_file_create(actor=world.citizen, owner=world.citizen, upload=pdf_upload())
    notice = build_notifications(recipient=world.citizen, topic="bundle", title="一件事申请已提交", body="共 2 个事项",
                                 obj=world.agency)
    with transaction.atomic():
        applications = applications_submit_batch(
            actor=world.citizen, applicant=world.citizen, items=_items(world, stored), today=MONDAY,
            notifications=notice, events=[("test.batch_filed", world.agency, {"items": 2})])
    first, second = (a.submitted_cases[0] for a in applications)
    for case in (first, second):
        case.refresh_from_db()
        a, b = snapshot(case), snapshot(single)
        # The same rows as a single filing, but no notice per case: the caller sends one.
        # (the caller's notice is about another object; on SQLite its id may equal a case's)
        assert [n for n in a["notifications"] if n["topic"] != "bundle"] == [] and b["notifications"]
        for rows in (a, b):
            rows.pop("notifications")
            rows["application"][0].pop("request_digest")
            rows["case"][0].pop("depends_on")  # checked below
            for material in rows["materials"]:
                material.pop("stored_file")  # the same content, uploaded twice
        assert a == b
        assert (case.received_on, case.acceptance_due_on) == (single.received_on, single.acceptance_due_on)  # §32
        assert case.applicant_id_number == world.citizen.id_number  # decrypts; stored sealed
        with connection.cursor() as cursor:
            cursor.execute("SELECT applicant_id_number FROM cases_case WHERE id = %s", [case.pk])
            assert world.citizen.id_number not in str(cursor.fetchone()[0])
    assert first.number != second.number and len(first.number) == len(single.number)
    assert list(second.depends_on.all()) == [first] and not first.depends_on.exists()
    assert Notification.objects.filter(topic="bundle", object_id=str(world.agency.pk)).count() == len(notice)
    assert AuditEvent.objects.filter(action="application.submitted",
                                     object_id__in=[str(a.pk) for a in applications]).count() == 2
    assert AuditEvent.objects.get(action="test.batch_filed").details == {"items": 2}
    assert verify_audit()[2] is None  # numbers and hashes as record_event writes them


def test_errors_come_back_by_item_and_nothing_is_written(world):
    stored = stored_file_create(actor=world.citizen, owner=world.citizen, upload=pdf_upload())
    before = Application.objects.count()
    with pytest.raises(BatchRejected) as failed, transaction.atomic():
        applications_submit_batch(actor=world.citizen, applicant=world.citizen,
                                  items=_items(world, stored, second_materials={}), today=MONDAY)
    assert list(failed.value.by_item) == [1]
    assert [e.code for e in failed.value.by_item[1]] == ["material_missing"]
    assert Application.objects.count() == before and not Case.objects.exists()
