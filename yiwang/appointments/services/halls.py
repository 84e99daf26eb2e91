"""The hall manager's writes: open a hall for booking and queues, its window groups and windows,
schedules, and the slots generated from them on the working-day calendar."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from yiwang.appointments import schedule_periods
from yiwang.appointments.access import require_role_at
from yiwang.appointments.constants import (
    MAX_NAME,
    MAX_REASON,
    TICKET_PREFIXES,
    BookingAction,
    BookingStatus,
    DayType,
    ErrorCode,
    SlotKind,
    WindowGroupKind,
    rules,
)
from yiwang.appointments.lifecycle import BOOKING_TRANSITIONS, next_status
from yiwang.appointments.locks import lock_slots
from yiwang.appointments.models import Booking, Hall, Slot, SlotSchedule, Window, WindowGroup
from yiwang.appointments.selectors import day_type, published_item_names
from yiwang.appointments.services.common import choice, clean_text
from yiwang.core.audit import record_event
from yiwang.core.errors import DomainError, FieldError, ValidationFailed
from yiwang.notifications.services import notify
from yiwang.orgs.constants import OrganisationKind, Role

HALL_KINDS = (OrganisationKind.SERVICE_CENTER, OrganisationKind.STREET_CENTER, OrganisationKind.COMMUNITY_STATION)


@transaction.atomic
def hall_open(*, actor, organisation, code: str, horizon_days: int | None = None, notice: str = "") -> Hall:
    """Open booking and queue numbers at a service centre, street centre or community station."""
    require_role_at(actor, Role.HALL_MANAGER, organisation, doing="开通预约取号")
    errors: list[FieldError] = []
    code = clean_text(code, field="code", label="终端地址代码", max_length=40, errors=errors, required=True).lower()
    if code and not all(ch.isascii() and (ch.isalnum() or ch == "-") for ch in code):
        errors.append(FieldError("code", ErrorCode.FIELD_INVALID, "终端地址代码只能用小写英文字母、数字和连字符，例如 yanta。"))
    notice = clean_text(notice, field="notice", label="大厅提示", max_length=MAX_REASON, errors=errors)
    if organisation.kind not in HALL_KINDS:
        errors.append(FieldError("organisation", ErrorCode.NOT_A_HALL,
                                 "只有政务服务中心、便民服务中心（街道）和便民服务站（社区）可开通预约取号。"))
    horizon = rules().HORIZON_DAYS if horizon_days is None else horizon_days
    if not 1 <= int(horizon) <= 60:
        errors.append(FieldError("horizon_days", ErrorCode.FIELD_INVALID, "可预约天数应在 1 至 60 天之间。"))
    if Hall.objects.filter(organisation=organisation).exists():
        errors.append(FieldError("organisation", ErrorCode.HALL_EXISTS, f"“{organisation.name}”已开通预约取号。"))
    elif code and Hall.objects.filter(code=code).exists():
        errors.append(FieldError("code", ErrorCode.HALL_EXISTS, f"终端地址代码“{code}”已被使用，请换一个。"))
    if errors:
        raise ValidationFailed(errors)
    hall = Hall.objects.create(organisation=organisation, code=code, horizon_days=int(horizon), notice=notice)
    record_event(actor=actor, action="appointments.hall_opened", obj=hall,
                 details={"organisation_id": organisation.pk, "code": code})
    return hall


def _next_prefix(organisation_id: int) -> str:
    used = set(WindowGroup.objects.filter(organisation_id=organisation_id).values_list("ticket_prefix", flat=True))
    return next((p for p in TICKET_PREFIXES if p not in used), "")


@transaction.atomic
def window_group_create(*, actor, hall: Hall, name: str, kind: str, ticket_prefix: str = "",
                        implementation_ids: list[int] | None = None, order: int = 0) -> WindowGroup:
    require_role_at(actor, Role.HALL_MANAGER, hall.organisation, doing="设置窗口分组")
    errors: list[FieldError] = []
    name = clean_text(name, field="name", label="分组名称", max_length=MAX_NAME, errors=errors, required=True)
    kind = choice(kind, field="kind", label="分组类型", choices=WindowGroupKind, errors=errors)
    prefix = (ticket_prefix or "").strip().upper() or _next_prefix(hall.organisation_id)
    if len(prefix) != 1 or prefix not in TICKET_PREFIXES:
        errors.append(FieldError("ticket_prefix", ErrorCode.FIELD_INVALID,
                                 "号码前缀应为一个大写英文字母（不用 I、O，以免与数字混淆）。"))
    elif WindowGroup.objects.filter(organisation_id=hall.organisation_id, ticket_prefix=prefix).exists():
        errors.append(FieldError("ticket_prefix", ErrorCode.FIELD_INVALID, f"号码前缀 {prefix} 已被本大厅其他分组使用。"))
    if name and WindowGroup.objects.filter(organisation_id=hall.organisation_id, name=name).exists():
        errors.append(FieldError("name", ErrorCode.FIELD_INVALID, f"本大厅已有名为“{name}”的窗口分组。"))
    ids = sorted({int(i) for i in implementation_ids or []})
    names = published_item_names(ids)
    missing = [i for i in ids if i not in names]
    if missing:
        errors.append(FieldError("implementation_ids", ErrorCode.ITEM_NOT_OFFERED,
                                 f"以下事项编号不存在或未发布：{'、'.join(map(str, missing))}。"))
    if kind == WindowGroupKind.SECTOR and not ids:
        errors.append(FieldError("implementation_ids", ErrorCode.FIELD_REQUIRED, "分领域窗口请选择其办理的事项。"))
    if errors:
        raise ValidationFailed(errors)
    group = WindowGroup.objects.create(organisation_id=hall.organisation_id, name=name, kind=kind, ticket_prefix=prefix,
                                       order=order)
    if ids:
        group.items.set(ids)
    record_event(actor=actor, action="appointments.window_group_created", obj=group,
                 details={"name": name, "kind": kind, "prefix": prefix, "items": ids})
    return group


@transaction.atomic
def window_create(*, actor, hall: Hall, name: str, group_ids: list[int], order: int = 0) -> Window:
    require_role_at(actor, Role.HALL_MANAGER, hall.organisation, doing="设置窗口")
    errors: list[FieldError] = []
    name = clean_text(name, field="name", label="窗口名称", max_length=40, errors=errors, required=True)
    groups = list(WindowGroup.objects.filter(organisation_id=hall.organisation_id, pk__in=group_ids or [], is_active=True)
                  .exclude(kind=WindowGroupKind.HOME_VISIT))
    if not groups:
        errors.append(FieldError("group_ids", ErrorCode.FIELD_REQUIRED, "请选择该窗口服务的窗口分组（至少一个）。"))
    if name and Window.objects.filter(organisation_id=hall.organisation_id, name=name).exists():
        errors.append(FieldError("name", ErrorCode.FIELD_INVALID, f"本大厅已有“{name}”。"))
    if errors:
        raise ValidationFailed(errors)
    window = Window.objects.create(organisation_id=hall.organisation_id, name=name, order=order)
    window.groups.set(groups)
    record_event(actor=actor, action="appointments.window_created", obj=window,
                 details={"name": name, "groups": [g.pk for g in groups]})
    return window


def _weekend_days(values, errors: list[FieldError]) -> list[int]:
    days = sorted({int(v) for v in values or [] if str(v).strip().isdigit()})
    if any(d not in (5, 6) for d in days):
        errors.append(FieldError("weekend_days", ErrorCode.FIELD_INVALID, "周末开放日只能是 5（周六）或 6（周日）。"))
    return [d for d in days if d in (5, 6)]


@transaction.atomic
def schedule_create(*, actor, hall: Hall, window_group: WindowGroup, name: str, capacity: int, slot_minutes: int = 30,
                    workday_periods="", extended_periods="", weekend_periods="", weekend_days=(5,),
                    valid_from: date | None = None, valid_until: date | None = None,
                    implementation_id: int | None = None, today: date | None = None) -> SlotSchedule:
    """A schedule, and its slots over the hall's booking horizon at once."""
    require_role_at(actor, Role.HALL_MANAGER, hall.organisation, doing="设置号源排班")
    today = today or timezone.localdate()
    errors: list[FieldError] = []
    name = clean_text(name, field="name", label="排班名称", max_length=MAX_NAME, errors=errors, required=True)
    if window_group.organisation_id != hall.organisation_id:
        errors.append(FieldError("window_group", ErrorCode.FIELD_INVALID, "窗口分组不属于本大厅。"))
    if not isinstance(capacity, int) or not 1 <= capacity <= 500:
        errors.append(FieldError("capacity", ErrorCode.FIELD_INVALID, "每段号源数应为 1 至 500 的整数。"))
    if not isinstance(slot_minutes, int) or not 5 <= slot_minutes <= 240:
        errors.append(FieldError("slot_minutes", ErrorCode.FIELD_INVALID, "每段分钟数应为 5 至 240 的整数。"))
    work, e1 = schedule_periods.parse_periods(workday_periods, field="workday_periods")
    extended, e2 = schedule_periods.parse_periods(extended_periods, field="extended_periods")
    weekend, e3 = schedule_periods.parse_periods(weekend_periods, field="weekend_periods")
    errors += e1 + e2 + e3
    for p, q in schedule_periods.overlaps(work, extended):
        errors.append(FieldError("extended_periods", ErrorCode.PERIODS_INVALID,
                                 f"延时服务时段 {q[0]:%H:%M}-{q[1]:%H:%M} 与工作日时段 {p[0]:%H:%M}-{p[1]:%H:%M} 重叠。"))
    days = _weekend_days(weekend_days, errors)
    if weekend and not days:
        errors.append(FieldError("weekend_days", ErrorCode.FIELD_REQUIRED, "填写了周末时段，请选择周六或周日开放。"))
    if not (work or extended or weekend) and not (e1 or e2 or e3):
        errors.append(FieldError("workday_periods", ErrorCode.FIELD_REQUIRED, "请至少填写一个时段，例如 09:00-12:00。"))
    valid_from = valid_from or today
    if valid_until is not None and valid_until < valid_from:
        errors.append(FieldError("valid_until", ErrorCode.FIELD_INVALID, "截止日期不能早于生效日期。"))
    if implementation_id:
        names = published_item_names([implementation_id])
        if implementation_id not in names:
            errors.append(FieldError("implementation_id", ErrorCode.ITEM_NOT_OFFERED, "该事项不存在或未发布。"))
    if errors:
        raise ValidationFailed(errors)
    schedule = SlotSchedule.objects.create(
        organisation_id=hall.organisation_id, window_group=window_group, implementation_id=implementation_id or None,
        name=name, capacity=capacity, slot_minutes=slot_minutes, workday_periods=schedule_periods.as_stored(work),
        extended_periods=schedule_periods.as_stored(extended), weekend_periods=schedule_periods.as_stored(weekend),
        weekend_days=days if weekend else [], valid_from=valid_from, valid_until=valid_until)
    record_event(actor=actor, action="appointments.schedule_created", obj=schedule, details={
        "group": window_group.pk, "capacity": capacity, "slot_minutes": slot_minutes, "work": schedule.workday_periods,
        "extended": schedule.extended_periods, "weekend": schedule.weekend_periods, "weekend_days": schedule.weekend_days,
        "valid_from": valid_from, "valid_until": valid_until, "implementation": implementation_id})
    slots_generate(schedule=schedule, start=max(today, valid_from), days=hall.horizon_days + 1)
    return schedule


