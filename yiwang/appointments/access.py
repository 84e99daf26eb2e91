"""Who may see and do what: the one place that decides it for pages, the API and templates alike.

Staff act where a role is granted (the organisation's subtree, orgs.selectors); applicants see
their own bookings and requests. Missing and forbidden answer alike (NotFound), so ids do not leak.
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from yiwang.appointments import booking_rules
from yiwang.appointments.constants import (
    AssistanceAction,
    AssistanceStatus,
    BookingAction,
    BookingStatus,
    ErrorCode,
    ProjectStage,
    TicketAction,
    WindowGroupKind,
    rules,
)
from yiwang.appointments.lifecycle import (
    ASSISTANCE_TRANSITIONS,
    PROJECT_TRANSITIONS,
    TICKET_TRANSITIONS,
    allowed_actions,
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
from yiwang.core import throttle
from yiwang.core.crypto import blind_index
from yiwang.core.errors import MAX_DB_ID, FieldError, NotFound, PermissionDenied, TooManyAttempts, ValidationFailed
from yiwang.orgs.constants import Role
from yiwang.orgs.selectors import has_role, scope_filter

HALL_STAFF = (Role.HALL_MANAGER, Role.WINDOW_CLERK)
BOOKING_CODE_PURPOSE = "appointments.booking_code"
CODE_FAILURE_WINDOW = 3600
CODE_FAILURES_PER_CLIENT = 30


def is_system(actor) -> bool:
    return actor is None or bool(getattr(actor, "is_superuser", False) and getattr(actor, "is_active", False))


def is_staff(actor) -> bool:
    return bool(getattr(actor, "is_authenticated", False) and getattr(actor, "is_staff_member", False))


def as_id(value) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError, OverflowError):
        return 0
    return number if 0 < number <= MAX_DB_ID else 0


def _scoped(queryset: QuerySet, actor, roles, path_field: str = "organisation__path") -> QuerySet:
    return queryset if is_system(actor) else queryset.filter(scope_filter(actor, roles, path_field=path_field))


def require_role_at(actor, roles, organisation, *, doing: str) -> None:
    """PermissionDenied unless `actor` holds one of `roles` at `organisation` or above."""
    if is_system(actor):
        return
    roles = (roles,) if isinstance(roles, str) else tuple(roles)
    if not (is_staff(actor) and has_role(actor, roles, organisation)):
        labels = "、".join(Role(r).label for r in roles)
        raise PermissionDenied(f"无权{doing}：需要“{organisation.name}”或其上级机构的“{labels}”角色。",
                               code="permission_denied")


# --- Halls ----------------------------------------------------------------------------------

def access_hall_by_code(code: str) -> Hall:
    """A hall open to the public (kiosk pages, booking)."""
    hall = (Hall.objects.filter(code=str(code or "")[:40], is_active=True).select_related("organisation").first())
    if hall is None:
        raise NotFound("未找到该服务大厅，请核对地址。", code=ErrorCode.HALL_NOT_FOUND, field="hall")
    return hall


def halls_for_staff(actor, roles=HALL_STAFF) -> QuerySet[Hall]:
    return _scoped(Hall.objects.select_related("organisation"), actor, roles)


def access_hall_for_staff(*, actor, code: str, roles=HALL_STAFF) -> Hall:
    hall = halls_for_staff(actor, roles).filter(code=str(code or "")[:40]).first()
    if hall is None:
        raise NotFound("未找到该服务大厅，或它不在您的管辖范围内。", code=ErrorCode.HALL_NOT_FOUND, field="hall")
    return hall


def access_window_for_clerk(*, actor, window_id) -> Window:
    window = (_scoped(Window.objects.filter(is_active=True), actor, (Role.WINDOW_CLERK, Role.HALL_MANAGER))
              .select_related("organisation").filter(pk=as_id(window_id)).first())
    if window is None:
        raise NotFound("未找到该窗口，或它不在您的管辖范围内。", code="window_not_found", field="window")
    return window


def windows_for_clerk(actor) -> QuerySet[Window]:
    return (_scoped(Window.objects.filter(is_active=True), actor, (Role.WINDOW_CLERK, Role.HALL_MANAGER))
            .select_related("organisation").prefetch_related("groups"))


def access_group_for_staff(*, actor, hall: Hall, group_id, roles=HALL_STAFF) -> WindowGroup:
    group = WindowGroup.objects.filter(pk=as_id(group_id), organisation_id=hall.organisation_id).first()
    if group is None:
        raise NotFound("未找到该窗口分组。", code="group_not_found", field="window_group")
    require_role_at(actor, roles, hall.organisation, doing="管理该大厅")
    return group


def access_schedule_for_staff(*, actor, hall: Hall, schedule_id) -> SlotSchedule:
    schedule = SlotSchedule.objects.filter(pk=as_id(schedule_id), organisation_id=hall.organisation_id).first()
    if schedule is None:
        raise NotFound("未找到该排班。", code="schedule_not_found", field="schedule")
    require_role_at(actor, (Role.HALL_MANAGER,), hall.organisation, doing="管理该大厅的排班")
    return schedule


def access_slot_for_staff(*, actor, slot_id) -> Slot:
    slot = (_scoped(Slot.objects.all(), actor, (Role.HALL_MANAGER,)).select_related("organisation", "window_group")
            .filter(pk=as_id(slot_id)).first())
    if slot is None:
        raise NotFound("未找到该号源，或它不在您的管辖范围内。", code=ErrorCode.SLOT_NOT_FOUND, field="slot_id")
    return slot


# --- Bookings -------------------------------------------------------------------------------

def bookings_visible_to(actor) -> QuerySet[Booking]:
    base = Booking.objects.select_related("slot", "slot__window_group", "organisation")
    if is_system(actor):
        return base
    if not getattr(actor, "is_authenticated", False):
        return base.none()
    if is_staff(actor):
        return base.filter(scope_filter(actor, HALL_STAFF, path_field="organisation__path"))
    return base.filter(applicant=actor)


def access_booking_by_id(*, actor, booking_id) -> Booking:
    booking = bookings_visible_to(actor).filter(pk=as_id(booking_id)).first()
    if booking is None:
        raise NotFound("未找到该预约。", code="booking_not_found", field="booking_id")
    return booking


def booking_code_index(code: str) -> str:
    return blind_index(code, purpose=BOOKING_CODE_PURPOSE)


def normalise_code(value: str) -> str:
    """Full-width digits and spaces as people type them on a phone or a kiosk keypad."""
    text = str(value or "")[:40].translate({0xFF10 + i: ord("0") + i for i in range(10)})
    return "".join(ch for ch in text if not ch.isspace())


def access_booking_by_code(*, hall: Hall, code: str, client: str | None) -> Booking:
    """The active booking of this hall with this check-in code. Guessing is limited per client
    address (30 wrong codes an hour, then 429 for the rest of the hour)."""
    client_key = f"{hall.code}:{client or '-'}"
    if throttle.failures("booking_code", client_key) >= CODE_FAILURES_PER_CLIENT:
        raise TooManyAttempts("预约码输错次数过多，请一小时后再试，或到咨询台由工作人员帮助签到。",
                              code="too_many_attempts", field="code")
    code = normalise_code(code)
    booking = None
    if code.isdigit() and len(code) <= 12:
        booking = (Booking.objects.filter(code_index=booking_code_index(code), organisation_id=hall.organisation_id,
                                          status__in=(BookingStatus.BOOKED, BookingStatus.CHECKED_IN))
                   .select_related("slot", "slot__window_group").first())
    if booking is None:
        throttle.record_failure("booking_code", client_key, window_seconds=CODE_FAILURE_WINDOW)
        raise ValidationFailed([FieldError("code", ErrorCode.BOOKING_CODE_UNKNOWN,
                                           "未找到本大厅使用该预约码的有效预约，请核对预约短信中的 8 位预约码。")])
    return booking


def booking_actions_for(*, actor, booking: Booking, now: datetime | None = None) -> set[str]:
    """What the viewer may do with the booking now (change, cancel for the owner in time; check-in
    for the hall's clerks within the check-in window)."""
    now = now or timezone.now()
    r = rules()
    actions: set[str] = set()
    if booking.status == BookingStatus.BOOKED:
        starts = booking.slot.starts_at
        if getattr(actor, "pk", None) == booking.applicant_id and booking_rules.can_still_change(starts_at=starts, now=now,
                                                                                                  rules=r):
            actions.add(BookingAction.CANCEL)
            if booking.change_count < r.MAX_CHANGES:
                actions.add(BookingAction.CHANGE)
        if (is_staff(actor) and has_role(actor, HALL_STAFF, booking.organisation)
                and booking_rules.check_in_opens(starts, r) <= now <= booking_rules.check_in_closes(starts, r)):
            actions.add(BookingAction.CHECK_IN)
    return actions


# --- Tickets --------------------------------------------------------------------------------

def access_ticket_for_clerk(*, actor, ticket_id) -> QueueTicket:
    ticket = (_scoped(QueueTicket.objects.all(), actor, (Role.WINDOW_CLERK, Role.HALL_MANAGER))
              .select_related("window_group", "booking", "window").filter(pk=as_id(ticket_id)).first())
    if ticket is None:
        raise NotFound("未找到该号码。", code="ticket_not_found", field="ticket")
    return ticket


def ticket_actions_for(*, ticket: QueueTicket | None) -> list[str]:
    """The calling page's buttons for the window's current ticket (None: only 叫下一位)."""
    if ticket is None:
        return [TicketAction.CALL]
    return [a for a in allowed_actions(TICKET_TRANSITIONS, ticket.status) if a != TicketAction.CANCEL]


# --- Assisted service -----------------------------------------------------------------------

def assistance_visible_to(actor) -> QuerySet[AssistanceRequest]:
    base = AssistanceRequest.objects.select_related("organisation", "assignee", "slot", "key_project")
    if is_system(actor):
        return base
    if not getattr(actor, "is_authenticated", False):
        return base.none()
    if is_staff(actor):
        return base.filter(scope_filter(actor, (Role.SERVICE_ASSISTANT, Role.HALL_MANAGER), path_field="organisation__path")
                           | Q(assignee=actor))
    return base.filter(applicant=actor)


def access_assistance_by_id(*, actor, request_id) -> AssistanceRequest:
    request = assistance_visible_to(actor).filter(pk=as_id(request_id)).first()
    if request is None:
        raise NotFound("未找到该帮办代办申请。", code="assistance_not_found", field="request_id")
    return request


def can_handle_assistance(actor, request: AssistanceRequest) -> bool:
    return is_system(actor) or (is_staff(actor) and (request.assignee_id == actor.pk
                                                     or has_role(actor, Role.SERVICE_ASSISTANT, request.organisation)))


def assistance_actions_for(*, actor, request: AssistanceRequest) -> set[str]:
    possible = set(allowed_actions(ASSISTANCE_TRANSITIONS, request.status))
    mine = getattr(actor, "pk", None) is not None and request.applicant_id == actor.pk
    actions: set[str] = set()
    if mine:
        if AssistanceAction.CANCEL in possible:
            actions.add(AssistanceAction.CANCEL)
        if AssistanceAction.RATE in possible and not request.rating:
            actions.add(AssistanceAction.RATE)
    if can_handle_assistance(actor, request):
        staff_actions = {AssistanceAction.ASSIGN, AssistanceAction.START, AssistanceAction.NOTE, AssistanceAction.COMPLETE,
                         AssistanceAction.DECLINE}
        actions |= possible & staff_actions
    return actions


def assistance_contact_for(*, actor, request: AssistanceRequest) -> dict:
    """The phone and address as this viewer may see them: in full for the applicant and the
    assigned assistant (who must call and visit), masked for other staff in scope."""
    from yiwang.core.crypto import mask_phone

    full = getattr(actor, "pk", None) is not None and actor.pk in (request.applicant_id, request.assignee_id)
    return {"phone": request.contact_phone if full else mask_phone(request.contact_phone),
            "address": request.address if full else ("（指派后对承办人员可见）" if request.address else ""),
            "full": full}


def project_contact_for(*, actor, project: KeyProject) -> str:
    from yiwang.core.crypto import mask_phone

    return project.contact_phone if getattr(actor, "pk", None) == project.coordinator_id else mask_phone(project.contact_phone)


def is_home_visit_group(group: WindowGroup) -> bool:
    return group.kind == WindowGroupKind.HOME_VISIT


def assistance_open(request: AssistanceRequest) -> bool:
    return request.status in (AssistanceStatus.SUBMITTED, AssistanceStatus.ASSIGNED, AssistanceStatus.IN_PROGRESS)


# --- Key projects ---------------------------------------------------------------------------

def projects_visible_to(actor) -> QuerySet[KeyProject]:
    base = KeyProject.objects.select_related("organisation", "coordinator", "enterprise")
    if is_system(actor):
        return base
    if not getattr(actor, "is_authenticated", False):
        return base.none()
    if is_staff(actor):
        return base.filter(scope_filter(actor, (Role.SERVICE_ASSISTANT,), path_field="organisation__path")
                           | Q(coordinator=actor))
    return base.filter(enterprise=actor)


def access_project_by_id(*, actor, project_id) -> KeyProject:
    project = projects_visible_to(actor).filter(pk=as_id(project_id)).first()
    if project is None:
        raise NotFound("未找到该重点项目。", code="project_not_found", field="project_id")
    return project


def can_handle_project(actor, project: KeyProject) -> bool:
    return is_system(actor) or (is_staff(actor) and (project.coordinator_id == actor.pk
                                                     or has_role(actor, Role.SERVICE_ASSISTANT, project.organisation)))


def project_actions_for(*, actor, project: KeyProject) -> set[str]:
    """Stage changes of the table, and "follow_up" (a recorded contact) while the project is open."""
    if not can_handle_project(actor, project):
        return set()
    actions = set(allowed_actions(PROJECT_TRANSITIONS, project.stage))
    if project.stage != ProjectStage.CLOSED:
        actions.add("follow_up")
    return actions
