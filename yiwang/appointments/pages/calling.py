"""The window clerk's 叫号 page: pick the window, then call next, recall, skip (过号), start and
finish — by button or by key (N, R, S, B, F: appointments.js) — with the waiting list in calling
order, today's wait figures against the 1-hour limit, check-in of bookings and numbers for walk-ins."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from yiwang.appointments import selectors, services
from yiwang.appointments.access import (
    access_booking_by_code,
    access_booking_by_id,
    access_ticket_for_clerk,
    access_window_for_clerk,
    ticket_actions_for,
    windows_for_clerk,
)
from yiwang.appointments.constants import BookingStatus, Channel, PriorityReason, TicketAction
from yiwang.appointments.pages.common import post_id, report, staff_required
from yiwang.core.errors import DomainError, NotFound
from yiwang.orgs.constants import Role

CLERKS = (Role.WINDOW_CLERK, Role.HALL_MANAGER)
SESSION_KEY = "appointments_window"
# The key each action answers to on the calling page (aria-keyshortcuts and appointments.js).
KEYS = {TicketAction.CALL: "N", TicketAction.RECALL: "R", TicketAction.SKIP: "S", TicketAction.START: "B",
        TicketAction.FINISH: "F"}
LABELS = {TicketAction.CALL: "叫下一位", TicketAction.RECALL: "重呼", TicketAction.SKIP: "过号",
          TicketAction.START: "开始办理", TicketAction.FINISH: "办结"}


def _back(window_id) -> str:
    return f"{reverse('appointments:calling')}?window={window_id}"


def _window(request):
    windows = list(windows_for_clerk(request.user))
    wanted = request.GET.get("window") or request.session.get(SESSION_KEY)
    chosen = next((w for w in windows if str(w.pk) == str(wanted)), None)
    if chosen is None and len(windows) == 1:
        chosen = windows[0]
    if chosen is not None:
        request.session[SESSION_KEY] = chosen.pk
    return windows, chosen


@staff_required(*CLERKS)
def calling(request):
    windows, window = _window(request)
    context: dict = {"windows": windows, "window": window}
    if window is not None:
        desk = selectors.window_desk(window)
        desk["buttons"] = [{"action": a, "label": LABELS[a], "key": KEYS[a]} for a in ticket_actions_for(ticket=desk["current"])]
        context.update(desk)
        context.update({"priorities": PriorityReason.choices, "BookingStatus": BookingStatus})
    return render(request, "appointments/calling.html", context)


@staff_required(*CLERKS)
@require_POST
def calling_act(request):
    window = access_window_for_clerk(actor=request.user, window_id=request.POST.get("window"))
    action = request.POST.get("action", "")
    try:
        if action == TicketAction.CALL:
            ticket = services.ticket_call_next(actor=request.user, window=window)
            messages.success(request, f"请 {ticket.number} 号到{window.name}办理。")
        else:
            ticket = access_ticket_for_clerk(actor=request.user, ticket_id=request.POST.get("ticket"))
            if ticket.window_id != window.pk:
                raise NotFound("该号码不在本窗口。", code="ticket_not_found", field="ticket")
            handler = {TicketAction.RECALL: services.ticket_recall, TicketAction.SKIP: services.ticket_skip,
                       TicketAction.START: services.ticket_start, TicketAction.FINISH: services.ticket_finish}.get(action)
            if handler is None:
                raise DomainError("未知的操作。", code="invalid_action", field="action")
            handler(actor=request.user, ticket=ticket)
            messages.success(request, f"{ticket.number}：{LABELS[action]}。")
    except DomainError as exc:
        report(request, exc)
    return redirect(_back(window.pk))


@staff_required(*CLERKS)
@require_POST
def calling_check_in(request):
    """A booking checked in at the window (the clerk saw the code or picked today's booking)."""
    window = access_window_for_clerk(actor=request.user, window_id=request.POST.get("window"))
    hall = selectors.hall_of_organisation(window.organisation_id)
    try:
        if request.POST.get("booking"):
            booking = access_booking_by_id(actor=request.user, booking_id=post_id(request, "booking"))
        else:
            booking = access_booking_by_code(hall=hall, code=request.POST.get("code", ""), client=f"staff:{request.user.pk}")
        ticket = services.booking_check_in(actor=request.user, booking=booking, organisation_id=window.organisation_id,
                                           channel=Channel.WINDOW)
        messages.success(request, f"已签到：{booking.item_name}" + (f"，排队号 {ticket.number}。" if ticket else "。"))
    except DomainError as exc:
        report(request, exc)
    return redirect(_back(window.pk) + "#bookings")


@staff_required(*CLERKS)
@require_POST
def calling_ticket(request):
    """A number for a walk-in, taken by staff (e.g. at the 导办台 for someone who cannot use the kiosk)."""
    window = access_window_for_clerk(actor=request.user, window_id=request.POST.get("window"))
    hall = selectors.hall_of_organisation(window.organisation_id)
    group = next((g for g in selectors.hall_groups(hall, tickets_only=True) if g.pk == post_id(request, "group")), None)
    try:
        if group is None:
            raise NotFound("请选择业务。", code="group_not_found", field="group")
        ticket = services.ticket_take(actor=request.user, group=group, priority_reason=request.POST.get("priority", ""),
                                      channel=Channel.WINDOW)
        messages.success(request, f"已取号 {ticket.number}（{group.name}）。")
    except DomainError as exc:
        report(request, exc)
    return redirect(_back(window.pk) + "#walk-in")
