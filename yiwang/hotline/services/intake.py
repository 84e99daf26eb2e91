"""Intake on every channel: validate everything at once, refer emergencies, write the ticket,
accept it, and dispatch it automatically when a routing rule is confident (else it waits for an
agent in 待派单)."""

from __future__ import annotations

import math
import secrets
from dataclasses import dataclass

from django.apps import apps
from django.db import IntegrityError, transaction
from django.utils import timezone

from yiwang.core.audit import actor_fields, build_event, record_event
from yiwang.core.crypto import blind_index
from yiwang.core.errors import DomainError, FieldError, ValidationFailed
from yiwang.core.geo import gcj02_to_wgs84, valid_wgs84
from yiwang.hotline import actions, emergency
from yiwang.hotline.constants import Channel, ErrorCode, TicketAction, TicketStatus, TicketType, Urgency
from yiwang.hotline.lifecycle import next_status
from yiwang.hotline.models import (
    MAX_ADDRESS,
    MAX_DESCRIPTION,
    MAX_TITLE,
    CatalogueItem,
    Classification,
    EmergencyReferral,
    Ticket,
    TicketEvent,
    TicketHandler,
)
from yiwang.hotline.services.common import text_errors
from yiwang.hotline.services.routing import route, suggest_item
from yiwang.notifications.services import after_outbound_saved

PHONE_PURPOSE = "hotline-caller-phone"


@dataclass
class Location:
    lat: float | None = None
    lng: float | None = None
    datum: str = "wgs84"  # or "gcj02" (Chinese map apps); stored as WGS84


def _number() -> str:
    # Day + 8 random digits: at 10,000 tickets a day about one clash every two days, which the
    # insert detects (unique constraint) and retries; numbers reveal nothing about volumes.
    return f"{timezone.localdate():%Y%m%d}{secrets.randbelow(10**8):08d}"


def normalise_phone(phone: str) -> str:
    return "".join(ch for ch in (phone or "") if ch.isdigit() or ch == "+")


def intake_errors(*, ticket_type: str, urgency: str, channel: str, title: str, description: str, address: str,
                  caller_name: str, caller_phone: str, location: Location | None) -> list[FieldError]:
    errors: list[FieldError] = []
    if ticket_type not in TicketType.values:
        errors.append(FieldError("ticket_type", "invalid_choice", "请选择诉求类型：咨询、求助、投诉、举报、建议或表扬。"))
    if urgency not in Urgency.values:
        errors.append(FieldError("urgency", "invalid_choice", "紧急程度应为一般、紧急或特急。"))
    if channel not in Channel.values:
        errors.append(FieldError("channel", "invalid_choice", "受理渠道无效。"))
    errors += text_errors(title, field="title", label="标题", max_length=MAX_TITLE, multiline=False)
    errors += text_errors(description, field="description", label="诉求内容", max_length=MAX_DESCRIPTION, required=True)
    errors += text_errors(address, field="address", label="地址", max_length=MAX_ADDRESS, multiline=False)
    errors += text_errors(caller_name, field="caller_name", label="来电人姓名", max_length=50, multiline=False)
    phone = normalise_phone(caller_phone)
    if caller_phone and not 5 <= len(phone) <= 20:
        errors.append(FieldError("caller_phone", "phone_format", "联系电话应为 5 至 20 位数字，例如 13909110001 或 029-12345678。"))
    if location and (location.lat is not None or location.lng is not None):
        if location.lat is None or location.lng is None:
            errors.append(FieldError("lat", "location_incomplete", "经纬度须同时提供纬度和经度。"))
        elif not (isinstance(location.lat, (int, float)) and isinstance(location.lng, (int, float))) or \
                math.isinf(location.lat) or math.isinf(location.lng) or not valid_wgs84(location.lat, location.lng):
            errors.append(FieldError("lat", "location_invalid", "经纬度超出范围：纬度 -90 至 90，经度 -180 至 180。"))
        if location.datum not in ("wgs84", "gcj02"):
            errors.append(FieldError("datum", "invalid_choice", "坐标系应为 wgs84 或 gcj02。"))
    return errors


