"""Reads: what can be booked where and when, a person's bookings, the queue in calling order, the
board, the wait figures against the 1-hour limit of seed 002, the hook answers (outlet status,
printables), assisted-service and key-project lists."""

from __future__ import annotations

import time as _time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Avg, Count, Max, Q, QuerySet, Sum
from django.urls import reverse
from django.utils import timezone

from yiwang.appointments import booking_rules
from yiwang.appointments.access import as_id
from yiwang.appointments.constants import (
    ACTIVE_BOOKING_STATUSES,
    BOOKABLE_GROUP_KINDS,
    OPEN_TICKET_STATUSES,
    BookingStatus,
    DayType,
    SlotKind,
    TicketStatus,
    WindowGroupKind,
    rules,
)
from yiwang.appointments.models import (
    AssistanceRequest,
    Booking,
    Hall,
    KeyProject,
    QueueTicket,
    Slot,
    SlotSchedule,
    Window,
    WindowGroup,
)
from yiwang.appointments.queue_order import OrderKey, order_key
from yiwang.catalog.selectors import published_versions
from yiwang.core import hooks
from yiwang.workdays.selectors import calendar_year_detail
from yiwang.workdays.time_limits import is_working_day

# --- The calendar -----------------------------------------------------------------------------

_HOLIDAYS: dict[int, tuple[float, frozenset[date]]] = {}
_HOLIDAY_TTL = 60.0


def _holidays(year: int) -> frozenset[date]:
    cached = _HOLIDAYS.get(year)
    if cached and _time.monotonic() - cached[0] < _HOLIDAY_TTL:
        return cached[1]
    days = set()
    for period in calendar_year_detail(year).holidays:
        d = period.first_day
        while d <= period.last_day:
            days.add(d)
            d += timedelta(days=1)
    _HOLIDAYS[year] = (_time.monotonic(), frozenset(days))
    return _HOLIDAYS[year][1]


def day_type(d: date) -> str:
    """Working day (make-up Saturdays included), an ordinary weekend day, or a statutory holiday."""
    if is_working_day(d):
        return DayType.WORKING
    if d in _holidays(d.year) or d.weekday() < 5:
        return DayType.HOLIDAY
    return DayType.WEEKEND


# --- Items --------------------------------------------------------------------------------

def published_item_names(implementation_ids) -> dict[int, str]:
    ids = [int(i) for i in implementation_ids or []]
    return dict(published_versions().filter(implementation_id__in=ids).values_list("implementation_id", "name"))


@dataclass(frozen=True)
class ItemFacts:
    implementation_id: int
    name: str
    agency: str
    supports_appointment: bool
    weekend_service: bool


def item_facts(implementation_id) -> ItemFacts | None:
    row = (published_versions().filter(implementation_id=as_id(implementation_id))
           .values("implementation_id", "name", "implementation__agency__name", "supports_appointment",
                   "weekend_service").first())
    if row is None:
        return None
    return ItemFacts(row["implementation_id"], row["name"], row["implementation__agency__name"],
                     row["supports_appointment"], row["weekend_service"])


def _general_item_ids(organisation_id: int) -> set[int]:
    """Items a general window of this hall accepts: those whose guide names the hall as a place
    (办理地点), and the city-wide ones (全市通办)."""
    return set(published_versions().filter(Q(places__outlet_id=organisation_id) | Q(city_wide=True))
               .values_list("implementation_id", flat=True))


def groups_offering(organisation_id: int, implementation_id: int, *, kinds=BOOKABLE_GROUP_KINDS) -> list[WindowGroup]:
    """The active groups of `kinds` at the hall that serve the item: groups listing it, and groups
    without a list (general windows) when the hall accepts it (_general_item_ids)."""
    groups = WindowGroup.objects.filter(organisation_id=organisation_id, is_active=True, kind__in=kinds
                                        ).prefetch_related("items")
    general = None
    out = []
    for group in groups:
        listed = group.items.all()
        if not listed and group.kind != WindowGroupKind.SECTOR:
            general = _general_item_ids(organisation_id) if general is None else general
            if implementation_id in general:
                out.append(group)
        elif any(i.pk == implementation_id for i in listed):
            out.append(group)
    return out


