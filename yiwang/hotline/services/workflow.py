"""The ticket after intake: accept/answer/reject/invalidate, dispatch to a primary unit and
co-handlers, sign for, send back, handle (with pauses), reply, review, callback, close, reopen.

Every function locks the ticket (locks.py), goes through the transition table (lifecycle.py) via
common.transition, records the audit event and tells the caller through actions.py."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from yiwang.core.errors import DomainError, FieldError, ValidationFailed
from yiwang.hotline import actions
from yiwang.hotline.constants import (
    UNIT_STATUSES,
    CallbackResolved,
    CallbackSource,
    Closure,
    ErrorCode,
    HandlerRole,
    LimitUnit,
    TicketAction,
    TicketStatus,
    TicketType,
)
from yiwang.hotline.locks import lock_ticket
from yiwang.hotline.models import MAX_TEXT, Ticket, TicketCallback, TicketHandler
from yiwang.hotline.service_levels import default_limits, limits_of, service_level_for
from yiwang.hotline.services.common import add_event, require_text, text_errors, transition
from yiwang.orgs.constants import ExerciseLevel, OrganisationKind
from yiwang.ratings.constants import SatisfactionLevel
from yiwang.workdays.time_limits import add_working_days, due_date, working_days_between

STREET_KINDS = {OrganisationKind.STREET_CENTER, OrganisationKind.COMMUNITY_STATION}
STREET_LEVELS = {ExerciseLevel.TOWNSHIP, ExerciseLevel.VILLAGE}


def is_street_level(unit) -> bool:
    return unit.kind in STREET_KINDS or unit.level in STREET_LEVELS


def _today():
    return timezone.localdate()


# ------------------------------------------------------------------------------------- centre

@transaction.atomic
def ticket_answer(*, actor, ticket: Ticket, text: str) -> Ticket:
    """A consultation answered by the agent at once (knowledge base, reply template)."""
    lock_ticket(ticket)
    text = require_text(text, field="text", label="答复内容", max_length=MAX_TEXT)
    if ticket.ticket_type != TicketType.CONSULTATION:
        raise DomainError("只有咨询类诉求可以直接答复；其他诉求请派单办理。", code=ErrorCode.NOT_CONSULTATION, field="text")
    now = timezone.now()
    ticket.public_reply, ticket.public_reply_at, ticket.replied_at, ticket.closed_at = text, now, now, now
    transition(ticket=ticket, action=TicketAction.ANSWER, actor=actor, note=text,
               extra_fields=("public_reply", "public_reply_at", "replied_at", "closed_at"))
    actions.after_reply_published(ticket)
    return ticket


@transaction.atomic
def ticket_reject(*, actor, ticket: Ticket, reason: str) -> Ticket:
    lock_ticket(ticket)
    reason = require_text(reason, field="reason", label="不予受理的理由")
    ticket.public_reply, ticket.public_reply_at, ticket.closed_at = reason, timezone.now(), timezone.now()
    return transition(ticket=ticket, action=TicketAction.REJECT, actor=actor, note=reason,
                      extra_fields=("public_reply", "public_reply_at", "closed_at"))


@transaction.atomic
def ticket_invalidate(*, actor, ticket: Ticket, reason: str) -> Ticket:
    lock_ticket(ticket)
    reason = require_text(reason, field="reason", label="无效的原因")
    ticket.closed_at = timezone.now()
    return transition(ticket=ticket, action=TicketAction.INVALIDATE, actor=actor, note=reason, public=False,
                      extra_fields=("closed_at",))


def _limits_for(ticket: Ticket, on):
    level = service_level_for(item=ticket.item, urgency=ticket.urgency, on=on)
    return level, (limits_of(level) if level else default_limits(ticket.ticket_type, ticket.urgency))


def dispatch_errors(*, ticket: Ticket, unit, co_units) -> list[FieldError]:
    errors = []
    if unit is None:
        errors.append(FieldError("unit", ErrorCode.NO_UNIT, "请选择主办单位。"))
        return errors
    if ticket.item is not None and ticket.item.functional:
        for u in [unit, *co_units]:
            if is_street_level(u):
                errors.append(FieldError("unit", ErrorCode.STREET_LEVEL_REFUSED,
                                         f"“{ticket.item.name}”是职能部门事项，不得派至街道、社区（“{u.name}”）。请派给职能部门。"))
                break
    if any(u.pk == unit.pk for u in co_units):
        errors.append(FieldError("co_units", "co_unit_is_primary", "协办单位不能与主办单位相同。"))
    return errors


DISPATCH_FIELDS = ("service_level", "handling_limit_days", "handling_limit_unit", "max_extension_days",
                   "return_window_days", "callback_limit_days", "primary_unit", "unit_path", "dispatched_at",
                   "sign_due_at", "signed_at", "sign_overdue", "return_due_on", "due_on", "due_provisional",
                   "auto_dispatched")


def prepare_dispatch(*, ticket: Ticket, unit, co_units=(), auto: bool = False, note: str = "") -> tuple[list, str, dict]:
    """Set the dispatch fields on the ticket in memory (service level frozen, clocks started) and
    return (unsaved handler rows, the timeline note, audit details). No write: the caller saves."""
    co_units = [u for u in co_units if u is not None]
    errors = dispatch_errors(ticket=ticket, unit=unit, co_units=co_units)
    if errors:
        raise ValidationFailed(errors)
    now = timezone.now()
    today = timezone.localdate(now)
    level, limits = _limits_for(ticket, today)
    ticket.service_level = level
    ticket.handling_limit_days, ticket.handling_limit_unit = limits.handling_limit_days, limits.handling_limit_unit
    ticket.max_extension_days, ticket.return_window_days = limits.max_extension_days, limits.return_window_days
    ticket.callback_limit_days = limits.callback_limit_days
    ticket.primary_unit, ticket.unit_path = unit, unit.path
    ticket.dispatched_at, ticket.sign_due_at = now, now + timedelta(hours=limits.sign_limit_hours)
    ticket.signed_at, ticket.sign_overdue = None, None
    ticket.return_due_on = add_working_days(today, limits.return_window_days).due_date
    if ticket.due_on is None:  # a re-dispatch keeps the clock running for the caller
        due = due_date(today, limits.handling_limit_days, limits.handling_limit_unit,
                       roll_forward=limits.handling_limit_unit == LimitUnit.NATURAL)
        ticket.due_on, ticket.due_provisional = due.due_date, due.provisional
    ticket.auto_dispatched = auto
    # The primary unit is the ticket's own (primary_unit, unit_path); rows are the co-handlers, each
    # with its opinion. The timeline records every dispatch, so earlier units stay on record.
    handlers = [TicketHandler(ticket=ticket, unit=u, unit_path=u.path, role=HandlerRole.CO) for u in co_units]
    names = "、".join(u.name for u in co_units)
    text = f"派至{unit.name}" + (f"，协办：{names}" if names else "") + (f"（{note}）" if note else "")
    return handlers, text, {"unit": unit.pk, "co_units": [u.pk for u in co_units], "auto": auto}


def dispatch_locked(*, ticket: Ticket, actor, unit, co_units=(), auto: bool = False, note: str = "") -> Ticket:
    """Dispatch a ticket the caller holds (locked); freezes the service level."""
    handlers, text, details = prepare_dispatch(ticket=ticket, unit=unit, co_units=co_units, auto=auto, note=note)
    ticket.handlers.filter(active=True).update(active=False)
    if handlers:
        TicketHandler.objects.bulk_create(handlers)
    return transition(ticket=ticket, action=TicketAction.DISPATCH, actor=actor, note=text, unit_name=unit.name,
                      extra_fields=DISPATCH_FIELDS, details=details)


@transaction.atomic
def ticket_dispatch(*, actor, ticket: Ticket, unit, co_units=(), item=None, note: str = "") -> Ticket:
    """The agent's dispatch (or re-dispatch after a unit sent the ticket back)."""
    lock_ticket(ticket)
    if item is not None and item.pk != ticket.item_id:
        if item.allowed_types and ticket.ticket_type not in item.allowed_types:
            raise ValidationFailed([FieldError("item", ErrorCode.TYPE_NOT_ALLOWED, f"“{item.name}”不受理此类诉求。")])
        ticket.item, ticket.classification = item, item.classification
        ticket.save(update_fields=["item", "classification", "updated_at"])
    return dispatch_locked(ticket=ticket, actor=actor, unit=unit, co_units=co_units, note=note)


