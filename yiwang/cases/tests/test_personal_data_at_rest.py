"""Personal data at rest (issue 9 §2): after a whole journey — apply, accept, decide, deliver —
no table holds the applicant's ID number or phone number in clear; staff pages show them masked;
the applicant and the services still read the whole form."""

import json

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from yiwang.accounts.tests.factories import PASSWORD
from yiwang.cases.models import Application, Case
from yiwang.cases.services import case_accept, case_decide
from yiwang.cases.services.intake import clear_process_caches
from yiwang.cases.tests.conftest import PDF_BYTES, form_for
from yiwang.catalog.constants import DataType
from yiwang.catalog.models import published_content_writes
from yiwang.catalog.tests.factories import DataElementFactory, FormFieldFactory
from yiwang.core.crypto import mask_id_number, mask_phone
from yiwang.core.fields import SEALED_KEY

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def raw_dump() -> str:
    """Every row of every table as the database returns it (no model fields in between)."""
    parts = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608 (names from the catalog)
            for row in cursor.fetchall():
                parts.append(f"{table}: " + " | ".join(_readable(v) for v in row))
    return "\n".join(parts)


def _readable(value) -> str:
    """A column's value as text; JSON re-encoded without \\u escapes (SQLite stores them so), so a
    Chinese address is found as typed."""
    if value is None:
        return ""
    text = str(value)
    if text[:1] in "{[":
        try:
            return json.dumps(json.loads(text), ensure_ascii=False)
        except ValueError:
            return text
    return text


@pytest.fixture
def phone_field(world):
    with published_content_writes():  # a fixture arranging the catalog, not code changing it
        element = DataElementFactory(key="applicant.phone", name="申请人手机号码", data_type=DataType.PHONE,
                                     profile_source="user.phone", is_personal=True)
        FormFieldFactory(version=world.version, data_element=element, order=4)
    clear_process_caches()
    return element


def journey(world):
    citizen = client_for(world.citizen)
    file_id = citizen.post("/api/v1/files", {"file": _pdf()}).json()["id"]
    form = {**form_for(world), "applicant.phone": world.citizen.phone}
    response = citizen.post("/api/v1/applications", {
        "implementation_id": world.impl.pk, "form_data": form,
        "materials": {str(world.required_material.pk): {"file": file_id}},
        "delivery": {"method": "mail", "address": "西安市雁塔区小寨东路 1 号", "recipient_phone": world.citizen.phone}},
        content_type="application/json")
    assert response.status_code == 201, response.content
    case = Case.objects.get(pk=response.json()["case_ids"][0])
    case_accept(actor=world.clerk, case=case)
    case.refresh_from_db()
    case_decide(actor=world.approver, case=case, decision="approved", reasons="材料齐全，符合条件",
                legal_basis="《食品安全法》第三十五条")
    case.refresh_from_db()
    return case, form


def _pdf():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("申请书.pdf", PDF_BYTES)


def test_no_table_holds_the_id_number_or_phone_in_clear(world, phone_field):
    case, form = journey(world)
    dump = raw_dump()
    assert "cases_application" in dump and case.number in dump  # the dump did read the rows
    id_number, phone = world.citizen.id_number, world.citizen.phone
    leaks = [line[:160] for line in dump.splitlines() if id_number in line or phone in line]
    assert leaks == []
    # …and everything still reads back whole, for the services and the applicant.
    application = Application.objects.get(pk=case.application_id)
    assert application.form_data == form
    assert application.form_data["applicant.id_number"] == id_number


def test_the_column_keeps_non_personal_values_readable_and_seals_the_rest(world, phone_field):
    from yiwang.catalog.models import DataElement

    DataElement.objects.filter(key="applicant.name").update(is_personal=True)  # as the seed marks it
    clear_process_caches()
    case, form = journey(world)
    with connection.cursor() as cursor:
        cursor.execute("SELECT form_data FROM cases_application WHERE id = %s", [case.application_id])
        (stored,) = cursor.fetchone()
    stored = _readable(stored if isinstance(stored, str) else json.dumps(stored))
    assert SEALED_KEY in stored and "sm4gcm1:" in stored
    assert "enterprise.address" in stored  # a non-personal element stays readable for reporting
    assert world.citizen.real_name not in stored and world.citizen.id_number not in stored


def test_staff_see_personal_values_masked_and_the_applicant_in_full(world, phone_field):
    case, _ = journey(world)
    id_number, phone = world.citizen.id_number, world.citizen.phone
    staff = client_for(world.reviewer)
    body = staff.get(reverse("cases:staff_case", args=[case.pk])).content.decode()
    assert mask_id_number(id_number) in body and mask_phone(phone) in body
    assert id_number not in body and phone not in body
    owner = client_for(world.citizen)
    mine = owner.get(reverse("cases:case_detail", args=[case.pk])).content.decode()
    assert id_number in mine


def test_a_draft_keeps_its_delivery_address_sealed(world):
    from yiwang.cases.services import application_save_draft

    draft = application_save_draft(actor=world.citizen, applicant=world.citizen, implementation_id=world.impl.pk,
                                   form_data={"applicant.id_number": world.citizen.id_number},
                                   delivery={"method": "mail", "address": "长安区郭杜街道 8 号",
                                             "recipient_phone": world.citizen.phone})
    dump = raw_dump()
    assert world.citizen.id_number not in dump and world.citizen.phone not in dump and "郭杜街道" not in dump
    draft.refresh_from_db()
    assert draft.form_data["_draft"]["delivery"]["address"] == "长安区郭杜街道 8 号"


def test_a_pickup_code_is_readable_in_no_column(world):
    """Window delivery issues a code: the notification body is ciphertext and the delivery keeps
    a keyed hash, which a copy of the table cannot be checked against by trying all codes."""
    import re

    from yiwang.cases.handover import code_matches
    from yiwang.core.crypto import sm3_hex
    from yiwang.notifications.models import Notification

    citizen = client_for(world.citizen)
    file_id = citizen.post("/api/v1/files", {"file": _pdf()}).json()["id"]
    response = citizen.post("/api/v1/applications", {
        "implementation_id": world.impl.pk, "form_data": form_for(world),
        "materials": {str(world.required_material.pk): {"file": file_id}}}, content_type="application/json")
    case = Case.objects.get(pk=response.json()["case_ids"][0])
    case_accept(actor=world.clerk, case=case)
    case.refresh_from_db()
    case_decide(actor=world.approver, case=case, decision="approved", reasons="符合条件", legal_basis="第三十五条")
    note = Notification.objects.filter(topic="delivery.code").order_by("-id").first()
    assert note is not None
    code = re.search(r"取件码 (\d{6})", note.body).group(1)
    with connection.cursor() as cursor:
        cursor.execute("SELECT body FROM notifications_notification WHERE id = %s", [note.pk])
        (raw_body,) = cursor.fetchone()
        cursor.execute("SELECT pickup_code_hash FROM cases_delivery WHERE application_id = %s", [case.application_id])
        (stored_hash,) = cursor.fetchone()
    assert code not in raw_body and raw_body.startswith("sm4gcm1:")
    assert stored_hash != sm3_hex(f"{case.application_id}:{code}".encode())  # not a plain hash of the code
    assert code_matches(case.application_id, code, stored_hash)
    assert not code_matches(case.application_id, f"{(int(code) + 1) % 10**6:06d}", stored_hash)