@transaction.atomic
def schedule_deactivate(*, actor, schedule: SlotSchedule) -> SlotSchedule:
    """No new slots from this schedule; slots already generated stay (close them one by one)."""
    require_role_at(actor, Role.HALL_MANAGER, schedule.organisation, doing="停用号源排班")
    schedule.is_active = False
    schedule.save(update_fields=["is_active", "updated_at"])
    record_event(actor=actor, action="appointments.schedule_deactivated", obj=schedule)
    return schedule


def _aware(d: date, t) -> datetime:
    return timezone.make_aware(datetime.combine(d, t))


def slots_for_day(schedule: SlotSchedule, d: date) -> list[Slot]:
    """The slots a schedule gives on one day, unsaved: working days get the ordinary and the
    extended periods, an ordinary Saturday/Sunday listed in weekend_days the weekend periods, a
    statutory holiday nothing."""
    kind = day_type(d)
    periods: list[tuple[str, list]] = []
    if kind == DayType.WORKING:
        periods = [(SlotKind.REGULAR, schedule.workday_periods), (SlotKind.EXTENDED, schedule.extended_periods)]
    elif kind == DayType.WEEKEND and d.weekday() in (schedule.weekend_days or []):
        periods = [(SlotKind.WEEKEND, schedule.weekend_periods)]
    slots = []
    for slot_kind, stored in periods:
        for start, end in schedule_periods.slot_times(schedule_periods.from_stored(stored), schedule.slot_minutes):
            slots.append(Slot(organisation_id=schedule.organisation_id, window_group_id=schedule.window_group_id,
                              implementation_id=schedule.implementation_id, schedule=schedule, service_date=d,
                              starts_at=_aware(d, start), ends_at=_aware(d, end), kind=slot_kind,
                              capacity=schedule.capacity))
    return slots


