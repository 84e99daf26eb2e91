"""Delivery of results (§44) and the transfer of paper materials for city-wide handling.

One delivery per application: for a bundle, everything goes out together once every case of the
application is concluded. Pickup and locker codes are one-time secrets: the applicant receives the
code, the database keeps only its SM3 hash.
"""

from __future__ import annotations

import hmac
import secrets
from datetime import date

from django.db import transaction
from django.utils import timezone

from yiwang.cases.access import require_case_role
from yiwang.cases.constants import CaseAction, CaseStatus, DeliveryMethod, ErrorCode, TransferStatus
from yiwang.cases.locks import lock_application, lock_case
from yiwang.cases.models import Application, Case, Delivery, Locker, MaterialTransfer
from yiwang.cases.services.intake import agency_hall_id
from yiwang.cases.services.transitions import case_transition
from yiwang.core.audit import record_event
from yiwang.core.crypto import sm3_hex
from yiwang.core.errors import Conflict, DomainError, FieldError, NotFound, ValidationFailed
from yiwang.orgs.constants import Role
from yiwang.orgs.selectors import has_role


def _code_hash(application_id: int, code: str) -> str:
    return sm3_hex(f"{application_id}:{code.strip()}".encode())


def _all_concluded(application: Application) -> bool:
    return not application.cases.exclude(status__in=(CaseStatus.CONCLUDED, CaseStatus.DELIVERED, CaseStatus.WITHDRAWN,
                                                      CaseStatus.REFUSED, CaseStatus.TERMINATED,
                                                      CaseStatus.REVOKED)).exists()


@transaction.atomic  # the locker row lock (_free_compartment) holds until the code is saved
def prepare_delivery(*, case: Case, actor) -> None:
    """When the last case of the application concludes: issue the pickup/locker code and tell the
    applicant. Mail waits for the clerk's tracking number; electronic results are delivered now."""
    application = case.application
    if not _all_concluded(application):
        return
    delivery = application.delivery
    if delivery.method in (DeliveryMethod.WINDOW, DeliveryMethod.LOCKER) and not delivery.pickup_code_hash:
        text = "您的办理结果已可领取"
        if delivery.method == DeliveryMethod.LOCKER:
            compartment = _free_compartment(delivery)
            if compartment is None:
                # A full locker must not hold the result back: it waits at the window instead.
                delivery.method, delivery.locker_compartment = DeliveryMethod.WINDOW, ""
                delivery.save(update_fields=["method", "locker_compartment", "updated_at"])
                record_event(actor=actor, action="delivery.locker_full", obj=delivery, details={"locker": delivery.locker_id})
                text = "所选信包箱暂无空格口，已改为窗口领取。您的办理结果已可领取"
            else:
                delivery.locker_compartment = compartment
        _issue_code(delivery=delivery, application=application, actor=actor, action="delivery.code_issued", text=text)
    elif delivery.method == DeliveryMethod.ELECTRONIC:
        _deliver_application(application=application, actor=actor, note="电子送达")


# Compartments per locker. The lockers in service have 60; a per-locker size arrives with the
# locker-device integration.
LOCKER_COMPARTMENTS = 60


def _free_compartment(delivery: Delivery) -> str | None:
    """A compartment no result waiting at this locker occupies, or None when all are taken. The
    locker row is locked, so two results concluding at once cannot be given the same one."""
    list(Locker.objects.select_for_update().filter(pk=delivery.locker_id).values_list("pk", flat=True))
    taken = set(Delivery.objects.filter(locker_id=delivery.locker_id, completed_at__isnull=True)
                .exclude(pk=delivery.pk).exclude(locker_compartment="").values_list("locker_compartment", flat=True))
    free = [label for label in (f"{n:02d}" for n in range(1, LOCKER_COMPARTMENTS + 1)) if label not in taken]
    return secrets.choice(free) if free else None


