"""Handing results over (§44): the pickup code once an application's cases are all concluded, the
locker compartment, and the delivery of an application's concluded cases. Building blocks for the
actions (after conclusion) and the delivery services (hand-over at the window, the locker, mail):
they work on rows the caller has locked and lock only a locker (the last in the lock order).

One delivery per application: for a bundle, everything goes out together once every case of the
application is concluded. Pickup and locker codes are one-time secrets: the applicant receives the
code, the database keeps only its SM3 hash.
"""

from __future__ import annotations

import hmac
import secrets
from datetime import date

from django.utils import timezone

from yiwang.cases.constants import CaseAction, CaseStatus, DeliveryMethod, DropOffStatus
from yiwang.cases.locks import lock_locker
from yiwang.cases.models import Application, Case, Delivery, LockerDropOff
from yiwang.cases.transitions import case_transition
from yiwang.core.audit import record_event
from yiwang.core.crypto import blind_index, sm3_hex
from yiwang.notifications.services import notify

# Compartments per locker. The lockers in service have 60; a per-locker size arrives with the
# locker-device integration.
LOCKER_COMPARTMENTS = 60
# A drop-off holds its compartment from the code's issue until staff take the materials out.
DROP_OFF_IN_CABINET = (DropOffStatus.AWAITING, DropOffStatus.DEPOSITED)
# Statuses in which a case no longer holds back its application's delivery.
_DONE_FOR_DELIVERY = (CaseStatus.CONCLUDED, CaseStatus.DELIVERED, CaseStatus.WITHDRAWN, CaseStatus.REFUSED,
                      CaseStatus.TERMINATED, CaseStatus.REVOKED)


PICKUP_CODE_PURPOSE = "pickup_code"


def code_hash(application_id: int, code: str) -> str:
    """Keyed (HMAC-SM3 under the blind-index key, which the database does not hold): a 6-digit
    code under a plain hash is read back from a copy of the table by trying all million codes."""
    return blind_index(f"{application_id}:{code.strip()}", purpose=PICKUP_CODE_PURPOSE)


def _legacy_code_hash(application_id: int, code: str) -> str:
    """Codes issued before the hash was keyed (plain SM3); they still open until used or reissued."""
    return sm3_hex(f"{application_id}:{code.strip()}".encode())


def code_matches(application_id: int, code: str, stored_hash: str) -> bool:
    # compare_digest: the time taken does not tell how much of the hash matched.
    if not (code and stored_hash):
        return False
    return (hmac.compare_digest(code_hash(application_id, code), stored_hash)
            or hmac.compare_digest(_legacy_code_hash(application_id, code), stored_hash))


def all_concluded(application: Application) -> bool:
    return not application.cases.exclude(status__in=_DONE_FOR_DELIVERY).exists()


def prepare_delivery(*, case: Case, actor) -> list[Case]:
    """When the last case of the application concludes: issue the pickup/locker code and tell the
    applicant. Mail waits for the clerk's tracking number; electronic results are delivered now —
    the cases so delivered are returned, for the actions that follow a delivery."""
    application = case.application
    if not all_concluded(application):
        return []
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
        issue_code(delivery=delivery, application=application, actor=actor, action="delivery.code_issued", text=text)
    elif delivery.method == DeliveryMethod.ELECTRONIC:
        return deliver_application(application=application, cases=[case], actor=actor, note="电子送达")
    return []


def _free_compartment(delivery: Delivery) -> str | None:
    """A compartment no result waiting at this locker occupies, or None when all are taken. The
    locker row is locked, so two results concluding at once cannot be given the same one."""
    lock_locker(delivery.locker_id)
    return free_compartment(delivery.locker_id, exclude_delivery=delivery.pk)


def free_compartment(locker_id: int, *, exclude_delivery: int | None = None) -> str | None:
    """A compartment of the (locked) locker that neither a waiting result nor paper materials
    dropped off for the hall occupy, or None."""
    taken = set(Delivery.objects.filter(locker_id=locker_id, completed_at__isnull=True, returned_at__isnull=True)
                .exclude(pk=exclude_delivery).exclude(locker_compartment="").values_list("locker_compartment", flat=True))
    taken |= set(LockerDropOff.objects.filter(locker_id=locker_id, status__in=DROP_OFF_IN_CABINET)
                 .values_list("compartment", flat=True))
    free = [label for label in (f"{n:02d}" for n in range(1, LOCKER_COMPARTMENTS + 1)) if label not in taken]
    return secrets.choice(free) if free else None


def issue_code(*, delivery: Delivery, application: Application, actor, action: str,
               text: str = "您的办理结果已可领取") -> None:
    """A fresh one-time code (any earlier one stops working), sent to the applicant only."""
    code = f"{secrets.randbelow(10**6):06d}"
    delivery.pickup_code_hash = code_hash(application.pk, code)
    delivery.pickup_code_sealed = code
    delivery.code_issued_at = timezone.now()
    delivery.save(update_fields=["pickup_code_hash", "pickup_code_sealed", "locker_compartment", "code_issued_at",
                                 "updated_at"])
    where = (f"信包箱 {delivery.locker}（{delivery.locker_compartment} 号格口）" if delivery.method == DeliveryMethod.LOCKER
             else (delivery.pickup_outlet.name if delivery.pickup_outlet_id else "受理窗口"))
    # Name the case: an enterprise with several results ready holds several codes and must know
    # which result each one opens.
    cases = list(application.cases.select_related("version").order_by("id"))
    which = "、".join(f"办件 {c.number}（{c.version.name}）" for c in cases)
    notify(recipient=application.applicant, topic="delivery.code", title="领取结果",
           body=f"{which}：{text}，请到{where}凭取件码 {code} 领取。",
           link=f"/cases/mine/{cases[0].pk}/" if cases else "", obj=application)
    record_event(actor=actor, action=action, obj=delivery, details={"method": delivery.method})


def deliver_application(*, application: Application, cases: list[Case], actor, note: str,
                        today: date | None = None) -> list[Case]:
    """Deliver the concluded ones of an application's cases (the caller holds them locked: `cases`
    are the application's cases, or the one concluding now) and close the delivery."""
    today = today or timezone.localdate()
    delivered = []
    held = {c.pk: c for c in cases}
    for case in [held.get(c.pk, c) for c in application.cases.order_by("id")]:
        if case.status == CaseStatus.CONCLUDED:
            case.delivered_on = today
            case_transition(case=case, action=CaseAction.DELIVER, actor=actor, note=note, extra_fields=("delivered_on",))
            delivered.append(case)
    delivery = application.delivery
    delivery.completed_at = timezone.now()
    delivery.pickup_code_sealed = ""  # used: nothing left to show on the case page
    delivery.save(update_fields=["completed_at", "pickup_code_sealed", "updated_at"])
    return delivered
