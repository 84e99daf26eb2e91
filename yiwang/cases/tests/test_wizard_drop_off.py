"""The wizard's paper-materials choice (issue 15 §4 drop-off "when applying"): 投递到24小时自助信包箱
is chosen in the delivery step, saved with the draft, and the locker machinery requests the
drop-off once the submission is committed (compartment, one-time open code by SMS/inbox); a
failed submission reserves nothing. The open code stays single-use, expiring, attempt-limited."""

import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from yiwang.accounts.tests.factories import StaffFactory
from yiwang.cases import access
from yiwang.cases.constants import ApplicationStatus, DropOffStatus
from yiwang.cases.models import Application, Case, Locker, LockerDropOff
from yiwang.cases.services import drop_off_deposit
from yiwang.cases.tests.conftest import PDF_BYTES, form_for
from yiwang.cases.tests.page_helpers import html, summary_links
from yiwang.catalog.constants import MaterialNecessity, MaterialSource
from yiwang.core.errors import DomainError, TooManyAttempts
from yiwang.core.models import AuditEvent
from yiwang.notifications.models import Notification
from yiwang.orgs.models import RoleGrant

pytestmark = pytest.mark.django_db


@pytest.fixture
def box(world):
    return Locker.objects.create(outlet=world.hall, code="XA-0501", location="雁塔区小寨街道便民服务站")


@pytest.fixture
def cabinet(world):
    account = StaffFactory(username="locker-xa-0501")
    RoleGrant.objects.create(user=account, organisation=world.hall, role="window_clerk")
    return account


@pytest.fixture
def citizen(client, world):
    client.force_login(world.citizen)
    return client


def step(draft, name):
    return reverse("cases:draft_step", args=[draft.pk, name])


def start(citizen, world, *, upload=True) -> Application:
    citizen.post(reverse("cases:apply", args=[world.impl.pk]), {**form_for(world), "nav": "next"})
    draft = Application.objects.get(applicant=world.citizen, status=ApplicationStatus.DRAFT)
    if upload:
        pdf = SimpleUploadedFile("申请书.pdf", PDF_BYTES, content_type="application/pdf")
        citizen.post(step(draft, "materials"), {"nav": "next", f"file-{world.required_material.pk}": pdf})
    return draft


def choose(citizen, draft, locker_id, **extra):
    return citizen.post(step(draft, "delivery"), {"nav": "next", "method": "window", "paper_shown": "1",
                                                  "paper": "locker", "drop_off_locker": str(locker_id or ""), **extra})


def open_code(application) -> str:
    body = Notification.objects.get(topic="locker.drop_off_code", object_id=str(application.pk), channel="in_app").body
    return re.search(r"开箱码 (\d{6})", body).group(1)


def test_the_delivery_step_offers_the_lockers_for_paper_materials(citizen, world, box):
    draft = start(citizen, world)
    body = html(citizen.get(step(draft, "delivery")))
    assert "纸质材料怎样交" in body and "投递到24小时自助信包箱" in body
    assert f'value="{box.pk}"' in body and "雁塔区小寨街道便民服务站（XA-0501）" in body
    assert "cases/locker_locate.js" in body and "使用我的位置" in body  # the button, shown by the script
    assert 'name="area"' in body and "雁塔区（全区）" in body  # without a position: district / street


