"""Lockers both ways (24小时自助信包箱 / 全城通港, issue 15 §4), on the one locker delivery of cases:

- Drop-off: the applicant picks a locker near them for the paper materials of an application and
  gets a one-time open code (hashed here, single use, expiring; wrong codes are limited per locker,
  device and client like pickup codes). The deposit at the cabinet, the staff collection from the
  cabinet and the hall's receipt are recorded with actor and time; on receipt the materials not
  yet provided count as handed in on paper, so acceptance sees them.
- The courier (交通员, role courier): collects deposited materials from the lockers of the outlets
  under their grant (the compartment opens through the adapter) and hands them over at the hall;
  hall staff may do the round themselves. The hall's receipt stays with its window clerks.
- Pick-up: results wait in the chosen locker (yiwang.cases.handover); those not collected within
  YIWANG_LOCKER_RETURN_DAYS go back to the hall, the applicant is told and the code keeps working
  at the window.
The cabinet itself is reached through yiwang.cases.locker_device.
"""

from __future__ import annotations

import hmac
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from yiwang.cases.access import (
    may_collect_from,
    pickup_attempt_failed,
    pickup_limits,
    require_pickup_attempts_left,
    require_window_clerk_at,
)
from yiwang.cases.constants import CaseStatus, DeliveryMethod, DropOffStatus, ErrorCode, MaterialSatisfaction
from yiwang.cases.handover import free_compartment
from yiwang.cases.locker_device import open_compartment_on_commit
from yiwang.cases.locks import lock_application, lock_drop_off, lock_locker
from yiwang.cases.models import Application, Delivery, Locker, LockerDropOff
from yiwang.core.audit import record_event
from yiwang.core.crypto import sm3_hex
from yiwang.core.errors import Conflict, DomainError, FieldError, NotFound, ValidationFailed
from yiwang.notifications.services import notify

# An open code for a drop-off is valid this long: long enough to reach a locker, short enough that
# a code found later opens nothing.
DROP_OFF_CODE_HOURS = 72
DEFAULT_RETURN_DAYS = 7


def return_days() -> int:
    return int(getattr(settings, "YIWANG_LOCKER_RETURN_DAYS", DEFAULT_RETURN_DAYS))


def _open_code_hash(drop_off_id: int, code: str) -> str:
    return sm3_hex(f"drop-off:{drop_off_id}:{(code or '').strip()}".encode())


def _case_link(application: Application) -> str:
    first = application.cases.order_by("id").first()
    return f"/cases/mine/{first.pk}/" if first else ""


@transaction.atomic
def drop_off_request(*, actor, application: Application, locker_id, now: datetime | None = None) -> LockerDropOff:
    """The applicant chooses a locker for the paper materials; a fresh open code goes to them (an
    earlier drop-off not yet deposited is replaced: its code and compartment are freed)."""
    if actor.pk != application.applicant_id:
        raise NotFound("未找到该申请。", code="application_not_found")
    cases = lock_application(application)
    if not cases or any(c.status not in (CaseStatus.SUBMITTED, CaseStatus.CORRECTION_REQUESTED) for c in cases):
        raise Conflict("该申请已受理或已结束，无需再通过信包箱交件。", code="drop_off_not_needed")
    locker = Locker.objects.select_related("outlet").filter(pk=locker_id).first() if locker_id else None
    if locker is None:
        raise ValidationFailed([FieldError("locker", "required", "请选择一个信包箱。")])
    current = LockerDropOff.objects.filter(application=application).first()
    if current is not None and current.status != DropOffStatus.AWAITING:
        raise Conflict("材料已投入信包箱，不能再更换。", code="drop_off_deposited")
    lock_locker(locker.pk)
    if current is not None:  # free the old compartment before choosing one
        current.status = DropOffStatus.CANCELLED
        current.save(update_fields=["status", "updated_at"])
    compartment = free_compartment(locker.pk)
    if compartment is None:
        raise Conflict(f"信包箱 {locker} 暂无空格口，请选择其他信包箱或到窗口递交。", code="locker_full")
    drop_off = current or LockerDropOff(application=application)
    now = now or timezone.now()
    drop_off.locker, drop_off.compartment, drop_off.status = locker, compartment, DropOffStatus.AWAITING
    drop_off.code_expires_at = now + timedelta(hours=DROP_OFF_CODE_HOURS)
    drop_off.save()
    code = f"{secrets.randbelow(10**6):06d}"
    drop_off.code_hash = _open_code_hash(drop_off.pk, code)
    drop_off.save(update_fields=["code_hash", "updated_at"])
    expires = timezone.localtime(drop_off.code_expires_at).strftime("%Y-%m-%d %H:%M")
    notify(recipient=application.applicant, topic="locker.drop_off_code", title="信包箱交件开箱码",
           body=f"请在 {expires} 前到信包箱 {locker} 输入开箱码 {code}，将纸质材料放入 {compartment} 号格口。"
                "开箱码仅可使用一次，请勿告知他人。",
           link=_case_link(application), obj=application)
    record_event(actor=actor, action="locker.drop_off_requested", obj=drop_off,
                 details={"locker": locker.code, "compartment": compartment})
    return drop_off