# ------------------------------------------------------------------------------------- units

@transaction.atomic
def ticket_sign(*, actor, ticket: Ticket) -> Ticket:
    lock_ticket(ticket)
    now = timezone.now()
    ticket.signed_at = now
    ticket.sign_overdue = bool(ticket.sign_due_at and now > ticket.sign_due_at)  # frozen here
    return transition(ticket=ticket, action=TicketAction.SIGN, actor=actor, note="承办单位已签收",
                      unit_name=ticket.primary_unit.name if ticket.primary_unit_id else "",
                      extra_fields=("signed_at", "sign_overdue"))


@transaction.atomic
def ticket_send_back(*, actor, ticket: Ticket, reason: str) -> Ticket:
    """A wrongly assigned ticket goes back to the centre within the return window (2 working days);
    the caller sees it still open: the centre re-dispatches."""
    lock_ticket(ticket)
    reason = require_text(reason, field="reason", label="退单理由")
    if ticket.return_due_on and _today() > ticket.return_due_on:
        raise DomainError(f"退单须在派单后 {ticket.return_window_days} 个工作日内（至 {ticket.return_due_on:%Y-%m-%d}）提出，"
                          "已超过退单时限，请办理并答复。", code=ErrorCode.RETURN_WINDOW_PASSED, field="reason")
    unit_name = ticket.primary_unit.name if ticket.primary_unit_id else ""
    ticket.handlers.filter(active=True).update(active=False)
    ticket.primary_unit, ticket.unit_path = None, ""
    return transition(ticket=ticket, action=TicketAction.SEND_BACK, actor=actor, note=reason, public=False,
                      unit_name=unit_name, extra_fields=("primary_unit", "unit_path"))


