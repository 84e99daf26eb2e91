"""Bookings: book, change, cancel, check in, serve and link to the case; no-shows and the
day-before reminders (periodic, idempotent).

No overbooking: a place is taken by one conditional UPDATE (`booked = booked + 1 WHERE booked <
capacity AND is_open`), which PostgreSQL serialises on the slot row and re-checks after any
concurrent writer; the check constraint `booked <= capacity` refuses whatever slips past. One
active booking per person and slot is a partial unique index.
"""

from __future__ import annotations

import secrets
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from yiwang.appointments import booking_rules
from yiwang.appointments.access import booking_code_index, is_staff, require_role_at
from yiwang.appointments.constants import (
    BOOKING_CODE_LENGTH,
    MAX_REASON,
    BookingAction,
    BookingStatus,
    Channel,
    ErrorCode,
    SlotKind,
    rules,
)
from yiwang.appointments.lifecycle import BOOKING_TRANSITIONS, next_status
from yiwang.appointments.locks import lock_applicant, lock_booking, lock_slots
from yiwang.appointments.models import Booking, QueueTicket, Slot
from yiwang.appointments.selectors import (
    active_booking_count,
    booking_barred_until,
    booking_link,
    booking_to_link,
    bookings_due_reminder,
    bookings_past_check_in,
    item_facts,
    slot_offers,
)
from yiwang.appointments.services.common import clean_text
from yiwang.core.audit import record_event
from yiwang.core.errors import Conflict, DomainError, FieldError, NotFound, ValidationFailed
from yiwang.notifications.services import notify
from yiwang.orgs.constants import Role


def _when(slot: Slot) -> str:
    start = timezone.localtime(slot.starts_at)
    end = timezone.localtime(slot.ends_at)
    return f"{start:%Y年%m月%d日} {start:%H:%M}-{end:%H:%M}"


def _take_place(slot_id: int) -> bool:
    """One place of the slot, or False when it is full or closed (the conditional UPDATE)."""
    return Slot.objects.filter(pk=slot_id, is_open=True, booked__lt=F("capacity")).update(booked=F("booked") + 1) == 1


def _release_place(slot_id: int) -> None:
    Slot.objects.filter(pk=slot_id, booked__gt=0).update(booked=F("booked") - 1)


def _new_code() -> tuple[str, str]:
    code = "".join(secrets.choice("0123456789") for _ in range(BOOKING_CODE_LENGTH))
    return code, booking_code_index(code)


def _check_slot_for(*, slot: Slot, implementation_id: int, now: datetime, field: str = "slot_id") -> str:
    """Every reason the item cannot be booked in the slot, at once; returns the item name."""
    errors: list[FieldError] = []
    facts = item_facts(implementation_id)
    if facts is None:
        raise ValidationFailed([FieldError("implementation_id", ErrorCode.ITEM_NOT_OFFERED, "该事项不存在或未发布，请重新选择。")])
    if not facts.supports_appointment:
        errors.append(FieldError("implementation_id", ErrorCode.ITEM_NO_APPOINTMENT,
                                 f"“{facts.name}”不支持预约办理，请直接到大厅取号。"))
    elif not slot_offers(slot, facts.implementation_id):
        errors.append(FieldError("implementation_id", ErrorCode.ITEM_NOT_OFFERED,
                                 f"所选时段不办理“{facts.name}”，请选择该事项的可约时段。"))
    if slot.kind == SlotKind.WEEKEND and not facts.weekend_service:
        errors.append(FieldError(field, ErrorCode.ITEM_NOT_ON_WEEKEND,
                                 f"“{facts.name}”不在“周末不打烊”事项之列，请选择工作日时段。"))
    if not slot.is_open:
        errors.append(FieldError(field, ErrorCode.SLOT_CLOSED, "该时段已停止预约，请选择其他时段。"))
    elif not booking_rules.can_still_book(starts_at=slot.starts_at, now=now, rules=rules()):
        errors.append(FieldError(field, ErrorCode.SLOT_PAST,
                                 f"该时段已过或即将开始（须提前 {rules().BOOK_AHEAD_MINUTES} 分钟预约），请选择更晚的时段。"))
    if errors:
        raise ValidationFailed(errors)
    return facts.name


