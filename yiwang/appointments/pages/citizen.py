"""Pages for citizens and enterprises: book an appointment (hall → item → day → time), my
bookings, change and cancel; requests for assisted service, their tracking and rating.

Every change is a POST answered by a redirect; a page is re-rendered only to show errors, with what
was chosen still in place."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from yiwang.appointments import selectors, services
from yiwang.appointments.access import (
    access_assistance_by_id,
    access_booking_by_id,
    access_hall_by_code,
    assistance_actions_for,
    booking_actions_for,
)
from yiwang.appointments.constants import (
    MAX_ADDRESS,
    MAX_NAME,
    MAX_NOTE,
    MAX_PLACE,
    MAX_REASON,
    MAX_TEXT,
    AssistanceAction,
    AssistanceGround,
    AssistanceKind,
    BookingAction,
    Channel,
    SlotKind,
)
from yiwang.appointments.pages.common import applicant_required, by_field, error_list, get_id, parse_date, post_id, report
from yiwang.core.errors import DomainError, NotFound
from yiwang.ratings.constants import SatisfactionLevel

MAX_ITEMS_SHOWN = 60


def _items_matching(items: list[dict], q: str) -> list[dict]:
    q = (q or "").strip()[:50]
    return [i for i in items if q in i["name"] or q in (i["agency"] or "")] if q else items


def _day_choices(hall, implementation_id: int) -> list[dict]:
    return selectors.bookable_dates(hall=hall, implementation_id=implementation_id)


@applicant_required
def my_bookings(request):
    now = timezone.now()
    upcoming = selectors.upcoming_bookings_of(request.user, now=now)
    upcoming_ids = {b.pk for b in upcoming}
    past = [b for b in selectors.bookings_of(request.user)[:30] if b.pk not in upcoming_ids]
    return render(request, "appointments/my_bookings.html", {
        "upcoming": upcoming, "past": past, "barred_until": selectors.booking_barred_until(request.user, now=now),
        "requests": selectors.assistance_of(request.user)[:5],
    })


@applicant_required
@require_http_methods(["GET", "POST"])
def book(request):
    """One page, four steps through GET parameters (hall, item, date), then the POST of the slot."""
    code = (request.POST.get("hall") or request.GET.get("hall") or "")[:40]
    item_id = post_id(request, "item") if request.method == "POST" else get_id(request, "item")
    context: dict = {"errors": [], "halls": selectors.halls_for_booking(), "hall": None, "item": None}
    if item_id:
        context["item"] = selectors.item_facts(item_id)
    if code:
        try:
            context["hall"] = access_hall_by_code(code)
        except NotFound:
            context["errors"] = [{"field": "hall", "message": "未找到该服务大厅，请重新选择。", "href": "#halls"}]
    hall, item = context["hall"], context["item"]
    if request.method == "POST" and hall and item:
        try:
            booking = services.booking_create(actor=request.user, slot_id=post_id(request, "slot_id"),
                                              implementation_id=item.implementation_id, channel=Channel.WEB)
        except DomainError as exc:
            context["errors"] = error_list(exc)
        else:
            messages.success(request, f"预约成功。预约码 {booking.code}，已通过短信发送给您。")
            return redirect("appointments:booking", booking_id=booking.pk)
    if hall and item:
        context["days"] = _day_choices(hall, item.implementation_id)
        context["day_query"] = f"hall={hall.code}&item={item.implementation_id}&"
        chosen = parse_date(request.POST.get("date") or request.GET.get("date"))
        if chosen:
            context["date"] = chosen
            context["slots"] = selectors.bookable_slots(hall=hall, implementation_id=item.implementation_id, on=chosen)
    elif hall:
        q = request.GET.get("q", "")
        items = _items_matching(selectors.hall_items(hall), q)
        context.update({"items": items[:MAX_ITEMS_SHOWN], "item_total": len(items), "q": q[:50]})
    context["field_errors"] = by_field(context["errors"])
    context["slot_kinds"] = SlotKind
    return render(request, "appointments/book.html", context, status=400 if context["errors"] else 200)


@applicant_required
def booking_detail(request, booking_id: int):
    booking = access_booking_by_id(actor=request.user, booking_id=booking_id)
    return render(request, "appointments/booking_detail.html", {
        "booking": booking, "actions": booking_actions_for(actor=request.user, booking=booking),
        "BookingAction": BookingAction,
    })


@applicant_required
@require_http_methods(["GET", "POST"])
def booking_change(request, booking_id: int):
    booking = access_booking_by_id(actor=request.user, booking_id=booking_id)
    if BookingAction.CHANGE not in booking_actions_for(actor=request.user, booking=booking):
        messages.error(request, "该预约现在不能改约。")
        return redirect("appointments:booking", booking_id=booking.pk)
    hall = selectors.hall_of_organisation(booking.organisation_id)
    errors: list[dict] = []
    if request.method == "POST":
        try:
            services.booking_change(actor=request.user, booking=booking, slot_id=post_id(request, "slot_id"))
        except DomainError as exc:
            errors = error_list(exc)
        else:
            messages.success(request, "改约成功，预约码不变。")
            return redirect("appointments:booking", booking_id=booking.pk)
    chosen = parse_date(request.POST.get("date") or request.GET.get("date"))
    slots = selectors.bookable_slots(hall=hall, implementation_id=booking.implementation_id, on=chosen) if chosen else []
    return render(request, "appointments/booking_change.html", {
        "booking": booking, "hall": hall, "days": _day_choices(hall, booking.implementation_id), "date": chosen,
        "slots": [s for s in slots if s.pk != booking.slot_id], "errors": errors, "field_errors": by_field(errors),
    }, status=400 if errors else 200)


@applicant_required
@require_http_methods(["GET", "POST"])
def booking_cancel(request, booking_id: int):
    booking = access_booking_by_id(actor=request.user, booking_id=booking_id)
    errors: list[dict] = []
    if request.method == "POST":
        try:
            services.booking_cancel(actor=request.user, booking=booking, reason=request.POST.get("reason", ""))
        except DomainError as exc:
            errors = error_list(exc)
        else:
            messages.success(request, "预约已取消。")
            return redirect("appointments:my_bookings")
    return render(request, "appointments/booking_cancel.html", {
        "booking": booking, "errors": errors, "field_errors": by_field(errors), "max_reason": MAX_REASON,
        "allowed": BookingAction.CANCEL in booking_actions_for(actor=request.user, booking=booking),
    }, status=400 if errors else 200)


# --- Assisted service ---------------------------------------------------------------------

@applicant_required
def assistance_list(request):
    return render(request, "appointments/assistance_list.html", {"requests": selectors.assistance_of(request.user)})


def _assistance_form_context(request, hall, errors, values):
    return {
        "halls": selectors.halls_active(), "hall": hall, "errors": errors, "field_errors": by_field(errors),
        "values": values, "kinds": AssistanceKind.choices, "grounds": AssistanceGround.choices,
        "items": selectors.hall_items(hall) if hall else [],
        "home_slots": selectors.home_visit_slots(organisation_id=hall.organisation_id) if hall else [],
        "limits": {"text": MAX_TEXT, "name": MAX_NAME, "address": MAX_ADDRESS, "place": MAX_PLACE},
    }


@applicant_required
@require_http_methods(["GET", "POST"])
def assistance_new(request):
    code = (request.POST.get("hall") or request.GET.get("hall") or "")[:40]
    hall = None
    if code:
        hall = access_hall_by_code(code)
    values = {"contact_name": request.user.display_name, "contact_phone": request.user.phone,
              "kind": request.GET.get("kind", "")[:20]}
    errors: list[dict] = []
    if request.method == "POST" and hall is not None:
        values = {k: request.POST.get(k, "") for k in ("kind", "ground", "description", "contact_name", "contact_phone",
                                                        "address", "place", "implementation_id", "slot_id")}
        try:
            created = services.assistance_request_create(
                actor=request.user, organisation=hall.organisation, kind=values["kind"], ground=values["ground"],
                description=values["description"], contact_name=values["contact_name"],
                contact_phone=values["contact_phone"], address=values["address"], place=values["place"],
                implementation_id=post_id(request, "implementation_id") or None, slot_id=post_id(request, "slot_id") or None)
        except DomainError as exc:
            errors = error_list(exc)
        else:
            messages.success(request, "申请已提交，工作人员将尽快与您联系。")
            return redirect("appointments:assistance_detail", request_id=created.pk)
    return render(request, "appointments/assistance_new.html", _assistance_form_context(request, hall, errors, values),
                  status=400 if errors else 200)


@applicant_required
@require_http_methods(["GET", "POST"])
def assistance_detail(request, request_id: int):
    item = access_assistance_by_id(actor=request.user, request_id=request_id)
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == AssistanceAction.CANCEL:
                services.assistance_cancel(actor=request.user, request=item, reason=request.POST.get("reason", ""))
                messages.success(request, "申请已撤回。")
            elif action == AssistanceAction.RATE:
                services.assistance_rate(actor=request.user, request=item, level=request.POST.get("level", ""),
                                         comment=request.POST.get("comment", ""))
                messages.success(request, "感谢您的评价。")
            else:
                messages.error(request, "未知的操作。")
        except DomainError as exc:
            report(request, exc)
        return redirect(reverse("appointments:assistance_detail", args=[item.pk]))
    return render(request, "appointments/assistance_detail.html", {
        "item": item, "timeline": selectors.assistance_timeline(item),
        "actions": assistance_actions_for(actor=request.user, request=item), "Action": AssistanceAction,
        "levels": SatisfactionLevel.choices, "max_note": MAX_NOTE,
    })
