"""Rule-driven escalation (督办): every open ticket whose clock is `days_over` working days past its
limit gets the rule's measure once. Idempotent (a unique constraint per ticket and rule), so the
periodic task can run any number of times a day and after an outage."""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone

from yiwang.hotline.constants import MeasureKind, Milestone, TicketStatus
from yiwang.hotline.models import EscalationRule, Ticket, TicketMeasure
from yiwang.hotline.services.measures import measure_create
from yiwang.workdays.time_limits import working_days_between

MILESTONE_STATUSES = {
    Milestone.SIGN: (TicketStatus.DISPATCHED,),
    Milestone.HANDLING: (TicketStatus.DISPATCHED, TicketStatus.SIGNED, TicketStatus.IN_PROGRESS, TicketStatus.RETURNED),
    Milestone.CALLBACK: (TicketStatus.PENDING_CALLBACK,),
}


def _limit_day(ticket: Ticket, milestone: str) -> date | None:
    if milestone == Milestone.SIGN:
        return timezone.localdate(ticket.sign_due_at) if ticket.sign_due_at else None
    if milestone == Milestone.HANDLING:
        return ticket.due_on
    return ticket.callback_due_on


def run_escalation(*, today: date | None = None) -> int:
    """Create the measures due on `today`; returns how many were created."""
    today = today or timezone.localdate()
    created = 0
    for rule in EscalationRule.objects.filter(active=True):
        statuses = MILESTONE_STATUSES[Milestone(rule.milestone)]
        done = set(TicketMeasure.objects.filter(rule=rule).values_list("ticket_id", flat=True))
        candidates = Ticket.objects.filter(status__in=statuses).exclude(pk__in=done).only(
            "id", "sign_due_at", "due_on", "callback_due_on", "status", "number")
        for ticket in candidates.iterator(chunk_size=500):
            limit = _limit_day(ticket, rule.milestone)
            if limit is None or limit >= today:
                continue
            over = working_days_between(limit, today)
            if over < rule.days_over:
                continue
            reason = f"{Milestone(rule.milestone).label}已超期 {over} 个工作日（规则：{rule}）"
            try:
                with transaction.atomic():
                    measure_create(actor="escalation", ticket=ticket, kind=rule.kind, reason=reason, rule=rule)
                    if rule.kind == MeasureKind.SUPERVISION:
                        Ticket.objects.filter(pk=ticket.pk).update(priority=1)
                created += 1
            except IntegrityError:  # a concurrent run made it first
                continue
    return created