@transaction.atomic
def emergency_refer(*, actor, line: str, summary: str, keywords: str = "") -> EmergencyReferral:
    """The agent confirms that the call belongs to an emergency line and transfers it."""
    errors = text_errors(summary, field="summary", label="来电摘要", max_length=200, required=True, multiline=False)
    if line not in emergency.MESSAGES:
        errors.append(FieldError("line", "invalid_choice", "请选择 110、119、120 或 122。"))
    if errors:
        raise ValidationFailed(errors)
    referral = EmergencyReferral.objects.create(line=line, summary=summary.strip(), keywords=keywords[:200], agent=actor)
    record_event(actor=actor, action="hotline.emergency_referred", obj=referral, details={"line": line})
    return referral


def ticket_submit(**kwargs) -> Ticket:
    """A new ticket, accepted, and then: answered at once (`answer_text`, consultations), dispatched
    to the agent's chosen `unit`, or dispatched automatically when the routing is confident.

    On its own (the API, pages) the write is one transaction without a savepoint, retried whole in
    the rare case that the random number is taken; inside a caller's transaction (a split, an
    appeal, the demo) the insert takes a savepoint instead, so a clash never aborts the caller."""
    connection = transaction.get_connection()
    if connection.in_atomic_block:
        with transaction.atomic():
            return _ticket_submit(savepoint=True, **kwargs)
    # PostgreSQL: the rows in one statement (one_statement.py), inside a transaction because the
    # audit events' numbers must roll back with them (yiwang/core/audit.py); elsewhere the ORM.
    one_statement = connection.vendor == "postgresql" and not kwargs.get("answer_text")  # answers write more after
    for attempt in range(3):
        try:
            with transaction.atomic():
                return _ticket_submit(savepoint=False, one_statement=one_statement, **kwargs)
        except IntegrityError as exc:
            if "number" not in str(exc) or attempt == 2:
                raise
    raise AssertionError("unreachable")  # pragma: no cover