def hall_items(hall: Hall) -> list[dict]:
    """The bookable items of a hall (published, 支持预约办理, offered by one of its window groups
    that has an active schedule), by name."""
    groups = list(WindowGroup.objects.filter(organisation_id=hall.organisation_id, is_active=True,
                                             schedules__is_active=True, kind__in=BOOKABLE_GROUP_KINDS)
                  .distinct().prefetch_related("items"))
    ids: set[int] = set()
    for group in groups:
        listed = {i.pk for i in group.items.all()}
        ids |= listed or (_general_item_ids(hall.organisation_id) if group.kind != WindowGroupKind.SECTOR else set())
    rows = (published_versions().filter(implementation_id__in=ids, supports_appointment=True)
            .values("implementation_id", "name", "implementation__agency__name", "weekend_service").order_by("name"))
    return [{"id": r["implementation_id"], "name": r["name"], "agency": r["implementation__agency__name"],
             "weekend": r["weekend_service"]} for r in rows]


# --- Slots --------------------------------------------------------------------------------

def halls_active() -> list[Hall]:
    return list(Hall.objects.filter(is_active=True).select_related("organisation"))


def halls_for_booking() -> list[Hall]:
    return list(Hall.objects.filter(is_active=True, organisation__isnull=False).select_related("organisation")
                .filter(organisation_id__in=WindowGroup.objects.filter(schedules__is_active=True,
                                                                       kind__in=BOOKABLE_GROUP_KINDS)
                        .values("organisation_id")))


def slot_offers(slot: Slot, implementation_id: int) -> bool:
    """Whether the item can be booked in the slot (a slot of a bookable group that serves it)."""
    if slot.window_group.kind not in BOOKABLE_GROUP_KINDS:
        return False
    if slot.implementation_id is not None:
        return slot.implementation_id == implementation_id
    return any(g.pk == slot.window_group_id for g in groups_offering(slot.organisation_id, implementation_id))


def bookable_slots(*, hall: Hall, implementation_id: int, on: date, now: datetime | None = None) -> list[Slot]:
    """The open slots of `on` for the item, full ones included (shown as 约满), in time order.
    Weekend slots only for items the catalog marks 周末可办; none once the book-ahead time is past."""
    now = now or timezone.now()
    r = rules()
    facts = item_facts(implementation_id)
    if facts is None or not facts.supports_appointment:
        return []
    group_ids = [g.pk for g in groups_offering(hall.organisation_id, implementation_id)]
    slots = (Slot.objects.filter(organisation_id=hall.organisation_id, service_date=on, is_open=True,
                                 window_group_id__in=group_ids,
                                 starts_at__gte=now + timedelta(minutes=r.BOOK_AHEAD_MINUTES))
             .filter(Q(implementation_id=implementation_id) | Q(implementation__isnull=True))
             .select_related("window_group").order_by("starts_at", "window_group__order"))
    if not facts.weekend_service:
        slots = slots.exclude(kind=SlotKind.WEEKEND)
    return list(slots)


