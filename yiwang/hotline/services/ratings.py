"""The caller's own evaluation online (评价): reached = yes, resolved?, satisfied? in the five levels
of 好差评 (yiwang.ratings.constants), so hotline callbacks and ratings feed one set of indicators."""

from __future__ import annotations

from django.db import transaction

from yiwang.core.errors import DomainError, ValidationFailed
from yiwang.hotline.constants import CallbackSource, ErrorCode, TicketStatus
from yiwang.hotline.locks import lock_ticket
from yiwang.hotline.models import Ticket, TicketCallback
from yiwang.hotline.services.common import add_event
from yiwang.hotline.services.workflow import callback_errors

RATEABLE = {TicketStatus.PENDING_CALLBACK, TicketStatus.CLOSED, TicketStatus.ANSWERED}


def can_rate(ticket: Ticket) -> bool:
    subject = ticket.merged_into if ticket.merged_into_id else ticket
    return subject.status in RATEABLE and not ticket.callbacks.filter(source=CallbackSource.CITIZEN).exists()


@transaction.atomic
def ticket_rate(*, actor, ticket: Ticket, resolved: str, satisfaction: str, note: str = "") -> TicketCallback:
    lock_ticket(ticket)
    errors = callback_errors(reached=True, resolved=resolved, satisfaction=satisfaction, note=note)
    if errors:
        raise ValidationFailed(errors)
    if ticket.caller_user_id != getattr(actor, "pk", None) or not can_rate(ticket):
        raise DomainError("这张工单现在不能评价：答复后才能评价，每张工单评价一次。", code=ErrorCode.RATING_NOT_ALLOWED)
    callback = TicketCallback.objects.create(ticket=ticket, source=CallbackSource.CITIZEN, reached=True,
                                             resolved=resolved, satisfaction=satisfaction, note=(note or "").strip(), by=actor)
    add_event(ticket=ticket, actor=actor, action="rated", note="来电人已评价")
    return callback
