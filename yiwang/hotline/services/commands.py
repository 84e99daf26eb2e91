"""One entry for "do action X to this ticket with these inputs", shared by the staff page, the
caller's page and the API: it checks the action against access.ticket_actions_for and calls the
one service that does it. Inputs are plain values (already parsed), never a request."""

from __future__ import annotations

from typing import Any

from yiwang.core.errors import DomainError, NotFound
from yiwang.hotline.access import access_handler, ticket_actions_for
from yiwang.hotline.constants import CallbackResolved, MeasureKind, TicketStatus
from yiwang.hotline.models import Ticket


def ticket_act(*, actor, ticket: Ticket, action: str, data: dict[str, Any], audience: str | None = None):
    from yiwang.hotline import services as s

    if action not in ticket_actions_for(actor=actor, ticket=ticket, audience=audience):
        raise DomainError("这张工单现在不能进行该操作（状态已变化或无此权限）。", code="action_not_allowed")
    get = data.get
    if action == "answer":
        return s.ticket_answer(actor=actor, ticket=ticket, text=get("text", ""))
    if action == "reject":
        return s.ticket_reject(actor=actor, ticket=ticket, reason=get("reason", ""))
    if action == "invalidate":
        return s.ticket_invalidate(actor=actor, ticket=ticket, reason=get("reason", ""))
    if action == "dispatch":
        return s.ticket_dispatch(actor=actor, ticket=ticket, unit=get("unit"), co_units=get("co_units") or [],
                                 item=get("item"))
    if action == "merge":
        master = Ticket.objects.filter(number=str(get("master") or "").strip()[:24]).first()
        if master is None:
            raise NotFound("未找到要并入的主单，请核对工单编号。", code="merge_master_not_found", field="master")
        return s.ticket_merge(actor=actor, ticket=ticket, master=master, note=get("note", ""))
    if action == "split":
        return s.ticket_split(actor=actor, ticket=ticket, parts=[{"description": d} for d in get("parts") or [] if d.strip()])
    if action in ("sign", "start", "resume"):
        return {"sign": s.ticket_sign, "start": s.ticket_start, "resume": s.ticket_resume}[action](actor=actor, ticket=ticket)
    if action == "send_back":
        return s.ticket_send_back(actor=actor, ticket=ticket, reason=get("reason", ""))
    if action == "hold":
        return s.ticket_hold(actor=actor, ticket=ticket, reason=get("reason", ""))
    if action == "reply":
        return s.ticket_reply(actor=actor, ticket=ticket, text=get("text", ""))
    if action in ("approve_reply", "rework") and ticket.status == TicketStatus.REPLIED:
        return s.ticket_review_reply(actor=actor, ticket=ticket, approve=action == "approve_reply", note=get("note", ""),
                                     public_text=get("public_text", ""))
    if action == "rework":  # after a callback that found it unresolved
        return s.ticket_callback(actor=actor, ticket=ticket, reached=True, resolved=CallbackResolved.UNRESOLVED,
                                 satisfaction=get("satisfaction") or "dissatisfied", note=get("note", ""))
    if action == "callback":
        return s.ticket_callback(actor=actor, ticket=ticket, reached=bool(get("reached")), resolved=get("resolved", ""),
                                 satisfaction=get("satisfaction", ""), note=get("note", ""), close_as=get("close_as", ""),
                                 close_text=get("close_text", ""))
    if action == "close":
        return s.ticket_close(actor=actor, ticket=ticket, closure=get("closure", ""), text=get("text", ""))
    if action in ("reopen", "refuse_reopen"):
        return s.ticket_decide_reopen(actor=actor, ticket=ticket, reopen=action == "reopen", note=get("note", ""))
    if action == "request_reopen":
        return s.ticket_request_reopen(actor=actor, ticket=ticket, reason=get("reason", ""))
    if action == "remind":
        return s.ticket_remind(actor=actor, ticket=ticket, reason=get("reason", ""), kind=get("kind") or MeasureKind.REMINDER)
    if action == "extension":
        return s.ticket_extension_request(actor=actor, ticket=ticket, days=get("days") or 0, reason=get("reason", ""))
    if action == "co_opinion":
        handler = access_handler(actor=actor, ticket=ticket, handler_id=get("handler"))
        return s.ticket_co_opinion(actor=actor, ticket=ticket, handler=handler, text=get("text", ""))
    if action == "rate":
        return s.ticket_rate(actor=actor, ticket=ticket, resolved=get("resolved", ""), satisfaction=get("satisfaction", ""),
                             note=get("note", ""))
    raise NotFound("未知的操作。", code="unknown_action")
