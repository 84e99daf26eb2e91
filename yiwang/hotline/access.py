"""Who may see a ticket, what they see of the caller, and what they may do now.

Audiences: the agent (话务员, city-wide: the centre takes every call), the supervisor (督办, city-
wide), the primary unit and co-handling units (their subtree), the caller (their own tickets) and
the public (number + lookup code, never the caller). Missing and forbidden look alike (NotFound).
Callers' identities: agents and supervisors see them; the primary unit sees them unless the ticket
is confidential; co-handlers see them masked; the public and Open311 never.
"""

from __future__ import annotations

import hmac

from django.db.models import Q, QuerySet

from yiwang.core import throttle
from yiwang.core.crypto import mask_name, mask_phone
from yiwang.core.errors import NotFound, TooManyAttempts
from yiwang.hotline.constants import (
    TERMINAL_STATUSES,
    UNIT_STATUSES,
    ErrorCode,
    MeasureKind,
    MeasureStatus,
    TicketAction,
    TicketStatus,
    TicketType,
)
from yiwang.hotline.lifecycle import allowed_actions
from yiwang.hotline.models import Ticket, TicketHandler, TicketMeasure, VisitTarget
from yiwang.orgs.constants import Role
from yiwang.orgs.selectors import has_role, role_grants_for

OPERATOR_ROLES = (Role.HOTLINE_OPERATOR,)
HANDLER_ROLES = (Role.HOTLINE_HANDLER,)
SUPERVISION_ROLES = (Role.SUPERVISOR, Role.ADMINISTRATOR)
INDICATOR_ROLES = (Role.SUPERVISOR, Role.ADMINISTRATOR, Role.LEADER, Role.HOTLINE_OPERATOR)
VISIT_ROLES = (Role.VISIT_LEADER, Role.SUPERVISOR, Role.LEADER, Role.ADMINISTRATOR)

AGENT, SUPERVISOR, PRIMARY, CO, CALLER, PUBLIC = "agent", "supervisor", "primary", "co", "caller", "public"

# What each audience may do, checked against the transition table for the current status.
AUDIENCE_ACTIONS = {
    AGENT: {TicketAction.ANSWER, TicketAction.REJECT, TicketAction.INVALIDATE, TicketAction.MERGE, TicketAction.QUEUE,
            TicketAction.DISPATCH, TicketAction.REWORK, TicketAction.APPROVE_REPLY, TicketAction.CLOSE,
            TicketAction.REOPEN, TicketAction.REFUSE_REOPEN, TicketAction.REQUEST_REOPEN, TicketAction.ACCEPT},
    SUPERVISOR: {TicketAction.REOPEN, TicketAction.REFUSE_REOPEN, TicketAction.REWORK},
    PRIMARY: {TicketAction.SIGN, TicketAction.SEND_BACK, TicketAction.START, TicketAction.HOLD, TicketAction.RESUME,
              TicketAction.REPLY},
    CO: set(),
    CALLER: {TicketAction.REQUEST_REOPEN},
    PUBLIC: set(),
}


def _active(actor) -> bool:
    return bool(getattr(actor, "is_authenticated", False) and getattr(actor, "is_active", False))


def is_superuser(actor) -> bool:
    return _active(actor) and bool(getattr(actor, "is_superuser", False))


def is_agent(actor) -> bool:
    # Roles are granted to staff accounts only (orgs.services.role_grant): a citizen needs no query.
    if not getattr(actor, "is_staff_member", False) and not getattr(actor, "is_superuser", False):
        return False
    return is_superuser(actor) or (_active(actor) and has_role(actor, OPERATOR_ROLES))


def is_supervisor(actor) -> bool:
    return is_superuser(actor) or (_active(actor) and has_role(actor, SUPERVISION_ROLES))


def is_handler(actor) -> bool:
    return _active(actor) and has_role(actor, HANDLER_ROLES)


def can_see_indicators(actor) -> bool:
    return is_superuser(actor) or (_active(actor) and has_role(actor, INDICATOR_ROLES))


def can_visit(actor) -> bool:
    return is_superuser(actor) or (_active(actor) and has_role(actor, VISIT_ROLES))


def handler_paths(actor) -> list[str]:
    return [g.organisation.path for g in role_grants_for(actor, HANDLER_ROLES)]


def unit_filter(actor) -> Q:
    """Tickets where the actor's unit (subtree) is the primary unit or an active co-handler."""
    q = Q(pk__in=[])
    for path in handler_paths(actor):
        q |= Q(unit_path__startswith=path) | Q(handlers__unit_path__startswith=path, handlers__active=True)
    return q


def tickets_for_unit(actor) -> QuerySet[Ticket]:
    return Ticket.objects.filter(unit_filter(actor)).distinct()


def audience_of(actor, ticket: Ticket) -> str | None:
    if is_agent(actor):
        return AGENT
    if is_supervisor(actor):
        return SUPERVISOR
    paths = handler_paths(actor)
    if paths:
        if ticket.unit_path and any(ticket.unit_path.startswith(p) for p in paths):
            return PRIMARY
        if any(h.active and h.role == "co" and h.unit_path.startswith(p) for h in ticket.handlers.all() for p in paths):
            return CO
    if _active(actor) and ticket.caller_user_id == actor.pk:
        return CALLER
    return None


def _not_found() -> NotFound:
    return NotFound("未找到该工单，或您无权查看。", code=ErrorCode.TICKET_NOT_FOUND)


def _ticket_qs():
    return Ticket.objects.select_related("item", "classification", "district", "street", "primary_unit", "merged_into",
                                         "caller_user").prefetch_related("handlers__unit")