def _check_applicant(applicant, *, now: datetime) -> None:
    if is_staff(applicant) or not getattr(applicant, "is_active", False):
        raise DomainError("预约需以个人或企业账号办理。", code="not_an_applicant", field="applicant")
    until = booking_barred_until(applicant, now=now)
    if until is not None:
        r = rules()
        raise DomainError(
            f"您在 {r.NO_SHOW_WINDOW_DAYS} 天内已有 {r.NO_SHOW_THRESHOLD} 次预约未到（爽约），"
            f"{timezone.localtime(until):%Y年%m月%d日 %H:%M} 前暂停网上预约；仍可到大厅现场取号办理。",
            code=ErrorCode.BOOKING_BARRED, field="applicant", detail={"barred_until": until.isoformat()})
    if active_booking_count(applicant, now=now) >= rules().MAX_ACTIVE_BOOKINGS:
        raise DomainError(f"同一时间最多保留 {rules().MAX_ACTIVE_BOOKINGS} 个未办理的预约，请先办理或取消已有预约。",
                          code=ErrorCode.TOO_MANY_BOOKINGS, field="applicant")


@transaction.atomic
def booking_create(*, actor, slot_id: int, implementation_id: int, channel: str = Channel.WEB,
                   now: datetime | None = None) -> Booking:
    """Book a place in a slot for an item, as the applicant (`actor`)."""
    now = now or timezone.now()
    applicant = actor
    slot = Slot.objects.select_related("organisation", "window_group").filter(pk=slot_id).first()
    if slot is None:
        raise NotFound("未找到该时段，请重新选择。", code=ErrorCode.SLOT_NOT_FOUND, field="slot_id")
    item_name = _check_slot_for(slot=slot, implementation_id=implementation_id, now=now)
    lock_applicant(applicant)  # the person's limits are counted once at a time
    _check_applicant(applicant, now=now)
    if Booking.objects.filter(applicant=applicant, slot=slot, status__in=(BookingStatus.BOOKED, BookingStatus.CHECKED_IN)).exists():
        raise Conflict("您已预约该时段，无需重复预约。", code=ErrorCode.DUPLICATE_BOOKING, field="slot_id")
    if not _take_place(slot.pk):
        raise Conflict("该时段已约满，请选择其他时段。", code=ErrorCode.SLOT_FULL, field="slot_id")
    booking = None
    for _attempt in range(5):
        code, index = _new_code()
        try:
            with transaction.atomic():
                booking = Booking.objects.create(
                    applicant=applicant, slot=slot, organisation_id=slot.organisation_id,
                    implementation_id=implementation_id, item_name=item_name, channel=channel, code=code,
                    code_index=index)
            break
        except IntegrityError as exc:
            if Booking.objects.filter(applicant=applicant, slot=slot,
                                      status__in=(BookingStatus.BOOKED, BookingStatus.CHECKED_IN)).exists():
                raise Conflict("您已预约该时段，无需重复预约。", code=ErrorCode.DUPLICATE_BOOKING, field="slot_id") from exc
            continue  # a code already in use: draw another
    if booking is None:
        raise Conflict("预约码生成失败，请重试。", code="booking_code_collision", field="slot_id")
    record_event(actor=actor, action="appointments.booking_created", obj=booking,
                 details={"slot": slot.pk, "implementation": implementation_id, "channel": channel})
    notify(recipient=applicant, topic="appointments.booked", title="预约成功",
           body=f"您已预约{slot.organisation.name}{_when(slot)}办理“{item_name}”。预约码 {code}，"
                f"请提前到达并在自助终端或窗口签到，签到后优先叫号。如不能前往，最迟在开始前 "
                f"{rules().CHANGE_CUTOFF_MINUTES} 分钟取消。",
           link=booking_link(booking), obj=booking)
    return booking


