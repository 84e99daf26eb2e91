"""Reads of the public service map: where an item can be done near a point, outlets by district, one
outlet's page, the places people start from, and the coverage of the service circle.

    outlets_nearest(*, lat, lng, crs="wgs84", item_id=None, kind=None, facility=None, limit=10,
                    radius_km=None, now=None) -> NearestResult
    outlet_list(*, district="", kind="", item_id=None, q="", page=1, page_size=20, now=None) -> OutletPage
    outlet_detail(outlet_id, *, now=None, lat=None, lng=None, crs="wgs84") -> OutletDetail
    items_offered(q="", *, limit=30) -> list[PublishedItem]     items some outlet accepts, by words
    reference_places() -> list[PlaceGroup]                     halls people pick as "I am near …"
    outlet_status(record) -> OutletStatus | None               the queue now (hook of higher apps)
    coverage_report(*, minutes=None, speed_kmh=None, detour=None, gap_cell_deg=0.01) -> CoverageReport

Everything reads the in-memory index (outlet_index.py), so a search costs no query beyond the
once-a-second revision check; the detail page adds two small queries (windows, the locker row).
Hours are computed on the working-day calendar (yiwang.workdays), so holidays and 调休 are right.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import numpy as np
from django.utils import timezone

from yiwang.catalog.selectors import PublishedItem, catalog_search
from yiwang.core import hooks
from yiwang.core.errors import FieldError, NotFound, ValidationFailed
from yiwang.servicemap.constants import (
    DEFAULT_RESULTS,
    HALL_KINDS,
    KIND_ORDER,
    LOCKER_RADIUS_M,
    MAX_PAGE_SIZE,
    MAX_RADIUS_KM,
    MAX_RESULTS,
    MIN_RADIUS_KM,
    QUERY_MAX,
    AcceptanceMode,
    CoordinateSystem,
    ErrorCode,
    Facility,
    OutletKind,
    WindowKind,
)
from yiwang.servicemap.coordinates import distance_m, distances_m, to_wgs84, wgs84_to_gcj02
from yiwang.servicemap.districts import DISTRICTS
from yiwang.servicemap.models import OutletWindow
from yiwang.servicemap.opening_hours import DayHours, OpenState, describe_week, hours_on, open_state
from yiwang.servicemap.outlet_index import OutletRecord, ServiceMapIndex, get_index
from yiwang.workdays.constants import DayType
from yiwang.workdays.selectors import day_type

OUTLET_STATUS_HOOK = "servicemap.outlet_status"

# --- Calendar and clock ----------------------------------------------------------------------

_day_types: dict[date, tuple[str, float]] = {}


def day_type_of(d: date) -> str:
    """The calendar's kind of day, remembered for a minute (a weekend day costs one query)."""
    hit = _day_types.get(d)
    now = time.monotonic()
    if hit is not None and now - hit[1] < 60:
        return hit[0]
    try:
        value = day_type(d)
    except Exception:  # a date outside the calendar's range: count by the weekday rule
        value = DayType.WEEKEND if d.weekday() >= 5 else DayType.WORKDAY
    if len(_day_types) > 4096:
        _day_types.clear()
    _day_types[d] = (value, now)
    return value


def forget_day_types() -> None:
    _day_types.clear()


def _local(now: datetime | None) -> datetime:
    return timezone.localtime(now) if now is not None else timezone.localtime()


def distance_text(metres: float | None) -> str:
    if metres is None:
        return ""
    if metres < 1000:
        return f"{int(round(metres / 10.0) * 10)} 米"
    return f"{metres / 1000:.1f} 公里"


# --- The queue hook ----------------------------------------------------------------------------


@dataclass(frozen=True)
class OutletStatus:
    """What a higher app (appointments) says of an outlet now: people waiting for a number and,
    when it can tell, the expected wait."""

    waiting: int
    wait_minutes: int | None = None
    as_of: datetime | None = None

    @property
    def text(self) -> str:
        text = f"排队 {self.waiting} 人"
        if self.wait_minutes is not None:
            text += f"，预计等候约 {self.wait_minutes} 分钟"
        return text


