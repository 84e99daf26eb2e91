"""Citizen pages: submit an appeal (with nearby open tickets of the same kind suggested first and a
clear emergency notice), my appeals, one appeal with its public reply, rating and reopen request,
and the public follow page (number + lookup code)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from yiwang.accounts.network import client_ip
from yiwang.core.errors import DomainError, NotFound
from yiwang.hotline import services
from yiwang.hotline.access import access_own_ticket, access_ticket_public, ticket_actions_for
from yiwang.hotline.constants import CallbackResolved, Channel, ErrorCode, TicketType
from yiwang.hotline.pages.common import as_float, field_errors, not_found, text
from yiwang.hotline.selectors import active_items, item_by_code, nearby_open_tickets, public_view, tickets_of_caller
from yiwang.hotline.services.commands import ticket_act
from yiwang.orgs.constants import DivisionLevel
from yiwang.orgs.selectors import division_by_code, divisions_by_level
from yiwang.ratings.constants import SatisfactionLevel

CITIZEN_TYPES = list(TicketType.choices)


def _form_context(values: dict, errors: dict | None = None, **extra) -> dict:
    return {"values": values, "errors": errors or {}, "types": CITIZEN_TYPES, "items": active_items(),
            "districts": list(divisions_by_level(DivisionLevel.DISTRICT, parent_code="610100")), **extra}


@login_required
@require_http_methods(["GET", "POST"])
def submit(request):
    values = {k: request.POST.get(k, "") for k in ("ticket_type", "service_code", "district", "address", "lat", "lng",
                                                   "datum", "title", "description", "follow")} if request.method == "POST" else {
        "ticket_type": "complaint", "datum": "gcj02"}
    if request.method == "GET":
        return render(request, "hotline/submit.html", _form_context(values))
    item = item_by_code(values["service_code"]) if values["service_code"] else None
    district = division_by_code(values["district"]) if values["district"] else None
    lat, lng = as_float(values["lat"]), as_float(values["lng"])
    if request.POST.get("intent") != "submit":
        # First press: show nearby open tickets of the same kind and any emergency notice.
        from yiwang.core.geo import gcj02_to_wgs84
        from yiwang.hotline import emergency

        w_lat, w_lng = (gcj02_to_wgs84(lat, lng) if values.get("datum") == "gcj02" and lat and lng and lat == lat else (lat, lng))
        duplicates = nearby_open_tickets(lat=w_lat, lng=w_lng, item=item) if lat == lat and lng == lng else []
        found = emergency.detect(values["description"] + values["title"])
        return render(request, "hotline/submit.html", _form_context(
            values, duplicates=duplicates, checked=True, emergency=emergency.message_for([f[0] for f in found]) if found else ""))
    try:
        ticket = services.ticket_submit(
            actor=request.user, channel=Channel.MOBILE if request.POST.get("mobile") else Channel.WEB,
            ticket_type=values["ticket_type"], description=text(request, "description"), title=text(request, "title", 100),
            item=item, district=district, address=text(request, "address", 255),
            location=services.Location(lat, lng, values.get("datum") or "wgs84") if values["lat"] or values["lng"] else None,
            caller_user=request.user, anonymous=True, confidential=bool(request.POST.get("confidential")),
            emergency_confirmed=bool(request.POST.get("not_emergency")))
    except DomainError as exc:
        ctx = _form_context(values, field_errors(exc), checked=True)
        if exc.code == ErrorCode.EMERGENCY_UNCONFIRMED:
            ctx["emergency"] = exc.message
        return render(request, "hotline/submit.html", ctx, status=400)
    messages.success(request, f"诉求已提交并受理，工单编号 {ticket.number}，查询码 {ticket.lookup_code}。")
    return redirect("hotline:mine_detail", number=ticket.number)


@login_required
def mine(request):
    return render(request, "hotline/mine.html", {"tickets": tickets_of_caller(request.user)})


@login_required
def mine_detail(request, number):
    try:
        ticket = access_own_ticket(actor=request.user, number=number)
    except NotFound as exc:
        return not_found(request, exc)
    return render(request, "hotline/mine_detail.html", {
        "ticket": ticket, "view": public_view(ticket), "actions": ticket_actions_for(actor=request.user, ticket=ticket),
        "levels": SatisfactionLevel.choices, "resolved_choices": CallbackResolved.choices})


@login_required
@require_POST
def mine_act(request, number, action):
    try:
        ticket = access_own_ticket(actor=request.user, number=number)
    except NotFound as exc:
        return not_found(request, exc)
    data = {"resolved": request.POST.get("resolved", ""), "satisfaction": request.POST.get("satisfaction", ""),
            "note": text(request, "note", 2000), "reason": text(request, "reason", 2000)}
    try:
        ticket_act(actor=request.user, ticket=ticket, action=action if action in ("rate", "request_reopen") else "-",
                   data=data)
        messages.success(request, "感谢您的评价。" if action == "rate" else "已提交重启申请，工作人员将核实后决定。")
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("hotline:mine_detail", number=ticket.number)


@require_http_methods(["GET", "POST"])
def follow(request):
    """Anyone with the number and lookup code sees the public view (never the caller)."""
    view, error = None, ""
    number = request.POST.get("number", "") if request.method == "POST" else request.GET.get("number", "")
    if request.method == "POST":
        try:
            ticket = access_ticket_public(number=number, code=request.POST.get("code", ""), client=client_ip(request))
            view = public_view(ticket)
        except DomainError as exc:
            error = exc.message
    return render(request, "hotline/follow.html", {"view": view, "error": error, "number": number[:24],
                                                    "submit_url": reverse("hotline:submit")},
                  status=400 if error else 200)
