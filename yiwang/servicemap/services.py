"""Writes over outlets: place, hours, exceptions, windows, items; the population points.

Every write checks the actor's scope (access.py), reports every problem of its input at once
(ValidationFailed), records an audit event, and bumps the service-map revision in the same
transaction, so every process's in-memory index (outlet_index.py) rebuilds on its next query.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from yiwang.catalog.selectors import published_items
from yiwang.core.audit import record_event
from yiwang.core.errors import FieldError, NotFound, ValidationFailed
from yiwang.orgs.constants import OrganisationKind
from yiwang.servicemap import access
from yiwang.servicemap.constants import (
    ADDRESS_MAX,
    DIRECTIONS_MAX,
    HALL_KINDS,
    MAX_PERIODS_PER_DAY,
    MAX_WINDOWS_OF_A_KIND,
    MINUTES_PER_DAY,
    NAME_MAX,
    NOTES_MAX,
    PHONE_MAX,
    REASON_MAX,
    SLOT_LABELS,
    STORED_MODES,
    WINDOW_NOTE_MAX,
    AcceptanceMode,
    CoordinateSystem,
    ErrorCode,
    Facility,
    OutletHost,
    OutletKind,
    WindowKind,
)
from yiwang.servicemap.coordinates import to_wgs84
from yiwang.servicemap.districts import city_bbox, district_of_point
from yiwang.servicemap.models import (
    OpeningException,
    OpeningPeriod,
    Outlet,
    OutletItem,
    OutletWindow,
    PopulationPoint,
    ServiceMapRevision,
)
from yiwang.servicemap.opening_hours import Period, clock

# Which organisation kinds an outlet of a kind may *be* (an outlet of another kind is no organisation).
ORGANISATION_KINDS = {
    OutletKind.CITY_CENTER: {OrganisationKind.SERVICE_CENTER},
    OutletKind.DISTRICT_CENTER: {OrganisationKind.SERVICE_CENTER},
    OutletKind.BRANCH_CENTER: {OrganisationKind.SERVICE_CENTER},
    OutletKind.STREET_CENTER: {OrganisationKind.STREET_CENTER},
    OutletKind.COMMUNITY_STATION: {OrganisationKind.COMMUNITY_STATION},
}
UPDATABLE = ("name", "kind", "host", "organisation", "operator", "hall", "locker", "address", "phone", "directions",
             "notes", "facilities", "is_active", "is_demo", "location_source")
_LOCATION_SOURCE_MAX = Outlet._meta.get_field("location_source").max_length


# --- Revision --------------------------------------------------------------------------------


def bump_revision() -> None:
    """Count a change in this transaction; every process's index notices it (outlet_index.py)."""
    from yiwang.servicemap.outlet_index import invalidate_index

    now = timezone.now()
    updated = ServiceMapRevision.objects.filter(pk=1).update(number=F("number") + 1, changed_at=now)
    if not updated:
        ServiceMapRevision.objects.create(pk=1, number=1, changed_at=now)
    invalidate_index()
    transaction.on_commit(invalidate_index)


# --- Checks ----------------------------------------------------------------------------------


def _has_control(value: str) -> bool:
    return any((ord(ch) < 32 and ch not in "\n\r\t") or ord(ch) == 127 for ch in value)


def _text(errors: list[FieldError], field: str, label: str, value: Any, *, max_length: int, required: bool = False,
          multiline: bool = False) -> str:
    text = value.strip() if isinstance(value, str) else ("" if value is None else str(value).strip())
    if required and not text:
        errors.append(FieldError(field, "required", f"请填写{label}。"))
    elif len(text) > max_length:
        errors.append(FieldError(field, "too_long", f"{label}最多 {max_length} 个字，当前为 {len(text)} 个字。"))
    elif _has_control(text) or (not multiline and ("\n" in text or "\r" in text or "\t" in text)):
        errors.append(FieldError(field, "control_characters", f"{label}含有不可见的控制字符，请重新输入。"))
    return text