def outlet_status(record: OutletRecord) -> OutletStatus | None:
    """The current queue of an outlet through the `servicemap.outlet_status` hook: the first
    handler that answers (a mapping or an object with `waiting`, optional `wait_minutes`,
    `as_of`); None when nobody registered or nobody knows."""
    for answer in hooks.call(OUTLET_STATUS_HOOK, outlet=record):
        if answer is None:
            continue
        get = answer.get if isinstance(answer, Mapping) else (lambda k, d=None, a=answer: getattr(a, k, d))
        waiting = get("waiting")
        if waiting is None:
            continue
        minutes = get("wait_minutes")
        return OutletStatus(int(waiting), None if minutes is None else int(minutes), get("as_of"))
    return None


# --- Input checks ----------------------------------------------------------------------------


def _number(errors, field, label, value, low, high, *, integer=False):
    if value is None or value == "":
        return None
    try:
        number = int(value) if integer else float(value)
    except (TypeError, ValueError, OverflowError):
        errors.append(FieldError(field, "not_a_number", f"{label}应为{'整数' if integer else '数字'}。"))
        return None
    if not (isinstance(number, int) or math.isfinite(number)) or not low <= number <= high:
        errors.append(FieldError(field, "out_of_range", f"{label}应在 {low} 到 {high} 之间。"))
        return None
    return number


def _item(errors, index: ServiceMapIndex, item_id) -> PublishedItem | None:
    if item_id in (None, ""):
        return None
    try:
        key = int(item_id)
    except (TypeError, ValueError, OverflowError):
        key = None
    item = index.items.get(key) if key is not None else None
    if item is None:
        errors.append(FieldError("item", ErrorCode.ITEM_NOT_FOUND, "未找到该事项，或它没有已发布的办事指南。"))
    return item


def _choice(errors, field, label, value, choices):
    if value in (None, ""):
        return None
    if value not in choices:
        errors.append(FieldError(field, "invalid_choice", f"{label}不在可选范围内。"))
        return None
    return value


# --- Nearest ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class NearestOutlet:
    record: OutletRecord
    distance_m: float
    mode: str  # how the outlet takes the item searched for ("" without an item)
    hours: DayHours
    state: OpenState
    status: OutletStatus | None

    @property
    def distance_text(self) -> str:
        return distance_text(self.distance_m)

    @property
    def mode_label(self) -> str:
        return AcceptanceMode(self.mode).label if self.mode else ""


@dataclass(frozen=True)
class NearestResult:
    lat: float  # the origin, WGS84
    lng: float
    item: PublishedItem | None
    kind: str | None
    results: list[NearestOutlet]


