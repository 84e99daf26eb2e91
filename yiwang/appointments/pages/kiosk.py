"""Kiosk pages at /kiosk/<hall>/: large targets, no login until needed. Take a number, check in a
booking (its code is the proof), print one's results and certificates (ID number + SMS code), and
the hall's display board.

The identified person is kept in the session for KIOSK_SESSION_MINUTES at most, for this hall
only, and forgotten on 结束 or after the page has been left idle (appointments.js)."""

from __future__ import annotations

import io
from datetime import timedelta

from django.contrib import messages
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from yiwang.accounts.network import client_ip
from yiwang.accounts.selectors import user_by_identifier
from yiwang.appointments import selectors, services
from yiwang.appointments.access import access_booking_by_code, access_hall_by_code, as_id
from yiwang.appointments.constants import BookingStatus, Channel, PriorityReason, rules
from yiwang.appointments.pages.common import by_field, error_list, not_found
from yiwang.core.crypto import mask_name
from yiwang.core.errors import DomainError, NotFound

IDENTITY = "kiosk_identity"
TICKETS = "kiosk_tickets"


def _hall(code):
    return access_hall_by_code(code)


def _actor(hall) -> str:
    return f"kiosk:{hall.code}"


def _identified(request, hall):
    """The person identified at this hall's kiosk, while the identity lasts."""
    data = request.session.get(IDENTITY) or {}
    if data.get("hall") != hall.code or data.get("until", 0) < timezone.now().timestamp():
        return None
    user = user_by_identifier(data.get("username", ""))
    return user if user is not None and user.pk == data.get("user") else None


def _remember_ticket(request, ticket) -> None:
    request.session[TICKETS] = [*request.session.get(TICKETS, [])[-9:], ticket.pk]


def _page(request, template, hall, context=None, status=200):
    person = _identified(request, hall)
    base = {"hall": hall, "person": person, "person_name": mask_name(person.real_name or person.display_name) if person else ""}
    return render(request, template, {**base, **(context or {})}, status=status)


def _safe(view):
    def wrapper(request, hall, *args, **kwargs):
        try:
            return view(request, hall, *args, **kwargs)
        except NotFound as exc:
            return not_found(request, exc.message)
    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


@_safe
def home(request, hall):
    hall = _hall(hall)
    return _page(request, "appointments/kiosk_home.html", hall, {"board": selectors.board(hall=hall)})


@_safe
@require_http_methods(["GET", "POST"])
def take_ticket(request, hall):
    hall = _hall(hall)
    groups = selectors.hall_groups(hall, tickets_only=True)
    errors: list[dict] = []
    if request.method == "POST":
        group = next((g for g in groups if g.pk == as_id(request.POST.get("group"))), None)
        try:
            if group is None:
                raise NotFound("请选择要办理的业务。", code="group_not_found", field="group")
            ticket = services.ticket_take(actor=_actor(hall), group=group, priority_reason=request.POST.get("priority", ""),
                                          applicant=_identified(request, hall), channel=Channel.KIOSK)
        except DomainError as exc:
            errors = error_list(exc)
        else:
            _remember_ticket(request, ticket)
            return redirect("appointments:kiosk_ticket_done", hall=hall.code, ticket_id=ticket.pk)
    lengths = selectors.group_queue_lengths(organisation_id=hall.organisation_id, on=timezone.localdate())
    return _page(request, "appointments/kiosk_ticket.html", hall, {
        "groups": [{"group": g, "waiting": lengths.get(g.pk, 0)} for g in groups], "priorities": PriorityReason.choices,
        "errors": errors, "field_errors": by_field(errors), "chosen": request.POST.get("group", ""),
    }, status=400 if errors else 200)


@_safe
def ticket_done(request, hall, ticket_id: int):
    hall = _hall(hall)
    if ticket_id not in request.session.get(TICKETS, []):
        raise NotFound("未找到该号码。", code="ticket_not_found")
    ticket = selectors.hall_ticket(organisation_id=hall.organisation_id, ticket_id=ticket_id)
    if ticket is None:
        raise NotFound("未找到该号码。", code="ticket_not_found")
    today = timezone.localdate()
    figures = selectors.wait_figures(organisation_id=hall.organisation_id, start=today, end=today,
                                     window_group_id=ticket.window_group_id)[0]
    return _page(request, "appointments/kiosk_ticket_done.html", hall, {
        "ticket": ticket, "ahead": selectors.people_ahead(ticket), "figures": figures})