def test_the_choice_is_saved_and_the_drop_off_is_requested_after_submit(citizen, world, box, cabinet, fake,
                                                                       django_capture_on_commit_callbacks):
    draft = start(citizen, world)
    response = choose(citizen, draft, "")
    assert response.status_code == 200
    assert ("#drop-off-lockers", "选择投递到24小时自助信包箱时，请选择一个可用的信包箱。") in summary_links(response)
    response = choose(citizen, draft, box.pk)
    assert response.status_code == 302 and response.url == step(draft, "review")
    draft.refresh_from_db()
    assert draft.form_data["_draft"]["drop_off"]["locker"] == box.pk
    assert not LockerDropOff.objects.exists()  # nothing reserved for a draft
    review = citizen.get(step(draft, "review"))
    assert "投递到24小时自助信包箱：雁塔区小寨街道便民服务站（XA-0501）" in html(review)
    key = review.context["idempotency_key"]
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = citizen.post(step(draft, "review"), {"nav": "submit", "idempotency_key": key})
    assert response.status_code == 302 and callbacks
    case = Case.objects.get(application=draft)
    drop_off = LockerDropOff.objects.get(application=draft)
    assert drop_off.status == DropOffStatus.AWAITING and drop_off.locker == box and drop_off.compartment
    code = open_code(draft)
    assert drop_off.code_hash and code not in drop_off.code_hash
    event = AuditEvent.objects.get(action="locker.drop_off_requested")
    assert event.actor_id == world.citizen.pk
    done = html(citizen.get(response.url))
    assert "信包箱交件" in done and f"{drop_off.compartment} 号格口" in done and code not in done
    # a repeated submit (double click) requests nothing more
    with django_capture_on_commit_callbacks(execute=True):
        citizen.post(step(draft, "review"), {"nav": "submit", "idempotency_key": key})
    assert LockerDropOff.objects.count() == 1 and AuditEvent.objects.filter(action="locker.drop_off_requested").count() == 1
    # the code: single use
    assert drop_off_deposit(actor=cabinet, locker=box, open_code=code).status == DropOffStatus.DEPOSITED
    with pytest.raises(DomainError):
        drop_off_deposit(actor=cabinet, locker=box, open_code=code)
    case_page = html(citizen.get(reverse("cases:case_detail", args=[case.pk])))
    assert "已投入信包箱" in case_page


def test_a_failed_submit_reserves_no_locker(citizen, world, box, django_capture_on_commit_callbacks):
    draft = start(citizen, world, upload=False)  # the required material is missing
    assert choose(citizen, draft, box.pk).status_code == 302
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = citizen.post(step(draft, "review"), {"nav": "submit", "idempotency_key": "k-failed"})
    assert response.status_code == 200 and not callbacks
    assert not LockerDropOff.objects.exists() and not Case.objects.exists()
    assert not Notification.objects.filter(topic="locker.drop_off_code").exists()


def test_a_locker_gone_before_submit_is_named_on_the_review_page(citizen, world, box,
                                                                 django_capture_on_commit_callbacks):
    draft = start(citizen, world)
    choose(citizen, draft, box.pk)
    box.delete()
    response = citizen.get(step(draft, "review"))
    assert (f"{step(draft, 'delivery')}#drop-off-lockers",
            "选择投递到24小时自助信包箱时，请选择一个可用的信包箱。") in summary_links(response)
    with django_capture_on_commit_callbacks(execute=True):
        response = citizen.post(step(draft, "review"), {"nav": "submit", "idempotency_key": "k-gone"})
    assert response.status_code == 200 and not Case.objects.exists()
    assert ("#delivery-summary", "选择投递到24小时自助信包箱时，请选择一个可用的信包箱。") in summary_links(response)


def test_a_full_locker_after_submit_tells_the_applicant_and_keeps_the_application(
        citizen, world, box, django_capture_on_commit_callbacks, monkeypatch):
    from yiwang.cases.services import lockers

    draft = start(citizen, world)
    choose(citizen, draft, box.pk)
    monkeypatch.setattr(lockers, "free_compartment", lambda locker_id: None)
    with django_capture_on_commit_callbacks(execute=True):
        response = citizen.post(step(draft, "review"), {"nav": "submit", "idempotency_key": "k-full"})
    assert response.status_code == 302 and Case.objects.filter(application=draft).exists()
    assert not LockerDropOff.objects.exists()
    notice = Notification.objects.get(topic="locker.drop_off_failed", channel="in_app")
    assert "暂无空格口" in notice.body and "重新选择信包箱" in notice.body
    assert AuditEvent.objects.filter(action="locker.drop_off_request_failed", actor_id=world.citizen.pk).exists()