def outlets_nearest(*, lat, lng, crs: str = CoordinateSystem.WGS84, item_id=None, kind=None, facility=None,
                    limit=DEFAULT_RESULTS, radius_km=None, now: datetime | None = None) -> NearestResult:
    """The outlets nearest to (lat, lng) that accept the item (when given), of the kind and with
    the facility (when given), within `radius_km`; lockers only within 5 km (seed 004)."""
    index = get_index()
    errors: list[FieldError] = []
    lat = _number(errors, "lat", "纬度", lat, -90, 90)
    lng = _number(errors, "lng", "经度", lng, -180, 180)
    if lat is None and not any(e.field == "lat" for e in errors):
        errors.append(FieldError("lat", "required", "请提供纬度（或选择一个位置）。"))
    if lng is None and not any(e.field == "lng" for e in errors):
        errors.append(FieldError("lng", "required", "请提供经度（或选择一个位置）。"))
    _choice(errors, "crs", "坐标系", crs, CoordinateSystem.values)
    item = _item(errors, index, item_id)
    kind = _choice(errors, "kind", "网点类型", kind, OutletKind.values)
    facility = _choice(errors, "facility", "便民设施", facility, Facility.values)
    limit = _number(errors, "limit", "返回数量", limit, 1, MAX_RESULTS, integer=True) or DEFAULT_RESULTS
    radius_km = _number(errors, "radius_km", "搜索半径（公里）", radius_km, MIN_RADIUS_KM, MAX_RADIUS_KM)
    if errors:
        raise ValidationFailed(errors)
    lat, lng = to_wgs84(lat, lng, crs or CoordinateSystem.WGS84)
    n = len(index.records)
    allowed = None
    if n and (item or kind or facility):
        allowed = np.zeros(n, dtype=bool)
        if item is not None:
            allowed[index.item_members.get(item.id, np.empty(0, dtype=np.int64))] = True
        else:
            allowed[:] = True
        if kind:
            allowed &= index.kind_masks[kind]
        if facility:
            allowed &= index.facility_masks.get(facility, np.zeros(n, dtype=bool))
    radius = index.radius if radius_km is None else np.minimum(index.radius, radius_km * 1000.0)
    positions, distances = index.grid.nearest(lat, lng, limit, allowed=allowed, radius_m=radius)
    at = _local(now)
    results = []
    for pos, d in zip(positions.tolist(), distances.tolist(), strict=True):
        record = index.records[pos]
        state = open_state(record.schedule, at, day_type_of)
        results.append(NearestOutlet(record, d, record.items.get(item.id, "") if item else "", state.today, state,
                                     outlet_status(record)))
    return NearestResult(lat, lng, item, kind, results)


# --- Lists -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class OutletListEntry:
    record: OutletRecord
    hours: DayHours
    state: OpenState
    mode: str = ""

    @property
    def mode_label(self) -> str:
        return AcceptanceMode(self.mode).label if self.mode else ""


@dataclass(frozen=True)
class OutletPage:
    total: int
    page: int
    page_size: int
    results: list[OutletListEntry]

    @property
    def num_pages(self) -> int:
        return max(1, math.ceil(self.total / self.page_size))

    @property
    def has_next(self) -> bool:
        return self.page < self.num_pages

    @property
    def has_previous(self) -> bool:
        return self.page > 1


def clean_query(q) -> str:
    """A search text as matched: control characters dropped, at most QUERY_MAX characters."""
    text = "".join(ch for ch in str(q or "") if ord(ch) >= 32 and ord(ch) != 127)
    return text.strip()[:QUERY_MAX]


def outlet_list(*, district: str = "", kind: str = "", item_id=None, q: str = "", page=1, page_size=20,
                now: datetime | None = None) -> OutletPage:
    """Active outlets filtered by district, kind, item and words of the name or address; halls
    first within a district."""
    index = get_index()
    errors: list[FieldError] = []
    district = _choice(errors, "district", "区县", district or None, list(DISTRICTS))
    kind = _choice(errors, "kind", "网点类型", kind or None, OutletKind.values)
    item = _item(errors, index, item_id)
    page = _number(errors, "page", "页码", page, 1, 10_000, integer=True) or 1
    page_size = _number(errors, "page_size", "每页数量", page_size, 1, MAX_PAGE_SIZE, integer=True) or 20
    if errors:
        raise ValidationFailed(errors)
    words = [w for w in clean_query(q).split() if w]
    rows = []
    for r in index.records:
        if district and r.district_code != district or kind and r.kind != kind:
            continue
        if item is not None and item.id not in r.items:
            continue
        if words and not all(w in r.name or w in r.address for w in words):
            continue
        rows.append(r)
    rows.sort(key=lambda r: (r.district_code, KIND_ORDER[r.kind], r.name))
    start = (page - 1) * page_size
    at = _local(now)
    entries = []
    for r in rows[start:start + page_size]:
        state = open_state(r.schedule, at, day_type_of)
        entries.append(OutletListEntry(r, state.today, state, r.items.get(item.id, "") if item else ""))
    return OutletPage(len(rows), page, page_size, entries)