def drop_off_after_submit(*, actor, application_id: int, locker_id: int) -> LockerDropOff | None:
    """The wizard's choice "投递到24小时自助信包箱", once the application is committed: the drop-off
    is requested as on the case page (drop_off_request: compartment, open code, notice). When it
    cannot be (the locker is full meanwhile), the applicant is told to choose again on the case
    page; the application stands either way."""
    application = Application.objects.select_related("applicant").get(pk=application_id)
    try:
        return drop_off_request(actor=actor, application=application, locker_id=locker_id)
    except DomainError as exc:
        with transaction.atomic():
            notify(recipient=application.applicant, topic="locker.drop_off_failed", title="信包箱暂不能交件",
                   body=f"{exc.message} 请在“我的办件”中重新选择信包箱，或到窗口递交纸质材料。",
                   link=_case_link(application), obj=application)
            record_event(actor=actor, action="locker.drop_off_request_failed", obj=application,
                         details={"locker_id": locker_id, "code": exc.code})
        return None


def drop_off_deposit(*, actor, locker: Locker, open_code: str, client: str | None = None,
                     now: datetime | None = None) -> LockerDropOff:
    """At the cabinet: the open code opens the drop-off's compartment once. `actor` is the locker's
    device account (a window-clerk role at the locker's outlet)."""
    try:
        require_window_clerk_at(actor=actor, outlet=locker.outlet)
    except NotFound:
        raise NotFound("未找到该信包箱。", code="locker_not_found") from None
    limits = pickup_limits(actor=actor, client=client, locker_code=locker.code)
    require_pickup_attempts_left(limits)
    try:
        return _deposit(actor=actor, locker=locker, open_code=open_code, now=now or timezone.now())
    except DomainError as exc:
        if exc.code != ErrorCode.PICKUP_CODE:
            raise
        failures = pickup_attempt_failed(limits)
        with transaction.atomic():
            record_event(actor=actor, action="locker.open_code_failed", obj=locker,
                         details={"where": "drop_off", "failures": failures})
        raise