@transaction.atomic
def booking_change(*, actor, booking: Booking, slot_id: int, now: datetime | None = None) -> Booking:
    """Move the booking to another slot of the same item (and hall)."""
    now = now or timezone.now()
    r = rules()
    booking = lock_booking(booking)
    if booking.applicant_id != getattr(actor, "pk", None):
        raise NotFound("未找到该预约。", code="booking_not_found", field="booking_id")
    next_status(BOOKING_TRANSITIONS, booking.status, BookingAction.CHANGE)
    if not booking_rules.can_still_change(starts_at=booking.slot.starts_at, now=now, rules=r):
        raise DomainError(f"距预约开始已不足 {r.CHANGE_CUTOFF_MINUTES} 分钟，不能改约；请按时前往或联系大厅。",
                          code=ErrorCode.TOO_LATE_TO_CHANGE, field="booking_id")
    if booking.change_count >= r.MAX_CHANGES:
        raise DomainError(f"每个预约最多改约 {r.MAX_CHANGES} 次；如需其他时间，请取消后重新预约。",
                          code=ErrorCode.TOO_MANY_CHANGES, field="booking_id")
    new = Slot.objects.select_related("organisation", "window_group").filter(pk=slot_id).first()
    if new is None or new.organisation_id != booking.organisation_id:
        raise NotFound("未找到该时段，请在同一大厅重新选择。", code=ErrorCode.SLOT_NOT_FOUND, field="slot_id")
    if new.pk == booking.slot_id:
        raise ValidationFailed([FieldError("slot_id", ErrorCode.FIELD_INVALID, "新时段与原时段相同，请选择其他时段。")])
    _check_slot_for(slot=new, implementation_id=booking.implementation_id, now=now)
    if Booking.objects.filter(applicant_id=booking.applicant_id, slot=new,
                              status__in=(BookingStatus.BOOKED, BookingStatus.CHECKED_IN)).exists():
        raise Conflict("您已预约该时段。", code=ErrorCode.DUPLICATE_BOOKING, field="slot_id")
    old_slot_id = booking.slot_id
    lock_slots([old_slot_id, new.pk])  # both, in id order
    if not _take_place(new.pk):
        raise Conflict("该时段已约满，请选择其他时段。", code=ErrorCode.SLOT_FULL, field="slot_id")
    _release_place(old_slot_id)
    booking.slot = new
    booking.change_count += 1
    booking.reminder_sent_at = None
    booking.save(update_fields=["slot", "change_count", "reminder_sent_at", "updated_at"])
    record_event(actor=actor, action="appointments.booking_changed", obj=booking,
                 details={"from_slot": old_slot_id, "to_slot": new.pk})
    notify(recipient=booking.applicant, topic="appointments.changed", title="改约成功",
           body=f"您的“{booking.item_name}”预约已改为{new.organisation.name}{_when(new)}，预约码不变。",
           link=booking_link(booking), obj=booking)
    return booking


