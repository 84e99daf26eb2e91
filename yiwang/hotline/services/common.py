"""Pieces every ticket write shares: input checks, the one transition function, the timeline."""

from __future__ import annotations

from django.utils import timezone

from yiwang.core.audit import actor_fields, record_event
from yiwang.core.errors import FieldError, ValidationFailed
from yiwang.hotline.constants import ErrorCode
from yiwang.hotline.lifecycle import next_status
from yiwang.hotline.models import Ticket, TicketEvent


def has_control_characters(value: str) -> bool:
    return any((ord(ch) < 32 and ch not in "\n\r\t") or ord(ch) == 127 for ch in value)


def text_errors(value: str | None, *, field: str, label: str, max_length: int, required: bool = False,
                multiline: bool = True) -> list[FieldError]:
    value = value or ""
    if required and not value.strip():
        return [FieldError(field, ErrorCode.TEXT_REQUIRED, f"请填写{label}。")]
    if len(value) > max_length:
        return [FieldError(field, "too_long", f"{label}最多 {max_length} 个字，当前为 {len(value)} 个字。")]
    if has_control_characters(value) or (not multiline and ("\n" in value or "\r" in value)):
        return [FieldError(field, "control_characters", f"{label}含有不可见的控制字符，请删除后重新输入。")]
    return []


def require_text(value: str | None, *, field: str, label: str, max_length: int = 2000) -> str:
    errors = text_errors(value, field=field, label=label, max_length=max_length, required=True)
    if errors:
        raise ValidationFailed(errors)
    return value.strip()


def add_event(*, ticket: Ticket, actor, action: str, note: str = "", public: bool = False, from_status: str = "",
              to_status: str = "", unit_name: str = "") -> TicketEvent:
    actor_id, label = actor_fields(actor)
    return TicketEvent.objects.create(
        ticket=ticket, occurred_at=timezone.now(), action=action, from_status=from_status, to_status=to_status,
        actor_id=actor_id if actor_id and not isinstance(actor, str) else None, actor_label=label,
        unit_name=unit_name, note=note, public=public)


def transition(*, ticket: Ticket, action: str, actor, note: str = "", public: bool = True,
               extra_fields: tuple[str, ...] = (), details: dict | None = None, unit_name: str = "") -> Ticket:
    """Apply `action` to a ticket the caller has locked: table check, save, timeline row, audit."""
    old = ticket.status
    ticket.status = next_status(old, action)
    ticket.save(update_fields=["status", "updated_at", *extra_fields])
    add_event(ticket=ticket, actor=actor, action=action, note=note, public=public, from_status=old,
              to_status=ticket.status, unit_name=unit_name)
    record_event(actor=actor, action=f"hotline.ticket.{action}", obj=ticket,
                 details={"from": old, "to": ticket.status, "note": note[:200], **(details or {})})
    return ticket