def bookable_dates(*, hall: Hall, implementation_id: int, now: datetime | None = None) -> list[dict]:
    """Each day of the horizon with the places left for the item and which kinds of slot it has."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    out = []
    for offset in range(hall.horizon_days + 1):
        d = today + timedelta(days=offset)
        slots = bookable_slots(hall=hall, implementation_id=implementation_id, on=d, now=now)
        if not slots:
            continue
        out.append({"date": d, "remaining": sum(s.remaining for s in slots),
                    "kinds": sorted({s.kind for s in slots}), "day_type": day_type(d)})
    return out


def home_visit_slots(*, organisation_id: int, now: datetime | None = None) -> list[Slot]:
    now = now or timezone.now()
    return list(Slot.objects.filter(organisation_id=organisation_id, window_group__kind=WindowGroupKind.HOME_VISIT,
                                    is_open=True, starts_at__gte=now + timedelta(hours=2))
                .select_related("window_group").order_by("starts_at")[:60])


def _with_item_names(rows: list) -> list:
    names = published_item_names({r.implementation_id for r in rows if r.implementation_id})
    for r in rows:
        r.item_name = names.get(r.implementation_id, "") if r.implementation_id else ""
    return rows


def hall_schedules(hall: Hall) -> list[SlotSchedule]:
    return _with_item_names(list(SlotSchedule.objects.filter(organisation_id=hall.organisation_id)
                                 .select_related("window_group").order_by("-is_active", "window_group__order", "pk")))


def hall_slots_of_day(*, hall: Hall, on: date) -> list[Slot]:
    return _with_item_names(list(Slot.objects.filter(organisation_id=hall.organisation_id, service_date=on)
                                 .select_related("window_group").order_by("window_group__order", "starts_at")))


# --- Bookings -----------------------------------------------------------------------------

def bookings_of(applicant) -> QuerySet[Booking]:
    return (Booking.objects.filter(applicant=applicant).select_related("slot", "slot__window_group", "organisation")
            .order_by("-slot__starts_at"))


def upcoming_bookings_of(applicant, *, now: datetime | None = None) -> list[Booking]:
    now = now or timezone.now()
    return list(bookings_of(applicant).filter(status__in=ACTIVE_BOOKING_STATUSES, slot__ends_at__gte=now)
                .order_by("slot__starts_at"))


def active_booking_count(applicant, *, now: datetime) -> int:
    return Booking.objects.filter(applicant=applicant, status=BookingStatus.BOOKED, slot__ends_at__gte=now).count()


def no_show_times(applicant, *, now: datetime) -> list[datetime]:
    since = now - timedelta(days=booking_rules.lookback_days(rules()))
    return list(Booking.objects.filter(applicant=applicant, status=BookingStatus.NO_SHOW, no_show_at__gte=since)
                .values_list("no_show_at", flat=True))


def booking_barred_until(applicant, *, now: datetime | None = None) -> datetime | None:
    now = now or timezone.now()
    return booking_rules.barred_until(no_show_times(applicant, now=now), now=now, rules=rules())


def hall_bookings_of_day(*, organisation_id: int, on: date) -> list[Booking]:
    return list(Booking.objects.filter(organisation_id=organisation_id, slot__service_date=on)
                .exclude(status__in=(BookingStatus.CANCELLED, BookingStatus.CANCELLED_BY_HALL))
                .select_related("slot", "slot__window_group", "applicant").order_by("slot__starts_at", "pk"))


def booking_to_link(*, applicant_id: int, implementation_id: int, outlet_id: int | None, on: date) -> Booking | None:
    """The booking a case filed today carries: the person's checked-in (else still booked, else
    served but unlinked) booking for the item at the outlet, today."""
    qs = Booking.objects.filter(applicant_id=applicant_id, implementation_id=implementation_id, slot__service_date=on,
                                case__isnull=True)
    if outlet_id:
        qs = qs.filter(organisation_id=outlet_id)
    for status in (BookingStatus.CHECKED_IN, BookingStatus.BOOKED, BookingStatus.SERVED):
        booking = qs.filter(status=status).order_by("slot__starts_at").first()
        if booking is not None:
            return booking
    return None


def bookings_due_reminder(*, now: datetime) -> QuerySet[Booking]:
    tomorrow = timezone.localdate(now) + timedelta(days=1)
    return Booking.objects.filter(status=BookingStatus.BOOKED, slot__service_date=tomorrow, reminder_sent_at__isnull=True)


def bookings_past_check_in(*, now: datetime) -> QuerySet[Booking]:
    cutoff = now - timedelta(minutes=rules().CHECK_IN_LATE_MINUTES)
    return Booking.objects.filter(status=BookingStatus.BOOKED, slot__starts_at__lt=cutoff)


# --- The queue ----------------------------------------------------------------------------

def ticket_order_key(ticket: QueueTicket, now: datetime) -> OrderKey:
    return order_key(priority_reason=ticket.priority_reason, taken_at=ticket.taken_at, sequence=ticket.sequence,
                     now=now, promote_after=timedelta(minutes=rules().PROMOTE_AFTER_MINUTES),
                     booked_start=ticket.booked_start)


def waiting_tickets(*, organisation_id: int, group_ids=None, now: datetime | None = None) -> list[QueueTicket]:
    """Today's waiting tickets in the order they will be called."""
    now = now or timezone.now()
    qs = QueueTicket.objects.filter(organisation_id=organisation_id, service_date=timezone.localdate(now),
                                    status=TicketStatus.WAITING).select_related("window_group", "booking")
    if group_ids is not None:
        qs = qs.filter(window_group_id__in=list(group_ids))
    tickets = list(qs)
    tickets.sort(key=lambda t: (*ticket_order_key(t, now)[:2], t.window_group_id, t.sequence))
    return tickets