@transaction.atomic
def booking_cancel(*, actor, booking: Booking, reason: str = "", now: datetime | None = None) -> Booking:
    now = now or timezone.now()
    errors: list[FieldError] = []
    reason = clean_text(reason, field="reason", label="取消原因", max_length=MAX_REASON, errors=errors)
    if errors:
        raise ValidationFailed(errors)
    booking = lock_booking(booking)
    if booking.applicant_id != getattr(actor, "pk", None):
        raise NotFound("未找到该预约。", code="booking_not_found", field="booking_id")
    booking.status = next_status(BOOKING_TRANSITIONS, booking.status, BookingAction.CANCEL)
    if not booking_rules.can_still_change(starts_at=booking.slot.starts_at, now=now, rules=rules()):
        raise DomainError(f"距预约开始已不足 {rules().CHANGE_CUTOFF_MINUTES} 分钟，不能取消；未到将记为爽约。",
                          code=ErrorCode.TOO_LATE_TO_CHANGE, field="booking_id")
    lock_slots([booking.slot_id])
    _release_place(booking.slot_id)
    booking.cancelled_at, booking.cancel_reason = now, reason
    booking.save(update_fields=["status", "cancelled_at", "cancel_reason", "updated_at"])
    record_event(actor=actor, action="appointments.booking_cancelled", obj=booking, details={"reason": reason})
    notify(recipient=booking.applicant, topic="appointments.cancelled", title="预约已取消",
           body=f"您已取消{_when(booking.slot)}“{booking.item_name}”的预约。", link=booking_link(booking), obj=booking)
    return booking


@transaction.atomic
def booking_check_in(*, actor, booking: Booking, organisation_id: int, channel: str = Channel.KIOSK,
                     now: datetime | None = None) -> QueueTicket | None:
    """Arrival at the hall (kiosk, or the clerk): the booking is checked in and gets a queue
    ticket of its window group, called ahead of ordinary tickets from the booked time. `actor` is
    the clerk, or None / "kiosk:<hall>" for the kiosk (the booking code was the proof)."""
    from yiwang.appointments.services.queue import ticket_issue

    now = now or timezone.now()
    r = rules()
    booking = lock_booking(booking)
    if is_staff(actor):
        require_role_at(actor, (Role.WINDOW_CLERK, Role.HALL_MANAGER), booking.organisation, doing="为群众签到")
    if booking.organisation_id != organisation_id:
        raise DomainError("该预约不在本大厅，请到预约的大厅签到。", code=ErrorCode.CHECK_IN_WRONG_HALL, field="code")
    if booking.status == BookingStatus.CHECKED_IN:
        return QueueTicket.objects.filter(booking=booking).first()
    next_status(BOOKING_TRANSITIONS, booking.status, BookingAction.CHECK_IN)
    starts = booking.slot.starts_at
    if now < booking_rules.check_in_opens(starts, r):
        raise DomainError(f"预约时间为 {timezone.localtime(starts):%m月%d日 %H:%M}，可在开始前 {r.CHECK_IN_EARLY_MINUTES} 分钟内签到。",
                          code=ErrorCode.CHECK_IN_TOO_EARLY, field="code")
    if now > booking_rules.check_in_closes(starts, r):
        raise DomainError(f"已超过预约开始时间 {r.CHECK_IN_LATE_MINUTES} 分钟，预约已失效；请现场取号办理。",
                          code=ErrorCode.CHECK_IN_TOO_LATE, field="code")
    booking.status = BookingStatus.CHECKED_IN
    booking.checked_in_at = now
    booking.save(update_fields=["status", "checked_in_at", "updated_at"])
    record_event(actor=actor, action="appointments.booking_checked_in", obj=booking, details={"channel": channel})
    group = booking.slot.window_group
    if not group.takes_tickets:
        return None
    return ticket_issue(actor=actor, group=group, applicant=booking.applicant, booking=booking, channel=channel, now=now)


def booking_mark_served(*, actor, booking: Booking, now: datetime, case=None) -> Booking:
    """Served (inside the caller's transaction, the booking already locked)."""
    booking.status = next_status(BOOKING_TRANSITIONS, booking.status, BookingAction.SERVE)
    booking.served_at = now
    fields = ["status", "served_at", "updated_at"]
    if case is not None:
        booking.case = case
        fields.append("case")
    booking.save(update_fields=fields)
    record_event(actor=actor, action="appointments.booking_served", obj=booking,
                 details={"case": getattr(case, "pk", None)})
    return booking


