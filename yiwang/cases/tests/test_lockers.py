"""Lockers both ways (issue 15 §4): paper materials dropped off in a locker with a one-time open
code, collected by hall staff and signed for by the hall (the materials then count as handed in);
results uncollected in a locker go back to the hall after N days. The cabinet is the fake device."""

import datetime as dt
import re

import pytest
from django.core.management import call_command
from django.utils import timezone

from yiwang.accounts.tests.factories import StaffFactory
from yiwang.cases import access
from yiwang.cases.constants import CaseStatus, DropOffStatus, MaterialSatisfaction
from yiwang.cases.models import Delivery, Locker, LockerDropOff
from yiwang.cases.selectors import case_timeline, drop_offs_for_staff
from yiwang.cases.services import (
    case_accept,
    case_decide,
    case_deliver,
    delivery_change,
    drop_off_collect,
    drop_off_deposit,
    drop_off_receive,
    drop_off_request,
    lockers_return_uncollected,
)
from yiwang.cases.tests.conftest import MONDAY
from yiwang.core.errors import Conflict, DomainError, NotFound, TooManyAttempts
from yiwang.core.models import AuditEvent
from yiwang.notifications.models import Notification
from yiwang.orgs.models import RoleGrant

pytestmark = pytest.mark.django_db


@pytest.fixture
def box(world):
    return Locker.objects.create(outlet=world.hall, code="XA-0201", location="雁塔区小寨街道便民服务站")


@pytest.fixture
def cabinet(world):
    account = StaffFactory(username="locker-xa-0201")
    RoleGrant.objects.create(user=account, organisation=world.hall, role="window_clerk")
    return account


def _open_code(application) -> str:
    body = Notification.objects.filter(topic="locker.drop_off_code", object_id=str(application.pk),
                                       channel="in_app").latest("created_at").body
    return re.search(r"开箱码 (\d{6})", body).group(1)


def _other(code: str) -> str:
    return f"{(int(code) + 1) % 10**6:06d}"


def test_drop_off_deposit_collection_receipt_and_acceptance(world, submit, box, cabinet, fake,
                                                            django_capture_on_commit_callbacks):
    case = submit()
    application = case.application
    assert application.materials.filter(satisfaction=MaterialSatisfaction.MISSING).exists()
    drop_off = drop_off_request(actor=world.citizen, application=application, locker_id=box.pk)
    assert drop_off.status == DropOffStatus.AWAITING and drop_off.compartment
    code = _open_code(application)
    assert code not in drop_off.code_hash  # stored hashed
    with django_capture_on_commit_callbacks(execute=True):
        drop_off = drop_off_deposit(actor=cabinet, locker=box, open_code=code)
    assert drop_off.status == DropOffStatus.DEPOSITED and fake.opened == [("XA-0201", drop_off.compartment)]
    with pytest.raises(DomainError):  # single use
        drop_off_deposit(actor=cabinet, locker=box, open_code=code)
    assert [d.pk for d in drop_offs_for_staff(world.clerk)] == [drop_off.pk]
    with pytest.raises(Conflict):  # receipt before collection
        drop_off_receive(actor=world.clerk, drop_off=drop_off)
    with pytest.raises(NotFound):  # only hall staff of the locker's outlet
        drop_off_collect(actor=world.reviewer, drop_off=drop_off)
    drop_off_collect(actor=world.clerk, drop_off=drop_off)
    drop_off = drop_off_receive(actor=world.clerk, drop_off=drop_off)
    assert drop_off.status == DropOffStatus.RECEIVED and drop_off.received_by == world.clerk
    assert not application.materials.filter(satisfaction=MaterialSatisfaction.MISSING).exists()
    assert application.materials.filter(satisfaction=MaterialSatisfaction.PAPER).exists()
    actions = list(AuditEvent.objects.filter(action__startswith="locker.drop_off").order_by("seq")
                   .values_list("action", "actor_id"))
    assert actions == [("locker.drop_off_requested", world.citizen.pk), ("locker.drop_off_deposited", cabinet.pk),
                       ("locker.drop_off_collected", world.clerk.pk), ("locker.drop_off_received", world.clerk.pk)]
    labels = [e.title for e in case_timeline(case)]
    assert {"纸质材料已投入信包箱", "工作人员已从信包箱取出材料", "大厅已签收信包箱材料"} <= set(labels)
    case_accept(actor=world.clerk, case=case, today=MONDAY)
    case.refresh_from_db()
    assert case.status in (CaseStatus.ACCEPTED, CaseStatus.UNDER_REVIEW)
    with pytest.raises(Conflict):  # accepted: no further drop-off
        drop_off_request(actor=world.citizen, application=application, locker_id=box.pk)


