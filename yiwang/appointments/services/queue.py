"""Queue numbers (取号) and calling them to a window (叫号): take, call next, recall, skip
(no-show), start, finish. Waits are measured when they end and stored in seconds."""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from yiwang.appointments.access import is_staff, require_role_at
from yiwang.appointments.constants import (
    BookingStatus,
    Channel,
    ErrorCode,
    PriorityReason,
    TicketAction,
    TicketStatus,
    rules,
)
from yiwang.appointments.lifecycle import TICKET_TRANSITIONS, next_status
from yiwang.appointments.locks import lock_booking, lock_counter, lock_ticket, lock_window
from yiwang.appointments.models import QueueTicket, TicketCounter, Window, WindowGroup
from yiwang.appointments.selectors import current_ticket, waiting_tickets
from yiwang.appointments.services.common import choice
from yiwang.core.audit import record_event
from yiwang.core.errors import Conflict, DomainError, FieldError, ValidationFailed
from yiwang.core.identifiers import id_number_birth_date, id_number_errors
from yiwang.orgs.constants import Role

CLERK_ROLES = (Role.WINDOW_CLERK, Role.HALL_MANAGER)


def _seconds(later: datetime, earlier: datetime) -> int:
    return max(0, int((later - earlier).total_seconds()))


def _age_on(id_number: str, day) -> int | None:
    if not id_number or id_number_errors(id_number):
        return None
    born = id_number_birth_date(id_number)
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def _counter_next(group: WindowGroup, day) -> int:
    counter, _ = TicketCounter.objects.get_or_create(window_group=group, service_date=day)
    counter = lock_counter(counter.pk)
    TicketCounter.objects.filter(pk=counter.pk).update(last=F("last") + 1)
    return counter.last + 1


def ticket_issue(*, actor, group: WindowGroup, priority_reason: str = "", applicant=None, booking=None,
                 channel: str = Channel.KIOSK, now: datetime | None = None) -> QueueTicket:
    """Draw the group's next number for today (inside the caller's transaction)."""
    now = now or timezone.now()
    day = timezone.localdate(now)
    for _attempt in range(3):
        try:
            with transaction.atomic():
                sequence = _counter_next(group, day)
                ticket = QueueTicket.objects.create(
                    organisation_id=group.organisation_id, window_group=group, service_date=day, sequence=sequence,
                    number=f"{group.ticket_prefix}{sequence:03d}", priority_reason=priority_reason, booking=booking,
                    booked_start=booking.slot.starts_at if booking is not None else None, applicant=applicant,
                    channel=channel, taken_at=now)
            break
        except IntegrityError:  # two first numbers of the day created the counter at once
            continue
    else:
        raise Conflict("取号繁忙，请再试一次。", code="ticket_busy", field="window_group")
    record_event(actor=actor, action="appointments.ticket_taken", obj=ticket,
                 details={"number": ticket.number, "priority": priority_reason, "booking": getattr(booking, "pk", None),
                          "channel": channel})
    return ticket


@transaction.atomic
def ticket_take(*, actor, group: WindowGroup, priority_reason: str = "", applicant=None, channel: str = Channel.KIOSK,
                now: datetime | None = None) -> QueueTicket:
    """取号 at the kiosk (actor None or "kiosk:<hall>") or by staff for a walk-in. 绿色通道 reasons
    are the person's claim, checked by the clerk against the certificate — except age, which the
    ID number proves when the person gave it."""
    now = now or timezone.now()
    errors: list[FieldError] = []
    reason = choice(priority_reason, field="priority_reason", label="优先类别", choices=PriorityReason, errors=errors,
                    required=False)
    if not group.is_active or not group.takes_tickets:
        errors.append(FieldError("window_group", ErrorCode.GROUP_HAS_NO_QUEUE, "该业务不在大厅排队取号，请选择其他业务。"))
    if reason == PriorityReason.ELDERLY and applicant is not None:
        age = _age_on(applicant.id_number, timezone.localdate(now))
        if age is not None and age < rules().ELDERLY_AGE:
            errors.append(FieldError("priority_reason", ErrorCode.FIELD_INVALID,
                                     f"老年人优先适用于年满 {rules().ELDERLY_AGE} 周岁的群众。"))
    if errors:
        raise ValidationFailed(errors)
    if is_staff(actor):
        require_role_at(actor, CLERK_ROLES, group.organisation, doing="为群众取号")
        channel = Channel.WINDOW
    return ticket_issue(actor=actor, group=group, priority_reason=reason, applicant=applicant, channel=channel, now=now)