def people_ahead(ticket: QueueTicket, *, now: datetime | None = None) -> int:
    """Waiting tickets of the same group that will be called before this one."""
    if ticket.status != TicketStatus.WAITING:
        return 0
    now = now or timezone.now()
    queue = waiting_tickets(organisation_id=ticket.organisation_id, group_ids=[ticket.window_group_id], now=now)
    return next((i for i, t in enumerate(queue) if t.pk == ticket.pk), len(queue))


def hall_ticket(*, organisation_id: int, ticket_id: int) -> QueueTicket | None:
    return (QueueTicket.objects.select_related("window_group", "booking")
            .filter(pk=as_id(ticket_id), organisation_id=organisation_id).first())


def current_ticket(window: Window) -> QueueTicket | None:
    return (QueueTicket.objects.filter(window=window, status__in=(TicketStatus.CALLED, TicketStatus.SERVING))
            .select_related("window_group", "booking", "applicant").order_by("-called_at").first())


def window_desk(window: Window, *, now: datetime | None = None) -> dict:
    """Everything the calling page shows for one window: its current ticket (and the person,
    masked), the waiting list of its groups in calling order, today's wait figures of the hall,
    today's bookings, the groups a walk-in can be given a number for."""
    from yiwang.core.crypto import mask_id_number, mask_name

    now = now or timezone.now()
    today = timezone.localdate(now)
    hall = hall_of_organisation(window.organisation_id)
    current = current_ticket(window)
    waiting = waiting_tickets(organisation_id=window.organisation_id, group_ids=[g.pk for g in window.groups.all()], now=now)
    person = None
    if current is not None and current.applicant_id:
        person = {"name": mask_name(current.applicant.real_name or current.applicant.display_name),
                  "id_number": mask_id_number(current.applicant.id_number)}
    return {
        "hall": hall, "current": current, "person": person, "waiting": waiting[:30], "waiting_total": len(waiting),
        "now": now, "figures": wait_figures(organisation_id=window.organisation_id, start=today, end=today, now=now)[0],
        "bookings": hall_bookings_of_day(organisation_id=window.organisation_id, on=today),
        "groups": hall_groups(hall, tickets_only=True) if hall else [],
    }


def hall_windows(hall: Hall) -> list[Window]:
    return list(Window.objects.filter(organisation_id=hall.organisation_id, is_active=True).prefetch_related("groups"))


def hall_groups(hall: Hall, *, tickets_only: bool = False) -> list[WindowGroup]:
    qs = WindowGroup.objects.filter(organisation_id=hall.organisation_id, is_active=True).prefetch_related("items")
    if tickets_only:
        qs = qs.exclude(kind=WindowGroupKind.HOME_VISIT)
    return list(qs)


def group_queue_lengths(*, organisation_id: int, on: date) -> dict[int, int]:
    return dict(QueueTicket.objects.filter(organisation_id=organisation_id, service_date=on, status=TicketStatus.WAITING)
                .values_list("window_group_id").annotate(n=Count("pk")).values_list("window_group_id", "n"))


