"""The agent's console (话务受理), keyboard-first for a person with a caller on the line: the phone
number first (earlier tickets of the caller), the matter, then one key to check (duplicates nearby,
dispatch suggestion with its confidence, emergency words, reply templates), one key to submit.

Knowledge panel: the knowledge base belongs to the guidance app (one base for guided search and the
hotline). This page leaves a marked place for it (template block `knowledge_panel`) and shows the
catalogue item's reply templates, which are the hotline's own.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from yiwang.core.crypto import blind_index
from yiwang.core.errors import DomainError, NotFound
from yiwang.guidance.selectors import knowledge_search
from yiwang.hotline import emergency, services
from yiwang.hotline.access import is_agent
from yiwang.hotline.constants import Channel, EmergencyLine, ErrorCode, TicketStatus, TicketType, Urgency
from yiwang.hotline.models import Ticket
from yiwang.hotline.pages.common import as_float, field_errors, not_found, text
from yiwang.hotline.selectors import active_items, agent_queue, item_by_code, nearby_open_tickets, open_extension_requests
from yiwang.hotline.services.intake import PHONE_PURPOSE, normalise_phone
from yiwang.hotline.services.routing import route, suggest_item
from yiwang.orgs.constants import DivisionLevel, Role
from yiwang.orgs.selectors import division_by_code, divisions_by_level, organisations_by_ids, organisations_with_role

FIELDS = ("caller_phone", "caller_name", "ticket_type", "urgency", "service_code", "district", "street", "address", "lat",
          "lng", "datum", "title", "description", "unit", "co_units", "answer_text", "channel")


def _forbidden(request):
    return not_found(request, NotFound("未找到该页面，或您无权访问。"))


def units():
    return list(organisations_with_role(Role.HOTLINE_HANDLER))


def _context(values, **extra):
    return {"values": values, "types": TicketType.choices, "urgencies": Urgency.choices, "items": active_items(),
            "districts": list(divisions_by_level(DivisionLevel.DISTRICT, parent_code="610100")),
            "streets": list(divisions_by_level(DivisionLevel.STREET)), "units": units(),
            "channels": [(Channel.PHONE, "电话"), (Channel.SMS, "短信"), (Channel.LETTER, "来信"), (Channel.LEADER, "领导批示")],
            "lines": EmergencyLine.choices, "errors": {}, **extra}


@login_required
@require_http_methods(["GET", "POST"])
def console(request):
    if not is_agent(request.user):
        return _forbidden(request)
    if request.method == "GET":
        return render(request, "hotline/console.html", _context({"ticket_type": "complaint", "urgency": "normal",
                                                                 "datum": "gcj02", "channel": Channel.PHONE}))
    values = {k: request.POST.get(k, "") for k in FIELDS}
    values["co_units"] = request.POST.getlist("co_units")
    intent = request.POST.get("intent", "check")
    item = item_by_code(values["service_code"]) if values["service_code"] else None
    district = division_by_code(values["district"]) if values["district"] else None
    street = division_by_code(values["street"]) if values["street"] else None
    lat, lng = as_float(values["lat"]), as_float(values["lng"])
    location = services.Location(lat, lng, values["datum"] or "wgs84") if values["lat"] or values["lng"] else None
    if intent == "refer":
        try:
            referral = services.emergency_refer(actor=request.user, line=request.POST.get("line", ""),
                                                summary=(values["title"] or values["description"])[:200])
        except DomainError as exc:
            return render(request, "hotline/console.html", _context(values, errors=field_errors(exc)), status=400)
        messages.success(request, f"已转 {referral.get_line_display()}，并记录来电摘要。")
        return redirect("hotline:console")
    if intent == "submit":
        unit_ids = [i for i in [values["unit"]] if i.isdigit()]
        chosen = organisations_by_ids(unit_ids)
        co = organisations_by_ids([i for i in values["co_units"] if i.isdigit() and i not in unit_ids])
        try:
            ticket = services.ticket_submit(
                actor=request.user, channel=values["channel"] or Channel.PHONE, ticket_type=values["ticket_type"],
                urgency=values["urgency"], description=text(request, "description"), title=text(request, "title", 100),
                item=item, district=district, street=street, address=text(request, "address", 255), location=location,
                caller_name=text(request, "caller_name", 50), caller_phone=text(request, "caller_phone", 30),
                confidential=bool(request.POST.get("confidential")), anonymous=not request.POST.get("public_name"),
                emergency_confirmed=bool(request.POST.get("not_emergency")), unit=chosen[0] if chosen else None,
                co_units=co, answer_text=text(request, "answer_text", 2000) if request.POST.get("answer") else "")
        except DomainError as exc:
            ctx = _context(values, errors=field_errors(exc), checked=True)
            if exc.code == ErrorCode.EMERGENCY_UNCONFIRMED:
                ctx["emergency"], ctx["emergency_lines"] = exc.message, exc.detail["lines"]
            return render(request, "hotline/console.html", ctx, status=400)
        messages.success(request, f"工单 {ticket.number} 已受理：{ticket.get_status_display()}"
                         + (f"，派至{ticket.primary_unit.name}" if ticket.primary_unit_id else "") + "。")
        return redirect("hotline:ticket", pk=ticket.pk)
    # intent == "check": everything the agent should see before submitting.
    description = values["description"] + " " + values["title"]
    suggested_item, item_confidence = (item, 1.0) if item else suggest_item(description, ticket_type=values["ticket_type"])
    suggestion = route(item=suggested_item, district=district, street=street, description=description)
    suggestion.confidence = min(suggestion.confidence, item_confidence)
    if location and lat == lat and lng == lng and lat is not None:
        from yiwang.core.geo import gcj02_to_wgs84

        w_lat, w_lng = gcj02_to_wgs84(lat, lng) if values["datum"] == "gcj02" else (lat, lng)
    else:
        w_lat = w_lng = None
    phone = normalise_phone(values["caller_phone"])
    earlier = list(Ticket.objects.filter(caller_phone_index=blind_index(phone, purpose=PHONE_PURPOSE))
                   .order_by("-received_at")[:5]) if phone else []
    found = emergency.detect(description)
    if suggested_item and not values["service_code"]:
        values["service_code"] = suggested_item.service_code
    if suggestion.unit and not values["unit"]:
        values["unit"] = str(suggestion.unit.pk)
    return render(request, "hotline/console.html", _context(
        values, checked=True, suggestion=suggestion, item_confidence=item_confidence,
        duplicates=nearby_open_tickets(lat=w_lat, lng=w_lng, item=suggested_item), earlier=earlier,
        emergency=emergency.message_for([f[0] for f in found]) if found else "", emergency_lines=[f[0] for f in found],
        templates=list(suggested_item.templates.filter(active=True)) if suggested_item else [],
        knowledge=knowledge_search(description, limit=3)))


@login_required
def queue(request):
    if not is_agent(request.user):
        return _forbidden(request)
    status = request.GET.get("status", "")
    status = status if status in TicketStatus.values else ""
    return render(request, "hotline/queue.html", {"tickets": agent_queue(status=status), "status": status,
                                                  "statuses": TicketStatus.choices, "extensions": open_extension_requests()})
