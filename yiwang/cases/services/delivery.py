"""Delivery of results (§44) as people ask for it — hand-over at the window, the locker, mail, a
lost pickup code, a change of method — and the transfer of paper materials for city-wide
handling. Preparing the hand-over once a case concludes is yiwang.cases.handover (called from
actions.case_concluded); what follows a delivery is actions.case_delivered.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from yiwang.cases import actions
from yiwang.cases.access import (
    pickup_attempt_failed,
    pickup_limits,
    require_department_role,
    require_handover_role,
    require_pickup_attempts_left,
    require_window_clerk_at,
    require_window_role,
)
from yiwang.cases.constants import CaseAction, CaseStatus, DeliveryMethod, ErrorCode, TransferStatus
from yiwang.cases.handover import all_concluded, code_matches, deliver_application, issue_code, prepare_delivery
from yiwang.cases.locker_device import open_compartment_on_commit
from yiwang.cases.locks import lock_application, lock_case
from yiwang.cases.models import Application, Case, Delivery, Locker, MaterialTransfer
from yiwang.cases.services.intake import agency_hall_id
from yiwang.cases.transitions import case_transition
from yiwang.core.audit import record_event
from yiwang.core.errors import Conflict, DomainError, FieldError, NotFound, ValidationFailed


def _delivered(cases: list[Case], actor) -> list[Case]:
    for case in cases:
        actions.case_delivered(case=case, actor=actor)
    return cases


@transaction.atomic
def pickup_code_reissue(*, actor, case: Case) -> Delivery:
    """The applicant lost the pickup code: a new one goes to the phone and inbox registered for
    the account (never shown to the clerk, who still checks it at hand-over); the old one dies."""
    require_window_role(actor=actor, case=case)
    lock_case(case)
    application = case.application
    delivery = application.delivery
    if (case.status != CaseStatus.CONCLUDED or delivery.completed_at
            or delivery.method not in (DeliveryMethod.WINDOW, DeliveryMethod.LOCKER) or not delivery.pickup_code_hash):
        raise Conflict("该办件当前没有待领取的取件码。", code="no_pickup_code")
    issue_code(delivery=delivery, application=application, actor=actor, action="delivery.code_reissued",
               text="应您的要求，取件码已重新发送（原取件码作废）。您的办理结果可领取")
    return delivery


@transaction.atomic
def delivery_change(*, actor, application: Application, method: str, address: str = "", locker_id: int | None = None,
                    recipient_name: str = "", recipient_phone: str = "") -> Delivery:
    """The applicant changes how the result reaches them — until it has gone out."""
    if actor.pk != application.applicant_id:
        raise NotFound("未找到该申请。", code="application_not_found")
    cases = lock_application(application)
    delivery = application.delivery
    if delivery.completed_at or delivery.dispatched_at:
        raise Conflict("结果已寄出或已领取，不能再更改送达方式。", code=ErrorCode.DELIVERY_LOCKED)
    errors = []
    if method not in DeliveryMethod.values:
        errors.append(FieldError("method", "invalid_choice", "请选择送达方式：窗口领取、邮寄送达、智能信包箱自取或电子送达。"))
    if method == DeliveryMethod.MAIL and not address.strip():
        errors.append(FieldError("address", "required", "邮寄送达请填写收件地址。"))
    if method == DeliveryMethod.LOCKER and not Locker.objects.filter(pk=locker_id).exists():
        errors.append(FieldError("locker", "required", "请选择一个信包箱。"))
    if errors:
        raise ValidationFailed(errors)
    delivery.method = method
    delivery.address = address.strip() if method == DeliveryMethod.MAIL else ""
    delivery.locker_id = locker_id if method == DeliveryMethod.LOCKER else None
    delivery.recipient_name = recipient_name.strip() or delivery.recipient_name
    delivery.recipient_phone = recipient_phone.strip() or delivery.recipient_phone
    # A code issued for the old method is void; a new one is issued for the new method.
    had_code = bool(delivery.pickup_code_hash)
    delivery.pickup_code_hash = delivery.pickup_code_sealed = ""
    delivery.locker_compartment = ""
    delivery.save()
    record_event(actor=actor, action="delivery.changed", obj=delivery, details={"method": method})
    if had_code and cases:
        _delivered(prepare_delivery(case=cases[0], actor=actor), actor)
    return delivery


def _wrong_code(*, actor, limits, obj, where: str, exc: DomainError) -> DomainError:
    """Count a wrong pickup code and keep it in the audit trail (its own transaction: the refused
    hand-over rolls back, the record of the attempt must not)."""
    failures = pickup_attempt_failed(limits)
    with transaction.atomic():
        record_event(actor=actor, action="delivery.pickup_code_failed", obj=obj,
                     details={"where": where, "failures": failures})
    return exc


def case_deliver(*, actor, case: Case, pickup_code: str = "", tracking_number: str = "",
                 today: date | None = None, client: str | None = None) -> list[Case]:
    """Hand the result over: at the window (pickup code checked) or by mail (tracking number).
    Wrong codes are limited (access.pickup_limits); `client` is the caller's address."""
    require_handover_role(actor=actor, case=case)
    limits = pickup_limits(actor=actor, client=client, application_id=case.application_id)
    if case.application.delivery.method in (DeliveryMethod.WINDOW, DeliveryMethod.LOCKER):
        require_pickup_attempts_left(limits)
    try:
        return _case_deliver(actor=actor, case=case, pickup_code=pickup_code, tracking_number=tracking_number,
                             today=today)
    except DomainError as exc:
        if exc.code != ErrorCode.PICKUP_CODE:
            raise
        raise _wrong_code(actor=actor, limits=limits, obj=case.application.delivery, where="window", exc=exc) from None