def service_area() -> tuple[float, float, float, float]:
    """(west, south, east, north) a location must lie in: the city's outlines plus a margin, so a
    swapped or mistyped coordinate is caught (settings.SERVICEMAP_SERVICE_AREA overrides)."""
    configured = getattr(settings, "SERVICEMAP_SERVICE_AREA", None)
    if configured:
        return tuple(configured)
    west, south, east, north = city_bbox()
    return west - 0.3, south - 0.3, east + 0.3, north + 0.3


def location_errors(lat: Any, lng: Any, crs: str = CoordinateSystem.WGS84) -> tuple[list[FieldError], tuple[float, float] | None]:
    """Problems with a location as typed, and the WGS84 point when there are none."""
    errors: list[FieldError] = []
    values = {}
    for field, label, value, low, high in (("lat", "纬度", lat, -90, 90), ("lng", "经度", lng, -180, 180)):
        try:
            number = float(value)
        except (TypeError, ValueError):
            errors.append(FieldError(field, "not_a_number", f"{label}应为数字（度，例如 34.2610）。"))
            continue
        if not math.isfinite(number) or not low <= number <= high:
            errors.append(FieldError(field, "out_of_range", f"{label}应在 {low} 到 {high} 度之间。"))
            continue
        values[field] = number
    if crs not in CoordinateSystem.values:
        errors.append(FieldError("crs", "invalid_choice", "坐标系应为 wgs84 或 gcj02。"))
    if errors:
        return errors, None
    w_lat, w_lng = to_wgs84(values["lat"], values["lng"], crs)
    west, south, east, north = service_area()
    if not (west <= w_lng <= east and south <= w_lat <= north):
        errors.append(FieldError("lat", "outside_service_area",
                                 f"位置（纬度 {values['lat']:.5f}，经度 {values['lng']:.5f}）不在本市范围内，"
                                 "请核对：纬度约 33.7—34.8，经度约 107.6—109.8，两者是否填反。"))
        return errors, None
    return errors, (w_lat, w_lng)


def _facilities(errors: list[FieldError], values: Iterable[str] | None) -> list[str]:
    chosen = list(dict.fromkeys(values or []))
    unknown = [v for v in chosen if v not in Facility.values]
    if unknown:
        errors.append(FieldError("facilities", "invalid_choice", "便民设施“" + "、".join(map(str, unknown))[:60]
                                 + "”不在可选范围内，请从列表中选择。"))
    return [v for v in Facility.values if v in chosen]


def _outlet_errors(data: dict, *, instance: Outlet | None) -> list[FieldError]:
    errors: list[FieldError] = []
    kind = data["kind"]
    if kind not in OutletKind.values:
        errors.append(FieldError("kind", "invalid_choice", "请选择网点类型。"))
    if data["host"] and data["host"] not in OutletHost.values:
        errors.append(FieldError("host", "invalid_choice", "请从列表中选择设置场所。"))
    organisation = data["organisation"]
    if organisation is not None:
        allowed = ORGANISATION_KINDS.get(kind, set())
        if organisation.kind not in allowed:
            errors.append(FieldError("organisation", "kind_mismatch",
                                     f"“{organisation.name}”不是{OutletKind(kind).label if kind in OutletKind.values else '该类网点'}"
                                     "对应的机构；驿站、自助终端、信包箱不对应机构，请留空。"))
        taken = Outlet.objects.filter(organisation=organisation)
        if instance is not None:
            taken = taken.exclude(pk=instance.pk)
        if taken.exists():
            errors.append(FieldError("organisation", "duplicate", f"“{organisation.name}”已登记为网点，请勿重复登记。"))
    hall = data["hall"]
    if hall is not None:
        if hall.kind not in HALL_KINDS:
            errors.append(FieldError("hall", "not_a_hall", "所属大厅应为政务服务中心、便民服务中心或便民服务站。"))
        if instance is not None and hall.pk == instance.pk:
            errors.append(FieldError("hall", "self", "网点不能属于它自己。"))
    locker = data["locker"]
    if kind == OutletKind.LOCKER:
        if locker is None:
            errors.append(FieldError("locker", "required", "信包箱网点请选择已登记的信包箱。"))
        else:
            taken = Outlet.objects.filter(locker=locker)
            if instance is not None:
                taken = taken.exclude(pk=instance.pk)
            if taken.exists():
                errors.append(FieldError("locker", ErrorCode.LOCKER_TAKEN, f"信包箱 {locker.code} 已登记为网点。"))
    elif locker is not None:
        errors.append(FieldError("locker", "not_a_locker", "只有“24小时自助信包箱”类网点可以关联信包箱。"))
    if data["operator"] is None:
        errors.append(FieldError("operator", "required", "请选择运营单位。"))
    return errors


