"""Appointments API: the halls, slots of a hall and item by date, book, my bookings, change,
cancel; a hall's queue now (public). Errors leave as {"code", "message", "detail"} with stable
codes naming the field (yiwang.appointments.constants.ErrorCode)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from django.utils import timezone
from ninja import Query, Router, Schema, Status
from pydantic import Field

from yiwang.accounts.auth import session_or_token
from yiwang.appointments import selectors, services
from yiwang.appointments.access import access_booking_by_id, access_hall_by_code, booking_actions_for
from yiwang.appointments.constants import MAX_REASON, Channel, ErrorCode
from yiwang.core.errors import MAX_DB_ID, FieldError, NotFound, ValidationFailed

router = Router(tags=["appointments"], auth=session_or_token)

DbId = Annotated[int, Field(ge=1, le=MAX_DB_ID)]
HallCode = Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[a-z0-9-]+$")]


class ErrorOut(Schema):
    code: str
    message: str
    detail: Any = None


ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}


class HallOut(Schema):
    code: str
    organisation_id: int
    name: str
    address: str
    horizon_days: int


class ItemOut(Schema):
    id: int
    name: str
    agency: str
    weekend: bool = Field(description="周末不打烊：周末时段可约")


class SlotOut(Schema):
    id: int
    date: date
    starts_at: datetime
    ends_at: datetime
    kind: str = Field(description="regular 工作日 / extended 延时服务 / weekend 周末不打烊")
    window_group: str
    capacity: int
    remaining: int


class BookingIn(Schema):
    slot_id: DbId
    implementation_id: DbId


class ChangeIn(Schema):
    slot_id: DbId


class CancelIn(Schema):
    reason: str = Field("", max_length=MAX_REASON)


class BookingOut(Schema):
    id: int
    status: str
    status_label: str
    code: str = Field(description="签到用预约码（8 位数字），仅本人可见")
    item: str
    implementation_id: int
    hall: str
    organisation_id: int
    slot: SlotOut
    change_count: int
    can_change: bool
    can_cancel: bool
    ticket_number: str | None
    case_id: int | None


class StatusOut(Schema):
    queue_length: int
    average_wait_minutes: float | None
    served_today: int
    over_limit_share: float | None
    wait_limit_minutes: int


def _slot(s) -> dict:
    return {"id": s.pk, "date": s.service_date, "starts_at": s.starts_at, "ends_at": s.ends_at, "kind": s.kind,
            "window_group": s.window_group.name, "capacity": s.capacity, "remaining": s.remaining}


def _booking(b, actor) -> dict:
    hall = selectors.hall_of_organisation(b.organisation_id)
    actions = booking_actions_for(actor=actor, booking=b)
    ticket = getattr(b, "ticket", None)
    owner = getattr(actor, "pk", None) == b.applicant_id
    return {"id": b.pk, "status": b.status, "status_label": b.get_status_display(), "code": b.code if owner else "",
            "item": b.item_name,
            "implementation_id": b.implementation_id, "hall": hall.code if hall else "", "organisation_id": b.organisation_id,
            "slot": _slot(b.slot), "change_count": b.change_count, "can_change": "change" in actions,
            "can_cancel": "cancel" in actions, "ticket_number": ticket.number if ticket else None, "case_id": b.case_id}


def _hall_for(hall: str | None, organisation_id: int | None):
    if hall:
        return access_hall_by_code(hall)
    found = selectors.hall_of_organisation(organisation_id) if organisation_id else None
    if found is None or not found.is_active:
        if not organisation_id:
            raise ValidationFailed([FieldError("hall", ErrorCode.FIELD_REQUIRED, "请提供大厅代码 hall 或机构编号 organisation_id。")])
        raise NotFound("该机构未开通预约。", code=ErrorCode.HALL_NOT_FOUND, field="organisation_id")
    return found


@router.get("/halls", response={200: list[HallOut], **ERRORS}, auth=None, summary="可预约取号的服务大厅")
def halls(request):
    return [{"code": h.code, "organisation_id": h.organisation_id, "name": h.organisation.name,
             "address": h.organisation.address, "horizon_days": h.horizon_days} for h in selectors.halls_for_booking()]


@router.get("/halls/{code}/items", response={200: list[ItemOut], **ERRORS}, auth=None, summary="大厅可预约的事项")
def hall_items(request, code: HallCode):
    return selectors.hall_items(access_hall_by_code(code))


@router.get("/halls/{code}/status", response={200: StatusOut, **ERRORS}, auth=None,
            summary="大厅当前排队人数与今日平均等候（时限 1 小时）")
def hall_status(request, code: HallCode):
    hall = access_hall_by_code(code)
    return selectors.outlet_status(hall)


class SlotQuery(Schema):
    implementation_id: DbId
    date: date
    hall: HallCode | None = None
    organisation_id: DbId | None = None


@router.get("/slots", response={200: list[SlotOut], **ERRORS}, auth=None, summary="某大厅某事项某日的可约时段")
def slots(request, q: Query[SlotQuery]):
    hall = _hall_for(q.hall, q.organisation_id)
    if selectors.item_facts(q.implementation_id) is None:
        raise NotFound("该事项不存在或未发布。", code=ErrorCode.ITEM_NOT_OFFERED, field="implementation_id")
    today = timezone.localdate()
    if not 0 <= (q.date - today).days <= hall.horizon_days:
        raise ValidationFailed([FieldError("date", ErrorCode.FIELD_INVALID,
                                           f"日期应在今天至 {hall.horizon_days} 天后之间（{today} 起）。")])
    return [_slot(s) for s in selectors.bookable_slots(hall=hall, implementation_id=q.implementation_id, on=q.date)]


@router.post("/bookings", response={201: BookingOut, **ERRORS}, summary="预约（占用一个号源）")
def book(request, payload: BookingIn):
    booking = services.booking_create(actor=request.auth, slot_id=payload.slot_id, implementation_id=payload.implementation_id,
                                      channel=Channel.API)
    return Status(201, _booking(booking, request.auth))


@router.get("/bookings", response={200: list[BookingOut], **ERRORS}, summary="我的预约（新近在前）")
def my_bookings(request):
    return [_booking(b, request.auth) for b in selectors.bookings_of(request.auth)[:100]]


@router.get("/bookings/{booking_id}", response={200: BookingOut, **ERRORS}, summary="预约详情")
def booking(request, booking_id: DbId):
    return _booking(access_booking_by_id(actor=request.auth, booking_id=booking_id), request.auth)


@router.post("/bookings/{booking_id}/change", response={200: BookingOut, **ERRORS}, summary="改约到同一大厅同一事项的其他时段")
def change(request, booking_id: DbId, payload: ChangeIn):
    b = access_booking_by_id(actor=request.auth, booking_id=booking_id)
    return _booking(services.booking_change(actor=request.auth, booking=b, slot_id=payload.slot_id), request.auth)


@router.post("/bookings/{booking_id}/cancel", response={200: BookingOut, **ERRORS}, summary="取消预约")
def cancel(request, booking_id: DbId, payload: CancelIn):
    b = access_booking_by_id(actor=request.auth, booking_id=booking_id)
    return _booking(services.booking_cancel(actor=request.auth, booking=b, reason=payload.reason), request.auth)
