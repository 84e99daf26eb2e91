"""The in-memory index of active outlets: snapshots of every outlet with its schedule and items,
and a grid index over their locations (spatial_index.py), built from the tables once per revision.

Freshness. Every write bumps `ServiceMapRevision` in its transaction (services.bump_revision) and
invalidates the writer's own index at once and after commit. Other processes compare the stored
revision (number, changed_at) with the one their index was built from at most once per
`SERVICEMAP_REVISION_CHECK_SECONDS` (1 s) — one single-row query, never one per search. Items
become visible or not with the catalog (a guide published or withdrawn elsewhere bumps nothing
here), so an index is also rebuilt when older than `SERVICEMAP_INDEX_MAX_AGE_SECONDS` (300 s).
Building takes a few queries and ~0.4 s of CPU for 10,000 outlets (benchmarks/servicemap.py).
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

import numpy as np
from django.conf import settings

from yiwang.catalog.selectors import PublishedItem, published_items
from yiwang.servicemap.constants import (
    LOCKER_RADIUS_M,
    STAFFED_KINDS,
    AcceptanceMode,
    OutletKind,
)
from yiwang.servicemap.districts import DISTRICTS
from yiwang.servicemap.models import OpeningException, OpeningPeriod, Outlet, OutletItem, ServiceMapRevision
from yiwang.servicemap.opening_hours import Period, Schedule
from yiwang.servicemap.spatial_index import GridIndex


@dataclass(frozen=True)
class OutletRecord:
    """A read-only snapshot of one active outlet, as searches and the `servicemap.outlet_status`
    hook see it (handlers find their own rows by `id` or `organisation_id`)."""

    id: int
    name: str
    kind: str
    host: str
    organisation_id: int | None
    operator_id: int
    operator_name: str
    hall_id: int | None
    locker_id: int | None
    district_code: str
    lat: float
    lng: float
    address: str
    phone: str
    directions: str
    notes: str
    facilities: tuple[str, ...]
    schedule: Schedule
    items: dict  # implementation id → AcceptanceMode value (lockers: derived from their hall)

    @property
    def pk(self) -> int:
        return self.id

    @property
    def kind_label(self) -> str:
        return OutletKind(self.kind).label

    @property
    def district_name(self) -> str:
        district = DISTRICTS.get(self.district_code)
        return district.name if district else ""

    @property
    def is_staffed(self) -> bool:
        return self.kind in STAFFED_KINDS


class ServiceMapIndex:
    def __init__(self, records: list[OutletRecord], items: dict[int, PublishedItem], revision):
        self.revision = revision
        self.built_at = time.monotonic()
        self.records = records
        self.items = items
        self.position = {r.id: i for i, r in enumerate(records)}
        n = len(records)
        lats = np.array([r.lat for r in records], dtype=np.float64)
        lngs = np.array([r.lng for r in records], dtype=np.float64)
        self.grid = GridIndex(lats, lngs)
        self.kinds = np.array([r.kind for r in records], dtype=object)
        self.kind_masks = {k: self.kinds == k for k in OutletKind.values} if n else {}
        # Seed 004 (全城通港): lockers are offered within 5 km only.
        self.radius = np.where(self.kinds == OutletKind.LOCKER, float(LOCKER_RADIUS_M), np.inf) if n else np.empty(0)
        members: dict[int, list[int]] = defaultdict(list)
        for i, r in enumerate(records):
            for item_id in r.items:
                members[item_id].append(i)
        self.item_members = {k: np.array(v, dtype=np.int64) for k, v in members.items()}
        facility_members: dict[str, list[int]] = defaultdict(list)
        for i, r in enumerate(records):
            for f in r.facilities:
                facility_members[f].append(i)
        self.facility_masks = {}
        for f, idx in facility_members.items():
            mask = np.zeros(n, dtype=bool)
            mask[idx] = True
            self.facility_masks[f] = mask
        self.attached: dict[int, list[int]] = defaultdict(list)
        for r in records:
            if r.hall_id is not None:
                self.attached[r.hall_id].append(r.id)

    def record(self, outlet_id: int) -> OutletRecord | None:
        pos = self.position.get(outlet_id)
        return None if pos is None else self.records[pos]

    def serves_personal_items(self, record: OutletRecord) -> bool:
        """Handles community-level items (公民个人事项, seed 000/002) at a counter: a staffed outlet
        that accepts an item for natural persons other than at a terminal."""
        if not record.is_staffed:
            return False
        return any(mode != AcceptanceMode.SELF_SERVICE and (item := self.items.get(item_id)) is not None
                   and item.for_persons for item_id, mode in record.items.items())


# --- Building --------------------------------------------------------------------------------


def _stored_revision():
    row = ServiceMapRevision.objects.filter(pk=1).values_list("number", "changed_at").first()
    return row or (0, None)


def build_index() -> ServiceMapIndex:
    revision = _stored_revision()
    items = {i.id: i for i in published_items()}
    columns = ("id", "name", "kind", "host", "organisation_id", "operator_id", "operator__name", "hall_id", "locker_id",
               "district_code", "lat", "lng", "address", "phone", "directions", "notes", "facilities")
    outlets = list(Outlet.objects.filter(is_active=True).order_by("id").values_list(*columns))
    empty = ((),) * 8
    # Most outlets share their hours: one Period object per distinct period and one tuple per
    # distinct week keep the index small and its build quick.
    period_of: dict[tuple, Period] = {}
    week_of: dict[tuple, tuple] = {}
    slots: dict[int, list[list[Period]]] = {}
    for outlet_id, slot, opens, closes, extended in (
            OpeningPeriod.objects.filter(outlet__is_active=True).order_by("outlet_id", "slot", "opens_minute")
            .values_list("outlet_id", "slot", "opens_minute", "closes_minute", "is_extended")):
        days = slots.get(outlet_id)
        if days is None:
            days = slots[outlet_id] = [[] for _ in range(8)]
        key = (opens, closes, extended)
        period = period_of.get(key)
        if period is None:
            period = period_of[key] = Period(opens, closes, extended)
        days[slot].append(period)
    exceptions: dict[int, dict[date, tuple[list[Period], str]]] = defaultdict(dict)
    for outlet_id, day, opens, closes, reason in OpeningException.objects.filter(outlet__is_active=True).order_by(
            "outlet_id", "day", "opens_minute").values_list("outlet_id", "day", "opens_minute", "closes_minute", "reason"):
        periods, _ = exceptions[outlet_id].get(day, ([], reason))
        if opens is not None and closes is not None:
            periods.append(Period(opens, closes))
        exceptions[outlet_id][day] = (periods, reason)
    own_items: dict[int, dict[int, str]] = defaultdict(dict)
    for outlet_id, implementation_id, mode in OutletItem.objects.filter(outlet__is_active=True).values_list(
            "outlet_id", "implementation_id", "mode"):
        if implementation_id in items:  # a guide no longer in force is not offered
            own_items[outlet_id][implementation_id] = mode
    records = []
    for (pk, name, kind, host, organisation_id, operator_id, operator_name, hall_id, locker_id, district_code, lat, lng,
         address, phone, directions, notes, facilities) in outlets:
        if kind == OutletKind.LOCKER:
            # A locker takes materials in and hands results out for its hall: every item the hall
            # accepts whose materials and results may travel (supports_express_delivery).
            hall_items = own_items.get(hall_id, {}) if hall_id else {}
            outlet_items = {i: AcceptanceMode.LOCKER.value for i in hall_items if items[i].supports_express_delivery}
        else:
            outlet_items = own_items.get(pk, {})
        days = slots.get(pk)
        week = empty
        if days:
            week = tuple(map(tuple, days))
            week = week_of.setdefault(week, week)
        schedule = Schedule(
            slots=week,
            exceptions={d: (tuple(p), reason) for d, (p, reason) in exceptions[pk].items()} if pk in exceptions else {},
        )
        records.append(OutletRecord(
            id=pk, name=name, kind=kind, host=host, organisation_id=organisation_id, operator_id=operator_id,
            operator_name=operator_name, hall_id=hall_id, locker_id=locker_id, district_code=district_code, lat=lat,
            lng=lng, address=address, phone=phone, directions=directions, notes=notes,
            facilities=tuple(facilities or ()), schedule=schedule, items=outlet_items,
        ))
    return ServiceMapIndex(records, items, revision)


# --- The process's index ---------------------------------------------------------------------

_lock = threading.Lock()
_state = {"index": None, "checked_at": 0.0, "stale": True}


def invalidate_index() -> None:
    """Check the revision on the next query (services call it on write and after commit)."""
    _state["stale"] = True


def forget_index() -> None:
    """Drop the index (tests: their databases reuse ids and revisions after a rollback)."""
    _state["index"] = None
    _state["stale"] = True


def get_index() -> ServiceMapIndex:
    check_every = float(getattr(settings, "SERVICEMAP_REVISION_CHECK_SECONDS", 1.0))
    max_age = float(getattr(settings, "SERVICEMAP_INDEX_MAX_AGE_SECONDS", 300.0))
    now = time.monotonic()
    index = _state["index"]
    if index is not None and not _state["stale"] and now - _state["checked_at"] < check_every \
            and now - index.built_at < max_age:
        return index
    with _lock:
        index = _state["index"]
        revision = _stored_revision()
        if index is None or index.revision != revision or time.monotonic() - index.built_at >= max_age:
            index = build_index()
            _state["index"] = index
        _state["checked_at"] = time.monotonic()
        _state["stale"] = False
        return index