def _clean_outlet(raw: dict, *, instance: Outlet | None) -> tuple[dict, list[FieldError]]:
    errors: list[FieldError] = []
    data = dict(raw)
    data["name"] = _text(errors, "name", "网点名称", raw.get("name"), max_length=NAME_MAX, required=True)
    data["address"] = _text(errors, "address", "地址", raw.get("address"), max_length=ADDRESS_MAX, required=True)
    data["phone"] = _text(errors, "phone", "咨询电话", raw.get("phone"), max_length=PHONE_MAX)
    if data["phone"] and not all(ch.isdigit() or ch in "-—－ ()（）、,，转" for ch in data["phone"]):
        errors.append(FieldError("phone", "phone_format", "咨询电话只能含数字、横线、括号和“转”，例如 029-86786666。"))
    data["directions"] = _text(errors, "directions", "到达方式", raw.get("directions"), max_length=DIRECTIONS_MAX,
                               multiline=True)
    data["notes"] = _text(errors, "notes", "服务说明", raw.get("notes"), max_length=NOTES_MAX, multiline=True)
    data["location_source"] = _text(errors, "location_source", "位置来源", raw.get("location_source"),
                                    max_length=_LOCATION_SOURCE_MAX)
    data["host"] = raw.get("host") or ""
    data["facilities"] = _facilities(errors, raw.get("facilities"))
    errors.extend(_outlet_errors(data, instance=instance))
    return data, errors


def _district_code(lat: float, lng: float, organisation, operator) -> str:
    """Where the outlet physically is (the outlines); else the district of its organisation."""
    from yiwang.orgs.selectors import district_code_of

    district = district_of_point(lat, lng)
    if district is not None:
        return district.code
    for org in (organisation, operator):
        if org is not None:
            code = district_code_of(org)
            if code:
                return code
    return ""


# --- Outlets ---------------------------------------------------------------------------------


@transaction.atomic
def outlet_create(*, actor, name: str, kind: str, operator, lat, lng, address: str, crs: str = CoordinateSystem.WGS84,
                  phone: str = "", host: str = "", organisation=None, hall: Outlet | None = None, locker=None,
                  directions: str = "", notes: str = "", facilities: Iterable[str] = (), is_active: bool = True,
                  is_demo: bool = False, location_source: str = "") -> Outlet:
    """Register an outlet run by `operator` at (lat, lng) given in `crs`."""
    if operator is not None:
        access.require_operator(actor, operator, doing="新建服务网点")
    raw = {"name": name, "kind": kind, "operator": operator, "address": address, "phone": phone, "host": host,
           "organisation": organisation, "hall": hall, "locker": locker, "directions": directions, "notes": notes,
           "facilities": facilities, "location_source": location_source}
    data, errors = _clean_outlet(raw, instance=None)
    location_problems, point = location_errors(lat, lng, crs)
    errors.extend(location_problems)
    if errors:
        raise ValidationFailed(errors)
    w_lat, w_lng = point
    outlet = Outlet.objects.create(
        name=data["name"], kind=kind, host=data["host"], organisation=organisation, operator=operator, hall=hall,
        locker=locker, lat=w_lat, lng=w_lng, district_code=_district_code(w_lat, w_lng, organisation, operator),
        address=data["address"], phone=data["phone"], directions=data["directions"], notes=data["notes"],
        facilities=data["facilities"], is_active=bool(is_active), is_demo=bool(is_demo),
        location_source=data["location_source"],
    )
    record_event(actor=actor, action="servicemap.outlet_created", obj=outlet,
                 details={"name": outlet.name, "kind": kind, "operator_id": operator.pk, "lat": w_lat, "lng": w_lng,
                          "input_crs": crs})
    bump_revision()
    return outlet