def board(*, hall: Hall, now: datetime | None = None, limit: int = 8) -> dict:
    """The hall's display: the latest calls (window and number) and how many wait per group."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    calls = list(QueueTicket.objects.filter(organisation_id=hall.organisation_id, service_date=today,
                                            status__in=(TicketStatus.CALLED, TicketStatus.SERVING))
                 .select_related("window").order_by("-announced_at")[:limit])
    lengths = group_queue_lengths(organisation_id=hall.organisation_id, on=today)
    groups = [{"group": g, "waiting": lengths.get(g.pk, 0)} for g in hall_groups(hall, tickets_only=True)]
    return {"calls": calls, "groups": groups, "now": now}


# --- Wait figures (seed 002: 从抽号到接件不得超过1小时) ---------------------------------------

@dataclass
class DayFigures:
    day: date
    tickets: int = 0  # numbers taken
    served: int = 0  # reached service (接件)
    no_shows: int = 0
    waiting_now: int = 0  # still waiting (today only)
    average_wait_to_call: float | None = None  # minutes, over called tickets
    average_wait_to_service: float | None = None  # minutes, over served tickets
    longest_wait_to_service: float | None = None
    over_limit: int = 0  # served after more than the limit, plus (today) those already waiting longer
    over_limit_share: float | None = None  # over_limit / (served + those still waiting past the limit)
    limit_minutes: int = 60

    @property
    def within_limit(self) -> bool | None:
        return None if self.over_limit_share is None else self.over_limit == 0


def _minutes(seconds) -> float | None:
    return None if seconds is None else round(float(seconds) / 60, 1)


def wait_figures(*, organisation_id: int, start: date, end: date, now: datetime | None = None,
                 window_group_id: int | None = None) -> list[DayFigures]:
    """Per day from `start` to `end` (inclusive), newest first. Waits run from taking the number
    to being called, and to the start of service; the share over the limit counts the served ones
    whose wait exceeded it and — today — the ones still waiting that already passed it."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    limit = rules().WAIT_LIMIT_MINUTES
    limit_seconds = limit * 60
    qs = QueueTicket.objects.filter(organisation_id=organisation_id, service_date__gte=start, service_date__lte=end)
    if window_group_id is not None:
        qs = qs.filter(window_group_id=window_group_id)
    rows = (qs.values("service_date").annotate(
        tickets=Count("pk"),
        served=Count("pk", filter=Q(started_at__isnull=False)),
        no_shows=Count("pk", filter=Q(status=TicketStatus.NO_SHOW)),
        waiting=Count("pk", filter=Q(status=TicketStatus.WAITING)),
        call_sum=Sum("wait_to_call_seconds"), called=Count("wait_to_call_seconds"),
        service_avg=Avg("wait_to_service_seconds"), service_max=Max("wait_to_service_seconds"),
        over=Count("pk", filter=Q(wait_to_service_seconds__gt=limit_seconds)),
    ))
    by_day = {r["service_date"]: r for r in rows}
    late_waiting = 0
    if start <= today <= end:
        late_waiting = qs.filter(service_date=today, status__in=(TicketStatus.WAITING, TicketStatus.CALLED),
                                 taken_at__lt=now - timedelta(minutes=limit)).count()
    out = []
    d = end
    while d >= start:
        r = by_day.get(d)
        fig = DayFigures(day=d, limit_minutes=limit)
        if r:
            extra = late_waiting if d == today else 0
            fig.tickets, fig.served, fig.no_shows = r["tickets"], r["served"], r["no_shows"]
            fig.waiting_now = r["waiting"] if d == today else 0
            fig.average_wait_to_call = _minutes(r["call_sum"] / r["called"]) if r["called"] else None
            fig.average_wait_to_service = _minutes(r["service_avg"])
            fig.longest_wait_to_service = _minutes(r["service_max"])
            fig.over_limit = r["over"] + extra
            base = r["served"] + extra
            fig.over_limit_share = round(fig.over_limit / base, 4) if base else None
        out.append(fig)
        d -= timedelta(days=1)
    return out


def outlet_status(outlet) -> dict | None:
    """Handler of the hook servicemap.outlet_status(outlet): the hall's queue now and today's
    average wait, or None when the outlet is not a hall with queue numbers."""
    organisation_id = getattr(outlet, "organisation_id", None)
    if not organisation_id or not Hall.objects.filter(organisation_id=organisation_id, is_active=True).exists():
        return None
    now = timezone.now()
    today = timezone.localdate(now)
    fig = wait_figures(organisation_id=organisation_id, start=today, end=today, now=now)[0]
    return {
        "source": "appointments",
        "queue_length": QueueTicket.objects.filter(organisation_id=organisation_id, service_date=today,
                                                   status=TicketStatus.WAITING).count(),
        "average_wait_minutes": fig.average_wait_to_service,
        "served_today": fig.served,
        "over_limit_share": fig.over_limit_share,
        "wait_limit_minutes": fig.limit_minutes,
    }