@transaction.atomic
def ticket_start(*, actor, ticket: Ticket) -> Ticket:
    lock_ticket(ticket)
    return transition(ticket=ticket, action=TicketAction.START, actor=actor, note="开始办理", public=False)


@transaction.atomic
def ticket_hold(*, actor, ticket: Ticket, reason: str) -> Ticket:
    """Pause the handling clock (e.g. waiting for the caller, an inspection); remaining days kept."""
    lock_ticket(ticket)
    reason = require_text(reason, field="reason", label="暂停原因")
    today = _today()
    ticket.paused_on = today
    ticket.paused_remaining = working_days_between(today, ticket.due_on) if ticket.due_on else None
    return transition(ticket=ticket, action=TicketAction.HOLD, actor=actor, note=reason,
                      extra_fields=("paused_on", "paused_remaining"))


@transaction.atomic
def ticket_resume(*, actor, ticket: Ticket) -> Ticket:
    lock_ticket(ticket)
    today = _today()
    if ticket.paused_on:
        ticket.paused_days += max(working_days_between(ticket.paused_on, today), 0)
        if ticket.paused_remaining is not None:
            due = add_working_days(today, max(ticket.paused_remaining, 0))
            ticket.due_on, ticket.due_provisional = due.due_date, due.provisional
    ticket.paused_on, ticket.paused_remaining = None, None
    return transition(ticket=ticket, action=TicketAction.RESUME, actor=actor, note="恢复办理",
                      extra_fields=("paused_on", "paused_remaining", "paused_days", "due_on", "due_provisional"))