def slots_generate(*, schedule: SlotSchedule, start: date, days: int) -> int:
    """Create the missing slots of `days` days from `start`; existing ones are left alone (their
    bookings and any capacity the manager changed). Idempotent. Returns how many were created."""
    if not schedule.is_active:
        return 0
    rows = []
    for offset in range(max(0, days)):
        d = start + timedelta(days=offset)
        if d < schedule.valid_from or (schedule.valid_until and d > schedule.valid_until):
            continue
        rows.extend(slots_for_day(schedule, d))
    if not rows:
        return 0
    existing = set(Slot.objects.filter(schedule=schedule, starts_at__in=[r.starts_at for r in rows])
                   .values_list("starts_at", flat=True))
    new = [r for r in rows if r.starts_at not in existing]
    Slot.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


def slots_generate_all(*, today: date | None = None) -> int:
    """The periodic task: every active schedule of every active hall, over its horizon."""
    today = today or timezone.localdate()
    total = 0
    halls = {h.organisation_id: h for h in Hall.objects.filter(is_active=True)}
    for schedule in SlotSchedule.objects.filter(is_active=True, organisation_id__in=list(halls)):
        total += slots_generate(schedule=schedule, start=today, days=halls[schedule.organisation_id].horizon_days + 1)
    return total


@transaction.atomic
def slot_update(*, actor, slot: Slot, capacity: int | None = None, is_open: bool | None = None, reason: str = "",
                now: datetime | None = None) -> Slot:
    """Change a slot's capacity (never below what is booked) or close it. Closing cancels its
    bookings on the hall's account (not counted against anyone) and tells each person why."""
    require_role_at(actor, Role.HALL_MANAGER, slot.organisation, doing="调整号源")
    now = now or timezone.now()
    errors: list[FieldError] = []
    reason = clean_text(reason, field="reason", label="关闭原因", max_length=MAX_REASON, errors=errors)
    if is_open is False and not reason:
        errors.append(FieldError("reason", ErrorCode.FIELD_REQUIRED, "关闭号源请填写原因，将通知已预约的群众。"))
    if errors:
        raise ValidationFailed(errors)
    cancelled = []
    if is_open is False:
        # Lock order: bookings before their slot.
        cancelled = list(Booking.objects.select_for_update().filter(slot=slot, status=BookingStatus.BOOKED).order_by("pk"))
    slot = lock_slots([slot.pk])[slot.pk]
    changed = {}
    if capacity is not None:
        if not isinstance(capacity, int) or not 0 <= capacity <= 500:
            raise ValidationFailed([FieldError("capacity", ErrorCode.FIELD_INVALID, "号源数应为 0 至 500 的整数。")])
        if capacity < slot.booked and is_open is not False:
            raise DomainError(f"该时段已有 {slot.booked} 人预约，号源数不能少于 {slot.booked}；如需停止接待请关闭该时段。",
                              code=ErrorCode.CAPACITY_BELOW_BOOKED, field="capacity")
        changed["capacity"] = (slot.capacity, capacity)
        slot.capacity = capacity
    for booking in cancelled:
        booking.status = next_status(BOOKING_TRANSITIONS, booking.status, BookingAction.HALL_CANCEL)
        booking.cancelled_at, booking.cancel_reason = now, reason
        booking.save(update_fields=["status", "cancelled_at", "cancel_reason", "updated_at"])
        record_event(actor=actor, action="appointments.booking_cancelled_by_hall", obj=booking, details={"reason": reason})
        notify(recipient=booking.applicant, topic="appointments.cancelled_by_hall", title="预约已被大厅取消",
               body=f"很抱歉，您预约的{slot.organisation.name}{timezone.localtime(slot.starts_at):%m月%d日 %H:%M}"
                    f"“{booking.item_name}”因{reason}取消，不计爽约。请重新预约或拨打 12345 咨询。",
               link="/appointments/", obj=booking)
    if is_open is not None:
        changed["is_open"] = (slot.is_open, is_open)
        slot.is_open = is_open
        if is_open is False:
            slot.booked = max(0, slot.booked - len(cancelled))
    try:
        slot.save(update_fields=["capacity", "is_open", "booked", "updated_at"])
    except IntegrityError as exc:  # the check constraint: never booked > capacity
        raise DomainError("号源数不能少于已预约人数。", code=ErrorCode.CAPACITY_BELOW_BOOKED, field="capacity") from exc
    record_event(actor=actor, action="appointments.slot_updated", obj=slot,
                 details={"changed": changed, "cancelled_bookings": [b.pk for b in cancelled], "reason": reason})
    return slot