def _issue_code(*, delivery: Delivery, application: Application, actor, action: str,
                text: str = "您的办理结果已可领取") -> None:
    """A fresh one-time code (any earlier one stops working), sent to the applicant only."""
    code = f"{secrets.randbelow(10**6):06d}"
    delivery.pickup_code_hash = _code_hash(application.pk, code)
    delivery.save(update_fields=["pickup_code_hash", "locker_compartment", "updated_at"])
    where = (f"信包箱 {delivery.locker}（{delivery.locker_compartment} 号格口）" if delivery.method == DeliveryMethod.LOCKER
             else (delivery.pickup_outlet.name if delivery.pickup_outlet_id else "受理窗口"))
    # Name the case: an enterprise with several results ready holds several codes and must know
    # which result each one opens.
    cases = list(application.cases.select_related("version").order_by("id"))
    which = "、".join(f"办件 {c.number}（{c.version.name}）" for c in cases)
    _send_code(application=application, text=f"{which}：{text}，请到{where}凭取件码 {code} 领取。",
               link=f"/cases/mine/{cases[0].pk}/" if cases else "")
    record_event(actor=actor, action=action, obj=delivery, details={"method": delivery.method})


def _code_matches(application_id: int, code: str, stored_hash: str) -> bool:
    # compare_digest: the time taken does not tell how much of the hash matched.
    return bool(code and stored_hash) and hmac.compare_digest(_code_hash(application_id, code), stored_hash)


@transaction.atomic
def pickup_code_reissue(*, actor, case: Case) -> Delivery:
    """The applicant lost the pickup code: a new one goes to the phone and inbox registered for
    the account (never shown to the clerk, who still checks it at hand-over); the old one dies."""
    require_case_role(actor=actor, case=case, roles=[Role.WINDOW_CLERK])
    lock_case(case)
    application = case.application
    delivery = application.delivery
    if (case.status != CaseStatus.CONCLUDED or delivery.completed_at
            or delivery.method not in (DeliveryMethod.WINDOW, DeliveryMethod.LOCKER) or not delivery.pickup_code_hash):
        raise Conflict("该办件当前没有待领取的取件码。", code="no_pickup_code")
    _issue_code(delivery=delivery, application=application, actor=actor, action="delivery.code_reissued",
                text="应您的要求，取件码已重新发送（原取件码作废）。您的办理结果可领取")
    return delivery


def _send_code(*, application: Application, text: str, link: str = "") -> None:
    from yiwang.notifications.services import notify

    notify(recipient=application.applicant, topic="delivery.code", title="领取结果", body=text, link=link,
           obj=application)


def _deliver_application(*, application: Application, actor, note: str, today: date | None = None) -> list[Case]:
    today = today or timezone.localdate()
    delivered = []
    for case in lock_application(application):
        if case.status == CaseStatus.CONCLUDED:
            case.delivered_on = today
            case_transition(case=case, action=CaseAction.DELIVER, actor=actor, note=note, extra_fields=("delivered_on",))
            delivered.append(case)
    delivery = application.delivery
    delivery.completed_at = timezone.now()
    delivery.save(update_fields=["completed_at", "updated_at"])
    return delivered


@transaction.atomic
def delivery_change(*, actor, application: Application, method: str, address: str = "", locker_id: int | None = None,
                    recipient_name: str = "", recipient_phone: str = "") -> Delivery:
    """The applicant changes how the result reaches them — until it has gone out."""
    if actor.pk != application.applicant_id:
        raise NotFound("未找到该申请。", code="application_not_found")
    lock_application(application)
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
    delivery.pickup_code_hash = ""
    delivery.locker_compartment = ""
    delivery.save()
    record_event(actor=actor, action="delivery.changed", obj=delivery, details={"method": method})
    if had_code:
        first = application.cases.order_by("id").first()
        prepare_delivery(case=first, actor=actor)
    return delivery