def _lock(outlet: Outlet) -> Outlet:
    fresh = Outlet.objects.select_for_update().get(pk=outlet.pk)
    for f in Outlet._meta.concrete_fields:
        setattr(outlet, f.attname, getattr(fresh, f.attname))
    return outlet


@transaction.atomic
def outlet_update(*, actor, outlet: Outlet, lat=None, lng=None, crs: str = CoordinateSystem.WGS84,
                  **changes: Any) -> Outlet:
    """Change an outlet's data; a new location is given as (lat, lng) in `crs`."""
    unknown = sorted(set(changes) - set(UPDATABLE))
    if unknown:
        raise ValidationFailed([FieldError(f, "not_updatable", "该项不能修改。") for f in unknown])
    outlet = _lock(outlet)
    access.require_operator(actor, outlet.operator, doing="修改服务网点")
    if "operator" in changes and changes["operator"] is not None and changes["operator"].pk != outlet.operator_id:
        access.require_operator(actor, changes["operator"], doing="接管服务网点")
    merged = {f: changes.get(f, getattr(outlet, f)) for f in UPDATABLE}
    data, errors = _clean_outlet(merged, instance=outlet)
    point = (outlet.lat, outlet.lng)
    if lat is not None or lng is not None:
        problems, point = location_errors(lat, lng, crs)
        errors.extend(problems)
    if errors:
        raise ValidationFailed(errors)
    changed = {}
    for field in UPDATABLE:
        value = data[field] if field in data else merged[field]
        old = getattr(outlet, field)
        if old != value:
            changed[field] = [_plain(old), _plain(value)]
            setattr(outlet, field, value)
    if point != (outlet.lat, outlet.lng):
        changed["location"] = [[outlet.lat, outlet.lng], list(point)]
        outlet.lat, outlet.lng = point
    district = _district_code(outlet.lat, outlet.lng, outlet.organisation, outlet.operator)
    if district != outlet.district_code:
        changed["district_code"] = [outlet.district_code, district]
        outlet.district_code = district
    if not changed:
        return outlet
    fields = [("lat" if f == "location" else f) for f in changed] + (["lng"] if "location" in changed else [])
    fields = [f"{f}_id" if f in ("organisation", "operator", "hall", "locker") else f for f in fields]
    outlet.save(update_fields=[*dict.fromkeys(fields), "updated_at"])
    record_event(actor=actor, action="servicemap.outlet_updated", obj=outlet,
                 details={"changes": changed, "input_crs": crs if "location" in changed else None})
    bump_revision()
    return outlet


def _plain(value: Any) -> Any:
    return getattr(value, "pk", value)


# --- Hours -----------------------------------------------------------------------------------


