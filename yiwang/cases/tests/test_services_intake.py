"""Applying: validation names every field, nothing is half-written, submission is idempotent."""

import datetime as dt
import threading

import pytest
from django.db import connection

from yiwang.cases.constants import ApplicationStatus, CaseStatus, MaterialSatisfaction
from yiwang.cases.models import Application, ApplicationMaterial, Case, CaseStatusChange, StoredFile
from yiwang.cases.services import application_save_draft, application_submit, prefill_from_profile, stored_file_create
from yiwang.cases.services.intake import clear_process_caches
from yiwang.cases.tests.conftest import MONDAY, PDF_BYTES, form_for, pdf_upload
from yiwang.core.errors import Conflict, DomainError, NotFound, ValidationFailed
from yiwang.core.models import AuditEvent
from yiwang.notifications.models import Notification

pytestmark = pytest.mark.django_db


def test_submit_creates_case_with_receipt_clock_history_and_event(world, submit, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        case = submit()
    assert case.status == CaseStatus.SUBMITTED
    assert case.version_id == world.version.pk  # pinned
    assert case.agency_id == world.agency.pk and case.agency_path == world.agency.path
    assert case.received_on == MONDAY
    assert case.acceptance_due_on == dt.date(2026, 11, 23)  # 5 working days after Mon 16 Nov
    assert case.outlet_id == world.hall.pk  # online cases go to the agency's hall
    assert len(case.number) == 18 and case.number.startswith("20261116")
    assert CaseStatusChange.objects.filter(case=case, to_status=CaseStatus.SUBMITTED).count() == 1
    assert AuditEvent.objects.filter(action="application.submitted", object_id=str(case.application_id)).exists()
    inbox = Notification.objects.filter(recipient=world.citizen, channel="in_app", topic="case.submitted")
    assert inbox.count() == 1 and case.number in inbox.get().body
    assert inbox.get().link == f"/cases/mine/{case.pk}/" and inbox.get().object_id == str(case.pk)
    assert case.applicant_id_number == world.citizen.id_number  # snapshot, encrypted at rest
    with connection.cursor() as cur:
        cur.execute("SELECT applicant_id_number FROM cases_case WHERE id = %s", [case.pk])
        raw = cur.fetchone()[0]
    assert world.citizen.id_number not in raw


def test_form_errors_name_every_field_and_nothing_is_saved(world, submit):
    before = (Application.objects.count(), Case.objects.count(), ApplicationMaterial.objects.count())
    bad = {"applicant.name": "", "applicant.id_number": "61011319580301002X", "enterprise.address": "x"}
    with pytest.raises(ValidationFailed) as err:
        submit(form_data=bad)
    fields = {e.field for e in err.value.errors}
    assert {"applicant.name", "applicant.id_number"} <= fields
    msg = next(e.message for e in err.value.errors if e.field == "applicant.id_number")
    assert "校验位" in msg or "出生日期" in msg
    assert (Application.objects.count(), Case.objects.count(), ApplicationMaterial.objects.count()) == before


def test_missing_required_material_is_named(world):
    with pytest.raises(ValidationFailed) as err:
        application_submit(actor=world.citizen, applicant=world.citizen, implementation_id=world.impl.pk,
                           form_data=form_for(world), materials={}, today=MONDAY)
    (error,) = err.value.errors
    assert error.field == f"materials.{world.required_material.pk}"
    assert "食品经营许可申请书" in error.message


def test_someone_elses_file_cannot_be_used(world):
    theirs = stored_file_create(actor=world.other_citizen, owner=world.other_citizen, upload=pdf_upload())
    with pytest.raises(ValidationFailed) as err:
        application_submit(actor=world.citizen, applicant=world.citizen, implementation_id=world.impl.pk,
                           form_data=form_for(world), materials={str(world.required_material.pk): {"file": theirs.pk}},
                           today=MONDAY)
    assert err.value.errors[0].code == "file_not_found"


def test_earlier_material_is_reused_without_upload(world, submit):
    first = submit()
    stored = first.application.materials.get(requirement=world.required_material).stored_file
    app = application_submit(actor=world.citizen, applicant=world.citizen, implementation_id=world.impl.pk,
                             form_data=form_for(world), materials={str(world.required_material.pk): {"reuse": stored.pk}},
                             today=MONDAY)
    row = app.materials.get(requirement=world.required_material)
    assert row.satisfaction == MaterialSatisfaction.REUSE and row.stored_file_id == stored.pk
    assert StoredFile.objects.count() == 1


@pytest.mark.parametrize("name,content,ok", [
    ("scan.jpg", b"\xff\xd8\xff\xe0" + b"0" * 100, "image/jpeg"),
    ("scan.png", b"\x89PNG\r\n\x1a\n" + b"0" * 100, "image/png"),
    ("a.pdf", PDF_BYTES, "application/pdf"),
    ("evil.pdf", b"MZ\x90\x00 not a pdf at all", None),  # a renamed executable
    ("empty.pdf", b"", None),
])
def test_upload_type_is_checked_by_content(world, name, content, ok):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile(name, content)
    if ok:
        stored = stored_file_create(actor=world.citizen, owner=world.citizen, upload=upload)
        assert stored.content_type == ok and len(stored.sm3) == 64
    else:
        with pytest.raises(DomainError) as err:
            stored_file_create(actor=world.citizen, owner=world.citizen, upload=upload)
        assert err.value.code == "file_type_not_allowed" and name in err.value.message


def test_ofd_is_recognised_inside_its_zip(world):
    import io
    import zipfile

    from django.core.files.uploadedfile import SimpleUploadedFile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("OFD.xml", "<ofd:OFD xmlns:ofd='http://www.ofdspec.org/2016'/>")
    stored = stored_file_create(actor=world.citizen, owner=world.citizen, upload=SimpleUploadedFile("证明.ofd", buf.getvalue()))
    assert stored.content_type == "application/ofd"
    plain_zip = io.BytesIO()
    with zipfile.ZipFile(plain_zip, "w") as z:
        z.writestr("readme.txt", "hi")
    with pytest.raises(DomainError):
        stored_file_create(actor=world.citizen, owner=world.citizen, upload=SimpleUploadedFile("x.ofd", plain_zip.getvalue()))


def test_oversized_upload_is_refused(world, settings, monkeypatch):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from yiwang.cases.services import intake

    monkeypatch.setattr(intake, "MAX_UPLOAD_BYTES", 1024)
    with pytest.raises(DomainError) as err:
        stored_file_create(actor=world.citizen, owner=world.citizen, upload=SimpleUploadedFile("big.pdf", PDF_BYTES * 50))
    assert err.value.code == "file_too_large"


def test_same_idempotency_key_returns_the_same_application(world, submit):
    a = submit(idempotency_key="k-1")
    b = submit(idempotency_key="k-1")
    assert a.application_id == b.application_id
    assert Application.objects.filter(applicant=world.citizen).count() == 1


def test_same_key_with_a_different_payload_is_a_conflict(world, submit):
    submit(idempotency_key="k-2")
    changed = {**form_for(world), "enterprise.address": "另一个地址"}
    with pytest.raises(Conflict) as err:
        submit(idempotency_key="k-2", form_data=changed)
    assert err.value.code == "idempotency_conflict"


@pytest.mark.django_db(transaction=True)
def test_concurrent_retries_create_one_application(world):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need a server database (SQLite serialises them anyway)")
    stored = stored_file_create(actor=world.citizen, owner=world.citizen, upload=pdf_upload())
    results, errors = [], []
    barrier = threading.Barrier(8)

    def attempt():
        try:
            barrier.wait()
            app = application_submit(actor=world.citizen, applicant=world.citizen, implementation_id=world.impl.pk,
                                     form_data=form_for(world), idempotency_key="race",
                                     materials={str(world.required_material.pk): {"file": stored.pk}}, today=MONDAY)
            results.append(app.pk)
        except Exception as exc:  # collected and asserted below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(set(results)) == 1
    assert Application.objects.filter(idempotency_key="race").count() == 1
    assert Case.objects.filter(application_id=results[0]).count() == 1


def test_draft_is_saved_resumed_and_submitted(world):
    draft = application_save_draft(actor=world.citizen, applicant=world.citizen, implementation_id=world.impl.pk,
                                   form_data={"applicant.name": "王秀英"})
    assert draft.status == ApplicationStatus.DRAFT and not draft.cases.exists()
    draft = application_save_draft(actor=world.citizen, applicant=world.citizen, implementation_id=world.impl.pk,
                                   form_data={"enterprise.address": "西安市雁塔区"}, application=draft)
    assert draft.form_data["applicant.name"] == "王秀英" and draft.form_data["enterprise.address"] == "西安市雁塔区"
    stored = stored_file_create(actor=world.citizen, owner=world.citizen, upload=pdf_upload())
    app = application_submit(actor=world.citizen, applicant=world.citizen, implementation_id=world.impl.pk,
                             form_data=form_for(world), materials={str(world.required_material.pk): {"file": stored.pk}},
                             draft=draft, today=MONDAY)
    assert app.pk == draft.pk and app.status == ApplicationStatus.SUBMITTED and app.cases.count() == 1
    with pytest.raises(NotFound):
        application_save_draft(actor=world.other_citizen, applicant=world.other_citizen,
                               implementation_id=world.impl.pk, application=app)


def test_prefill_from_profile(world):
    values = prefill_from_profile(version=world.version, applicant=world.citizen)
    assert values == {"applicant.name": "王秀英", "applicant.id_number": world.citizen.id_number}


def test_birth_date_is_prefilled_from_the_id_number_and_passes_the_cross_check(world):
    from yiwang.accounts.tests.factories import EnterpriseUserFactory
    from yiwang.catalog.application_form import validate_form_data
    from yiwang.catalog.constants import DataType
    from yiwang.catalog.tests.factories import DataElementFactory, FormFieldFactory

    birth = DataElementFactory(key="applicant.birth_date", name="申请人出生日期", data_type=DataType.DATE,
                               profile_source="user.birth_date")
    FormFieldFactory(version=world.version, data_element=birth, order=4)
    clear_process_caches()
    number = world.citizen.id_number
    values = prefill_from_profile(version=world.version, applicant=world.citizen)
    assert values["applicant.birth_date"] == f"{number[6:10]}-{number[10:12]}-{number[12:14]}"
    fields = list(world.version.form_fields.select_related("data_element"))
    assert validate_form_data(fields, {**values, "enterprise.address": "西安市雁塔区小寨东路 1 号"})[1] == []
    # No ID number (an enterprise account): nothing to pre-fill, not an error.
    assert "applicant.birth_date" not in prefill_from_profile(version=world.version, applicant=EnterpriseUserFactory())


def test_unpublished_item_cannot_be_applied_for(world):
    from yiwang.catalog.tests.factories import VersionFactory

    draft_only = VersionFactory()
    with pytest.raises(NotFound) as err:
        application_submit(actor=world.citizen, applicant=world.citizen, implementation_id=draft_only.implementation_id,
                           form_data={}, today=MONDAY)
    assert err.value.code == "item_not_published"


def test_window_filing_for_a_non_city_wide_item_elsewhere_is_refused(world):
    stored = stored_file_create(actor=world.yanta_clerk, owner=world.citizen, upload=pdf_upload())
    with pytest.raises(DomainError) as err:
        application_submit(actor=world.yanta_clerk, applicant=world.citizen, implementation_id=world.impl.pk,
                           form_data=form_for(world), materials={str(world.required_material.pk): {"file": stored.pk}},
                           channel="window", outlet=world.yanta_hall, today=MONDAY)
    assert err.value.code == "not_city_wide"


def test_city_wide_item_is_accepted_at_any_outlet_and_handled_by_its_agency(world):
    from yiwang.catalog.models import ImplementationVersion, published_content_writes

    with published_content_writes():  # a fixture shortcut; real changes go through a new version
        ImplementationVersion.objects.filter(pk=world.version.pk).update(city_wide=True)
    from yiwang.cases.services.intake import version_facts

    version_facts.cache_clear()  # published versions never change in production; this test cheats
    app = application_submit(actor=world.yanta_clerk, applicant=world.citizen, implementation_id=world.impl.pk,
                             form_data=form_for(world), materials={str(world.required_material.pk): {"paper": True}},
                             channel="window", outlet=world.yanta_hall, today=MONDAY)
    case = app.cases.get()
    assert case.outlet_id == world.yanta_hall.pk and case.agency_id == world.agency.pk
    assert app.filed_by_id == world.yanta_clerk.pk and case.channel == "window"


def test_unknown_locker_is_a_field_error(world):
    stored = stored_file_create(actor=world.citizen, owner=world.citizen, upload=pdf_upload())
    with pytest.raises(ValidationFailed) as err:
        application_submit(actor=world.citizen, applicant=world.citizen, implementation_id=world.impl.pk,
                           form_data=form_for(world), materials={str(world.required_material.pk): {"file": stored.pk}},
                           delivery={"method": "locker", "locker": 999999}, today=MONDAY)
    assert err.value.errors[0].field == "delivery.locker"