@transaction.atomic
def case_deliver(*, actor, case: Case, pickup_code: str = "", tracking_number: str = "",
                 today: date | None = None) -> list[Case]:
    """Hand the result over: at the window (pickup code checked) or by mail (tracking number)."""
    require_case_role(actor=actor, case=case, roles=[Role.WINDOW_CLERK, Role.DEPT_REVIEWER, Role.DEPT_APPROVER])
    lock_case(case)
    if case.status != CaseStatus.CONCLUDED:
        case_transition(case=case, action=CaseAction.DELIVER, actor=actor)  # raises the precise error
    application = case.application
    if not _all_concluded(application):
        raise Conflict("同一申请的其他办件尚未办结，结果将一并送达。", code="delivery_waiting_for_siblings")
    delivery = application.delivery
    if delivery.method == DeliveryMethod.MAIL:
        if not tracking_number.strip():
            raise ValidationFailed([FieldError("tracking_number", "required", "邮寄送达请填写快递单号。")])
        delivery.tracking_number = tracking_number.strip()
        delivery.dispatched_at = timezone.now()
        delivery.save(update_fields=["tracking_number", "dispatched_at", "updated_at"])
        return _deliver_application(application=application, actor=actor, note=f"邮寄送达，单号 {delivery.tracking_number}",
                                    today=today)
    if delivery.method in (DeliveryMethod.WINDOW, DeliveryMethod.LOCKER):
        if not _code_matches(application.pk, pickup_code, delivery.pickup_code_hash):
            raise DomainError("取件码不正确，请核对申请人收到的 6 位取件码。", code=ErrorCode.PICKUP_CODE, field="pickup_code")
        return _deliver_application(application=application, actor=actor, note="凭取件码领取", today=today)
    return _deliver_application(application=application, actor=actor, note="电子送达", today=today)


@transaction.atomic
def locker_pickup(*, actor, locker: Locker, pickup_code: str, today: date | None = None) -> list[Case]:
    """The applicant opens the locker with the one-time code (24-hour self-service). `actor` is the
    locker's own device account: a window-clerk role at the locker's outlet."""
    if not has_role(actor, Role.WINDOW_CLERK, locker.outlet):
        raise NotFound("未找到该信包箱。", code="locker_not_found")
    for delivery in Delivery.objects.select_related("application").filter(
            locker=locker, completed_at__isnull=True).exclude(pickup_code_hash=""):
        if _code_matches(delivery.application_id, pickup_code, delivery.pickup_code_hash):
            return _deliver_application(application=delivery.application, actor=actor,
                                        note=f"信包箱 {locker.code} 自取", today=today)
    raise DomainError("取件码不正确或已使用。", code=ErrorCode.PICKUP_CODE, field="pickup_code")


@transaction.atomic
def material_transfer_send(*, actor, case: Case, tracking_number: str = "") -> MaterialTransfer:
    """City-wide handling: the accepting outlet sends the paper materials to the owning agency."""
    if not case.outlet_id or not has_role(actor, Role.WINDOW_CLERK, case.outlet):
        raise NotFound("未找到该办件。", code="case_not_found")
    if case.outlet_id == agency_hall_id(case.agency_id) or case.transfers.filter(status=TransferStatus.SENT).exists():
        raise Conflict("该办件无需流转纸质材料或已在流转中。", code="transfer_not_needed")
    transfer = MaterialTransfer.objects.create(case=case, from_outlet_id=case.outlet_id, to_agency_id=case.agency_id,
                                               tracking_number=tracking_number.strip(), sent_at=timezone.now(),
                                               sent_by=actor)
    record_event(actor=actor, action="material_transfer.sent", obj=case, details={"transfer": transfer.pk})
    return transfer


@transaction.atomic
def material_transfer_receive(*, actor, transfer: MaterialTransfer) -> MaterialTransfer:
    require_case_role(actor=actor, case=transfer.case, roles=[Role.DEPT_REVIEWER, Role.DEPT_APPROVER])
    if transfer.status == TransferStatus.RECEIVED:
        raise Conflict("该批材料已签收。", code="transfer_received")
    transfer.status, transfer.received_at, transfer.received_by = TransferStatus.RECEIVED, timezone.now(), actor
    transfer.save(update_fields=["status", "received_at", "received_by", "updated_at"])
    record_event(actor=actor, action="material_transfer.received", obj=transfer.case, details={"transfer": transfer.pk})
    return transfer