@transaction.atomic
def booking_serve(*, actor, booking: Booking, now: datetime | None = None) -> Booking:
    """The window finished with the person (their ticket was finished)."""
    booking = lock_booking(booking)
    if booking.status == BookingStatus.SERVED:
        return booking
    return booking_mark_served(actor=actor, booking=booking, now=now or timezone.now())


@transaction.atomic
def booking_link_case(*, actor, case, now: datetime | None = None) -> Booking | None:
    """Carry today's booking of the case's applicant, item and outlet into the case (the handler
    of case.accepted / case.refused). Idempotent: a booking is linked once, to one case."""
    now = now or timezone.now()
    booking = booking_to_link(applicant_id=case.applicant_id, implementation_id=case.implementation_id,
                              outlet_id=case.outlet_id, on=timezone.localdate(now))
    if booking is None:
        return None
    booking = lock_booking(booking)
    if booking.case_id is not None:
        return booking
    if booking.status == BookingStatus.SERVED:
        booking.case = case
        booking.save(update_fields=["case", "updated_at"])
        record_event(actor=actor, action="appointments.booking_linked", obj=booking, details={"case": case.pk})
        return booking
    return booking_mark_served(actor=actor, booking=booking, now=now, case=case)


def bookings_mark_no_shows(*, now: datetime | None = None) -> int:
    """Bookings not checked in by the end of their check-in window become no-shows (one
    transaction each; a booking checked in meanwhile is left alone). Idempotent."""
    now = now or timezone.now()
    count = 0
    for booking_id in list(bookings_past_check_in(now=now).values_list("pk", flat=True)[:2000]):
        with transaction.atomic():
            booking = Booking.objects.select_for_update().select_related("slot", "organisation").filter(
                pk=booking_id, status=BookingStatus.BOOKED).first()
            if booking is None:
                continue
            booking.status = next_status(BOOKING_TRANSITIONS, booking.status, BookingAction.NO_SHOW)
            booking.no_show_at = booking_rules.check_in_closes(booking.slot.starts_at, rules())
            booking.save(update_fields=["status", "no_show_at", "updated_at"])
            record_event(actor=None, action="appointments.booking_no_show", obj=booking)
            r = rules()
            notify(recipient=booking.applicant, topic="appointments.no_show", title="预约未到",
                   body=f"您{_when(booking.slot)}在{booking.organisation.name}的“{booking.item_name}”预约未签到，已记爽约一次。"
                        f"{r.NO_SHOW_WINDOW_DAYS} 天内累计 {r.NO_SHOW_THRESHOLD} 次将暂停网上预约 {r.NO_SHOW_BAR_DAYS} 天。",
                   link=booking_link(booking), obj=booking)
            count += 1
    return count


def booking_reminders_send(*, now: datetime | None = None) -> int:
    """The day-before reminder (inbox + SMS), sent once per booking: the row is claimed by a
    conditional UPDATE and notified in the same transaction, so a second run, or two workers at
    once, send nothing more. Before REMINDER_HOUR nothing is sent."""
    now = now or timezone.now()
    if timezone.localtime(now).hour < rules().REMINDER_HOUR:
        return 0
    sent = 0
    for booking_id in list(bookings_due_reminder(now=now).values_list("pk", flat=True)[:5000]):
        with transaction.atomic():
            if Booking.objects.filter(pk=booking_id, reminder_sent_at__isnull=True,
                                      status=BookingStatus.BOOKED).update(reminder_sent_at=now) != 1:
                continue
            booking = Booking.objects.select_related("slot", "organisation", "applicant").get(pk=booking_id)
            notify(recipient=booking.applicant, topic="appointments.reminder", title="明日预约提醒",
                   body=f"您预约了明天{_when(booking.slot)}在{booking.organisation.name}办理“{booking.item_name}”，"
                        f"地址：{booking.organisation.address or booking.organisation.name}。请带齐材料，到达后凭预约码签到。"
                        f"如不能前往，请提前取消。",
                   link=booking_link(booking), obj=booking)
            sent += 1
    return sent
