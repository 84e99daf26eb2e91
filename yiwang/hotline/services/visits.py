"""Enterprise visits (大走访, seed 004 Xianyang): key projects and enterprises assigned to leaders
and departments, check-ins on the spot, appeals carried by tickets, 5-star rating of results."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from yiwang.core.audit import record_event
from yiwang.core.errors import DomainError, FieldError, ValidationFailed
from yiwang.core.geo import distance_m, gcj02_to_wgs84, valid_wgs84
from yiwang.hotline.constants import AppealCategory, AppealMode, Channel, TicketStatus, TicketType  # noqa: F401
from yiwang.hotline.models import MAX_TEXT, EnterpriseAppeal, VisitCheckIn, VisitTarget
from yiwang.hotline.services.common import text_errors
from yiwang.hotline.services.intake import ticket_submit


@transaction.atomic
def visit_target_create(*, actor, kind: str, name: str, district, leader, department, uscc: str = "",
                        address: str = "", lat: float | None = None, lng: float | None = None, liaison=None) -> VisitTarget:
    errors = text_errors(name, field="name", label="名称", max_length=200, required=True, multiline=False)
    if errors:
        raise ValidationFailed(errors)
    target = VisitTarget.objects.create(kind=kind, name=name.strip(), district=district, leader=leader,
                                        department=department, uscc=uscc, address=address, lat=lat, lng=lng, liaison=liaison)
    record_event(actor=actor, action="hotline.visit_target_created", obj=target, details={"name": target.name})
    return target


@transaction.atomic
def visit_check_in(*, actor, target: VisitTarget, lat: float, lng: float, datum: str = "wgs84", note: str = "",
                   visited_at: datetime | None = None) -> VisitCheckIn:
    errors = text_errors(note, field="note", label="走访记录", max_length=MAX_TEXT)
    try:
        lat, lng = float(lat), float(lng)
        if not valid_wgs84(lat, lng):
            raise ValueError
    except (TypeError, ValueError):
        errors.append(FieldError("lat", "location_invalid", "签到需要有效的定位（纬度、经度）。请允许定位后重试。"))
    if errors:
        raise ValidationFailed(errors)
    if datum == "gcj02":
        lat, lng = gcj02_to_wgs84(lat, lng)
    if target.leader_id != getattr(actor, "pk", None):
        raise DomainError("只有包抓领导本人可以为该项目企业签到。", code="visit_not_leader")
    checkin = VisitCheckIn.objects.create(
        target=target, leader=actor, visited_at=visited_at or timezone.now(), lat=lat, lng=lng, note=(note or "").strip(),
        distance_m=distance_m(lat, lng, target.lat, target.lng) if target.lat is not None else None)
    record_event(actor=actor, action="hotline.visit_checked_in", obj=checkin, details={"target": target.pk})
    return checkin


@transaction.atomic
def appeal_submit(*, actor, target: VisitTarget, category: str, description: str, difficulty: int = 1,
                  mode: str = AppealMode.DISPATCHED, by_liaison: bool = False) -> EnterpriseAppeal:
    """The appeal becomes a ticket (channel 企业诉求): on site → dispatched to the leader's department;
    otherwise routed through the dispatch catalogue like any ticket."""
    errors = []
    if category not in AppealCategory.values:
        errors.append(FieldError("category", "invalid_choice", "请选择诉求类别（14 类之一）。"))
    if not isinstance(difficulty, int) or not 1 <= difficulty <= 5:
        errors.append(FieldError("difficulty", "out_of_range", "难度星级为 1 至 5 星。"))
    if mode not in AppealMode.values:
        errors.append(FieldError("mode", "invalid_choice", "办理方式应为现场协调或转办。"))
    if errors:
        raise ValidationFailed(errors)
    ticket_type = TicketType.CONSULTATION if category == AppealCategory.CONSULTATION else TicketType.HELP
    ticket = ticket_submit(
        actor=actor, channel=Channel.ENTERPRISE, ticket_type=ticket_type, description=description,
        title=f"【{AppealCategory(category).label}】{target.name}", district=target.district, address=target.address,
        caller_name=target.name, caller_user=target.liaison, anonymous=True, emergency_confirmed=True,
        unit=target.department if mode == AppealMode.ON_SITE else None)
    appeal = EnterpriseAppeal.objects.create(ticket=ticket, target=target, category=category, difficulty=difficulty,
                                             mode=mode, submitted_by_liaison=by_liaison)
    record_event(actor=actor, action="hotline.appeal_submitted", obj=appeal, details={"category": category, "mode": mode})
    return appeal


@transaction.atomic
def appeal_rate(*, actor, appeal: EnterpriseAppeal, stars: int, note: str = "") -> EnterpriseAppeal:
    appeal = EnterpriseAppeal.objects.select_for_update().select_related("ticket", "target").get(pk=appeal.pk)
    errors = text_errors(note, field="note", label="评价意见", max_length=MAX_TEXT)
    if not isinstance(stars, int) or not 1 <= stars <= 5:
        errors.append(FieldError("stars", "out_of_range", "请选择 1 至 5 星。"))
    if errors:
        raise ValidationFailed(errors)
    if appeal.ticket.status not in (TicketStatus.PENDING_CALLBACK, TicketStatus.CLOSED, TicketStatus.ANSWERED):
        raise DomainError("诉求办结后才能评价。", code="appeal_not_done")
    if appeal.target.liaison_id != getattr(actor, "pk", None) or appeal.stars:
        raise DomainError("只有该企业的联络账户可以评价，且只评价一次。", code="appeal_rating_not_allowed")
    appeal.stars, appeal.rating_note, appeal.rated_at = stars, (note or "").strip(), timezone.now()
    appeal.save(update_fields=["stars", "rating_note", "rated_at", "updated_at"])
    record_event(actor=actor, action="hotline.appeal_rated", obj=appeal, details={"stars": stars})
    return appeal
