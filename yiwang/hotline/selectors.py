"""Reads of the hotline: worklists and clocks, duplicates nearby, timelines, indicators (definitions
in docs/hotline.md), hot spots, the oldest open tickets, and the enterprise-visit analysis."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone

from yiwang.core.geo import bounding_box, distance_m
from yiwang.hotline.constants import (
    TERMINAL_STATUSES,
    UNIT_STATUSES,
    AppealCategory,
    CallbackResolved,
    MeasureStatus,
    TicketStatus,
)
from yiwang.hotline.models import (
    CatalogueItem,
    Classification,
    EnterpriseAppeal,
    EscalationRule,
    Ticket,
    TicketCallback,
    TicketEvent,
    TicketMeasure,
    VisitCheckIn,
)
from yiwang.ratings.constants import SATISFIED_LEVELS, SatisfactionLevel
from yiwang.workdays.time_limits import working_days_between

OPEN_STATUSES = [s for s in TicketStatus.values if s not in TERMINAL_STATUSES]

# Approximate WGS84 centres of the urban districts, to label the heat layer (public geography).
PLACES = [("新城区", 34.2669, 108.9605), ("碑林区", 34.2537, 108.9342), ("莲湖区", 34.2655, 108.9110),
          ("灞桥区", 34.2730, 109.0640), ("未央区", 34.3080, 108.9470), ("雁塔区", 34.2140, 108.9480),
          ("长安区", 34.1590, 108.9070), ("临潼区", 34.3670, 109.2140), ("高陵区", 34.5350, 109.0880)]
HEAT_BBOX = (34.05, 34.45, 108.75, 109.25)


@dataclass
class Clock:
    due_on: date | None
    remaining: int | None  # working days left (negative: overdue)
    colour: str  # green / yellow / red / grey
    label: str
    paused: bool = False


def clock_of(ticket: Ticket, today: date | None = None) -> Clock:
    today = today or timezone.localdate()
    if ticket.status == TicketStatus.ON_HOLD:
        return Clock(ticket.due_on, ticket.paused_remaining, "grey", "暂停计时", paused=True)
    if not ticket.due_on or ticket.status not in UNIT_STATUSES | {TicketStatus.REPLIED}:
        return Clock(ticket.due_on, None, "grey", "—")
    remaining = working_days_between(today, ticket.due_on)
    if today > ticket.due_on:
        return Clock(ticket.due_on, remaining, "red", f"已超期 {max(-remaining, 1)} 个工作日")
    colour = "yellow" if remaining <= 1 else "green"
    return Clock(ticket.due_on, remaining, colour, "今日到期" if remaining == 0 else f"剩余 {remaining} 个工作日")


def sign_overdue_now(ticket: Ticket) -> bool:
    return ticket.status == TicketStatus.DISPATCHED and bool(ticket.sign_due_at and timezone.now() > ticket.sign_due_at)


def _with_related(qs: QuerySet[Ticket]) -> QuerySet[Ticket]:
    return qs.select_related("item", "primary_unit", "district", "street").order_by("-priority", "due_on", "received_at")


def worklist(qs: QuerySet[Ticket], *, status: str = "") -> list[dict]:
    qs = qs.filter(status__in=UNIT_STATUSES)
    if status:
        qs = qs.filter(status=status)
    today = timezone.localdate()
    return [{"ticket": t, "clock": clock_of(t, today), "sign_overdue": sign_overdue_now(t)}
            for t in _with_related(qs)[:200]]


def agent_queue(*, status: str = "") -> list[Ticket]:
    statuses = [status] if status else [TicketStatus.PENDING_DISPATCH, TicketStatus.REPLIED, TicketStatus.PENDING_CALLBACK,
                                         TicketStatus.REOPEN_REQUESTED, TicketStatus.RECEIVED, TicketStatus.ACCEPTED]
    return list(_with_related(Ticket.objects.filter(status__in=statuses))[:200])


def open_extension_requests() -> list[TicketMeasure]:
    return list(TicketMeasure.objects.filter(kind="extension", status=MeasureStatus.OPEN)
                .select_related("ticket", "ticket__primary_unit").order_by("created_at")[:100])


def nearby_open_tickets(*, lat: float | None, lng: float | None, item: CatalogueItem | None = None,
                        classification: Classification | None = None, radius_m: float = 500, days: int = 60,
                        exclude_id: int | None = None, limit: int = 5) -> list[dict]:
    """Open tickets of the same item (or classification) within `radius_m`, newest first."""
    if lat is None or lng is None or (item is None and classification is None):
        return []
    min_lat, max_lat, min_lng, max_lng = bounding_box(lat, lng, radius_m)
    qs = Ticket.objects.filter(status__in=OPEN_STATUSES, merged_into__isnull=True, lat__gte=min_lat, lat__lte=max_lat,
                               lng__gte=min_lng, lng__lte=max_lng,
                               received_at__gte=timezone.now() - timedelta(days=days))
    qs = qs.filter(item=item) if item is not None else qs.filter(classification=classification)
    if exclude_id:
        qs = qs.exclude(pk=exclude_id)
    found = []
    for t in qs.select_related("item").order_by("-received_at")[:50]:
        d = distance_m(lat, lng, t.lat, t.lng)
        if d <= radius_m:
            found.append({"ticket": t, "distance": round(d)})
    return sorted(found, key=lambda r: r["distance"])[:limit]


def timeline(ticket: Ticket, *, public: bool) -> list[TicketEvent]:
    qs = ticket.events.all()
    if public:
        qs = qs.filter(public=True)
    return list(qs)


def public_view(ticket: Ticket) -> dict:
    """What anyone may read: no caller, no confidential content; a merged ticket shows its master."""
    subject = ticket.merged_into if ticket.merged_into_id else ticket
    return {
        "number": ticket.number, "title": ticket.title if not ticket.confidential else "（保密诉求）",
        "description": "" if ticket.confidential else ticket.description,
        "status": ticket.get_status_display(), "open": ticket.status not in TERMINAL_STATUSES,
        "master": subject if subject is not ticket else None, "reply": subject.public_reply,
        "reply_at": subject.public_reply_at, "unit": subject.primary_unit.name if subject.primary_unit_id else "",
        "received_at": ticket.received_at, "events": timeline(ticket, public=True),
        "item": ticket.item.name if ticket.item_id else "", "closure": subject.get_closure_display() if subject.closure else "",
    }


def open_measures(*, kind: str = "") -> list[TicketMeasure]:
    qs = TicketMeasure.objects.filter(status=MeasureStatus.OPEN).exclude(kind="extension")
    if kind:
        qs = qs.filter(kind=kind)
    return list(qs.select_related("ticket", "ticket__primary_unit").order_by("due_on", "created_at")[:200])


def overdue_tickets(today: date | None = None) -> list[dict]:
    today = today or timezone.localdate()
    qs = Ticket.objects.filter(status__in=UNIT_STATUSES - {TicketStatus.ON_HOLD}, due_on__lt=today)
    return [{"ticket": t, "clock": clock_of(t, today)} for t in _with_related(qs)[:200]]


def oldest_open(limit: int = 10) -> list[dict]:
    today = timezone.localdate()
    qs = Ticket.objects.filter(status__in=OPEN_STATUSES).select_related("primary_unit", "item").order_by("received_at")
    return [{"ticket": t, "age": (today - timezone.localdate(t.received_at)).days} for t in qs[:limit]]


# ----------------------------------------------------------------------------------- indicators

def satisfaction_weights() -> dict[str, float]:
    default = {lvl: (1.0 if lvl in SATISFIED_LEVELS else 0.0) for lvl in SatisfactionLevel.values}
    return {**default, **getattr(settings, "HOTLINE_SATISFACTION_WEIGHTS", {})}


def _rate(num: float, den: int) -> float | None:
    return round(100.0 * num / den, 1) if den else None


def indicators(*, start: date, end: date, weights: dict[str, float] | None = None) -> dict:
    """The indicators of tickets received in [start, end] (definitions: docs/hotline.md)."""
    weights = weights or satisfaction_weights()
    partly = float(getattr(settings, "HOTLINE_PARTLY_RESOLVED_WEIGHT", 0.5))
    tz = timezone.get_current_timezone()
    lo = datetime.combine(start, datetime.min.time(), tzinfo=tz)
    hi = datetime.combine(end + timedelta(days=1), datetime.min.time(), tzinfo=tz)
    tickets = Ticket.objects.filter(received_at__gte=lo, received_at__lt=hi)
    now, today = timezone.now(), timezone.localdate()
    rows = list(tickets.values_list("id", "status", "dispatched_at", "sign_due_at", "signed_at", "sign_overdue",
                                    "due_on", "replied_at", "reply_overdue"))
    received = len(rows)
    sign_due = sign_ok = reply_due = reply_ok = dispatched = answered = 0
    for _pk, status, dispatched_at, sign_due_at, signed_at, sign_over, due_on, replied_at, reply_over in rows:
        if status == TicketStatus.ANSWERED:
            answered += 1
        if not dispatched_at:
            continue
        dispatched += 1
        if signed_at is not None:
            sign_due += 1
            sign_ok += not sign_over
        elif sign_due_at and sign_due_at < now:
            sign_due += 1
        if replied_at is not None and reply_over is not None:
            reply_due += 1
            reply_ok += not reply_over
        elif due_on and due_on < today and status in UNIT_STATUSES:
            reply_due += 1
    latest: dict[int, TicketCallback] = {}
    for cb in TicketCallback.objects.filter(ticket__in=tickets, reached=True).order_by("created_at"):
        latest[cb.ticket_id] = cb
    reached = list(latest.values())
    resolved = sum(1.0 if cb.resolved == CallbackResolved.RESOLVED else partly if cb.resolved == CallbackResolved.PARTLY else 0.0
                   for cb in reached)
    rated = [cb for cb in reached if cb.satisfaction]
    satisfied = sum(weights.get(cb.satisfaction, 0.0) for cb in rated)
    return {
        "received": received, "dispatched": dispatched, "answered_directly": answered,
        "response_rate": _rate(sign_ok, sign_due), "on_time_rate": _rate(reply_ok, reply_due),
        "resolution_rate": _rate(resolved, len(reached)), "satisfaction_rate": _rate(satisfied, len(rated)),
        "callbacks": len(reached), "rated": len(rated),
        "counts": {"sign": (sign_ok, sign_due), "reply": (reply_ok, reply_due)},
    }


def month_starts(months: int, today: date | None = None) -> list[date]:
    today = today or timezone.localdate()
    first = today.replace(day=1)
    out = []
    for _ in range(months):
        out.append(first)
        first = (first - timedelta(days=1)).replace(day=1)
    return list(reversed(out))


def monthly_indicators(months: int = 12) -> dict:
    starts = month_starts(months)
    series = defaultdict(list)
    for m in starts:
        end = (m + timedelta(days=32)).replace(day=1) - timedelta(days=1)
        ind = indicators(start=m, end=end)
        for key, name in (("response_rate", "响应率"), ("on_time_rate", "按时办结率"), ("resolution_rate", "解决率"),
                          ("satisfaction_rate", "满意率")):
            series[name].append(ind[key])
    return {"months": [f"{m:%Y-%m}" for m in starts], "series": dict(series)}


def hotspots(*, start: date, end: date, limit: int = 20) -> list[dict]:
    """Counts by top-level classification × street × month, largest first."""
    tz = timezone.get_current_timezone()
    qs = Ticket.objects.filter(received_at__date__gte=start, received_at__date__lte=end, classification__isnull=False)
    rows = (qs.annotate(month=TruncMonth("received_at", tzinfo=tz))
            .values("classification__parent__parent__name", "classification__parent__name", "classification__name",
                    "street__name", "district__name", "month").annotate(n=Count("id")).order_by("-n")[:limit])
    return [{"classification": r["classification__parent__parent__name"] or r["classification__parent__name"]
             or r["classification__name"], "place": r["street__name"] or r["district__name"] or "未注明",
             "month": r["month"], "count": r["n"]} for r in rows]


def heat_cells(*, start: date, end: date, rows: int = 16, cols: int = 24) -> dict[tuple[int, int], int]:
    from yiwang.hotline.charts import cell_of

    cells: Counter = Counter()
    qs = Ticket.objects.filter(received_at__date__gte=start, received_at__date__lte=end, lat__isnull=False)
    for lat, lng in qs.values_list("lat", "lng").iterator(chunk_size=2000):
        cell = cell_of(lat, lng, rows=rows, cols=cols, bbox=HEAT_BBOX)
        if cell:
            cells[cell] += 1
    return dict(cells)


def escalation_rules() -> list[EscalationRule]:
    return list(EscalationRule.objects.filter(active=True))


# ----------------------------------------------------------------------------------- catalogue

def active_items() -> QuerySet[CatalogueItem]:
    return CatalogueItem.objects.filter(active=True).select_related("classification__parent__parent", "primary_unit")


def item_by_code(code: str) -> CatalogueItem | None:
    return active_items().filter(service_code=str(code)[:40]).first()


def item_for_intake(code: str) -> CatalogueItem | None:
    """The item alone (no joins): intake needs its id, types, flags and default unit id. A
    per-process copy (catalogue_cache) — the catalogue changes a few times a month."""
    from yiwang.hotline.catalogue_cache import cached

    code = str(code)[:40]
    return cached(("item", code), lambda: CatalogueItem.objects.filter(service_code=code, active=True).order_by().first())


def items_by_ids(ids) -> list[CatalogueItem]:
    return list(active_items().filter(pk__in=ids))


def tickets_of_caller(user) -> list[Ticket]:
    return list(Ticket.objects.filter(caller_user=user).select_related("item", "primary_unit").order_by("-received_at")[:100])


def search_tickets(*, query: str = "", status: str = "", limit: int = 50) -> list[Ticket]:
    qs = Ticket.objects.all()
    if query:
        qs = qs.filter(Q(number__startswith=query) | Q(title__icontains=query))
    if status:
        qs = qs.filter(status=status)
    return list(_with_related(qs)[:limit])


# ----------------------------------------------------------------------------------- visits

def appeal_analysis(*, start: date, end: date) -> dict:
    """Appeal categories over a period: shares overall, per district and per department (seed 004's
    monthly report), with completion and 5-star figures."""
    qs = EnterpriseAppeal.objects.filter(created_at__date__gte=start, created_at__date__lte=end).select_related(
        "target__district", "target__department", "ticket")
    appeals = list(qs)
    total = len(appeals)
    by_cat = Counter(a.category for a in appeals)
    shares = [(AppealCategory(c).label, round(100.0 * n / total, 2)) for c, n in by_cat.most_common()] if total else []
    per_district: dict[str, Counter] = defaultdict(Counter)
    per_department: dict[str, Counter] = defaultdict(Counter)
    for a in appeals:
        per_district[a.target.district.name][a.category] += 1
        per_department[a.target.department.name][a.category] += 1
    done = [a for a in appeals if a.ticket.status in (TicketStatus.CLOSED, TicketStatus.ANSWERED, TicketStatus.PENDING_CALLBACK)]
    rated = [a for a in appeals if a.stars]
    return {
        "total": total, "shares": shares, "done": len(done), "done_rate": _rate(len(done), total),
        "rated": len(rated), "five_star_rate": _rate(sum(1 for a in rated if a.stars == 5), len(rated)),
        "on_site": sum(1 for a in appeals if a.mode == "on_site"),
        "per_district": {k: [(AppealCategory(c).label, n) for c, n in v.most_common(3)] for k, v in sorted(per_district.items())},
        "per_department": {k: [(AppealCategory(c).label, n) for c, n in v.most_common(3)] for k, v in sorted(per_department.items())},
    }


def visit_coverage(*, start: date, end: date, targets) -> dict:
    visited = set(VisitCheckIn.objects.filter(visited_at__date__gte=start, visited_at__date__lte=end)
                  .values_list("target_id", flat=True))
    ids = [t.pk for t in targets]
    return {"targets": len(ids), "visited": len(visited & set(ids)), "rate": _rate(len(visited & set(ids)), len(ids)),
            "checkins": VisitCheckIn.objects.filter(target_id__in=ids, visited_at__date__gte=start,
                                                    visited_at__date__lte=end).count()}