def items_offered(q: str = "", *, limit: int = 30) -> list[PublishedItem]:
    """Published items at least one active outlet accepts, found by the catalog's own search (the
    words of `q` in the name, a code or the agency), best first; without `q` the high-frequency
    ones first."""
    index = get_index()
    text = clean_query(q)
    if not text:
        offered = [index.items[i] for i in index.item_members if i in index.items]
        offered.sort(key=lambda i: (not i.high_frequency, i.name))
        return offered[:limit]
    found = []
    for version in catalog_search(q=text, page_size=50).items:
        item = index.items.get(version.implementation_id)
        if item is not None and item.id in index.item_members:
            found.append(item)
    return found[:limit]


@dataclass(frozen=True)
class PlaceGroup:
    district: str
    places: list[tuple[int, str]]  # (outlet id, name)


def reference_places() -> list[PlaceGroup]:
    """Halls and stations grouped by district: the places people pick as "I am near …" when
    their phone does not share its location."""
    index = get_index()
    groups: dict[str, list[OutletRecord]] = {}
    for r in index.records:
        if r.kind in HALL_KINDS and r.district_code:
            groups.setdefault(r.district_code, []).append(r)
    out = []
    for code in DISTRICTS:
        if code in groups:
            rows = sorted(groups[code], key=lambda r: (KIND_ORDER[r.kind], r.name))
            out.append(PlaceGroup(DISTRICTS[code].name, [(r.id, r.name) for r in rows]))
    return out


def place_location(outlet_id) -> tuple[float, float] | None:
    """The WGS84 location of a reference place (an active outlet), or None."""
    try:
        record = get_index().record(int(outlet_id))
    except (TypeError, ValueError, OverflowError):
        return None
    return (record.lat, record.lng) if record else None


# --- One outlet --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ItemGroup:
    mode: str
    label: str
    items: list[PublishedItem]


@dataclass(frozen=True)
class OutletDetail:
    record: OutletRecord
    state: OpenState
    status: OutletStatus | None
    week: list[tuple[str, str]]
    next_days: list[DayHours]
    exceptions: list[DayHours]
    windows: list[tuple[str, int, str]]
    facilities: list[str]
    item_groups: list[ItemGroup]
    hall: OutletRecord | None
    attached: list[OutletRecord]
    locker_code: str
    gcj02: tuple[float, float]
    distance_m: float | None = None
    neighbours: list[OutletRecord] = field(default_factory=list)  # other outlets within 2.5 km
    extended_hours: bool = False
    weekend_hours: bool = False
    holiday_hours: bool = False
    item_count: int = field(default=0)

    @property
    def distance_text(self) -> str:
        return distance_text(self.distance_m)


_MODE_ORDER = list(AcceptanceMode.values)


