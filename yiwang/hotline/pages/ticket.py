"""One ticket for staff (agent, supervisor, primary or co-handling unit): details, the caller as
the audience may see them, the clock, handlers, measures, callbacks, the whole timeline, and a form
for each action `access.ticket_actions_for` allows now. Each form posts to `act`, which calls one
service and redirects back (POST-redirect-GET)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from yiwang.core.errors import DomainError, NotFound
from yiwang.hotline import services
from yiwang.hotline.access import (
    AGENT,
    access_measure,
    access_ticket_by_id,
    caller_for,
    ticket_actions_for,
)
from yiwang.hotline.constants import CallbackResolved, Closure, MeasureKind
from yiwang.hotline.pages.common import as_int, not_found, text
from yiwang.hotline.pages.console import units
from yiwang.hotline.selectors import active_items, clock_of, item_by_code, nearby_open_tickets, timeline
from yiwang.hotline.services.commands import ticket_act
from yiwang.orgs.selectors import organisations_by_ids
from yiwang.ratings.constants import SatisfactionLevel


@login_required
def ticket_page(request, pk):
    try:
        ticket, audience = access_ticket_by_id(actor=request.user, ticket_id=pk)
    except NotFound as exc:
        return not_found(request, exc)
    actions = ticket_actions_for(actor=request.user, ticket=ticket, audience=audience)
    ctx = {"ticket": ticket, "audience": audience, "actions": actions, "caller": caller_for(ticket=ticket, audience=audience),
           "clock": clock_of(ticket), "events": timeline(ticket, public=False), "handlers": list(ticket.handlers.all()),
           "measures": list(ticket.measures.all()), "callbacks": list(ticket.callbacks.all()),
           "merged": list(ticket.merged.all()), "children": list(ticket.children.all()),
           "closures": Closure.choices, "resolved_choices": CallbackResolved.choices, "levels": SatisfactionLevel.choices,
           "measure_kinds": [(k, v) for k, v in MeasureKind.choices if k != MeasureKind.EXTENSION]}
    if "dispatch" in actions:
        ctx.update(units=units(), items=active_items())
    if "merge" in actions:
        ctx["duplicates"] = nearby_open_tickets(lat=ticket.lat, lng=ticket.lng, item=ticket.item, exclude_id=ticket.pk)
    if ticket.item_id and ("reply" in actions or "answer" in actions):
        ctx["templates"] = list(ticket.item.templates.filter(active=True))
    return render(request, "hotline/ticket.html", ctx)


def _units(request, name):
    return organisations_by_ids([i for i in request.POST.getlist(name) if i.isdigit()])


def _data(request) -> dict:
    """The posted form as plain values for services.commands.ticket_act."""
    p = request.POST
    units = _units(request, "unit")
    return {
        "text": text(request, "text", 2000), "reason": text(request, "reason", 2000), "note": text(request, "note", 2000),
        "public_text": text(request, "public_text", 2000), "close_text": text(request, "close_text", 2000),
        "unit": units[0] if units else None,
        "co_units": [c for c in _units(request, "co_units") if not units or c.pk != units[0].pk],
        "item": item_by_code(p.get("service_code", "")) if p.get("service_code") else None,
        "master": p.get("master", ""), "parts": p.getlist("part"), "reached": p.get("reached") == "yes",
        "resolved": p.get("resolved", ""), "satisfaction": p.get("satisfaction", ""), "close_as": p.get("close_as", ""),
        "closure": p.get("closure", ""), "kind": p.get("kind", ""), "days": as_int(p.get("days"), 0),
        "handler": as_int(p.get("handler")),
    }


SUCCESS = {"sign": "已签收。", "reply": "答复已提交，等待热线中心审核。", "dispatch": "已派单。", "send_back": "已退回热线中心重新派单。",
           "callback": "回访已登记。", "merge": "已并单。", "extension": "延期申请已提交。"}


@login_required
@require_POST
def act(request, pk, action):
    try:
        ticket, audience = access_ticket_by_id(actor=request.user, ticket_id=pk)
    except NotFound as exc:
        return not_found(request, exc)
    try:
        ticket_act(actor=request.user, ticket=ticket, action=action, data=_data(request), audience=audience)
        messages.success(request, SUCCESS.get(action, "已完成。"))
    except DomainError as exc:
        messages.error(request, exc.message)
    if audience != AGENT and action == "send_back":
        return redirect("hotline:worklist")
    return redirect("hotline:ticket", pk=ticket.pk)


@login_required
@require_POST
def measure_act(request, pk):
    decide = request.POST.get("decision") in ("approve", "refuse")
    try:
        measure = access_measure(actor=request.user, measure_id=as_int(pk), for_decision=decide)
        if decide:
            services.extension_decide(actor=request.user, measure=measure, approve=request.POST["decision"] == "approve",
                                      note=text(request, "note", 2000))
        else:
            services.measure_answer(actor=request.user, measure=measure, text=text(request, "text", 2000))
        messages.success(request, "已处理。")
    except NotFound as exc:
        return not_found(request, exc)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("hotline:ticket", pk=measure.ticket_id)
    return redirect("hotline:ticket", pk=measure.ticket_id)