@transaction.atomic
def _deposit(*, actor, locker: Locker, open_code: str, now: datetime) -> LockerDropOff:
    for drop_off in LockerDropOff.objects.select_related("application").filter(
            locker=locker, status=DropOffStatus.AWAITING).exclude(code_hash=""):
        if not hmac.compare_digest(_open_code_hash(drop_off.pk, open_code), drop_off.code_hash):
            continue
        if drop_off.code_expires_at and drop_off.code_expires_at <= now:
            raise DomainError("开箱码已过期，请在“我的办件”中重新选择信包箱获取新的开箱码。",
                              code="open_code_expired", field="open_code")
        lock_application(drop_off.application)
        lock_drop_off(drop_off.pk)
        drop_off = LockerDropOff.objects.select_related("application").get(pk=drop_off.pk)
        if drop_off.status != DropOffStatus.AWAITING:
            break
        drop_off.status, drop_off.deposited_at, drop_off.code_hash = DropOffStatus.DEPOSITED, now, ""
        drop_off.save(update_fields=["status", "deposited_at", "code_hash", "updated_at"])
        open_compartment_on_commit(locker=locker, compartment=drop_off.compartment)
        record_event(actor=actor, action="locker.drop_off_deposited", obj=drop_off,
                     details={"locker": locker.code, "compartment": drop_off.compartment})
        notify(recipient=drop_off.application.applicant, topic="locker.drop_off_deposited", title="材料已投入信包箱",
               body=f"您的纸质材料已投入信包箱 {locker}（{drop_off.compartment} 号格口），工作人员取件后送交大厅。",
               link=_case_link(drop_off.application), obj=drop_off.application)
        return drop_off
    raise DomainError("开箱码不正确或已使用。", code=ErrorCode.PICKUP_CODE, field="open_code")


def _require_collector(actor, drop_off: LockerDropOff) -> None:
    """Who takes materials out of a locker: a courier (交通员) whose grant covers the locker's
    outlet, or a window clerk there (hall staff doing the round themselves); else not found."""
    if not may_collect_from(actor=actor, outlet=drop_off.locker.outlet):
        raise NotFound("未找到该信包箱交件。", code="drop_off_not_found")


@transaction.atomic
def drop_off_collect(*, actor, drop_off: LockerDropOff, now: datetime | None = None) -> LockerDropOff:
    """The courier (or hall staff) takes the materials out of the cabinet: the compartment is
    opened through the locker adapter once this is committed."""
    _require_collector(actor, drop_off)
    lock_drop_off(drop_off.pk)
    drop_off = LockerDropOff.objects.select_related("locker").get(pk=drop_off.pk)
    if drop_off.status != DropOffStatus.DEPOSITED:
        raise Conflict("该格口当前没有待取出的材料。", code="drop_off_not_deposited")
    drop_off.status, drop_off.collected_at, drop_off.collected_by = DropOffStatus.COLLECTED, now or timezone.now(), actor
    drop_off.save(update_fields=["status", "collected_at", "collected_by", "updated_at"])
    open_compartment_on_commit(locker=drop_off.locker, compartment=drop_off.compartment)
    record_event(actor=actor, action="locker.drop_off_collected", obj=drop_off,
                 details={"locker": drop_off.locker.code, "compartment": drop_off.compartment})
    return drop_off


@transaction.atomic
def drop_off_hand_over(*, actor, drop_off: LockerDropOff, now: datetime | None = None) -> LockerDropOff:
    """The courier brings the collected materials to the hall (送达大厅); the hall then signs for
    them (drop_off_receive, hall staff only)."""
    _require_collector(actor, drop_off)
    lock_drop_off(drop_off.pk)
    drop_off = LockerDropOff.objects.select_related("locker").get(pk=drop_off.pk)
    if drop_off.status != DropOffStatus.COLLECTED:
        raise Conflict("请先登记从信包箱取出材料，再登记送达大厅。", code="drop_off_not_collected")
    drop_off.status = DropOffStatus.HANDED_OVER
    drop_off.handed_over_at, drop_off.handed_over_by = now or timezone.now(), actor
    drop_off.save(update_fields=["status", "handed_over_at", "handed_over_by", "updated_at"])
    record_event(actor=actor, action="locker.drop_off_handed_over", obj=drop_off,
                 details={"locker": drop_off.locker.code, "hall": drop_off.locker.outlet.name})
    return drop_off