def _period_errors(errors: list[FieldError], field: str, label: str, periods: list[Period]) -> list[Period]:
    good: list[Period] = []
    if len(periods) > MAX_PERIODS_PER_DAY:
        errors.append(FieldError(field, "too_many", f"{label}最多填写 {MAX_PERIODS_PER_DAY} 个时段。"))
        return []
    for p in periods:
        if not (0 <= p.opens < MINUTES_PER_DAY and 0 < p.closes <= MINUTES_PER_DAY):
            errors.append(FieldError(field, ErrorCode.INVALID_HOURS, f"{label}的时间应在 0:00 到 24:00 之间。"))
        elif p.opens >= p.closes:
            errors.append(FieldError(field, ErrorCode.INVALID_HOURS,
                                     f"{label}的时段 {clock(p.opens)}—{clock(p.closes)} 结束应晚于开始"
                                     "（跨夜开放请分成两天填写，或填 0:00—24:00）。"))
        else:
            good.append(p)
    good.sort()
    for a, b in zip(good, good[1:], strict=False):
        if b.opens < a.closes:
            errors.append(FieldError(field, "overlap", f"{label}的时段 {a.text} 与 {b.text} 重叠，请合并或调整。"))
    return good


@transaction.atomic
def outlet_set_schedule(*, actor, outlet: Outlet, slots: dict[int, list[Period]]) -> Outlet:
    """Replace the weekly schedule: `slots` maps 0–6 (Monday … Sunday) and 7 (statutory holidays)
    to their periods; a slot left out or empty is closed."""
    outlet = _lock(outlet)
    access.require_operator(actor, outlet.operator, doing="修改开放时间")
    errors: list[FieldError] = []
    clean: dict[int, list[Period]] = {}
    for slot, periods in slots.items():
        if slot not in range(8):
            errors.append(FieldError("slots", "invalid_slot", "日期类别应为周一至周日或法定节假日。"))
            continue
        clean[slot] = _period_errors(errors, f"slot_{slot}", SLOT_LABELS[slot], list(periods))
    if errors:
        raise ValidationFailed(errors)
    OpeningPeriod.objects.filter(outlet=outlet).delete()
    OpeningPeriod.objects.bulk_create([
        OpeningPeriod(outlet=outlet, slot=slot, opens_minute=p.opens, closes_minute=p.closes, is_extended=p.extended)
        for slot, periods in sorted(clean.items()) for p in periods])
    record_event(actor=actor, action="servicemap.schedule_set", obj=outlet,
                 details={SLOT_LABELS[s]: [p.text + ("*" if p.extended else "") for p in ps] for s, ps in clean.items()})
    bump_revision()
    return outlet


def _exception_day_errors(day: Any) -> list[FieldError]:
    if not isinstance(day, date):
        return [FieldError("day", "invalid_date", "请填写日期，格式为 YYYY-MM-DD。")]
    today = timezone.localdate()
    if not today - timedelta(days=1) <= day <= today + timedelta(days=730):
        return [FieldError("day", "out_of_range", "特殊日期应在今天到两年内，过去的日期无需填写。")]
    return []


@transaction.atomic
def outlet_set_exception(*, actor, outlet: Outlet, day: date, periods: list[Period], reason: str) -> Outlet:
    """Set the hours of one date (an empty list: closed all day), replacing what the date had."""
    outlet = _lock(outlet)
    access.require_operator(actor, outlet.operator, doing="设置特殊日期开放时间")
    errors = _exception_day_errors(day)
    reason = _text(errors, "reason", "原因", reason, max_length=REASON_MAX, required=True)
    good = _period_errors(errors, "periods", "当天", list(periods))
    if errors:
        raise ValidationFailed(errors)
    OpeningException.objects.filter(outlet=outlet, day=day).delete()
    if good:
        OpeningException.objects.bulk_create([OpeningException(outlet=outlet, day=day, opens_minute=p.opens,
                                                                closes_minute=p.closes, reason=reason) for p in good])
    else:
        OpeningException.objects.create(outlet=outlet, day=day, reason=reason)
    record_event(actor=actor, action="servicemap.exception_set", obj=outlet,
                 details={"day": day.isoformat(), "periods": [p.text for p in good], "reason": reason})
    bump_revision()
    return outlet


