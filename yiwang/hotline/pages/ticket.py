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
    access_handler,
    access_measure,
    access_ticket_by_id,
    caller_for,
    ticket_actions_for,
)
from yiwang.hotline.constants import CallbackResolved, Closure, MeasureKind
from yiwang.hotline.models import Ticket
from yiwang.hotline.pages.common import as_int, not_found, text
from yiwang.hotline.pages.console import units
from yiwang.hotline.selectors import active_items, clock_of, item_by_code, nearby_open_tickets, timeline
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


def _run(request, ticket: Ticket, audience: str, action: str):
    """One service per action; the action was checked against ticket_actions_for by the caller."""
    u, p = request.user, request.POST
    if action == "answer":
        return services.ticket_answer(actor=u, ticket=ticket, text=text(request, "text", 2000))
    if action == "reject":
        return services.ticket_reject(actor=u, ticket=ticket, reason=text(request, "reason", 2000))
    if action == "invalidate":
        return services.ticket_invalidate(actor=u, ticket=ticket, reason=text(request, "reason", 2000))
    if action == "dispatch":
        chosen = _units(request, "unit")
        return services.ticket_dispatch(actor=u, ticket=ticket, unit=chosen[0] if chosen else None,
                                        co_units=[c for c in _units(request, "co_units") if not chosen or c.pk != chosen[0].pk],
                                        item=item_by_code(p.get("service_code", "")) if p.get("service_code") else None)
    if action == "merge":
        master = Ticket.objects.filter(number=p.get("master", "").strip()[:24]).first()
        if master is None:
            raise NotFound("未找到要并入的主单，请核对工单编号。", code="merge_master_not_found")
        return services.ticket_merge(actor=u, ticket=ticket, master=master, note=text(request, "note", 500))
    if action == "split":
        parts = [{"description": d} for d in p.getlist("part") if d.strip()]
        return services.ticket_split(actor=u, ticket=ticket, parts=parts)
    if action == "sign":
        return services.ticket_sign(actor=u, ticket=ticket)
    if action == "send_back":
        return services.ticket_send_back(actor=u, ticket=ticket, reason=text(request, "reason", 2000))
    if action == "start":
        return services.ticket_start(actor=u, ticket=ticket)
    if action == "hold":
        return services.ticket_hold(actor=u, ticket=ticket, reason=text(request, "reason", 2000))
    if action == "resume":
        return services.ticket_resume(actor=u, ticket=ticket)
    if action == "reply":
        return services.ticket_reply(actor=u, ticket=ticket, text=text(request, "text", 2000))
    if action in ("approve_reply", "rework") and ticket.status == "replied":
        return services.ticket_review_reply(actor=u, ticket=ticket, approve=action == "approve_reply",
                                            note=text(request, "note", 2000), public_text=text(request, "public_text", 2000))
    if action == "rework":
        return services.ticket_callback(actor=u, ticket=ticket, reached=True, resolved=CallbackResolved.UNRESOLVED,
                                        satisfaction=p.get("satisfaction", "dissatisfied"), note=text(request, "note", 2000))
    if action == "callback":
        return services.ticket_callback(
            actor=u, ticket=ticket, reached=p.get("reached") == "yes", resolved=p.get("resolved", ""),
            satisfaction=p.get("satisfaction", ""), note=text(request, "note", 2000),
            close_as=p.get("close_as", ""), close_text=text(request, "close_text", 2000))
    if action == "close":
        return services.ticket_close(actor=u, ticket=ticket, closure=p.get("closure", ""), text=text(request, "text", 2000))
    if action in ("reopen", "refuse_reopen"):
        return services.ticket_decide_reopen(actor=u, ticket=ticket, reopen=action == "reopen", note=text(request, "note", 2000))
    if action == "request_reopen":
        return services.ticket_request_reopen(actor=u, ticket=ticket, reason=text(request, "reason", 2000))
    if action == "remind":
        return services.ticket_remind(actor=u, ticket=ticket, reason=text(request, "reason", 2000),
                                      kind=p.get("kind", MeasureKind.REMINDER))
    if action == "extension":
        return services.ticket_extension_request(actor=u, ticket=ticket, days=as_int(p.get("days"), 0),
                                                 reason=text(request, "reason", 2000))
    if action == "co_opinion":
        handler = access_handler(actor=u, ticket=ticket, handler_id=as_int(p.get("handler")))
        return services.ticket_co_opinion(actor=u, ticket=ticket, handler=handler, text=text(request, "text", 2000))
    raise NotFound("未知的操作。")


SUCCESS = {"sign": "已签收。", "reply": "答复已提交，等待热线中心审核。", "dispatch": "已派单。", "send_back": "已退回热线中心重新派单。",
           "callback": "回访已登记。", "merge": "已并单。", "extension": "延期申请已提交。"}


@login_required
@require_POST
def act(request, pk, action):
    try:
        ticket, audience = access_ticket_by_id(actor=request.user, ticket_id=pk)
    except NotFound as exc:
        return not_found(request, exc)
    if action not in ticket_actions_for(actor=request.user, ticket=ticket, audience=audience):
        messages.error(request, "这张工单现在不能进行该操作（状态已变化或无此权限）。")
        return redirect("hotline:ticket", pk=ticket.pk)
    try:
        _run(request, ticket, audience, action)
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