@transaction.atomic
def drop_off_receive(*, actor, drop_off: LockerDropOff, now: datetime | None = None) -> LockerDropOff:
    """The hall signs for the materials (collected by staff, or brought by the courier): those of
    the application not yet provided count as handed in on paper, and the cases go on to
    acceptance with them."""
    require_window_clerk_at(actor=actor, outlet=drop_off.locker.outlet)
    lock_application(drop_off.application)
    lock_drop_off(drop_off.pk)
    drop_off = LockerDropOff.objects.select_related("locker", "application").get(pk=drop_off.pk)
    if drop_off.status not in (DropOffStatus.COLLECTED, DropOffStatus.HANDED_OVER):
        raise Conflict("请先登记从信包箱取出材料，再签收。", code="drop_off_not_collected")
    drop_off.status, drop_off.received_at, drop_off.received_by = DropOffStatus.RECEIVED, now or timezone.now(), actor
    drop_off.save(update_fields=["status", "received_at", "received_by", "updated_at"])
    marked = drop_off.application.materials.filter(satisfaction=MaterialSatisfaction.MISSING).update(
        satisfaction=MaterialSatisfaction.PAPER, updated_at=timezone.now())
    record_event(actor=actor, action="locker.drop_off_received", obj=drop_off,
                 details={"locker": drop_off.locker.code, "materials_marked_paper": marked})
    notify(recipient=drop_off.application.applicant, topic="locker.drop_off_received", title="大厅已签收材料",
           body="您通过信包箱递交的纸质材料已由大厅签收，将随申请一并受理。",
           link=_case_link(drop_off.application), obj=drop_off.application)
    return drop_off


def lockers_return_uncollected(*, days: int | None = None, now: datetime | None = None) -> list[int]:
    """Results left in a locker longer than `days` (YIWANG_LOCKER_RETURN_DAYS) go back to the hall:
    the compartment is freed, the applicant told, the same code works at the window. Idempotent;
    returns the applications returned now."""
    days = return_days() if days is None else days
    cutoff = (now or timezone.now()) - timedelta(days=days)
    ids = list(Delivery.objects.filter(method=DeliveryMethod.LOCKER, completed_at__isnull=True, returned_at__isnull=True,
                                       code_issued_at__lte=cutoff).exclude(pickup_code_hash="")
               .values_list("application_id", flat=True))
    returned = []
    for application_id in ids:
        if _return_one(application_id, cutoff=cutoff, days=days, now=now or timezone.now()):
            returned.append(application_id)
    return returned


@transaction.atomic
def _return_one(application_id: int, *, cutoff: datetime, days: int, now: datetime) -> bool:
    application = Application.objects.select_related("applicant").get(pk=application_id)
    lock_application(application)
    delivery = Delivery.objects.select_related("locker").get(application=application)
    if (delivery.method != DeliveryMethod.LOCKER or delivery.completed_at or delivery.returned_at
            or not delivery.code_issued_at or delivery.code_issued_at > cutoff):
        return False  # collected or changed meanwhile
    locker, compartment = delivery.locker, delivery.locker_compartment
    delivery.method, delivery.locker_compartment, delivery.returned_at = DeliveryMethod.WINDOW, "", now
    delivery.pickup_outlet_id = delivery.pickup_outlet_id or (locker.outlet_id if locker else None)
    delivery.save(update_fields=["method", "locker_compartment", "returned_at", "pickup_outlet", "updated_at"])
    where = delivery.pickup_outlet.name if delivery.pickup_outlet_id else "受理窗口"
    notify(recipient=application.applicant, topic="delivery.locker_returned", title="信包箱逾期未取",
           body=f"您的办理结果在信包箱 {locker} 存放已满 {days} 天未取出，已退回{where}，"
                "请凭原取件码到窗口领取。",
           link=_case_link(application), obj=application)
    record_event(actor="locker-return", action="delivery.locker_returned", obj=delivery,
                 details={"locker": locker.code if locker else "", "compartment": compartment, "days": days})
    return True