@transaction.atomic
def outlet_clear_exception(*, actor, outlet: Outlet, day: date) -> Outlet:
    outlet = _lock(outlet)
    access.require_operator(actor, outlet.operator, doing="删除特殊日期")
    deleted, _ = OpeningException.objects.filter(outlet=outlet, day=day).delete()
    if not deleted:
        raise NotFound("该日期没有特殊开放时间。", code="exception_not_found")
    record_event(actor=actor, action="servicemap.exception_cleared", obj=outlet, details={"day": day.isoformat()})
    bump_revision()
    return outlet


# --- Windows and items -----------------------------------------------------------------------


@transaction.atomic
def outlet_set_windows(*, actor, outlet: Outlet, windows: dict[str, tuple[int, str]]) -> Outlet:
    """Replace the windows: kind → (count, note); a count of 0 removes the kind."""
    outlet = _lock(outlet)
    access.require_operator(actor, outlet.operator, doing="修改窗口设置")
    errors: list[FieldError] = []
    rows = []
    for kind, (count, note) in windows.items():
        if kind not in WindowKind.values:
            errors.append(FieldError("windows", "invalid_choice", "窗口类型不在可选范围内。"))
            continue
        label = WindowKind(kind).label
        try:
            count = int(count)
        except (TypeError, ValueError):
            errors.append(FieldError(f"window_{kind}", "not_a_number", f"{label}的窗口数应为整数。"))
            continue
        if not 0 <= count <= MAX_WINDOWS_OF_A_KIND:
            errors.append(FieldError(f"window_{kind}", "out_of_range", f"{label}的窗口数应在 0 到 {MAX_WINDOWS_OF_A_KIND} 之间。"))
            continue
        note = _text(errors, f"window_{kind}_note", f"{label}的说明", note, max_length=WINDOW_NOTE_MAX)
        if count:
            rows.append(OutletWindow(outlet=outlet, kind=kind, count=count, note=note))
    if errors:
        raise ValidationFailed(errors)
    OutletWindow.objects.filter(outlet=outlet).delete()
    OutletWindow.objects.bulk_create(rows)
    record_event(actor=actor, action="servicemap.windows_set", obj=outlet,
                 details={w.kind: [w.count, w.note] for w in rows})
    bump_revision()
    return outlet


@transaction.atomic
def outlet_set_item(*, actor, outlet: Outlet, implementation_id: int, mode: str, note: str = "") -> OutletItem:
    """Say that the outlet accepts an item (a published guide), and how; replaces the item's mode."""
    outlet = _lock(outlet)
    access.require_operator(actor, outlet.operator, doing="设置可办事项")
    errors: list[FieldError] = []
    if mode not in STORED_MODES:
        errors.append(FieldError("mode", "invalid_choice", "办理方式应为进驻办理、委托受理、全市通办、帮办代办或自助办理。"))
    if outlet.kind == OutletKind.LOCKER:
        errors.append(FieldError("implementation", "locker_items",
                                 "信包箱可办事项随所属大厅（支持邮寄的事项），无需单独设置。"))
    note = _text(errors, "note", "说明", note, max_length=REASON_MAX)
    item = next(iter(published_items(ids=[implementation_id])), None) if isinstance(implementation_id, int) else None
    if item is None:
        errors.append(FieldError("implementation", ErrorCode.ITEM_NOT_FOUND, "未找到该事项，或它没有已发布的办事指南。"))
    elif mode == AcceptanceMode.CITY_WIDE and not item.city_wide:
        errors.append(FieldError("mode", "not_city_wide", f"“{item.name}”不是全市通办事项，请选择其他办理方式。"))
    if errors:
        raise ValidationFailed(errors)
    row, created = OutletItem.objects.update_or_create(outlet=outlet, implementation_id=implementation_id,
                                                       defaults={"mode": mode, "note": note})
    record_event(actor=actor, action="servicemap.item_set", obj=outlet,
                 details={"implementation_id": implementation_id, "name": item.name, "mode": mode, "new": created})
    bump_revision()
    return row