@transaction.atomic
def ticket_call_next(*, actor, window: Window, now: datetime | None = None) -> QueueTicket:
    """Call the first waiting ticket of the window's groups (queue_order) to this window. The
    window is locked, so one window calls one number at a time; a ticket is claimed by a
    conditional UPDATE, so two windows never call the same number."""
    now = now or timezone.now()
    require_role_at(actor, CLERK_ROLES, window.organisation, doing="叫号")
    window = lock_window(window)
    busy = current_ticket(window)
    if busy is not None:
        raise Conflict(f"{window.name}正在接待 {busy.number}，请先办结或过号。", code=ErrorCode.WINDOW_BUSY, field="window")
    group_ids = list(window.groups.filter(is_active=True).values_list("pk", flat=True))
    for ticket in waiting_tickets(organisation_id=window.organisation_id, group_ids=group_ids, now=now):
        wait = _seconds(now, ticket.taken_at)
        claimed = QueueTicket.objects.filter(pk=ticket.pk, status=TicketStatus.WAITING).update(
            status=TicketStatus.CALLED, window=window, clerk=actor if is_staff(actor) else None, called_at=now,
            announced_at=now, wait_to_call_seconds=wait, updated_at=now)
        if claimed == 1:
            ticket.refresh_from_db()
            record_event(actor=actor, action="appointments.ticket_called", obj=ticket,
                         details={"window": window.pk, "wait_seconds": wait})
            return ticket
    raise DomainError("当前没有等候的号码。", code=ErrorCode.QUEUE_EMPTY, field="window")


def _act(*, actor, ticket: QueueTicket, action: str, now: datetime | None) -> tuple[QueueTicket, datetime]:
    require_role_at(actor, CLERK_ROLES, ticket.organisation, doing="处理号码")
    ticket = lock_ticket(ticket)
    ticket.status = next_status(TICKET_TRANSITIONS, ticket.status, action)
    return ticket, now or timezone.now()


@transaction.atomic
def ticket_recall(*, actor, ticket: QueueTicket, now: datetime | None = None) -> QueueTicket:
    """Call the same number again; the wait still counts from the first call."""
    ticket, now = _act(actor=actor, ticket=ticket, action=TicketAction.RECALL, now=now)
    ticket.recall_count += 1
    ticket.announced_at = now
    ticket.save(update_fields=["status", "recall_count", "announced_at", "updated_at"])
    record_event(actor=actor, action="appointments.ticket_recalled", obj=ticket, details={"count": ticket.recall_count})
    return ticket


@transaction.atomic
def ticket_skip(*, actor, ticket: QueueTicket, now: datetime | None = None) -> QueueTicket:
    """过号: called and not come. A checked-in booking stays checked in (the person did arrive)."""
    ticket, now = _act(actor=actor, ticket=ticket, action=TicketAction.SKIP, now=now)
    ticket.finished_at = now
    ticket.save(update_fields=["status", "finished_at", "updated_at"])
    record_event(actor=actor, action="appointments.ticket_skipped", obj=ticket)
    return ticket


@transaction.atomic
def ticket_start(*, actor, ticket: QueueTicket, now: datetime | None = None) -> QueueTicket:
    """开始办理 (接件): the wait of seed 002 ends here."""
    ticket, now = _act(actor=actor, ticket=ticket, action=TicketAction.START, now=now)
    ticket.started_at = now
    ticket.wait_to_service_seconds = _seconds(now, ticket.taken_at)
    ticket.save(update_fields=["status", "started_at", "wait_to_service_seconds", "updated_at"])
    record_event(actor=actor, action="appointments.ticket_started", obj=ticket,
                 details={"wait_seconds": ticket.wait_to_service_seconds})
    return ticket


@transaction.atomic
def ticket_finish(*, actor, ticket: QueueTicket, now: datetime | None = None) -> QueueTicket:
    """办结: the service time is stored; a checked-in booking behind the ticket is served."""
    from yiwang.appointments.services.bookings import booking_mark_served

    booking = None
    if ticket.booking_id:  # lock order: the booking before its ticket
        booking = lock_booking(ticket.booking)
    ticket, now = _act(actor=actor, ticket=ticket, action=TicketAction.FINISH, now=now)
    ticket.finished_at = now
    ticket.service_seconds = _seconds(now, ticket.started_at or now)
    ticket.save(update_fields=["status", "finished_at", "service_seconds", "updated_at"])
    record_event(actor=actor, action="appointments.ticket_finished", obj=ticket,
                 details={"service_seconds": ticket.service_seconds})
    if booking is not None and booking.status == BookingStatus.CHECKED_IN:
        booking_mark_served(actor=actor, booking=booking, now=now)
    return ticket