@transaction.atomic
def _case_deliver(*, actor, case: Case, pickup_code: str, tracking_number: str, today: date | None) -> list[Case]:
    application = case.application
    cases = lock_application(application, refresh=case)
    if case.status != CaseStatus.CONCLUDED:
        case_transition(case=case, action=CaseAction.DELIVER, actor=actor)  # raises the precise error
    if not all_concluded(application):
        raise Conflict("同一申请的其他办件尚未办结，结果将一并送达。", code="delivery_waiting_for_siblings")
    delivery = application.delivery
    if delivery.method == DeliveryMethod.MAIL:
        if not tracking_number.strip():
            raise ValidationFailed([FieldError("tracking_number", "required", "邮寄送达请填写快递单号。")])
        delivery.tracking_number = tracking_number.strip()
        delivery.dispatched_at = timezone.now()
        delivery.save(update_fields=["tracking_number", "dispatched_at", "updated_at"])
        note = f"邮寄送达，单号 {delivery.tracking_number}"
    elif delivery.method in (DeliveryMethod.WINDOW, DeliveryMethod.LOCKER):
        if not code_matches(application.pk, pickup_code, delivery.pickup_code_hash):
            raise DomainError("取件码不正确，请核对申请人收到的 6 位取件码。", code=ErrorCode.PICKUP_CODE, field="pickup_code")
        note = "凭取件码领取"
    else:
        note = "电子送达"
    return _delivered(deliver_application(application=application, cases=cases, actor=actor, note=note, today=today),
                      actor)


def locker_pickup(*, actor, locker: Locker, pickup_code: str, today: date | None = None,
                  client: str | None = None) -> list[Case]:
    """The applicant opens the locker with the one-time code (24-hour self-service). `actor` is the
    locker's own device account: a window-clerk role at the locker's outlet. Wrong codes are
    limited per locker, per device and per client address (access.pickup_limits)."""
    try:
        require_window_clerk_at(actor=actor, outlet=locker.outlet)
    except NotFound:
        raise NotFound("未找到该信包箱。", code="locker_not_found") from None
    limits = pickup_limits(actor=actor, client=client, locker_code=locker.code)
    require_pickup_attempts_left(limits)
    try:
        return _locker_pickup(actor=actor, locker=locker, pickup_code=pickup_code, today=today)
    except DomainError as exc:
        if exc.code != ErrorCode.PICKUP_CODE:
            raise
        raise _wrong_code(actor=actor, limits=limits, obj=locker, where="locker", exc=exc) from None


@transaction.atomic
def _locker_pickup(*, actor, locker: Locker, pickup_code: str, today: date | None) -> list[Case]:
    for delivery in Delivery.objects.select_related("application").filter(
            locker=locker, completed_at__isnull=True).exclude(pickup_code_hash=""):
        if code_matches(delivery.application_id, pickup_code, delivery.pickup_code_hash):
            cases = lock_application(delivery.application)
            compartment = delivery.locker_compartment
            delivered = _delivered(deliver_application(application=delivery.application, cases=cases, actor=actor,
                                                       note=f"信包箱 {locker.code} 自取", today=today), actor)
            open_compartment_on_commit(locker=locker, compartment=compartment)
            return delivered
    raise DomainError("取件码不正确或已使用。", code=ErrorCode.PICKUP_CODE, field="pickup_code")


@transaction.atomic
def material_transfer_send(*, actor, case: Case, tracking_number: str = "") -> MaterialTransfer:
    """City-wide handling: the accepting outlet sends the paper materials to the owning agency."""
    if not case.outlet_id:
        raise NotFound("未找到该办件。", code="case_not_found")
    require_window_clerk_at(actor=actor, outlet=case.outlet)
    if case.outlet_id == agency_hall_id(case.agency_id) or case.transfers.filter(status=TransferStatus.SENT).exists():
        raise Conflict("该办件无需流转纸质材料或已在流转中。", code="transfer_not_needed")
    transfer = MaterialTransfer.objects.create(case=case, from_outlet_id=case.outlet_id, to_agency_id=case.agency_id,
                                               tracking_number=tracking_number.strip(), sent_at=timezone.now(),
                                               sent_by=actor)
    record_event(actor=actor, action="material_transfer.sent", obj=case, details={"transfer": transfer.pk})
    return transfer


@transaction.atomic
def material_transfer_receive(*, actor, transfer: MaterialTransfer) -> MaterialTransfer:
    require_department_role(actor=actor, case=transfer.case)
    if transfer.status == TransferStatus.RECEIVED:
        raise Conflict("该批材料已签收。", code="transfer_received")
    transfer.status, transfer.received_at, transfer.received_by = TransferStatus.RECEIVED, timezone.now(), actor
    transfer.save(update_fields=["status", "received_at", "received_by", "updated_at"])
    record_event(actor=actor, action="material_transfer.received", obj=transfer.case, details={"transfer": transfer.pk})
    return transfer