@_safe
@require_http_methods(["GET", "POST"])
def check_in(request, hall):
    hall = _hall(hall)
    person = _identified(request, hall)
    errors: list[dict] = []
    if request.method == "POST":
        try:
            if request.POST.get("booking") and person is not None:
                booking = next((b for b in selectors.upcoming_bookings_of(person)
                                if b.pk == as_id(request.POST.get("booking")) and b.organisation_id == hall.organisation_id), None)
                if booking is None:
                    raise NotFound("未找到该预约。", code="booking_not_found", field="code")
            else:
                booking = access_booking_by_code(hall=hall, code=request.POST.get("code", ""), client=client_ip(request))
            ticket = services.booking_check_in(actor=_actor(hall), booking=booking, organisation_id=hall.organisation_id,
                                               channel=Channel.KIOSK)
        except DomainError as exc:
            errors = error_list(exc)
        else:
            if ticket is None:
                messages.success(request, "签到成功。")
                return redirect("appointments:kiosk", hall=hall.code)
            _remember_ticket(request, ticket)
            return redirect("appointments:kiosk_ticket_done", hall=hall.code, ticket_id=ticket.pk)
    mine = []
    if person is not None:
        today = timezone.localdate()
        mine = [b for b in selectors.upcoming_bookings_of(person)
                if b.organisation_id == hall.organisation_id and b.slot.service_date == today and b.status == BookingStatus.BOOKED]
    return _page(request, "appointments/kiosk_check_in.html", hall, {
        "errors": errors, "field_errors": by_field(errors), "mine": mine}, status=400 if errors else 200)


@_safe
@require_http_methods(["GET", "POST"])
def identify(request, hall):
    """ID number → SMS code to the registered phone → identified for a few minutes."""
    hall = _hall(hall)
    next_page = request.POST.get("next") or request.GET.get("next") or "print"
    next_page = next_page if next_page in ("print", "check_in", "ticket") else "print"
    errors: list[dict] = []
    step, id_number = "number", (request.POST.get("id_number") or "")[:40]
    if request.method == "POST":
        try:
            if request.POST.get("step") == "code":
                step = "code"
                person = services.identity_code_verify(hall=hall, id_number=id_number, code=request.POST.get("code", ""),
                                                       client=client_ip(request))
                until = timezone.now() + timedelta(minutes=rules().KIOSK_SESSION_MINUTES)
                request.session[IDENTITY] = {"hall": hall.code, "user": person.pk, "username": person.username,
                                             "until": until.timestamp()}
                target = {"print": "appointments:kiosk_print", "check_in": "appointments:kiosk_check_in",
                          "ticket": "appointments:kiosk_ticket"}[next_page]
                return redirect(target, hall=hall.code)
            services.identity_code_request(hall=hall, id_number=id_number, client=client_ip(request))
            step = "code"
        except DomainError as exc:
            errors = error_list(exc)
    return _page(request, "appointments/kiosk_identify.html", hall, {
        "errors": errors, "field_errors": by_field(errors), "step": step, "id_number": id_number, "next": next_page,
        "minutes": rules().IDENTITY_CODE_MINUTES}, status=400 if errors else 200)


@_safe
def print_list(request, hall):
    hall = _hall(hall)
    person = _identified(request, hall)
    if person is None:
        return redirect(f"{reverse('appointments:kiosk_identify', args=[hall.code])}?next=print")
    return _page(request, "appointments/kiosk_print.html", hall, {"printables": selectors.printables_of(person)})


@_safe
def print_file(request, hall):
    hall = _hall(hall)
    person = _identified(request, hall)
    if person is None:
        return redirect(f"{reverse('appointments:kiosk_identify', args=[hall.code])}?next=print")
    key = (request.GET.get("key") or "")[:100]
    printable = next((p for p in selectors.printables_of(person) if p.key == key), None)
    if printable is None:
        raise NotFound("未找到该文件。", code="printable_not_found")
    content, filename, content_type = printable.open()
    if isinstance(content, bytes | bytearray):
        content = io.BytesIO(bytes(content))
    return FileResponse(content, content_type=content_type, as_attachment=False, filename=filename)


@_safe
@require_POST
def end(request, hall):
    hall = _hall(hall)
    request.session.pop(IDENTITY, None)
    request.session.pop(TICKETS, None)
    return redirect("appointments:kiosk", hall=hall.code)


@_safe
def board(request, hall):
    hall = _hall(hall)
    return render(request, "appointments/kiosk_board.html", {"hall": hall, "board": selectors.board(hall=hall)})


@_safe
def board_rows(request, hall):
    hall = _hall(hall)
    return render(request, "appointments/_board_rows.html", {"hall": hall, "board": selectors.board(hall=hall)})