def outlet_detail(outlet_id, *, now: datetime | None = None, lat=None, lng=None,
                  crs: str = CoordinateSystem.WGS84) -> OutletDetail:
    """An active outlet as its public page shows it; NotFound for a missing or closed one."""
    index = get_index()
    try:
        record = index.record(int(outlet_id))
    except (TypeError, ValueError, OverflowError):
        record = None
    if record is None:
        raise NotFound("未找到该服务网点，它可能已停止对外服务。", code=ErrorCode.OUTLET_NOT_FOUND)
    at = _local(now)
    state = open_state(record.schedule, at, day_type_of)
    days = [hours_on(record.schedule, at.date() + timedelta(days=i), day_type_of(at.date() + timedelta(days=i)))
            for i in range(7)]
    horizon = at.date() + timedelta(days=60)
    exceptions = [hours_on(record.schedule, d, day_type_of(d)) for d in sorted(record.schedule.exceptions)
                  if at.date() <= d <= horizon]
    windows = [(WindowKind(k).label, c, note) for k, c, note in
               OutletWindow.objects.filter(outlet_id=record.id).order_by("kind").values_list("kind", "count", "note")]
    groups: dict[str, list[PublishedItem]] = {}
    for item_id, mode in record.items.items():
        item = index.items.get(item_id)
        if item is not None:
            groups.setdefault(mode, []).append(item)
    item_groups = [ItemGroup(m, AcceptanceMode(m).label, sorted(groups[m], key=lambda i: i.name))
                   for m in _MODE_ORDER if m in groups]
    locker_code = ""
    if record.locker_id:
        from yiwang.cases.selectors import locker_by_id

        locker = locker_by_id(record.locker_id)
        locker_code = locker.code if locker else ""
    distance = None
    if lat not in (None, "") and lng not in (None, ""):
        try:
            o_lat, o_lng = to_wgs84(float(lat), float(lng), crs if crs in CoordinateSystem.values else "wgs84")
            if -90 <= o_lat <= 90 and -180 <= o_lng <= 180:
                distance = distance_m(o_lat, o_lng, record.lat, record.lng)
        except (TypeError, ValueError, OverflowError):
            distance = None
    slots = record.schedule.slots
    near_idx, _ = index.grid.nearest(record.lat, record.lng, 40, radius_m=2500.0)
    neighbours = [index.records[i] for i in near_idx.tolist() if index.records[i].id != record.id]
    return OutletDetail(
        record=record, state=state, status=outlet_status(record), week=describe_week(record.schedule),
        next_days=days, exceptions=exceptions, windows=windows,
        facilities=[Facility(f).label for f in record.facilities if f in Facility.values],
        item_groups=item_groups, hall=index.record(record.hall_id) if record.hall_id else None,
        attached=sorted((index.record(i) for i in index.attached.get(record.id, [])),
                        key=lambda r: (KIND_ORDER[r.kind], r.name)),
        locker_code=locker_code, gcj02=wgs84_to_gcj02(record.lat, record.lng), distance_m=distance,
        neighbours=neighbours,
        extended_hours=any(p.extended for s in slots for p in s), weekend_hours=bool(slots[5] or slots[6]),
        holiday_hours=bool(slots[7]), item_count=len(record.items),
    )



# --- The public map page -------------------------------------------------------------------------


@dataclass
class MapSearch:
    """Everything the public map page shows for one query string: the items matching the words
    typed, the chosen item, the origin, the nearest outlets or the district's list, and the
    problems with the input (shown, never raised: a search always renders)."""

    q: str = ""
    item: PublishedItem | None = None
    item_matches: list[PublishedItem] = field(default_factory=list)
    kind: str = ""
    facility: str = ""
    district: str = ""
    origin: tuple[float, float] | None = None  # (lat, lng) WGS84
    origin_label: str = ""
    near: str = ""
    nearest: NearestResult | None = None
    listing: OutletPage | None = None
    places: list[PlaceGroup] = field(default_factory=list)
    errors: list[FieldError] = field(default_factory=list)
    records: list[OutletRecord] = field(default_factory=list)  # every active outlet (the overview map)


def service_map_search(*, q="", item_id=None, kind="", facility="", district="", near="", lat=None, lng=None,
                       crs=CoordinateSystem.WGS84, page=1, now: datetime | None = None) -> MapSearch:
    index = get_index()
    search = MapSearch(q=clean_query(q), kind=kind or "", facility=facility or "", district=district or "",
                       near=str(near or "")[:20], places=reference_places())
    if item_id not in (None, ""):
        errors: list[FieldError] = []
        search.item = _item(errors, index, item_id)
        search.errors.extend(errors)
    if search.q and search.item is None:
        search.item_matches = items_offered(search.q, limit=20)
    has_point = lat not in (None, "") or lng not in (None, "")
    if search.near and not has_point:
        location = place_location(search.near)
        if location is None:
            search.errors.append(FieldError("near", "invalid_choice", "请从列表中选择一个位置。"))
        else:
            lat, lng, crs = location[0], location[1], CoordinateSystem.WGS84
            search.origin_label = index.record(int(search.near)).name
            has_point = True
    if has_point and not search.errors:
        try:
            search.nearest = outlets_nearest(lat=lat, lng=lng, crs=crs, item_id=search.item.id if search.item else None,
                                             kind=search.kind or None, facility=search.facility or None, now=now)
            search.origin = (search.nearest.lat, search.nearest.lng)
        except ValidationFailed as failed:
            search.errors.extend(failed.errors)
    elif not search.errors and (search.district or search.item is not None or search.kind):
        try:
            search.listing = outlet_list(district=search.district, kind=search.kind, q="",
                                         item_id=search.item.id if search.item else None, page=page, now=now)
        except ValidationFailed as failed:
            search.errors.extend(failed.errors)
    search.records = index.records
    return search




