"""The hall manager's pages: halls in scope (open one), and per hall the wait figures against the
1-hour limit, window groups, windows, schedules and the slots of a day (capacity, close, reopen)."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from yiwang.appointments import selectors, services
from yiwang.appointments.access import (
    access_group_for_staff,
    access_hall_for_staff,
    access_schedule_for_staff,
    access_slot_for_staff,
    halls_for_staff,
)
from yiwang.appointments.constants import MAX_NAME, MAX_REASON, WindowGroupKind
from yiwang.appointments.pages.common import by_field, error_list, parse_date, post_id, post_int, report, staff_required
from yiwang.core.errors import DomainError, NotFound
from yiwang.orgs.access import access_organisation_by_id
from yiwang.orgs.constants import OrganisationKind, Role
from yiwang.orgs.selectors import organisations_in_scope

MANAGER = (Role.HALL_MANAGER,)
FIGURE_DAYS = 14
HALL_KINDS = (OrganisationKind.SERVICE_CENTER, OrganisationKind.STREET_CENTER, OrganisationKind.COMMUNITY_STATION)


def _hall_url(hall, anchor: str = "") -> str:
    return reverse("appointments:hall", args=[hall.code]) + (f"#{anchor}" if anchor else "")


@staff_required(*MANAGER)
def halls(request):
    errors: list[dict] = []
    if request.method == "POST":
        try:
            organisation = access_organisation_by_id(actor=request.user, organisation_id=post_id(request, "organisation"),
                                                     roles=MANAGER)
            hall = services.hall_open(actor=request.user, organisation=organisation, code=request.POST.get("code", ""))
        except DomainError as exc:
            errors = error_list(exc)
        else:
            messages.success(request, f"{hall.organisation.name}已开通预约取号。")
            return redirect(_hall_url(hall))
    today = timezone.localdate()
    rows = [{"hall": h, "today": selectors.wait_figures(organisation_id=h.organisation_id, start=today, end=today)[0]}
            for h in halls_for_staff(request.user, MANAGER)]
    opened = {r["hall"].organisation_id for r in rows}
    candidates = [o for o in organisations_in_scope(request.user, MANAGER).filter(kind__in=HALL_KINDS).order_by("path")[:300]
                  if o.pk not in opened]
    return render(request, "appointments/halls.html", {"rows": rows, "candidates": candidates, "errors": errors,
                                                       "field_errors": by_field(errors)}, status=400 if errors else 200)


@staff_required(*MANAGER)
def hall(request, code: str):
    hall = access_hall_for_staff(actor=request.user, code=code, roles=MANAGER)
    today = timezone.localdate()
    day = parse_date(request.GET.get("date"), today)
    groups = selectors.hall_groups(hall)
    group = next((g for g in groups if str(g.pk) == request.GET.get("group")), None)
    slots = [s for s in selectors.hall_slots_of_day(hall=hall, on=day) if group is None or s.window_group_id == group.pk]
    return render(request, "appointments/hall.html", {
        "hall": hall, "day": day, "today": today,
        "figures": selectors.wait_figures(organisation_id=hall.organisation_id, start=today - timedelta(days=FIGURE_DAYS - 1),
                                          end=today),
        "groups": groups, "group": group, "windows": selectors.hall_windows(hall),
        "schedules": selectors.hall_schedules(hall), "slots": slots,
        "kinds": WindowGroupKind.choices, "items": selectors.hall_items(hall), "max_name": MAX_NAME,
        "max_reason": MAX_REASON, "prev_day": day - timedelta(days=1), "next_day": day + timedelta(days=1),
    })


@staff_required(*MANAGER)
@require_POST
def group_create(request, code: str):
    hall = access_hall_for_staff(actor=request.user, code=code, roles=MANAGER)
    ids = [int(i) for i in request.POST.getlist("items") if i.isdigit()][:500]
    try:
        group = services.window_group_create(actor=request.user, hall=hall, name=request.POST.get("name", ""),
                                             kind=request.POST.get("kind", ""), ticket_prefix=request.POST.get("prefix", ""),
                                             implementation_ids=ids)
        messages.success(request, f"已添加窗口分组“{group.name}”（号码前缀 {group.ticket_prefix}）。")
    except DomainError as exc:
        report(request, exc)
    return redirect(_hall_url(hall, "groups"))


@staff_required(*MANAGER)
@require_POST
def window_create(request, code: str):
    hall = access_hall_for_staff(actor=request.user, code=code, roles=MANAGER)
    ids = [int(i) for i in request.POST.getlist("groups") if i.isdigit()][:50]
    try:
        window = services.window_create(actor=request.user, hall=hall, name=request.POST.get("name", ""), group_ids=ids)
        messages.success(request, f"已添加{window.name}。")
    except DomainError as exc:
        report(request, exc)
    return redirect(_hall_url(hall, "windows"))


@staff_required(*MANAGER)
def schedule_create(request, code: str):
    hall = access_hall_for_staff(actor=request.user, code=code, roles=MANAGER)
    errors: list[dict] = []
    values = {"capacity": "4", "slot_minutes": "30", "workday_periods": "09:00-12:00, 13:00-17:00", "weekend_days": ["5"]}
    if request.method == "POST":
        values = {k: request.POST.get(k, "") for k in ("name", "group", "capacity", "slot_minutes", "workday_periods",
                                                        "extended_periods", "weekend_periods", "valid_from", "valid_until",
                                                        "implementation")}
        values["weekend_days"] = request.POST.getlist("weekend_days")
        try:
            group = access_group_for_staff(actor=request.user, hall=hall, group_id=request.POST.get("group"), roles=MANAGER)
            schedule = services.schedule_create(
                actor=request.user, hall=hall, window_group=group, name=values["name"],
                capacity=post_int(request, "capacity", 0), slot_minutes=post_int(request, "slot_minutes", 30),
                workday_periods=values["workday_periods"], extended_periods=values["extended_periods"],
                weekend_periods=values["weekend_periods"], weekend_days=values["weekend_days"],
                valid_from=parse_date(values["valid_from"]), valid_until=parse_date(values["valid_until"]),
                implementation_id=post_id(request, "implementation") or None)
        except DomainError as exc:
            errors = error_list(exc)
        else:
            messages.success(request, f"已添加排班“{schedule.name}”，并生成今后 {hall.horizon_days} 天的号源。")
            return redirect(_hall_url(hall, "schedules"))
    return render(request, "appointments/schedule_form.html", {
        "hall": hall, "groups": selectors.hall_groups(hall), "items": selectors.hall_items(hall), "values": values,
        "errors": errors, "field_errors": by_field(errors), "max_name": MAX_NAME}, status=400 if errors else 200)


@staff_required(*MANAGER)
@require_POST
def schedule_deactivate(request, code: str, schedule_id: int):
    hall = access_hall_for_staff(actor=request.user, code=code, roles=MANAGER)
    schedule = access_schedule_for_staff(actor=request.user, hall=hall, schedule_id=schedule_id)
    services.schedule_deactivate(actor=request.user, schedule=schedule)
    messages.success(request, f"排班“{schedule.name}”已停用，不再生成新号源。")
    return redirect(_hall_url(hall, "schedules"))


@staff_required(*MANAGER)
@require_POST
def slot_update(request, code: str, slot_id: int):
    hall = access_hall_for_staff(actor=request.user, code=code, roles=MANAGER)
    slot = access_slot_for_staff(actor=request.user, slot_id=slot_id)
    if slot.organisation_id != hall.organisation_id:
        raise NotFound("未找到该号源。", code="slot_not_found")
    action = request.POST.get("action", "")
    try:
        if action == "capacity":
            services.slot_update(actor=request.user, slot=slot, capacity=post_int(request, "capacity"))
            messages.success(request, "号源数已调整。")
        elif action == "close":
            services.slot_update(actor=request.user, slot=slot, is_open=False, reason=request.POST.get("reason", ""))
            messages.success(request, "该时段已关闭，已预约的群众将收到通知。")
        elif action == "open":
            services.slot_update(actor=request.user, slot=slot, is_open=True)
            messages.success(request, "该时段已重新开放。")
    except DomainError as exc:
        report(request, exc)
    return redirect(f"{reverse('appointments:hall', args=[hall.code])}?date={slot.service_date:%Y-%m-%d}#slots")
