"""The service-map API, mounted at /api/v1/servicemap.

Public reads: the outlets nearest a point (optionally for one item, of one kind, with one
facility), outlets by district, one outlet with its hours, windows and items. Staff with a
planning role read the coverage of the service circle. Parameters out of range are refused with a
400 naming the field (`{"code", "message", "detail"}`, config/api.py); a missing or closed outlet
is a 404.
"""

from __future__ import annotations

from datetime import date
from enum import Enum
from typing import Any

from ninja import Field, Path, Query, Router, Schema

from yiwang.accounts.auth import session_or_token
from yiwang.core.errors import MAX_DB_ID, PermissionDenied
from yiwang.servicemap import access, selectors
from yiwang.servicemap.constants import (
    DEFAULT_RESULTS,
    MAX_PAGE_SIZE,
    MAX_RADIUS_KM,
    MAX_RESULTS,
    MIN_RADIUS_KM,
    QUERY_MAX,
    CoordinateSystem,
    Facility,
    OutletKind,
)
from yiwang.servicemap.districts import DISTRICTS
from yiwang.servicemap.opening_hours import DayHours, OpenState, clock

router = Router(tags=["servicemap"])

KindEnum = Enum("OutletKindValue", {k.value: k.value for k in OutletKind}, type=str)
FacilityEnum = Enum("FacilityValue", {f.value: f.value for f in Facility}, type=str)
CrsEnum = Enum("CoordinateSystemValue", {c.value: c.value for c in CoordinateSystem}, type=str)
DistrictEnum = Enum("DistrictCode", {f"d{code}": code for code in DISTRICTS}, type=str)


class ErrorOut(Schema):
    code: str
    message: str
    detail: Any = None


class PeriodOut(Schema):
    opens: str  # "9:00"
    closes: str  # "17:00", "24:00"
    extended: bool  # 延时服务


class DayOut(Schema):
    date: date
    day_type: str  # workday, weekend, holiday, makeup_workday
    rule: str  # regular, holiday, makeup, exception
    periods: list[PeriodOut]
    text: str
    note: str


class OpenStateOut(Schema):
    is_open: bool
    text: str
    closes_at: str | None
    next_opens_at: str | None


class QueueOut(Schema):
    waiting: int
    wait_minutes: int | None
    text: str


class OutletSummary(Schema):
    id: int
    name: str
    kind: str
    kind_label: str
    district_code: str
    district_name: str
    address: str
    phone: str
    lat: float  # WGS84
    lng: float
    url: str


class NearestOutletOut(OutletSummary):
    distance_m: float
    mode: str  # how the outlet takes the item asked for ("" without an item)
    today: DayOut
    open_now: OpenStateOut
    queue: QueueOut | None


class ItemRef(Schema):
    id: int
    name: str
    agency: str


class NearestOut(Schema):
    origin: dict[str, float]  # the point searched from, WGS84 {"lat", "lng"}
    item: ItemRef | None
    results: list[NearestOutletOut]


class ListEntryOut(OutletSummary):
    mode: str
    today: DayOut
    open_now: OpenStateOut


class OutletPageOut(Schema):
    total: int
    page: int
    page_size: int
    num_pages: int
    results: list[ListEntryOut]


class WindowOut(Schema):
    kind_label: str
    count: int
    note: str


class ItemGroupOut(Schema):
    mode: str
    label: str
    items: list[ItemRef]


class OutletDetailOut(OutletSummary):
    host: str
    directions: str
    notes: str
    facilities: list[str]
    gcj02: dict[str, float]
    hall_id: int | None
    attached_ids: list[int]
    locker_code: str
    open_now: OpenStateOut
    queue: QueueOut | None
    week: list[dict[str, str]]  # [{"days": "周一至周五", "hours": "9:00—12:00、13:00—17:00"}, …]
    next_days: list[DayOut]
    exceptions: list[DayOut]
    windows: list[WindowOut]
    items: list[ItemGroupOut]
    distance_m: float | None


class DistrictCoverageOut(Schema):
    code: str
    name: str
    minutes: int
    radius_m: float
    population: int
    covered: int
    share: float
    outlets: int


class CoverageOut(Schema):
    population: int
    covered: int
    share: float
    walking_speed_kmh: float
    detour_factor: float
    outlets: int
    points: int
    districts: list[DistrictCoverageOut]
    gaps: list[dict[str, float]]  # {"lng", "lat" (south-west corner), "size_deg", "population"}


# --- Payloads ----------------------------------------------------------------------------------


def _day(d: DayHours) -> dict:
    return {"date": d.day, "day_type": d.day_type, "rule": d.rule, "text": d.text, "note": d.note,
            "periods": [{"opens": clock(p.opens), "closes": clock(p.closes), "extended": p.extended} for p in d.periods]}


def _state(s: OpenState) -> dict:
    return {"is_open": s.is_open, "text": s.text, "closes_at": s.closes_at.isoformat() if s.closes_at else None,
            "next_opens_at": s.next_opens_at.isoformat() if s.next_opens_at else None}


def _queue(status) -> dict | None:
    return None if status is None else {"waiting": status.waiting, "wait_minutes": status.wait_minutes,
                                        "text": status.text}


def _summary(r) -> dict:
    return {"id": r.id, "name": r.name, "kind": r.kind, "kind_label": r.kind_label, "district_code": r.district_code,
            "district_name": r.district_name, "address": r.address, "phone": r.phone, "lat": r.lat, "lng": r.lng,
            "url": f"/map/outlets/{r.id}/"}


def _item(i) -> dict:
    return {"id": i.id, "name": i.name, "agency": i.agency_name}


# --- Operations --------------------------------------------------------------------------------