def _ticket_submit(
    *, savepoint: bool, one_statement: bool = False, actor, channel: str, ticket_type: str, description: str, title: str = "",
    urgency: str = Urgency.NORMAL,
    item: CatalogueItem | None = None, classification: Classification | None = None, district=None, street=None,
    address: str = "", location: Location | None = None, caller_name: str = "", caller_phone: str = "",
    caller_user=None, confidential: bool = False, anonymous: bool = True, emergency_confirmed: bool = False,
    attributes: dict | None = None, media_url: str = "", external_account: str = "", dispatch: bool = True,
    parent: Ticket | None = None, unit=None, co_units=(), answer_text: str = "",
) -> Ticket:
    errors = intake_errors(ticket_type=ticket_type, urgency=urgency, channel=channel, title=title,
                           description=description, address=address, caller_name=caller_name,
                           caller_phone=caller_phone, location=location)
    if item is not None and item.allowed_types and ticket_type in TicketType.values and ticket_type not in item.allowed_types:
        allowed = "、".join(TicketType(t).label for t in item.allowed_types)
        errors.append(FieldError("item", ErrorCode.TYPE_NOT_ALLOWED, f"“{item.name}”只受理{allowed}类诉求，请改选诉求类型或事项。"))
    if errors:
        raise ValidationFailed(errors)
    found = emergency.detect(f"{title} {description}")
    if found and not emergency_confirmed:
        lines = [line for line, _ in found]
        raise DomainError(emergency.message_for(lines), code=ErrorCode.EMERGENCY_UNCONFIRMED,
                          detail={"lines": lines, "keywords": [k for _, k in found]})

    lat = lng = None
    if location and location.lat is not None:
        lat, lng = float(location.lat), float(location.lng)
        if location.datum == "gcj02":
            lat, lng = gcj02_to_wgs84(lat, lng)
    item_confidence = 1.0
    if item is None:
        item, item_confidence = suggest_item(f"{title} {description}", ticket_type=ticket_type)
    if caller_user is not None and not caller_phone:
        caller_phone = getattr(caller_user, "phone", "") or ""
        caller_name = caller_name or getattr(caller_user, "real_name", "") or ""
    phone = normalise_phone(caller_phone)
    now = timezone.now()
    ticket = Ticket(
        channel=channel, ticket_type=ticket_type, urgency=urgency, status=TicketStatus.RECEIVED,
        title=(title or description.strip().splitlines()[0])[:MAX_TITLE].strip(), description=description.strip(),
        item=item, classification_id=classification.pk if classification else (item.classification_id if item else None),
        district=district, street=street, address=address.strip(), lat=lat, lng=lng, caller_name=caller_name.strip(),
        caller_phone=phone, caller_phone_index=blind_index(phone, purpose=PHONE_PURPOSE) if phone else "",
        caller_user=caller_user, confidential=confidential, anonymous=anonymous, attributes=attributes or {},
        media_url=media_url, external_account=external_account[:100], agent=actor if channel == Channel.PHONE else None,
        received_at=now, accepted_at=now, lookup_code=f"{secrets.randbelow(10**6):06d}", parent=parent,
    )
    # The story so far, written in one go after the insert: submitted, accepted (the table decides
    # each step), then dispatched or queued. (from, to, action, note, public, unit name, details)
    steps = [("", TicketStatus.RECEIVED, "submit", f"经{Channel(channel).label}受理", True, "", {"channel": channel})]
    ticket.status = next_status(TicketStatus.RECEIVED, TicketAction.ACCEPT)
    steps.append((TicketStatus.RECEIVED, ticket.status, TicketAction.ACCEPT, "", True, "", {}))
    handlers: list = []
    if not answer_text and (unit is not None or dispatch):
        from yiwang.hotline.services.workflow import prepare_dispatch

        queue_note = ""
        if unit is None:
            suggestion = route(item=item, district=district, street=street, description=description)
            # A guessed item is only as sure as the guess: both must be confident to dispatch alone.
            suggestion.confidence = min(suggestion.confidence, item_confidence)
            chosen = (suggestion.unit, suggestion.co_units, True, suggestion.reason) if suggestion.automatic else None
            queue_note = suggestion.reason
        else:
            chosen = (unit, co_units, False, "包抓领导现场协调" if channel == Channel.ENTERPRISE else "话务员派单")
        old = ticket.status
        if chosen:
            handlers, text, details = prepare_dispatch(ticket=ticket, unit=chosen[0], co_units=chosen[1], auto=chosen[2],
                                                       note=chosen[3])
            ticket.status = next_status(old, TicketAction.DISPATCH)
            steps.append((old, ticket.status, TicketAction.DISPATCH, text, True, chosen[0].name, details))
        else:
            ticket.status = next_status(old, TicketAction.QUEUE)
            steps.append((old, ticket.status, TicketAction.QUEUE, queue_note or "待人工派单", False, "", {}))
    actor_id, label = actor_fields(actor)
    actor_id = actor_id if not isinstance(actor, str) else None

    first = {"type": ticket_type, "item": item.service_code if item else ""}

    def rows():
        events = [TicketEvent(ticket=ticket, occurred_at=now, action=str(action), from_status=old, to_status=new,
                              actor_id=actor_id, actor_label=label, unit_name=unit_name, note=note, public=public)
                  for old, new, action, note, public, unit_name, _d in steps]
        audits = [build_event(actor=actor, obj=ticket, action="hotline.ticket.submitted" if action == "submit"
                              else f"hotline.ticket.{action}",
                              details={"from": old, "to": new, **d, **(first if action == "submit" else {})})
                  for old, new, action, _n, _p, _u, d in steps]
        for handler in handlers:
            handler.ticket = ticket
        # The audit and notification rows are built by their apps (build_event, the notice) and
        # only inserted here with the rest, in one statement (ADR 0007's exception, as in cases).
        return [(TicketEvent, events), (apps.get_model("core", "AuditEvent"), audits), (TicketHandler, handlers),
                (apps.get_model("notifications", "Notification"), actions.acceptance_notifications(ticket))]

    if one_statement:
        from yiwang.hotline.one_statement import insert_all, next_id

        ticket.pk, ticket.number = next_id(Ticket), _number()
        groups = rows()
        insert_all([(Ticket, [ticket]), *groups])
    else:
        if savepoint:
            _insert_numbered(ticket)
        else:
            ticket.number = _number()
            ticket.save(force_insert=True)
        groups = rows()
        for model, objs in groups:
            if objs:
                model.objects.bulk_create(objs)
    after_outbound_saved(groups[-1][1])
    if answer_text:
        from yiwang.hotline.services.workflow import ticket_answer

        return ticket_answer(actor=actor, ticket=ticket, text=answer_text)
    return ticket


def _insert_numbered(ticket: Ticket) -> None:
    for _attempt in range(5):
        ticket.number = _number()
        try:
            with transaction.atomic():
                ticket.save(force_insert=True)
            return
        except IntegrityError:
            ticket.pk = None
    raise DomainError("工单编号生成失败，请重试。", code="ticket_number_exhausted")  # pragma: no cover