@transaction.atomic
def ticket_reply(*, actor, ticket: Ticket, text: str) -> Ticket:
    """The primary unit's reply; the overdue flag is frozen here (the handling milestone)."""
    lock_ticket(ticket)
    text = require_text(text, field="text", label="答复内容", max_length=MAX_TEXT)
    now = timezone.now()
    today = timezone.localdate(now)
    ticket.replied_at = now
    if ticket.due_on:
        over = working_days_between(ticket.due_on, today) if today > ticket.due_on else 0
        ticket.reply_overdue, ticket.reply_overdue_days = over > 0 or today > ticket.due_on, over
    return transition(ticket=ticket, action=TicketAction.REPLY, actor=actor, note=text, public=False,
                      unit_name=ticket.primary_unit.name if ticket.primary_unit_id else "",
                      extra_fields=("replied_at", "reply_overdue", "reply_overdue_days"))


@transaction.atomic
def ticket_co_opinion(*, actor, ticket: Ticket, handler: TicketHandler, text: str) -> TicketHandler:
    """A co-handler's opinion, for the primary unit's reply."""
    lock_ticket(ticket)
    text = require_text(text, field="text", label="协办意见", max_length=MAX_TEXT)
    handler.opinion, handler.opinion_at = text, timezone.now()
    handler.save(update_fields=["opinion", "opinion_at", "updated_at"])
    add_event(ticket=ticket, actor=actor, action="co_opinion", note=text, unit_name=handler.unit.name)
    return handler


def latest_unit_reply(ticket: Ticket) -> str:
    event = ticket.events.filter(action=TicketAction.REPLY).order_by("-occurred_at", "-id").first()
    return event.note if event else ""


@transaction.atomic
def ticket_review_reply(*, actor, ticket: Ticket, approve: bool, note: str = "", public_text: str = "") -> Ticket:
    """The centre reviews the unit's reply: publish it and wait for the callback, or send it back."""
    lock_ticket(ticket)
    if not approve:
        note = require_text(note, field="note", label="退回重办的理由")
        return transition(ticket=ticket, action=TicketAction.REWORK, actor=actor, note=note)
    errors = text_errors(public_text, field="public_text", label="公开答复", max_length=MAX_TEXT)
    if errors:
        raise ValidationFailed(errors)
    now = timezone.now()
    ticket.public_reply = (public_text or "").strip() or latest_unit_reply(ticket)
    ticket.public_reply_at = now
    ticket.callback_due_on = add_working_days(timezone.localdate(now), ticket.callback_limit_days).due_date
    transition(ticket=ticket, action=TicketAction.APPROVE_REPLY, actor=actor, note=ticket.public_reply,
               extra_fields=("public_reply", "public_reply_at", "callback_due_on"))
    actions.after_reply_published(ticket)
    return ticket


# ------------------------------------------------------------------------------------- callbacks

def callback_errors(*, reached: bool, resolved: str, satisfaction: str, note: str) -> list[FieldError]:
    errors = text_errors(note, field="note", label="回访记录", max_length=MAX_TEXT)
    if reached:
        if resolved not in CallbackResolved.values:
            errors.append(FieldError("resolved", "invalid_choice", "请选择是否解决：已解决、部分解决或未解决。"))
        if satisfaction not in SatisfactionLevel.values:
            errors.append(FieldError("satisfaction", "invalid_choice", "请选择满意度（五级）。"))
    return errors