# --- Printables (hook appointments.printables) -------------------------------------------

@dataclass
class Printable:
    key: str
    title: str
    detail: str
    open: Any = field(repr=False)  # () -> (bytes or file, filename, content type)


def _as_printable(item) -> Printable | None:
    get = item.get if isinstance(item, dict) else (lambda k, d=None: getattr(item, k, d))
    key, title, opener = get("key"), get("title"), get("open")
    if not key or not title or not callable(opener):
        return None
    return Printable(key=str(key), title=str(title), detail=str(get("detail", "") or ""), open=opener)


def case_document_printables(applicant) -> list[dict]:
    """Our own handler of appointments.printables: the documents of the applicant's cases."""
    from yiwang.cases.selectors import cases_of_applicant
    from yiwang.cases.services import document_file

    items = []
    for case in cases_of_applicant(applicant).prefetch_related("documents")[:50]:
        for doc in case.documents.all():
            items.append({
                "key": f"case-document:{doc.pk}",
                "title": f"{doc.get_kind_display()}（{case.version.name}）",
                "detail": f"办件编号 {case.number} · {doc.issued_on:%Y年%m月%d日}",
                "open": (lambda d=doc, c=case: (document_file(d).open("rb"), f"{d.get_kind_display()}-{c.number}.pdf",
                                                "application/pdf")),
            })
    return items


def printables_of(applicant) -> list[Printable]:
    """Everything the person can print at a kiosk: what every handler of the hook
    appointments.printables(applicant) returns (case documents here; e-licences from the licence app)."""
    out: list[Printable] = []
    seen = set()
    for result in hooks.call("appointments.printables", applicant=applicant):
        for item in result or []:
            p = _as_printable(item)
            if p is not None and p.key not in seen:
                seen.add(p.key)
                out.append(p)
    return out


# --- Assisted service and key projects -----------------------------------------------------

def assistance_of(applicant) -> QuerySet[AssistanceRequest]:
    return AssistanceRequest.objects.filter(applicant=applicant).select_related("organisation", "slot", "assignee")


def assistance_timeline(request: AssistanceRequest) -> list:
    return list(request.events.select_related("actor").order_by("created_at", "pk"))


def assistance_counts(queryset: QuerySet[AssistanceRequest]) -> dict[str, int]:
    return dict(queryset.values_list("status").annotate(n=Count("pk")).values_list("status", "n"))


def project_timeline(project: KeyProject) -> list:
    return list(project.events.select_related("actor").order_by("created_at", "pk"))


def project_item_names(project: KeyProject) -> list[str]:
    return sorted(published_item_names(project.items.values_list("pk", flat=True)).values())


def project_cases(project: KeyProject) -> list:
    """The cases the project's enterprise has filed (number, item, status), for 审中协调."""
    if project.enterprise_id is None:
        return []
    from yiwang.cases.selectors import cases_of_applicant

    return list(cases_of_applicant(project.enterprise)[:30])


def assistants_for(organisation) -> list:
    from yiwang.orgs.constants import Role
    from yiwang.orgs.selectors import role_holders_over

    return role_holders_over(organisation, Role.SERVICE_ASSISTANT)


def hall_of_organisation(organisation_id: int | None) -> Hall | None:
    if not organisation_id:
        return None
    return Hall.objects.filter(organisation_id=organisation_id).select_related("organisation").first()


def queue_ticket_counts(*, organisation_id: int, on: date) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for status, n in (QueueTicket.objects.filter(organisation_id=organisation_id, service_date=on)
                      .values_list("status").annotate(n=Count("pk")).values_list("status", "n")):
        counts[status] = n
    counts["open"] = sum(counts[s] for s in OPEN_TICKET_STATUSES)
    return dict(counts)


def booking_link(booking: Booking) -> str:
    return reverse("appointments:booking", args=[booking.pk])
