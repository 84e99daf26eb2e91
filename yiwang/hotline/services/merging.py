"""Duplicates (并单) and one call about several matters (拆单).

Merge rules: both tickets open; a ticket is never merged into itself; the master must not itself
be merged (no chains, no cycles); a ticket has at most one master. Tickets that were merged into
the merged ticket move to the new master, so every merged ticket points straight at a live master.
"""

from __future__ import annotations

from django.db import transaction

from yiwang.core.errors import DomainError, FieldError, ValidationFailed
from yiwang.hotline import actions
from yiwang.hotline.constants import TERMINAL_STATUSES, ErrorCode, TicketAction, TicketStatus
from yiwang.hotline.locks import lock_tickets
from yiwang.hotline.models import MAX_DESCRIPTION, Ticket
from yiwang.hotline.services.common import add_event, require_text, text_errors, transition


@transaction.atomic
def ticket_merge(*, actor, ticket: Ticket, master: Ticket, note: str = "") -> Ticket:
    if ticket.pk == master.pk:
        raise DomainError("不能把工单并入它自己。", code=ErrorCode.MERGE_SELF, field="master")
    lock_tickets(ticket, master)
    if master.status == TicketStatus.MERGED or master.merged_into_id:
        raise DomainError(f"工单 {master.number} 已并入其他工单，请并入它的主单。", code=ErrorCode.MERGE_MASTER_MERGED,
                          field="master")
    for t in (ticket, master):
        if t.status in TERMINAL_STATUSES:
            raise DomainError(f"工单 {t.number} 已结束（{t.get_status_display()}），只有两张都未结束的工单才能并单。",
                              code=ErrorCode.MERGE_NOT_OPEN, field="master")
    ticket.merged_into = master
    transition(ticket=ticket, action=TicketAction.MERGE, actor=actor, extra_fields=("merged_into",),
               note=note or f"与工单 {master.number} 为同一事项，并入该工单办理", details={"master": master.pk})
    moved = Ticket.objects.filter(merged_into=ticket).update(merged_into=master)
    add_event(ticket=master, actor=actor, action="merged_in", note=f"并入工单 {ticket.number}" +
              (f"（另有 {moved} 张随之转入）" if moved else ""))
    actions.after_ticket_merged(ticket, master)
    return ticket


@transaction.atomic
def ticket_split(*, actor, ticket: Ticket, parts: list[dict]) -> list[Ticket]:
    """Child tickets for the other matters of one call; the original keeps the first matter.
    Each part: {"description", "ticket_type"?, "item"?}. Children are accepted and routed like any
    new ticket, with the caller copied."""
    from yiwang.hotline.services.intake import ticket_submit

    if not parts:
        raise ValidationFailed([FieldError("parts", "required", "请至少填写一项需拆分出的诉求。")])
    errors = []
    for i, part in enumerate(parts):
        errors += text_errors(part.get("description"), field=f"parts.{i}.description", label=f"第 {i + 1} 项诉求内容",
                              max_length=MAX_DESCRIPTION, required=True)
    if errors:
        raise ValidationFailed(errors)
    lock_tickets(ticket)
    if ticket.status in TERMINAL_STATUSES:
        raise DomainError("已结束的工单不能拆分。", code="split_not_open")
    children = []
    for part in parts:
        child = ticket_submit(
            actor=actor, channel=ticket.channel, ticket_type=part.get("ticket_type") or ticket.ticket_type,
            description=part["description"], urgency=ticket.urgency, item=part.get("item"), district=ticket.district,
            street=ticket.street, address=ticket.address, caller_name=ticket.caller_name, caller_phone=ticket.caller_phone,
            caller_user=ticket.caller_user, confidential=ticket.confidential, anonymous=ticket.anonymous,
            emergency_confirmed=True, parent=ticket)
        children.append(child)
    add_event(ticket=ticket, actor=actor, action="split", public=True,
              note="同一来电的其他诉求已另立工单：" + "、".join(c.number for c in children))
    return children


def require_reason(value: str) -> str:
    return require_text(value, field="note", label="说明")