@transaction.atomic
def ticket_callback(*, actor, ticket: Ticket, reached: bool, resolved: str = "", satisfaction: str = "",
                    note: str = "", close_as: str = "", close_text: str = "") -> TicketCallback:
    """Record a callback (回访); optionally close the ticket with the closure and its text, or send
    it back for rework when the caller says it is not resolved."""
    lock_ticket(ticket)
    errors = callback_errors(reached=reached, resolved=resolved, satisfaction=satisfaction, note=note)
    if close_as and close_as not in Closure.values:
        errors.append(FieldError("close_as", "invalid_choice", "办结类型应为已解决、部分解决或已解释说明。"))
    if close_as:
        errors += text_errors(close_text, field="close_text", label="办结说明", max_length=MAX_TEXT, required=True)
    if errors:
        raise ValidationFailed(errors)
    if ticket.status != TicketStatus.PENDING_CALLBACK:
        raise DomainError("只有待回访的工单可以登记回访。", code=ErrorCode.CALLBACK_NOT_DUE)
    callback = TicketCallback.objects.create(
        ticket=ticket, source=CallbackSource.PHONE, reached=reached, resolved=resolved if reached else "",
        satisfaction=satisfaction if reached else "", note=(note or "").strip(), by=actor)
    add_event(ticket=ticket, actor=actor, action="callback", note=note or ("已联系到来电人" if reached else "未联系到来电人"))
    if close_as:
        _close(ticket=ticket, actor=actor, closure=close_as, text=close_text)
    elif reached and resolved == CallbackResolved.UNRESOLVED:
        transition(ticket=ticket, action=TicketAction.REWORK, actor=actor, note=note or "回访未解决，退回重办")
    return callback


def _close(*, ticket: Ticket, actor, closure: str, text: str) -> Ticket:
    now = timezone.now()
    ticket.closure, ticket.closed_at = closure, now
    ticket.callback_overdue = bool(ticket.callback_due_on and timezone.localdate(now) > ticket.callback_due_on)
    transition(ticket=ticket, action=TicketAction.CLOSE, actor=actor, note=text.strip(),
               extra_fields=("closure", "closed_at", "callback_overdue"), details={"closure": closure})
    actions.after_ticket_closed(ticket)
    return ticket


@transaction.atomic
def ticket_close(*, actor, ticket: Ticket, closure: str, text: str) -> Ticket:
    """Close after the callback; text is required (what was done or explained)."""
    lock_ticket(ticket)
    text = require_text(text, field="text", label="办结说明")
    if closure not in Closure.values:
        raise ValidationFailed([FieldError("closure", "invalid_choice", "办结类型应为已解决、部分解决或已解释说明。")])
    return _close(ticket=ticket, actor=actor, closure=closure, text=text)


@transaction.atomic
def ticket_request_reopen(*, actor, ticket: Ticket, reason: str) -> Ticket:
    lock_ticket(ticket)
    reason = require_text(reason, field="reason", label="申请重启的理由")
    return transition(ticket=ticket, action=TicketAction.REQUEST_REOPEN, actor=actor, note=reason)


@transaction.atomic
def ticket_decide_reopen(*, actor, ticket: Ticket, reopen: bool, note: str) -> Ticket:
    """A person decides: reopen (back to the unit for rework, the clock restarts) or keep closed."""
    lock_ticket(ticket)
    note = require_text(note, field="note", label="决定理由")
    if not reopen:
        return transition(ticket=ticket, action=TicketAction.REFUSE_REOPEN, actor=actor, note=note)
    ticket.closure, ticket.closed_at = "", None
    due = add_working_days(_today(), ticket.handling_limit_days or 5)
    ticket.due_on, ticket.due_provisional = due.due_date, due.provisional
    ticket.reply_overdue, ticket.reply_overdue_days, ticket.callback_overdue = None, None, None
    return transition(ticket=ticket, action=TicketAction.REOPEN, actor=actor, note=note,
                      extra_fields=("closure", "closed_at", "due_on", "due_provisional", "reply_overdue",
                                    "reply_overdue_days", "callback_overdue"))


def in_unit_hands(ticket: Ticket) -> bool:
    return ticket.status in UNIT_STATUSES