ERRORS = {400: ErrorOut, 404: ErrorOut}


class NearestQuery(Schema):
    lat: float = Field(..., ge=-90, le=90, description="纬度（度）")
    lng: float = Field(..., ge=-180, le=180, description="经度（度）")
    crs: CrsEnum = Field(CoordinateSystem.WGS84, description="坐标系：wgs84（卫星定位）或 gcj02（国内地图应用）")
    item: int | None = Field(None, ge=1, le=MAX_DB_ID, description="事项（实施清单）id：只返回可办理该事项的网点")
    kind: KindEnum | None = Field(None, description="网点类型")
    facility: FacilityEnum | None = Field(None, description="便民设施，例如 step_free（无障碍通道）")
    limit: int = Field(DEFAULT_RESULTS, ge=1, le=MAX_RESULTS, description="返回数量")
    radius_km: float | None = Field(None, ge=MIN_RADIUS_KM, le=MAX_RADIUS_KM, description="搜索半径（公里）")


@router.get("/outlets/nearest", response={200: NearestOut, **ERRORS}, summary="附近可办理的网点（按距离）")
def outlets_nearest(request, query: Query[NearestQuery]):
    """Outlets nearest the point, each with its straight-line distance in metres, today's hours,
    whether it is open now and, when known, its queue. Lockers are offered within 5 km only."""
    result = selectors.outlets_nearest(
        lat=query.lat, lng=query.lng, crs=query.crs.value, item_id=query.item,
        kind=query.kind.value if query.kind else None, facility=query.facility.value if query.facility else None,
        limit=query.limit, radius_km=query.radius_km)
    return {"origin": {"lat": result.lat, "lng": result.lng}, "item": _item(result.item) if result.item else None,
            "results": [{**_summary(r.record), "distance_m": round(r.distance_m, 1), "mode": r.mode,
                         "today": _day(r.hours), "open_now": _state(r.state), "queue": _queue(r.status)}
                        for r in result.results]}


class ListQuery(Schema):
    district: DistrictEnum | None = Field(None, description="区县代码（GB/T 2260）")
    kind: KindEnum | None = None
    item: int | None = Field(None, ge=1, le=MAX_DB_ID)
    q: str = Field("", max_length=QUERY_MAX, description="名称或地址中的词")
    page: int = Field(1, ge=1, le=10_000)
    page_size: int = Field(20, ge=1, le=MAX_PAGE_SIZE)


@router.get("/outlets", response={200: OutletPageOut, **ERRORS}, summary="网点列表（按区县、类型、事项）")
def outlets_list(request, query: Query[ListQuery]):
    page = selectors.outlet_list(district=query.district.value if query.district else "",
                                 kind=query.kind.value if query.kind else "", item_id=query.item, q=query.q,
                                 page=query.page, page_size=query.page_size)
    return {"total": page.total, "page": page.page, "page_size": page.page_size, "num_pages": page.num_pages,
            "results": [{**_summary(e.record), "mode": e.mode, "today": _day(e.hours), "open_now": _state(e.state)}
                        for e in page.results]}


class DetailQuery(Schema):
    lat: float | None = Field(None, ge=-90, le=90, description="给出位置时返回距离")
    lng: float | None = Field(None, ge=-180, le=180)
    crs: CrsEnum = CoordinateSystem.WGS84


@router.get("/outlets/{outlet_id}", response={200: OutletDetailOut, **ERRORS}, summary="网点详情")
def outlet_detail(request, query: Query[DetailQuery], outlet_id: int = Path(..., ge=1, le=MAX_DB_ID)):
    detail = selectors.outlet_detail(outlet_id, lat=query.lat, lng=query.lng, crs=query.crs.value)
    r = detail.record
    return {
        **_summary(r), "host": r.host, "directions": r.directions, "notes": r.notes, "facilities": list(r.facilities),
        "gcj02": {"lat": detail.gcj02[0], "lng": detail.gcj02[1]}, "hall_id": r.hall_id,
        "attached_ids": [a.id for a in detail.attached], "locker_code": detail.locker_code,
        "open_now": _state(detail.state), "queue": _queue(detail.status),
        "week": [{"days": days, "hours": hours} for days, hours in detail.week],
        "next_days": [_day(d) for d in detail.next_days], "exceptions": [_day(d) for d in detail.exceptions],
        "windows": [{"kind_label": k, "count": c, "note": n} for k, c, n in detail.windows],
        "items": [{"mode": g.mode, "label": g.label, "items": [_item(i) for i in g.items]} for g in detail.item_groups],
        "distance_m": None if detail.distance_m is None else round(detail.distance_m, 1),
    }


@router.get("/coverage", response={200: CoverageOut, 401: ErrorOut, 403: ErrorOut}, auth=session_or_token,
            summary="政务服务圈覆盖率（大厅管理人员、领导、电子监察）")
def coverage(request):
    if not access.can_read_coverage(request.auth):
        raise PermissionDenied("只有大厅管理人员、领导和电子监察人员可以查看服务圈覆盖率。", code="not_coverage_reader")
    report = selectors.coverage_report()
    return {"population": report.population, "covered": report.covered, "share": round(report.share, 4),
            "walking_speed_kmh": report.speed_kmh, "detour_factor": report.detour, "outlets": report.outlets,
            "points": report.points,
            "districts": [{"code": d.code, "name": d.name, "minutes": d.minutes, "radius_m": round(d.radius_m, 1),
                           "population": d.population, "covered": d.covered, "share": round(d.share, 4),
                           "outlets": d.outlets} for d in report.districts],
            "gaps": [{"lng": g.lng, "lat": g.lat, "size_deg": g.size_deg, "population": g.population}
                     for g in report.gaps]}