def test_open_code_expires(world, submit, box, cabinet, fake):
    case = submit()
    drop_off_request(actor=world.citizen, application=case.application, locker_id=box.pk)
    code = _open_code(case.application)
    later = timezone.now() + dt.timedelta(hours=73)
    with pytest.raises(DomainError) as err:
        drop_off_deposit(actor=cabinet, locker=box, open_code=code, now=later)
    assert err.value.code == "open_code_expired" and fake.opened == []


def test_a_new_choice_voids_the_old_code(world, submit, box, cabinet, fake):
    case = submit()
    drop_off_request(actor=world.citizen, application=case.application, locker_id=box.pk)
    old = _open_code(case.application)
    drop_off_request(actor=world.citizen, application=case.application, locker_id=box.pk)
    new = _open_code(case.application)
    if old != new:
        with pytest.raises(DomainError):
            drop_off_deposit(actor=cabinet, locker=box, open_code=old)
    assert drop_off_deposit(actor=cabinet, locker=box, open_code=new).status == DropOffStatus.DEPOSITED
    assert LockerDropOff.objects.filter(application=case.application).count() == 1


def test_open_codes_are_attempt_limited_and_failures_audited(world, submit, box, cabinet, fake):
    case = submit()
    drop_off_request(actor=world.citizen, application=case.application, locker_id=box.pk)
    code = _open_code(case.application)
    for n in range(access.LOCKER_FAILURES_PER_HOUR):
        with pytest.raises(DomainError):
            drop_off_deposit(actor=cabinet, locker=box, open_code=f"{(int(code) + 1 + n) % 10**6:06d}")
    with pytest.raises(TooManyAttempts):
        drop_off_deposit(actor=cabinet, locker=box, open_code=code)
    assert AuditEvent.objects.filter(action="locker.open_code_failed").count() == access.LOCKER_FAILURES_PER_HOUR
    assert fake.opened == []


def test_someone_else_cannot_choose_a_locker_for_the_application(world, submit, box):
    case = submit()
    with pytest.raises(NotFound):
        drop_off_request(actor=world.clerk, application=case.application, locker_id=box.pk)


def test_uncollected_results_go_back_to_the_hall_after_n_days(world, submit, box, cabinet, settings,
                                                               django_capture_on_commit_callbacks):
    settings.YIWANG_LOCKER_RETURN_DAYS = 3
    case = submit()
    case_accept(actor=world.clerk, case=case, today=MONDAY)
    delivery_change(actor=world.citizen, application=case.application, method="locker", locker_id=box.pk)
    with django_capture_on_commit_callbacks(execute=True):
        case_decide(actor=world.approver, case=case, decision="approved", reasons="符合条件", today=dt.date(2026, 11, 20))
    code = re.search(r"取件码 (\d{6})", Notification.objects.filter(topic="delivery.code").latest("created_at").body).group(1)
    assert lockers_return_uncollected(now=timezone.now() + dt.timedelta(days=2)) == []
    assert lockers_return_uncollected(now=timezone.now() + dt.timedelta(days=3, minutes=1)) == [case.application_id]
    assert lockers_return_uncollected(now=timezone.now() + dt.timedelta(days=9)) == []  # idempotent
    delivery = Delivery.objects.get(application=case.application)
    assert delivery.method == "window" and delivery.locker_compartment == "" and delivery.returned_at
    told = Notification.objects.filter(topic="delivery.locker_returned", recipient=world.citizen).first()
    assert told is not None and "已满 3 天未取出" in told.body
    assert "信包箱逾期未取，结果已退回窗口" in [e.title for e in case_timeline(case, staff_names=False)]
    case.refresh_from_db()
    (delivered,) = case_deliver(actor=world.clerk, case=case, pickup_code=code)  # same code, at the window
    assert delivered.status == CaseStatus.DELIVERED


def test_the_return_command_takes_the_days(world, submit, box, django_capture_on_commit_callbacks, capsys):
    case = submit()
    case_accept(actor=world.clerk, case=case, today=MONDAY)
    delivery_change(actor=world.citizen, application=case.application, method="locker", locker_id=box.pk)
    with django_capture_on_commit_callbacks(execute=True):
        case_decide(actor=world.approver, case=case, decision="approved", reasons="符合条件", today=dt.date(2026, 11, 20))
    Delivery.objects.filter(application=case.application).update(code_issued_at=timezone.now() - dt.timedelta(days=5))
    call_command("lockers_return_uncollected", "--days", "7")
    assert Delivery.objects.get(application=case.application).returned_at is None
    call_command("lockers_return_uncollected", "--days", "4")
    assert Delivery.objects.get(application=case.application).returned_at is not None
    assert "returned 1" in capsys.readouterr().out