def test_at_the_window_is_the_default_and_requests_nothing(citizen, world, box, django_capture_on_commit_callbacks):
    draft = start(citizen, world)
    citizen.post(step(draft, "delivery"), {"nav": "next", "method": "window", "paper_shown": "1", "paper": "window",
                                           "drop_off_locker": str(box.pk)})
    with django_capture_on_commit_callbacks(execute=True):
        citizen.post(step(draft, "review"), {"nav": "submit", "idempotency_key": "k-window"})
    assert Case.objects.filter(application=draft).exists() and not LockerDropOff.objects.exists()


def test_sorting_by_a_district_saves_the_draft_and_comes_back(citizen, world, box):
    draft = start(citizen, world)
    response = citizen.post(step(draft, "delivery"), {"nav": "locate", "method": "mail", "address": "小寨东路 1 号",
                                                      "paper_shown": "1", "paper": "locker", "area": "d:610113"})
    assert response.status_code == 302 and response.url == f"{step(draft, 'delivery')}?area=d:610113#drop-off"
    draft.refresh_from_db()
    assert draft.form_data["_draft"]["delivery"]["address"] == "小寨东路 1 号"  # nothing typed is lost
    assert draft.form_data["_draft"]["drop_off"] == {"method": "locker", "locker": None, "area": "d:610113"}
    body = html(citizen.get(response.url))
    assert '<option value="d:610113" selected>' in body and "按“雁塔区（全区）”由近到远排列" in body
    # a position from the phone goes into the address, rounded; nonsense is ignored
    response = citizen.post(step(draft, "delivery"), {"nav": "locate", "paper_shown": "1", "lat": "34.2122",
                                                      "lng": "108.9503"})
    assert response.url == f"{step(draft, 'delivery')}?lat=34.212200&lng=108.950300#drop-off"
    response = citizen.post(step(draft, "delivery"), {"nav": "locate", "paper_shown": "1", "lat": "nan", "lng": "1e999",
                                                      "area": "x:<script>"})
    assert response.url == f"{step(draft, 'delivery')}#drop-off"


def test_an_item_without_paper_materials_does_not_ask(citizen, world, box):
    from yiwang.catalog.tests.factories import MaterialFactory, PublishedVersionFactory

    version = PublishedVersionFactory(implementation__agency=world.agency, name="在线填报事项", materials=0)
    MaterialFactory(version=version, name="申请表", source_channel=MaterialSource.ONLINE_FORM,
                    necessity=MaterialNecessity.REQUIRED)
    MaterialFactory(version=version, name="身份证明", necessity=MaterialNecessity.EXEMPT)
    citizen.post(reverse("cases:apply", args=[version.implementation_id]), {"nav": "next"})
    draft = Application.objects.get(applicant=world.citizen, status=ApplicationStatus.DRAFT,
                                    implementation_id=version.implementation_id)
    assert "纸质材料怎样交" not in html(citizen.get(step(draft, "delivery")))


def test_the_wizard_code_expires_and_is_attempt_limited(citizen, world, box, cabinet, fake,
                                                       django_capture_on_commit_callbacks):
    draft = start(citizen, world)
    choose(citizen, draft, box.pk)
    with django_capture_on_commit_callbacks(execute=True):
        citizen.post(step(draft, "review"), {"nav": "submit", "idempotency_key": "k-expiry"})
    drop_off = LockerDropOff.objects.get(application=draft)
    code = open_code(draft)
    later = drop_off.code_expires_at + dt.timedelta(minutes=1)
    with pytest.raises(DomainError) as expired:
        drop_off_deposit(actor=cabinet, locker=box, open_code=code, now=later)
    assert expired.value.code == "open_code_expired"
    for n in range(access.LOCKER_FAILURES_PER_HOUR):
        with pytest.raises(DomainError):
            drop_off_deposit(actor=cabinet, locker=box, open_code=f"{(int(code) + 1 + n) % 10**6:06d}")
    with pytest.raises(TooManyAttempts):  # locked even for the right code
        drop_off_deposit(actor=cabinet, locker=box, open_code=code)
    assert fake.opened == []
