"""Assisted service (帮办代办): requests for help or for staff to act for the applicant, home
visits (上门服务) booked into home-visit slots like appointments, the 楼小二 concierge of office
towers, key projects' 代办; assignment to a service assistant, tracking, rating.

Sources: seed 001 §11 (帮办代办窗口), §25 (特殊群体, 上门服务), §27 (重点项目帮代办); seed 002 (四)
(街道、社区代办队伍); seed 003 §10 (陪同办、代理办、优先办); seed 004 (楼小二).
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from yiwang.accounts.phones import normalise_phone, phone_errors
from yiwang.appointments.access import can_handle_assistance, is_staff, require_role_at
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
    ErrorCode,
    WindowGroupKind,
)
from yiwang.appointments.lifecycle import ASSISTANCE_TRANSITIONS, next_status
from yiwang.appointments.locks import lock_assistance, lock_slots
from yiwang.appointments.models import AssistanceEvent, AssistanceRequest, KeyProject, Slot
from yiwang.appointments.selectors import item_facts
from yiwang.appointments.services.common import choice, clean_text
from yiwang.core.audit import record_event
from yiwang.core.errors import Conflict, DomainError, FieldError, NotFound, PermissionDenied, ValidationFailed
from yiwang.notifications.services import notify
from yiwang.orgs.constants import Role
from yiwang.orgs.selectors import has_role
from yiwang.ratings.constants import SatisfactionLevel


def _link(request: AssistanceRequest, *, staff: bool = False) -> str:
    return reverse("appointments:assistance_case" if staff else "appointments:assistance_detail", args=[request.pk])


def _event(request: AssistanceRequest, *, actor, action: str, from_status: str, note: str = "") -> None:
    AssistanceEvent.objects.create(request=request, action=action, from_status=from_status, to_status=request.status,
                                   note=note, actor=actor if getattr(actor, "pk", None) else None)
    record_event(actor=actor, action=f"appointments.assistance_{action}", obj=request,
                 details={"from": from_status, "to": request.status, "note": note[:200]})


@transaction.atomic
def assistance_request_create(*, actor, organisation, kind: str, ground: str, description: str, contact_name: str = "",
                              contact_phone: str = "", address: str = "", place: str = "",
                              implementation_id: int | None = None, slot_id: int | None = None,
                              key_project: KeyProject | None = None, applicant=None,
                              now: datetime | None = None) -> AssistanceRequest:
    """A request by the applicant (`actor`), or registered by a service assistant for a person who
    called or came in (then `applicant` may be None and the contact is required)."""
    now = now or timezone.now()
    staff = is_staff(actor)
    if staff:
        require_role_at(actor, Role.SERVICE_ASSISTANT, organisation, doing="登记帮办代办申请")
    else:
        applicant = actor
    errors: list[FieldError] = []
    kind = choice(kind, field="kind", label="服务方式", choices=AssistanceKind, errors=errors)
    ground = choice(ground, field="ground", label="申请原因", choices=AssistanceGround, errors=errors)
    description = clean_text(description, field="description", label="需求说明", max_length=MAX_TEXT, errors=errors,
                             required=True, multiline=True)
    contact_name = clean_text(contact_name or getattr(applicant, "display_name", ""), field="contact_name", label="联系人",
                              max_length=MAX_NAME, errors=errors, required=True)
    phone = normalise_phone(str(contact_phone or getattr(applicant, "phone", "") or "")[:40])
    if not phone:
        errors.append(FieldError("contact_phone", ErrorCode.FIELD_REQUIRED, "请填写联系电话，工作人员将与您联系。"))
    else:
        errors += phone_errors(phone, field="contact_phone")
    address = clean_text(address, field="address", label="上门地址", max_length=MAX_ADDRESS, errors=errors)
    place = clean_text(place, field="place", label="楼宇或园区", max_length=MAX_PLACE, errors=errors)
    if kind == AssistanceKind.HOME_VISIT and not address:
        errors.append(FieldError("address", ErrorCode.FIELD_REQUIRED, "上门服务请填写详细地址（区、街道、小区、楼栋门牌）。"))
    if kind == AssistanceKind.BUILDING_CONCIERGE and not place:
        errors.append(FieldError("place", ErrorCode.FIELD_REQUIRED, "楼小二服务请填写所在楼宇或园区的名称。"))
    item_name = ""
    if implementation_id:
        facts = item_facts(implementation_id)
        if facts is None:
            errors.append(FieldError("implementation_id", ErrorCode.ITEM_NOT_OFFERED, "该事项不存在或未发布，请重新选择或留空。"))
        else:
            item_name = facts.name
    slot = None
    if kind == AssistanceKind.HOME_VISIT:
        slot = Slot.objects.filter(pk=slot_id or 0, organisation_id=organisation.pk,
                                   window_group__kind=WindowGroupKind.HOME_VISIT).first()
        if slot is None:
            errors.append(FieldError("slot_id", ErrorCode.FIELD_REQUIRED, "请选择上门服务的时段。"))
        elif not slot.is_open or slot.starts_at <= now:
            errors.append(FieldError("slot_id", ErrorCode.SLOT_CLOSED, "该上门时段已不可预约，请选择其他时段。"))
    if key_project is not None and key_project.organisation_id != organisation.pk:
        errors.append(FieldError("key_project", ErrorCode.FIELD_INVALID, "重点项目不属于该服务机构。"))
    if errors:
        raise ValidationFailed(errors)
    if slot is not None:
        lock_slots([slot.pk])
        if Slot.objects.filter(pk=slot.pk, is_open=True, booked__lt=F("capacity")).update(booked=F("booked") + 1) != 1:
            raise Conflict("该上门时段已约满，请选择其他时段。", code=ErrorCode.SLOT_FULL, field="slot_id")
    request = AssistanceRequest.objects.create(
        applicant=applicant, organisation=organisation, kind=kind, ground=ground, description=description,
        contact_name=contact_name, contact_phone=phone, address=address, place=place,
        implementation_id=implementation_id or None, item_name=item_name, slot=slot, key_project=key_project,
        created_by=actor if staff else None)
    _event(request, actor=actor, action=AssistanceAction.SUBMIT, from_status="",
           note="登记申请" if staff else "提交申请")
    if applicant is not None:
        notify(recipient=applicant, topic="appointments.assistance_submitted", title="帮办代办申请已提交",
               body=f"您的{AssistanceKind(kind).label}申请已提交至{organisation.name}，工作人员将尽快与您联系。",
               link=_link(request), obj=request)
    return request


def _staff_step(*, actor, request: AssistanceRequest, action: str, note: str = "", now=None) -> tuple[AssistanceRequest, str]:
    request = lock_assistance(request)
    if not can_handle_assistance(actor, request):
        raise PermissionDenied("只有该服务机构的帮办代办人员或被指派人员可以办理。", code=ErrorCode.NOT_ASSISTANT)
    before = request.status
    request.status = next_status(ASSISTANCE_TRANSITIONS, request.status, action)
    return request, before


@transaction.atomic
def assistance_assign(*, actor, request: AssistanceRequest, assignee, note: str = "") -> AssistanceRequest:
    errors: list[FieldError] = []
    note = clean_text(note, field="note", label="说明", max_length=MAX_NOTE, errors=errors)
    if assignee is None or not (is_staff(assignee) and has_role(assignee, Role.SERVICE_ASSISTANT, request.organisation)):
        errors.append(FieldError("assignee", ErrorCode.NOT_ASSISTANT,
                                 f"请选择“{request.organisation.name}”或其上级机构的帮办代办人员。"))
    if errors:
        raise ValidationFailed(errors)
    request, before = _staff_step(actor=actor, request=request, action=AssistanceAction.ASSIGN)
    request.assignee = assignee
    request.save(update_fields=["status", "assignee", "updated_at"])
    _event(request, actor=actor, action=AssistanceAction.ASSIGN, from_status=before,
           note=f"指派给 {assignee.display_name}" + (f"：{note}" if note else ""))
    if assignee.pk != getattr(actor, "pk", None):
        notify(recipient=assignee, topic="appointments.assistance_assigned", title="新的帮办代办任务",
               body=f"{request.get_kind_display()}：{request.description[:60]}", link=_link(request, staff=True), obj=request)
    if request.applicant_id:
        notify(recipient=request.applicant, topic="appointments.assistance_assigned", title="已为您安排帮办代办人员",
               body=f"{request.organisation.name}的 {assignee.display_name} 将为您提供帮办代办（{request.get_kind_display()}）。",
               link=_link(request), obj=request)
    return request


@transaction.atomic
def assistance_start(*, actor, request: AssistanceRequest, note: str = "") -> AssistanceRequest:
    errors: list[FieldError] = []
    note = clean_text(note, field="note", label="说明", max_length=MAX_NOTE, errors=errors)
    if errors:
        raise ValidationFailed(errors)
    request, before = _staff_step(actor=actor, request=request, action=AssistanceAction.START)
    request.save(update_fields=["status", "updated_at"])
    _event(request, actor=actor, action=AssistanceAction.START, from_status=before, note=note)
    return request


@transaction.atomic
def assistance_note(*, actor, request: AssistanceRequest, note: str) -> AssistanceRequest:
    """A progress note (联系了申请人、材料已代收…), shown to the applicant in the timeline."""
    errors: list[FieldError] = []
    note = clean_text(note, field="note", label="进展", max_length=MAX_NOTE, errors=errors, required=True, multiline=True)
    if errors:
        raise ValidationFailed(errors)
    request, before = _staff_step(actor=actor, request=request, action=AssistanceAction.NOTE)
    request.save(update_fields=["updated_at"])
    _event(request, actor=actor, action=AssistanceAction.NOTE, from_status=before, note=note)
    return request


@transaction.atomic
def assistance_complete(*, actor, request: AssistanceRequest, outcome: str, now: datetime | None = None) -> AssistanceRequest:
    errors: list[FieldError] = []
    outcome = clean_text(outcome, field="outcome", label="办理结果", max_length=MAX_TEXT, errors=errors, required=True,
                         multiline=True)
    if errors:
        raise ValidationFailed(errors)
    request, before = _staff_step(actor=actor, request=request, action=AssistanceAction.COMPLETE)
    request.outcome, request.completed_at = outcome, now or timezone.now()
    request.save(update_fields=["status", "outcome", "completed_at", "updated_at"])
    _event(request, actor=actor, action=AssistanceAction.COMPLETE, from_status=before, note=outcome)
    if request.applicant_id:
        notify(recipient=request.applicant, topic="appointments.assistance_completed", title="帮办代办已完成",
               body=f"您的{request.get_kind_display()}申请已完成：{outcome[:80].rstrip('。.')}。欢迎对本次服务作出评价。",
               link=_link(request), obj=request)
    return request


@transaction.atomic
def assistance_decline(*, actor, request: AssistanceRequest, reason: str) -> AssistanceRequest:
    """无法提供: the reason and where else to turn are told to the applicant."""
    errors: list[FieldError] = []
    reason = clean_text(reason, field="reason", label="原因", max_length=MAX_REASON, errors=errors, required=True)
    if errors:
        raise ValidationFailed(errors)
    request, before = _staff_step(actor=actor, request=request, action=AssistanceAction.DECLINE)
    request.decline_reason = reason
    request.save(update_fields=["status", "decline_reason", "updated_at"])
    _release_slot(request)
    _event(request, actor=actor, action=AssistanceAction.DECLINE, from_status=before, note=reason)
    if request.applicant_id:
        notify(recipient=request.applicant, topic="appointments.assistance_declined", title="帮办代办申请未能受理",
               body=f"{request.organisation.name}：{reason}", link=_link(request), obj=request)
    return request


def _release_slot(request: AssistanceRequest) -> None:
    if request.slot_id:
        lock_slots([request.slot_id])
        Slot.objects.filter(pk=request.slot_id, booked__gt=0).update(booked=F("booked") - 1)


@transaction.atomic
def assistance_cancel(*, actor, request: AssistanceRequest, reason: str = "") -> AssistanceRequest:
    errors: list[FieldError] = []
    reason = clean_text(reason, field="reason", label="撤回原因", max_length=MAX_REASON, errors=errors)
    if errors:
        raise ValidationFailed(errors)
    request = lock_assistance(request)
    if request.applicant_id is None or request.applicant_id != getattr(actor, "pk", None):
        raise NotFound("未找到该帮办代办申请。", code="assistance_not_found", field="request_id")
    before = request.status
    request.status = next_status(ASSISTANCE_TRANSITIONS, request.status, AssistanceAction.CANCEL)
    request.save(update_fields=["status", "updated_at"])
    _release_slot(request)
    _event(request, actor=actor, action=AssistanceAction.CANCEL, from_status=before, note=reason)
    if request.assignee_id:
        notify(recipient=request.assignee, topic="appointments.assistance_cancelled", title="帮办代办申请已撤回",
               body=f"{request.contact_name} 撤回了{request.get_kind_display()}申请。", link=_link(request, staff=True),
               obj=request)
    return request


@transaction.atomic
def assistance_rate(*, actor, request: AssistanceRequest, level: str, comment: str = "",
                    now: datetime | None = None) -> AssistanceRequest:
    """好差评 of the service, once, by the applicant (GB/T 39734 levels)."""
    errors: list[FieldError] = []
    level = choice(level, field="level", label="满意程度", choices=SatisfactionLevel, errors=errors)
    comment = clean_text(comment, field="comment", label="评价内容", max_length=MAX_NOTE, errors=errors, multiline=True)
    if errors:
        raise ValidationFailed(errors)
    request = lock_assistance(request)
    if request.applicant_id is None or request.applicant_id != getattr(actor, "pk", None):
        raise NotFound("未找到该帮办代办申请。", code="assistance_not_found", field="request_id")
    next_status(ASSISTANCE_TRANSITIONS, request.status, AssistanceAction.RATE)
    if request.rating:
        raise DomainError("您已评价过本次服务。", code=ErrorCode.ALREADY_RATED, field="level")
    request.rating, request.rating_comment, request.rated_at = level, comment, now or timezone.now()
    request.save(update_fields=["rating", "rating_comment", "rated_at", "updated_at"])
    _event(request, actor=actor, action=AssistanceAction.RATE, from_status=request.status,
           note=SatisfactionLevel(level).label + (f"：{comment}" if comment else ""))
    return request
