"""The one way a case changes status: check the transition table, write the history row, record
the audit event, and tell the applicant — all in the caller's transaction, on a case the caller has
locked (yiwang.cases.locks). Notifications are an outbox: the rows commit with the change, their
SMS/e-mail copies are sent after commit."""

from __future__ import annotations

from django.utils import timezone

from yiwang.cases.constants import CaseStatus
from yiwang.cases.lifecycle import next_status
from yiwang.cases.models import Case, CaseStatusChange
from yiwang.core.audit import actor_fields, record_event
from yiwang.notifications.services import build_notifications, save_notifications

# What the applicant is told on each new status (in-app + SMS/e-mail). Kept short: an SMS.
_NOTICE = {
    CaseStatus.AWAITING_CONFIRMATION: ("待您确认领取", "平台已为您生成办件 {number}，请确认领取（确认后开始办理）。"),
    CaseStatus.SUBMITTED: ("申请已提交", "您的申请（办件编号 {number}）已提交，等待受理。"),
    CaseStatus.CORRECTION_REQUESTED: ("请补正材料", "办件 {number} 需要补正，请查看一次性告知书并补正后重新提交。"),
    CaseStatus.REFUSED: ("申请不予受理", "办件 {number} 不予受理，请查看不予受理决定书。"),
    CaseStatus.ACCEPTED: ("申请已受理", "办件 {number} 已受理，承诺办结期限 {due_on}。"),
    CaseStatus.SUSPENDED: ("办件进入特别程序", "办件 {number} 进入特别程序，期间不计入办理时限，详见告知书。"),
    CaseStatus.UNDER_REVIEW: ("办件审查中", "办件 {number} 正在审查，办结期限 {due_on}。"),
    CaseStatus.APPROVED: ("审批已通过", "办件 {number} 已作出准予决定。"),
    CaseStatus.DENIED: ("审批未通过", "办件 {number} 已作出不予准予决定，请查看决定书。"),
    CaseStatus.CONCLUDED: ("办件已办结", "办件 {number} 已办结，结果将按您选择的方式送达。"),
    CaseStatus.DELIVERED: ("结果已送达", "办件 {number} 的结果已送达：{reason}。"),
    CaseStatus.WITHDRAWN: ("申请已撤回", "办件 {number} 已撤回。"),
    CaseStatus.TERMINATED: ("办件已终止", "办件 {number} 已终止办理：{reason}"),
    CaseStatus.REVOKED: ("决定已撤销", "办件 {number} 的决定已撤销：{reason}"),
}


def case_transition(*, case: Case, action: str, actor, note: str = "", details: dict | None = None,
                    notify: bool = True, extra_fields: tuple[str, ...] = ()) -> Case:
    """Apply `action` to a case the caller has locked; saves status + `extra_fields`."""
    old = case.status
    case.status = next_status(old, action)
    case.save(update_fields=["status", "updated_at", *extra_fields])
    actor_id, label = actor_fields(actor)
    CaseStatusChange.objects.create(
        case=case, from_status=old, to_status=case.status, action=action, actor_id=actor_id,
        actor_label=label, occurred_at=timezone.now(), note=note, details=details or {},
    )
    record_event(actor=actor, action=f"case.{action}", obj=case,
                 details={"from": old, "to": case.status, "note": note, **(details or {})})
    if notify:
        notify_applicant(case=case, status=case.status, reason=note)
    return case


def initial_status_change(*, case: Case, actor, channel: str) -> CaseStatusChange:
    """The first row of a case's timeline (unsaved)."""
    actor_id, label = actor_fields(actor)
    return CaseStatusChange(
        case=case, from_status="", to_status=case.status, action="submit", actor_id=actor_id,
        actor_label=label, occurred_at=timezone.now(), details={"channel": channel},
    )


def applicant_notifications(*, case: Case, status: str, reason: str = "") -> list:
    """What the applicant is told about `status` (unsaved notification rows)."""
    title, body = _NOTICE.get(status, ("办件状态更新", "办件 {number} 状态：{status}"))
    if status == CaseStatus.ACCEPTED and case.waiting_since:
        body = "办件 {number} 已受理，须待前序事项办结后办理，办理时限自前序事项办结之次日起计算。"
    text = body.format(number=case.number, due_on=case.due_on or "—", reason=reason or "详见办件详情",
                       status=CaseStatus(status).label)
    return build_notifications(recipient=case.applicant, topic=f"case.{status}", title=title, body=text,
                               link=applicant_case_link(case.pk), obj=case)


def applicant_case_link(case_pk) -> str:
    """The applicant's page of a case. The intake builds its notice before the case row has an id;
    the writer fills the id in once it has one (`submission_write`)."""
    return f"/cases/mine/{case_pk}/"


def notify_applicant(*, case: Case, status: str, reason: str = "") -> None:
    """Tell the applicant, in the same transaction as the change (notifications' outbox)."""
    save_notifications(applicant_notifications(case=case, status=status, reason=reason))
