"""催办, 督办, 通报, 延期, 提级: records with their own clocks; the ticket's status never changes."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from yiwang.core.audit import record_event
from yiwang.core.errors import DomainError, FieldError, ValidationFailed
from yiwang.hotline.constants import TERMINAL_STATUSES, ErrorCode, MeasureKind, MeasureStatus
from yiwang.hotline.locks import lock_ticket
from yiwang.hotline.models import Ticket, TicketMeasure
from yiwang.hotline.services.common import add_event, require_text
from yiwang.workdays.time_limits import add_working_days

# Working days the unit has to answer a reminder / supervision (local defaults).
ANSWER_DAYS = {MeasureKind.REMINDER: 1, MeasureKind.SUPERVISION: 2, MeasureKind.BULLETIN: 3}


def _open(ticket: Ticket) -> None:
    if ticket.status in TERMINAL_STATUSES:
        raise DomainError("工单已结束，不能再催办、督办或延期。", code="measure_ticket_closed")


def measure_create(*, actor, ticket: Ticket, kind: str, reason: str, rule=None, days: int = 0) -> TicketMeasure:
    """Inside the caller's transaction, on a locked ticket."""
    due = add_working_days(timezone.localdate(), ANSWER_DAYS.get(kind, 2)).due_date if kind in ANSWER_DAYS else None
    measure = TicketMeasure.objects.create(ticket=ticket, kind=kind, reason=reason, rule=rule, days=days, due_on=due,
                                           requested_by=actor if getattr(actor, "pk", None) else None)
    add_event(ticket=ticket, actor=actor, action=f"measure_{kind}", note=f"{MeasureKind(kind).label}：{reason}")
    record_event(actor=actor, action=f"hotline.measure.{kind}", obj=measure, details={"ticket": ticket.pk, "days": days})
    return measure


@transaction.atomic
def ticket_remind(*, actor, ticket: Ticket, reason: str, kind: str = MeasureKind.REMINDER) -> TicketMeasure:
    """A person's 催办 / 督办 / 通报 / 提级 (the periodic escalation makes the rule-driven ones)."""
    lock_ticket(ticket)
    reason = require_text(reason, field="reason", label="理由")
    if kind not in (MeasureKind.REMINDER, MeasureKind.SUPERVISION, MeasureKind.BULLETIN, MeasureKind.PRIORITY):
        raise ValidationFailed([FieldError("kind", "invalid_choice", "应为催办、督办、通报或提级。")])
    _open(ticket)
    measure = measure_create(actor=actor, ticket=ticket, kind=kind, reason=reason)
    if kind == MeasureKind.PRIORITY:
        ticket.priority += 1
        ticket.save(update_fields=["priority", "updated_at"])
    return measure


@transaction.atomic
def measure_answer(*, actor, measure: TicketMeasure, text: str) -> TicketMeasure:
    """The unit answers a reminder or supervision."""
    text = require_text(text, field="text", label="回应内容")
    measure = TicketMeasure.objects.select_for_update().get(pk=measure.pk)
    if measure.status != MeasureStatus.OPEN or measure.kind == MeasureKind.EXTENSION:
        raise DomainError("该记录不需要回应。", code="measure_not_open")
    measure.status, measure.answer, measure.decided_by, measure.decided_at = MeasureStatus.ANSWERED, text, actor, timezone.now()
    measure.save(update_fields=["status", "answer", "decided_by", "decided_at", "updated_at"])
    add_event(ticket=measure.ticket, actor=actor, action="measure_answered", note=text)
    return measure


@transaction.atomic
def ticket_extension_request(*, actor, ticket: Ticket, days: int, reason: str) -> TicketMeasure:
    lock_ticket(ticket)
    reason = require_text(reason, field="reason", label="延期理由")
    _open(ticket)
    left = ticket.max_extension_days - ticket.extension_days
    if not isinstance(days, int) or days < 1 or days > left:
        raise DomainError(f"延期天数应为 1 至 {left} 个工作日（最长共 {ticket.max_extension_days} 个工作日，已延 {ticket.extension_days}）。",
                          code=ErrorCode.EXTENSION_TOO_LONG, field="days")
    if ticket.measures.filter(kind=MeasureKind.EXTENSION, status=MeasureStatus.OPEN).exists():
        raise DomainError("已有待审批的延期申请，请等待审批结果。", code=ErrorCode.EXTENSION_PENDING, field="days")
    return measure_create(actor=actor, ticket=ticket, kind=MeasureKind.EXTENSION, reason=reason, days=days)


@transaction.atomic
def extension_decide(*, actor, measure: TicketMeasure, approve: bool, note: str = "") -> TicketMeasure:
    measure = TicketMeasure.objects.select_for_update().select_related("ticket").get(pk=measure.pk)
    ticket = lock_ticket(measure.ticket)
    if measure.kind != MeasureKind.EXTENSION or measure.status != MeasureStatus.OPEN:
        raise DomainError("该延期申请已处理。", code="measure_not_open")
    if not approve:
        note = require_text(note, field="note", label="不批准的理由")
    measure.status = MeasureStatus.APPROVED if approve else MeasureStatus.REFUSED
    measure.answer, measure.decided_by, measure.decided_at = note, actor, timezone.now()
    measure.save(update_fields=["status", "answer", "decided_by", "decided_at", "updated_at"])
    if approve and ticket.due_on:
        due = add_working_days(ticket.due_on, measure.days)
        ticket.due_on, ticket.due_provisional = due.due_date, due.provisional
        ticket.extension_days += measure.days
        ticket.save(update_fields=["due_on", "due_provisional", "extension_days", "updated_at"])
    add_event(ticket=ticket, actor=actor, action="extension_decided", public=approve,
              note=(f"延期 {measure.days} 个工作日，新的办理期限 {ticket.due_on:%Y-%m-%d}" if approve else f"延期未批准：{note}"))
    return measure
