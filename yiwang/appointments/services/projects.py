"""Key projects' 帮代办 (seed 001 §27, seed 003 §10): a named coordinator serves the project free
of charge through 审前辅导 (pre-review), 审中协调 (coordination while the cases run) and 审后跟踪
(follow-up), recording each contact and the next step and date."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from yiwang.accounts.phones import normalise_phone, phone_errors
from yiwang.accounts.selectors import user_by_uscc
from yiwang.appointments.access import can_handle_project, is_staff, require_role_at
from yiwang.appointments.constants import (
    MAX_NAME,
    MAX_NOTE,
    MAX_PLACE,
    MAX_TEXT,
    ErrorCode,
    FollowUpKind,
    ProjectAction,
    ProjectLevel,
)
from yiwang.appointments.lifecycle import PROJECT_TRANSITIONS, next_status
from yiwang.appointments.locks import lock_project
from yiwang.appointments.models import KeyProject, KeyProjectEvent
from yiwang.appointments.selectors import published_item_names
from yiwang.appointments.services.common import choice, clean_text
from yiwang.core.audit import record_event
from yiwang.core.errors import FieldError, PermissionDenied, ValidationFailed
from yiwang.notifications.services import notify
from yiwang.orgs.constants import Role
from yiwang.orgs.selectors import has_role


def _coordinator_errors(coordinator, organisation) -> list[FieldError]:
    if coordinator is None or not (is_staff(coordinator) and has_role(coordinator, Role.SERVICE_ASSISTANT, organisation)):
        return [FieldError("coordinator", ErrorCode.NOT_ASSISTANT,
                           f"代办专员应为“{organisation.name}”或其上级机构的帮办代办人员。")]
    return []


def _follow_up_date(value, errors: list[FieldError], today: date) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value)
        except ValueError:
            errors.append(FieldError("next_follow_up_on", ErrorCode.FIELD_INVALID, "下次跟进日期格式应为 YYYY-MM-DD。"))
            return None
    if value < today:
        errors.append(FieldError("next_follow_up_on", ErrorCode.FIELD_INVALID, "下次跟进日期不能早于今天。"))
        return None
    return value


@transaction.atomic
def key_project_create(*, actor, organisation, name: str, enterprise_name: str, contact_name: str, contact_phone: str,
                       coordinator, level: str = ProjectLevel.CITY, project_code: str = "", enterprise_uscc: str = "",
                       implementation_ids: list[int] | None = None, description: str = "",
                       next_follow_up_on=None, today: date | None = None) -> KeyProject:
    require_role_at(actor, Role.SERVICE_ASSISTANT, organisation, doing="登记重点项目")
    today = today or timezone.localdate()
    errors: list[FieldError] = []
    name = clean_text(name, field="name", label="项目名称", max_length=MAX_PLACE, errors=errors, required=True)
    enterprise_name = clean_text(enterprise_name, field="enterprise_name", label="项目单位", max_length=MAX_PLACE,
                                 errors=errors, required=True)
    contact_name = clean_text(contact_name, field="contact_name", label="联系人", max_length=MAX_NAME, errors=errors,
                              required=True)
    project_code = clean_text(project_code, field="project_code", label="项目代码", max_length=40, errors=errors)
    description = clean_text(description, field="description", label="项目概况", max_length=MAX_TEXT, errors=errors,
                             multiline=True)
    level = choice(level, field="level", label="项目级别", choices=ProjectLevel, errors=errors)
    phone = normalise_phone(str(contact_phone or "")[:40])
    errors += phone_errors(phone, field="contact_phone") if phone else [
        FieldError("contact_phone", ErrorCode.FIELD_REQUIRED, "请填写联系人电话。")]
    errors += _coordinator_errors(coordinator, organisation)
    enterprise = None
    if enterprise_uscc:
        enterprise = user_by_uscc(str(enterprise_uscc)[:40])
        if enterprise is None:
            errors.append(FieldError("enterprise_uscc", ErrorCode.FIELD_INVALID,
                                     "未找到该统一社会信用代码的企业账号；可留空，仅登记单位名称。"))
    ids = sorted({int(i) for i in implementation_ids or []})
    names = published_item_names(ids)
    if any(i not in names for i in ids):
        errors.append(FieldError("implementation_ids", ErrorCode.ITEM_NOT_OFFERED, "所选审批事项中有未发布的事项。"))
    follow = _follow_up_date(next_follow_up_on, errors, today)
    if errors:
        raise ValidationFailed(errors)
    project = KeyProject.objects.create(
        name=name, project_code=project_code, level=level, organisation=organisation, enterprise=enterprise,
        enterprise_name=enterprise_name, contact_name=contact_name, contact_phone=phone, coordinator=coordinator,
        description=description, next_follow_up_on=follow)
    if ids:
        project.items.set(ids)
    KeyProjectEvent.objects.create(project=project, note=f"登记项目，代办专员 {coordinator.display_name}",
                                   to_stage=project.stage, actor=actor if getattr(actor, "pk", None) else None)
    record_event(actor=actor, action="appointments.key_project_created", obj=project,
                 details={"name": name, "coordinator": coordinator.pk, "items": ids, "level": level})
    if coordinator.pk != getattr(actor, "pk", None):
        notify(recipient=coordinator, topic="appointments.project_assigned", title="您被指定为重点项目代办专员",
               body=f"{name}（{enterprise_name}）", link=reverse("appointments:project", args=[project.pk]), obj=project)
    return project


@transaction.atomic
def key_project_follow_up(*, actor, project: KeyProject, kind: str, note: str, next_step: str = "",
                          next_follow_up_on=None, today: date | None = None) -> KeyProjectEvent:
    today = today or timezone.localdate()
    project = lock_project(project)
    if not can_handle_project(actor, project):
        raise PermissionDenied("只有代办专员或该服务机构的帮办代办人员可以记录跟进。", code=ErrorCode.NOT_ASSISTANT)
    errors: list[FieldError] = []
    kind = choice(kind, field="kind", label="跟进方式", choices=FollowUpKind, errors=errors)
    note = clean_text(note, field="note", label="跟进情况", max_length=MAX_TEXT, errors=errors, required=True, multiline=True)
    next_step = clean_text(next_step, field="next_step", label="下一步", max_length=MAX_NOTE, errors=errors)
    follow = _follow_up_date(next_follow_up_on, errors, today)
    if project.stage == "closed":
        errors.append(FieldError("kind", ErrorCode.FIELD_INVALID, "项目代办服务已结束；如需继续跟进，请先重新开启。"))
    if errors:
        raise ValidationFailed(errors)
    event = KeyProjectEvent.objects.create(project=project, kind=kind, note=note, next_step=next_step,
                                           actor=actor if getattr(actor, "pk", None) else None)
    project.next_follow_up_on = follow
    project.save(update_fields=["next_follow_up_on", "updated_at"])
    record_event(actor=actor, action="appointments.key_project_follow_up", obj=project,
                 details={"kind": kind, "next_follow_up_on": follow})
    return event


@transaction.atomic
def key_project_transition(*, actor, project: KeyProject, action: str, note: str = "") -> KeyProject:
    project = lock_project(project)
    if not can_handle_project(actor, project):
        raise PermissionDenied("只有代办专员或该服务机构的帮办代办人员可以变更项目阶段。", code=ErrorCode.NOT_ASSISTANT)
    errors: list[FieldError] = []
    note = clean_text(note, field="note", label="说明", max_length=MAX_NOTE, errors=errors)
    action = choice(action, field="action", label="操作", choices=ProjectAction, errors=errors)
    if errors:
        raise ValidationFailed(errors)
    before = project.stage
    project.stage = next_status(PROJECT_TRANSITIONS, project.stage, action)
    project.save(update_fields=["stage", "updated_at"])
    KeyProjectEvent.objects.create(project=project, from_stage=before, to_stage=project.stage,
                                   note=note or ProjectAction(action).label, actor=actor if getattr(actor, "pk", None) else None)
    record_event(actor=actor, action="appointments.key_project_stage", obj=project,
                 details={"from": before, "to": project.stage, "note": note})
    return project


@transaction.atomic
def key_project_set_coordinator(*, actor, project: KeyProject, coordinator) -> KeyProject:
    project = lock_project(project)
    require_role_at(actor, Role.SERVICE_ASSISTANT, project.organisation, doing="更换代办专员")
    errors = _coordinator_errors(coordinator, project.organisation)
    if errors:
        raise ValidationFailed(errors)
    before = project.coordinator_id
    project.coordinator = coordinator
    project.save(update_fields=["coordinator", "updated_at"])
    KeyProjectEvent.objects.create(project=project, note=f"代办专员改为 {coordinator.display_name}",
                                   actor=actor if getattr(actor, "pk", None) else None)
    record_event(actor=actor, action="appointments.key_project_coordinator", obj=project,
                 details={"from": before, "to": coordinator.pk})
    notify(recipient=coordinator, topic="appointments.project_assigned", title="您被指定为重点项目代办专员",
           body=f"{project.name}（{project.enterprise_name}）", link=reverse("appointments:project", args=[project.pk]),
           obj=project)
    return project
