"""12345 hotline API under /api/v1/hotline/: intake (citizens and agents), tickets as the caller's
audience may see them, one endpoint per action, duplicate and dispatch suggestions, the catalogue,
and the indicators. Errors leave as {"code", "message", "detail"}."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Literal

from django.utils import timezone
from ninja import Query, Router, Schema, Status
from pydantic import Field

from yiwang.accounts.auth import session_or_token
from yiwang.core.errors import MAX_DB_ID, FieldError, NotFound, PermissionDenied, ValidationFailed
from yiwang.hotline import services
from yiwang.hotline.access import (
    access_ticket_by_id,
    caller_for,
    can_see_indicators,
    is_agent,
    is_supervisor,
    ticket_actions_for,
    tickets_for_unit,
)
from yiwang.hotline.constants import Channel, TicketAction, TicketStatus, TicketType, Urgency
from yiwang.hotline.models import Ticket
from yiwang.hotline.selectors import active_items, clock_of, indicators, item_for_intake, nearby_open_tickets
from yiwang.hotline.services.commands import ticket_act
from yiwang.hotline.services.routing import route, suggest_item
from yiwang.orgs.selectors import division_by_code, organisations_by_ids

router = Router(tags=["hotline"], auth=session_or_token)
DbId = Annotated[int, Field(ge=1, le=MAX_DB_ID)]
Lat = Annotated[float, Field(ge=-90, le=90)]
Lng = Annotated[float, Field(ge=-180, le=180)]
Code = Annotated[str, Field(max_length=40)]


class TicketIn(Schema):
    ticket_type: Literal[tuple(TicketType.values)] = TicketType.COMPLAINT  # type: ignore[valid-type]
    urgency: Literal[tuple(Urgency.values)] = Urgency.NORMAL  # type: ignore[valid-type]
    channel: Literal[tuple(Channel.values)] | None = None  # type: ignore[valid-type]
    title: str = Field("", max_length=100)
    description: str = Field(..., max_length=4000)
    service_code: Code = ""
    district: str = Field("", max_length=20, description="区划代码，如 610113")
    street: str = Field("", max_length=20, description="街道的平台代码，如 610113J01")
    address: str = Field("", max_length=255)
    lat: Lat | None = None
    lng: Lng | None = None
    datum: Literal["wgs84", "gcj02"] = "wgs84"
    caller_name: str = Field("", max_length=50)
    caller_phone: str = Field("", max_length=20)
    confidential: bool = False
    anonymous: bool = True
    not_emergency: bool = Field(False, description="已确认不是紧急情况（含紧急词语时必须为 true）")


class ClockOut(Schema):
    due_on: date | None
    remaining_working_days: int | None
    colour: str
    label: str


class TicketOut(Schema):
    id: int
    number: str
    status: str
    status_label: str
    ticket_type: str
    urgency: str
    title: str
    description: str
    service_code: str | None
    unit: str | None
    auto_dispatched: bool
    received_at: str
    public_reply: str
    clock: ClockOut
    caller_name: str
    caller_phone: str
    actions: list[str]
    lookup_code: str | None = None


class ActionIn(Schema):
    text: str = Field("", max_length=2000)
    reason: str = Field("", max_length=2000)
    note: str = Field("", max_length=2000)
    public_text: str = Field("", max_length=2000)
    unit_id: DbId | None = None
    co_unit_ids: list[DbId] = Field(default_factory=list, max_length=10)
    service_code: Code = ""
    master: str = Field("", max_length=24, description="并单：主单工单编号")
    parts: list[Annotated[str, Field(max_length=4000)]] = Field(default_factory=list, max_length=10)
    reached: bool = True
    resolved: Literal["", "resolved", "partly", "unresolved"] = ""
    satisfaction: Literal["", "very_satisfied", "satisfied", "basically_satisfied", "dissatisfied", "very_dissatisfied"] = ""
    close_as: Literal["", "resolved", "partly", "explained"] = ""
    close_text: str = Field("", max_length=2000)
    closure: Literal["", "resolved", "partly", "explained"] = ""
    kind: Literal["", "reminder", "supervision", "bulletin", "priority"] = ""
    days: int = Field(0, ge=0, le=60)
    handler: DbId | None = None


ActionName = Literal[(*TicketAction.values, "callback", "remind", "extension", "co_opinion", "rate", "split")]  # type: ignore[valid-type]


class DuplicateOut(Schema):
    number: str
    title: str
    status: str
    distance_m: int


class SuggestionOut(Schema):
    service_code: str | None
    unit_id: int | None
    unit: str | None
    co_units: list[str]
    confidence: float
    automatic: bool
    reason: str


class ServiceOut(Schema):
    service_code: str
    name: str
    group: str
    allowed_types: list[str]
    functional: bool


class IndicatorsOut(Schema):
    start: date
    end: date
    received: int
    dispatched: int
    answered_directly: int
    response_rate: float | None
    on_time_rate: float | None
    resolution_rate: float | None
    satisfaction_rate: float | None
    callbacks: int


def _out(ticket: Ticket, actor, audience: str) -> dict:
    clock = clock_of(ticket)
    caller = caller_for(ticket=ticket, audience=audience)
    return {"id": ticket.pk, "number": ticket.number, "status": ticket.status, "status_label": ticket.get_status_display(),
            "ticket_type": ticket.ticket_type, "urgency": ticket.urgency, "title": ticket.title,
            "description": ticket.description, "service_code": ticket.item.service_code if ticket.item_id else None,
            "unit": ticket.primary_unit.name if ticket.primary_unit_id else None, "auto_dispatched": ticket.auto_dispatched,
            "received_at": timezone.localtime(ticket.received_at).isoformat(),
            "public_reply": ticket.merged_into.public_reply if ticket.merged_into_id else ticket.public_reply,
            "clock": {"due_on": clock.due_on, "remaining_working_days": clock.remaining, "colour": clock.colour,
                      "label": clock.label},
            "caller_name": caller["name"], "caller_phone": caller["phone"],
            "actions": sorted(ticket_actions_for(actor=actor, ticket=ticket, audience=audience)),
            "lookup_code": ticket.lookup_code if audience in ("caller", "agent") else None}


def _division(code: str, field: str):
    """Divisions are reference data that change a few times a year; intake looks them up on every
    request, so each process keeps them like the catalogue (catalogue_cache)."""
    if not code:
        return None
    from yiwang.hotline.catalogue_cache import cached

    division = cached(("division", code), lambda: division_by_code(code))
    if division is None:
        raise ValidationFailed([FieldError(field, "unknown_division", f"未找到区划代码 {code}。")])
    return division


def _item(code: str):
    if not code:
        return None
    item = item_for_intake(code)
    if item is None:
        raise ValidationFailed([FieldError("service_code", "unknown_service", f"派单目录中没有服务编码 {code}。")])
    return item


@router.post("/tickets", response={201: TicketOut}, summary="提交诉求（自动派单）")
def create_ticket(request, payload: TicketIn):
    """Citizens file for themselves (web/mobile); agents take calls (phone, SMS, letter, leader's
    instruction). With a confident routing rule the ticket comes back already dispatched."""
    user = request.auth
    agent = is_agent(user)
    channel = payload.channel or (Channel.PHONE if agent else Channel.WEB)
    if not agent and channel not in (Channel.WEB, Channel.MOBILE):
        raise PermissionDenied("只有话务员可以登记电话、短信、来信等渠道的诉求。", code="channel_not_allowed")
    location = services.Location(payload.lat, payload.lng, payload.datum) if payload.lat is not None or payload.lng is not None else None
    ticket = services.ticket_submit(
        actor=user, channel=channel, ticket_type=payload.ticket_type, urgency=payload.urgency, title=payload.title,
        description=payload.description, item=_item(payload.service_code), district=_division(payload.district, "district"),
        street=_division(payload.street, "street"), address=payload.address, location=location,
        caller_name=payload.caller_name if agent else "", caller_phone=payload.caller_phone if agent else "",
        caller_user=None if agent else user, confidential=payload.confidential, anonymous=payload.anonymous,
        emergency_confirmed=payload.not_emergency)
    # The ticket in hand is what was just written; its audience is known (no second read).
    return Status(201, _out(ticket, user, "agent" if agent else "caller"))


@router.get("/tickets", response=list[TicketOut], summary="工单列表（按身份范围）")
def list_tickets(request, status: Literal[tuple(TicketStatus.values)] | None = None,  # type: ignore[valid-type]
                 limit: int = Query(50, ge=1, le=200)):
    user = request.auth
    if is_agent(user) or is_supervisor(user):
        qs, audience = Ticket.objects.all(), "agent" if is_agent(user) else "supervisor"
    else:
        qs, audience = tickets_for_unit(user), None
        if not qs.exists():
            qs, audience = Ticket.objects.filter(caller_user=user), "caller"
    if status:
        qs = qs.filter(status=status)
    rows = []
    for t in qs.select_related("item", "primary_unit", "merged_into").prefetch_related("handlers").order_by("-received_at")[:limit]:
        ticket, aud = access_ticket_by_id(actor=user, ticket_id=t.pk) if audience is None else (t, audience)
        rows.append(_out(ticket, user, aud))
    return rows


@router.get("/tickets/{ticket_id}", response=TicketOut, summary="工单详情")
def get_ticket(request, ticket_id: DbId):
    ticket, audience = access_ticket_by_id(actor=request.auth, ticket_id=ticket_id)
    return _out(ticket, request.auth, audience)


@router.post("/tickets/{ticket_id}/actions/{action}", response=TicketOut, summary="对工单执行操作")
def act(request, ticket_id: DbId, action: ActionName, payload: ActionIn):
    ticket, audience = access_ticket_by_id(actor=request.auth, ticket_id=ticket_id)
    units = organisations_by_ids([payload.unit_id]) if payload.unit_id else []
    data = {**payload.dict(), "unit": units[0] if units else None,
            "co_units": organisations_by_ids(payload.co_unit_ids) if payload.co_unit_ids else [],
            "item": _item(payload.service_code)}
    ticket_act(actor=request.auth, ticket=ticket, action=action, data=data, audience=audience)
    ticket, audience = access_ticket_by_id(actor=request.auth, ticket_id=ticket_id)
    return _out(ticket, request.auth, audience)


@router.get("/duplicates", response=list[DuplicateOut], summary="附近未办结的同类工单")
def duplicates(request, lat: Lat, lng: Lng, service_code: Code, radius_m: int = Query(500, ge=10, le=5000)):
    item = _item(service_code)
    return [{"number": d["ticket"].number, "title": d["ticket"].title, "status": d["ticket"].status, "distance_m": d["distance"]}
            for d in nearby_open_tickets(lat=lat, lng=lng, item=item, radius_m=radius_m)]


@router.get("/suggestion", response=SuggestionOut, summary="派单建议")
def suggestion(request, description: str = Query(..., max_length=4000), service_code: Code = "",
               district: str = Query("", max_length=20), street: str = Query("", max_length=20)):
    if not is_agent(request.auth):
        raise NotFound("未找到该资源。")
    item, confidence = (_item(service_code), 1.0) if service_code else suggest_item(description)
    s = route(item=item, district=_division(district, "district"), street=_division(street, "street"), description=description)
    s.confidence = min(s.confidence, confidence)
    return {"service_code": item.service_code if item else None, "unit_id": s.unit.pk if s.unit else None,
            "unit": s.unit.name if s.unit else None, "co_units": [u.name for u in s.co_units],
            "confidence": round(s.confidence, 2), "automatic": s.automatic, "reason": s.reason}


@router.get("/catalogue", response=list[ServiceOut], summary="派单目录")
def catalogue(request):
    return [{"service_code": i.service_code, "name": i.name, "group": i.classification.top.name,
             "allowed_types": i.allowed_types, "functional": i.functional} for i in active_items()]


@router.get("/indicators", response=IndicatorsOut, summary="热线指标")
def indicator_figures(request, start: date | None = None, end: date | None = None):
    if not can_see_indicators(request.auth):
        raise NotFound("未找到该资源。")
    end = end or timezone.localdate()
    start = start or end - timedelta(days=89)
    if start > end or (end - start).days > 800 or start.year < 2004:
        raise ValidationFailed([FieldError("start", "range_invalid", "统计区间应为不超过 800 天、起日不晚于止日的日期。")])
    return {"start": start, "end": end, **indicators(start=start, end=end)}