def access_ticket_by_id(*, actor, ticket_id) -> tuple[Ticket, str]:
    """The ticket and the actor's audience for it, or NotFound."""
    try:
        ticket_id = int(ticket_id)
    except (TypeError, ValueError):
        raise _not_found() from None
    ticket = _ticket_qs().filter(pk=ticket_id).first() if _active(actor) and 0 < ticket_id < 2**63 else None
    audience = audience_of(actor, ticket) if ticket else None
    if audience is None:
        raise _not_found()
    return ticket, audience


def access_own_ticket(*, actor, number: str) -> Ticket:
    ticket = _ticket_qs().filter(number=str(number)[:24], caller_user=actor).first() if _active(actor) else None
    if ticket is None:
        raise _not_found()
    return ticket


LOOKUP_WINDOW, LOOKUP_PER_NUMBER, LOOKUP_PER_CLIENT = 3600, 10, 50


def access_ticket_public(*, number: str, code: str, client: str | None = None) -> Ticket:
    """The public follow page: ticket number + 6-digit lookup code (failures limited)."""
    number, code = (number or "").strip()[:24], (code or "").strip()[:8]
    if (throttle.failures("hotline-number", number) >= LOOKUP_PER_NUMBER
            or (client and throttle.failures("hotline-client", client) >= LOOKUP_PER_CLIENT)):
        raise TooManyAttempts("查询码错误次数过多，请 1 小时后再试；来电人也可登录后在“我的诉求”中查看。")
    ticket = _ticket_qs().filter(number=number).first() if number.isdigit() else None
    if ticket is None or not code or not hmac.compare_digest(ticket.lookup_code.encode(), code.encode()):
        throttle.record_failure("hotline-number", number, window_seconds=LOOKUP_WINDOW)
        if client:
            throttle.record_failure("hotline-client", client, window_seconds=LOOKUP_WINDOW)
        raise NotFound("工单编号或查询码不正确，请核对后重试。", code=ErrorCode.TICKET_NOT_FOUND)
    return ticket


def ticket_actions_for(*, actor, ticket: Ticket, audience: str | None = None) -> set[str]:
    """What the actor may do to the ticket now (pages, API and templates use this one answer)."""
    audience = audience or audience_of(actor, ticket)
    if audience is None:
        return set()
    possible = {str(a) for a in allowed_actions(ticket.status)} & {str(a) for a in AUDIENCE_ACTIONS[audience]}
    if ticket.ticket_type != TicketType.CONSULTATION:
        possible.discard(TicketAction.ANSWER)
    if audience == AGENT and ticket.status == TicketStatus.PENDING_CALLBACK:
        possible.add("callback")
    if audience == PRIMARY and ticket.status in UNIT_STATUSES and ticket.status != TicketStatus.ON_HOLD:
        possible.add("extension")
    if audience == CO and ticket.status in UNIT_STATUSES:
        possible.add("co_opinion")
    if audience in (AGENT, SUPERVISOR) and ticket.status not in TERMINAL_STATUSES:
        possible |= {"remind", "split"} if audience == AGENT else {"remind"}
    if audience == CALLER:
        from yiwang.hotline.services.ratings import can_rate

        if can_rate(ticket):
            possible.add("rate")
    return possible


def caller_for(*, ticket: Ticket, audience: str | None) -> dict:
    """The caller as this audience may see them."""
    if audience in (AGENT, SUPERVISOR, CALLER) or (audience == PRIMARY and not ticket.confidential):
        return {"name": ticket.caller_name, "phone": ticket.caller_phone, "shown": "full"}
    if audience in (PRIMARY, CO):
        if ticket.confidential:
            return {"name": "（保密）", "phone": "", "shown": "hidden"}
        return {"name": mask_name(ticket.caller_name), "phone": mask_phone(ticket.caller_phone), "shown": "masked"}
    return {"name": "", "phone": "", "shown": "hidden"}


def access_handler(*, actor, ticket: Ticket, handler_id) -> TicketHandler:
    paths = handler_paths(actor)
    handler = ticket.handlers.select_related("unit").filter(pk=handler_id, active=True).first()
    if handler is None or not any(handler.unit_path.startswith(p) for p in paths):
        raise _not_found()
    return handler


def access_measure(*, actor, measure_id, for_decision: bool) -> TicketMeasure:
    """An extension to decide (agents, supervisors) or a reminder to answer (the primary unit)."""
    measure = TicketMeasure.objects.select_related("ticket").filter(pk=measure_id).first()
    if measure is None:
        raise _not_found()
    audience = audience_of(actor, measure.ticket)
    if for_decision and audience in (AGENT, SUPERVISOR) and measure.kind == MeasureKind.EXTENSION:
        return measure
    if not for_decision and audience == PRIMARY and measure.kind != MeasureKind.EXTENSION \
            and measure.status == MeasureStatus.OPEN:
        return measure
    raise _not_found()


def visit_targets_for(actor) -> QuerySet[VisitTarget]:
    qs = VisitTarget.objects.select_related("district", "leader", "department", "liaison")
    if is_superuser(actor) or has_role(actor, (Role.SUPERVISOR, Role.LEADER, Role.ADMINISTRATOR)):
        return qs
    if has_role(actor, Role.VISIT_LEADER):
        return qs.filter(leader=actor)
    return qs.filter(liaison=actor) if _active(actor) else qs.none()


def access_visit_target(*, actor, target_id) -> VisitTarget:
    try:
        target = visit_targets_for(actor).filter(pk=int(target_id)).first()
    except (TypeError, ValueError):
        target = None
    if target is None:
        raise NotFound("未找到该项目企业，或它不在您的包抓范围内。", code="visit_target_not_found")
    return target
