"""Reads of the staff pages: outlets in the actor's scope, the form's choices, one outlet's rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Q
from django.utils import timezone

from yiwang.catalog.selectors import PublishedItem, search_tokens
from yiwang.servicemap.constants import (
    HALL_KINDS,
    OutletKind,
)
from yiwang.servicemap.models import OutletWindow
from yiwang.servicemap.opening_hours import clock
from yiwang.servicemap.selectors.outlets import clean_query

# --- Staff pages ---------------------------------------------------------------------------------


def outlets_for_staff(*, actor, q: str = "", kind: str = "", page=1, page_size: int = 30):
    """Outlets the actor maintains (active or not), by district and kind; words match name or address."""
    from django.core.paginator import Paginator

    from yiwang.servicemap.access import outlets_in_scope

    qs = outlets_in_scope(actor).order_by("district_code", "kind", "name")
    for word in clean_query(q).split():
        qs = qs.filter(Q(name__contains=word) | Q(address__contains=word))
    if kind in OutletKind.values:
        qs = qs.filter(kind=kind)
    return Paginator(qs, page_size).get_page(page)


@dataclass(frozen=True)
class OutletFormChoices:
    operators: list
    organisations: list
    halls: list
    lockers: list


def outlet_form_choices(*, actor, outlet=None) -> OutletFormChoices:
    """What the outlet form offers the actor: operators and organisations in scope, halls in
    scope, and the registered lockers no outlet uses yet (plus the outlet's own)."""
    from yiwang.cases.selectors import lockers
    from yiwang.orgs.constants import OrganisationKind
    from yiwang.servicemap.access import operators_in_scope, outlets_in_scope
    from yiwang.servicemap.models import Outlet

    operators = list(operators_in_scope(actor))
    hall_kinds = {OrganisationKind.SERVICE_CENTER, OrganisationKind.STREET_CENTER, OrganisationKind.COMMUNITY_STATION}
    taken_orgs = set(Outlet.objects.exclude(organisation=None).values_list("organisation_id", flat=True))
    own_org = outlet.organisation_id if outlet else None
    organisations = [o for o in operators if o.kind in hall_kinds and (o.pk not in taken_orgs or o.pk == own_org)]
    halls = [h for h in outlets_in_scope(actor).filter(kind__in=list(HALL_KINDS)).order_by("district_code", "name")
             if outlet is None or h.pk != outlet.pk]
    used = set(Outlet.objects.exclude(locker=None).values_list("locker_id", flat=True))
    own_locker = outlet.locker_id if outlet else None
    operator_ids = {o.pk for o in operators}
    free = [lk for lk in lockers() if (lk.pk not in used or lk.pk == own_locker) and lk.outlet_id in operator_ids]
    return OutletFormChoices(operators, organisations, halls, free)


@dataclass(frozen=True)
class OutletMaintenance:
    """One outlet as its staff pages show it."""

    outlet: object
    periods: list
    exceptions: list
    windows: dict[str, tuple[int, str]]
    items: list[tuple[PublishedItem | None, object]]  # (published facts or None when withdrawn, OutletItem)


def outlet_maintenance(outlet) -> OutletMaintenance:
    from yiwang.catalog.selectors import published_items
    from yiwang.servicemap.models import OpeningException, OpeningPeriod, OutletItem

    rows = list(OutletItem.objects.filter(outlet=outlet).order_by("mode", "id"))
    facts = {i.id: i for i in published_items(ids=[r.implementation_id for r in rows])}
    items = sorted(((facts.get(r.implementation_id), r) for r in rows),
                   key=lambda pair: (pair[1].mode, pair[0].name if pair[0] else ""))
    today = timezone.localdate()
    by_day: dict[date, tuple[list, str]] = {}
    for e in OpeningException.objects.filter(outlet=outlet, day__gte=today).order_by("day", "opens_minute"):
        periods, _ = by_day.setdefault(e.day, ([], e.reason))
        if e.opens_minute is not None:
            periods.append(f"{clock(e.opens_minute)}—{clock(e.closes_minute)}")
    return OutletMaintenance(
        outlet=outlet, periods=list(OpeningPeriod.objects.filter(outlet=outlet)),
        exceptions=[(d, "、".join(p) or "全天不开放", reason) for d, (p, reason) in by_day.items()],
        windows={w.kind: (w.count, w.note) for w in OutletWindow.objects.filter(outlet=outlet)}, items=items)


def items_for_staff(q: str = "", *, exclude=(), limit: int = 20) -> list[PublishedItem]:
    """Published items whose names hold every word of `q` (for adding to an outlet)."""
    from yiwang.catalog.selectors import published_items

    text = clean_query(q)
    if not text:
        return []
    words = search_tokens(text)
    excluded = set(exclude)
    found = [i for i in published_items() if i.id not in excluded and all(w in i.name or w in i.agency_name for w in words)]
    return found[:limit]