# Lockers beyond 5 km are still offered after those within (an applicant far from every locker
# still gets the nearest few), but never more than this many.
LOCKERS_BEYOND_RADIUS = 5
AREA_DISTRICT, AREA_PLACE = "d:", "p:"


def nearby_lockers(*, lat=None, lng=None, area=None, limit: int = 10) -> list[tuple[int, str, float | None]]:
    """The `cases.nearby_lockers` hook: (locker id, label, distance in metres) of locker outlets.
    From a point (the phone's position, or an `area` of `locker_areas`: a district's hall or a
    street centre) the nearest first: up to `limit` within 5 km (seed 004), then up to
    LOCKERS_BEYOND_RADIUS farther ones; without a point every locker outlet by name (no distance).
    The applicant chooses one for dropping off materials or collecting a result."""
    index = get_index()
    records = [r for r in index.records if r.kind == OutletKind.LOCKER and r.locker_id]
    point = None
    if lat not in (None, "") and lng not in (None, ""):
        try:
            point = (float(lat), float(lng))
        except (TypeError, ValueError):
            point = None
        if point and not (-90 <= point[0] <= 90 and -180 <= point[1] <= 180 and all(map(math.isfinite, point))):
            point = None
    if point is None and area:
        found = area_point(area)
        point = found[:2] if found else None
    if point is None or not records:
        return [(r.locker_id, r.name, None) for r in sorted(records, key=lambda r: r.name)]
    metres = distances_m(point[0], point[1], np.array([r.lat for r in records]), np.array([r.lng for r in records]))
    ranked = sorted(zip(metres.tolist(), records, strict=True), key=lambda pair: (pair[0], pair[1].name))
    near = [pair for pair in ranked if pair[0] <= LOCKER_RADIUS_M][:limit]
    far = [pair for pair in ranked if pair[0] > LOCKER_RADIUS_M][:LOCKERS_BEYOND_RADIUS]
    return [(r.locker_id, f"{r.name}（{distance_text(d)}）", d) for d, r in near + far]


def area_point(area) -> tuple[float, float, str] | None:
    """The point an area of `locker_areas` stands for: a district's hall (its seat without one)
    or a reference place; with its label. None for anything else."""
    area = str(area or "")
    if area.startswith(AREA_DISTRICT):
        district = DISTRICTS.get(area.removeprefix(AREA_DISTRICT))
        if district is None:
            return None
        lng, lat = district.seat
        return lat, lng, district.name
    if area.startswith(AREA_PLACE):
        try:
            record = get_index().record(int(area.removeprefix(AREA_PLACE)))
        except (TypeError, ValueError, OverflowError):
            return None
        return (record.lat, record.lng, record.name) if record else None
    return None


def locker_areas(*, address: str = "") -> dict:
    """The `cases.locker_areas` hook: where the applicant may say she is when her phone does not
    share its position — each district (at its hall) and its street and community centres — and
    the district named in `address` (the address she typed), if any, as the default."""
    groups = []
    places = {g.district: g.places for g in reference_places()}
    default = ""
    for code, district in DISTRICTS.items():
        options = [(f"{AREA_DISTRICT}{code}", f"{district.name}（全区）")]
        options += [(f"{AREA_PLACE}{pk}", name) for pk, name in places.get(district.name, [])]
        groups.append((district.name, options))
        if not default and address and district.name in address:
            default = f"{AREA_DISTRICT}{code}"
    return {"groups": groups, "default": default}