@transaction.atomic
def outlet_remove_item(*, actor, outlet: Outlet, implementation_id: int) -> Outlet:
    outlet = _lock(outlet)
    access.require_operator(actor, outlet.operator, doing="移除可办事项")
    deleted, _ = OutletItem.objects.filter(outlet=outlet, implementation_id=implementation_id).delete()
    if not deleted:
        raise NotFound("该网点没有这个事项。", code=ErrorCode.ITEM_NOT_FOUND)
    record_event(actor=actor, action="servicemap.item_removed", obj=outlet,
                 details={"implementation_id": implementation_id})
    bump_revision()
    return outlet


@transaction.atomic
def outlet_set_items_bulk(*, actor, outlet: Outlet, items: dict[int, str]) -> int:
    """Replace every item of the outlet at once (demo loaders, imports): implementation id → mode.
    Items without a published guide are refused, every one named."""
    outlet = _lock(outlet)
    access.require_operator(actor, outlet.operator, doing="设置可办事项")
    known = {i.id: i for i in published_items(ids=list(items))}
    errors = [FieldError("items", ErrorCode.ITEM_NOT_FOUND, f"事项 {i} 没有已发布的办事指南。")
              for i in items if i not in known]
    errors += [FieldError("items", "invalid_choice", f"事项“{known[i].name}”的办理方式无效。")
               for i, m in items.items() if i in known and m not in STORED_MODES]
    errors += [FieldError("items", "not_city_wide", f"“{known[i].name}”不是全市通办事项。")
               for i, m in items.items() if i in known and m == AcceptanceMode.CITY_WIDE and not known[i].city_wide]
    if errors:
        raise ValidationFailed(errors)
    OutletItem.objects.filter(outlet=outlet).delete()
    OutletItem.objects.bulk_create([OutletItem(outlet=outlet, implementation_id=i, mode=m) for i, m in items.items()])
    record_event(actor=actor, action="servicemap.items_replaced", obj=outlet, details={"count": len(items)})
    bump_revision()
    return len(items)


# --- Population ------------------------------------------------------------------------------


@transaction.atomic
def population_replace(*, actor, district_code: str, points: list[tuple[float, float, int]], is_demo: bool,
                       source: str) -> int:
    """Replace a district's population points (lat, lng, residents): administrators only."""
    if not (actor is None or getattr(actor, "is_superuser", False)):
        from yiwang.core.errors import PermissionDenied

        raise PermissionDenied("只有系统管理员可以导入人口格网数据。", code="not_administrator")
    errors: list[FieldError] = []
    if len(district_code or "") > 12 or not (district_code or "").isalnum():
        errors.append(FieldError("district_code", "invalid", "区县代码应为 GB/T 2260 六位代码。"))
    source = _text(errors, "source", "来源", source, max_length=200)
    rows = []
    for i, (lat, lng, population) in enumerate(points):
        if not (math.isfinite(lat) and math.isfinite(lng) and -90 <= lat <= 90 and -180 <= lng <= 180):
            errors.append(FieldError(f"points[{i}]", "invalid_location", "坐标超出范围。"))
        elif not (isinstance(population, int) and 0 <= population <= 10_000_000):
            errors.append(FieldError(f"points[{i}]", "invalid_population", "人口应为 0 到 10,000,000 的整数。"))
        else:
            rows.append(PopulationPoint(district_code=district_code, lat=lat, lng=lng, population=population,
                                        is_demo=is_demo, source=source))
        if len(errors) >= 20:
            break
    if errors:
        raise ValidationFailed(errors)
    PopulationPoint.objects.filter(district_code=district_code).delete()
    PopulationPoint.objects.bulk_create(rows, batch_size=2000)
    record_event(actor=actor, action="servicemap.population_replaced", object_type="servicemap.district",
                 object_id=district_code, details={"points": len(rows), "population": sum(r.population for r in rows),
                                                   "is_demo": is_demo})
    bump_revision()
    return len(rows)
