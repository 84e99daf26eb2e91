"""Deciding, concluding, and the ways a case ends early: withdrawal, termination, revocation;
deferred materials supplied (or not) and commitments verified (or found false)."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from yiwang.cases.access import DEPARTMENT_ROLES, require_case_role
from yiwang.cases.constants import (
    CaseAction,
    CaseStatus,
    Channel,
    Decision,
    DocumentKind,
    ErrorCode,
)
from yiwang.cases.locks import lock_case
from yiwang.cases.models import ApplicationMaterial, Case
from yiwang.cases.selectors import outstanding_deferred_ids
from yiwang.cases.services.intake import as_db_id, resolve_given_materials, version_facts
from yiwang.cases.services.transitions import case_transition, notify_applicant
from yiwang.core import hooks
from yiwang.core.audit import record_event
from yiwang.core.errors import Conflict, FieldError, NotFound, ValidationFailed
from yiwang.orgs.constants import Role
from yiwang.supervision.models import CreditRecord, CreditRecordKind
from yiwang.workdays.time_limits import add_working_days

# §44: the licence is issued and delivered within 10 (working) days of the decision (§82).
DELIVERY_PERIOD_WORKING_DAYS = 10
# What a false commitment means for the applicant from now on (eligibility() applies it).
FALSE_COMMITMENT_CONSEQUENCE = "已记入信用记录，今后申请不适用告知承诺和容缺受理。"


@transaction.atomic
def case_decide(*, actor, case: Case, decision: str, reasons: str, legal_basis: str = "",
                today: date | None = None) -> Case:
    """Record the decision with its reasons and legal basis; conclude at once unless the result is
    withheld (deferred materials still missing)."""
    require_case_role(actor=actor, case=case, roles=[Role.DEPT_APPROVER])
    lock_case(case)
    errors = []
    if decision not in Decision.values:
        errors.append(FieldError("decision", "invalid_choice", "决定应为 approved（准予）或 denied（不予准予）。"))
    if not (reasons or "").strip():
        errors.append(FieldError("reasons", ErrorCode.REASON_REQUIRED, "请填写决定理由。"))
    if decision == Decision.DENIED and not (legal_basis or "").strip():
        errors.append(FieldError("legal_basis", ErrorCode.REASON_REQUIRED, "不予准予的决定须写明法律依据。"))
    if errors:
        raise ValidationFailed(errors)
    today = today or timezone.localdate()
    case.decision = decision
    case.decided_on = today
    case.decided_by = actor
    case.decision_reasons = reasons.strip()
    case.decision_legal_basis = (legal_basis or "").strip()
    case.delivery_due_on = add_working_days(today, DELIVERY_PERIOD_WORKING_DAYS).due_date
    action = CaseAction.APPROVE if decision == Decision.APPROVED else CaseAction.DENY
    case_transition(case=case, action=action, actor=actor, note=case.decision_reasons,
                    details={"legal_basis": case.decision_legal_basis},
                    extra_fields=("decision", "decided_on", "decided_by", "decision_reasons", "decision_legal_basis",
                                  "delivery_due_on"))
    # Decided outside the process (e.g. straight through the API): its open tasks are moot.
    _cancel_tasks(case, "已作出决定")
    from yiwang.cases.documents import document_issue

    document_issue(case=case, kind=DocumentKind.DECISION, actor=actor, context={})
    hooks.call("case.decided", case=case, actor=actor)
    if not _result_withheld(case):
        case_conclude(actor=actor, case=case, today=today)
    return case


def _result_withheld(case: Case) -> bool:
    """容缺: the result is issued only after the deferred materials are complete."""
    deferral = getattr(case, "deferral", None)  # a missing one-to-one raises AttributeError's subclass
    return case.decision == Decision.APPROVED and deferral is not None and deferral.completed_at is None


def case_conclude(*, actor, case: Case, today: date | None = None) -> Case:
    """办结: the result exists (the e-licence issue will issue the licence here); delivery follows."""
    today = today or timezone.localdate()
    case.concluded_on = today
    if case.decision == Decision.APPROVED and not case.result_reference:
        case.result_reference = f"{case.version.result_name or '审批结果'}（{case.number}）"
    case_transition(case=case, action=CaseAction.CONCLUDE, actor=actor, extra_fields=("concluded_on", "result_reference"))
    from yiwang.cases.services.delivery import prepare_delivery

    prepare_delivery(case=case, actor=actor)
    hooks.call("case.concluded", case=case, actor=actor)
    return case


@transaction.atomic
def case_supplement_deferred(*, actor, case: Case, materials: dict, today: date | None = None) -> Case:
    """The applicant supplies deferred materials; when all are in, a withheld result is released."""
    if actor.pk != case.applicant_id:
        require_case_role(actor=actor, case=case, roles=[Role.WINDOW_CLERK, *DEPARTMENT_ROLES])
    lock_case(case)
    deferral = getattr(case, "deferral", None)
    if deferral is None or deferral.completed_at or deferral.lapsed_at:
        raise Conflict("该办件没有待补交的容缺材料。", code="no_deferral")
    wanted = set(deferral.requirements.values_list("pk", flat=True))
    given = {k: v for k, v in (materials or {}).items() if as_db_id(k) in wanted}
    errors: list[FieldError] = []
    # Every deferred material still outstanding must come now.
    outstanding = outstanding_deferred_ids(case) & wanted
    given_ids = {as_db_id(k) for k in given}
    for requirement in version_facts(case.version_id).materials:
        if requirement.pk in outstanding and requirement.pk not in given_ids:
            errors.append(FieldError(f"materials.{requirement.pk}", "material_missing", f"请补交「{requirement.name}」。"))
    # Paper originals count when a clerk receives them at the counter, whatever the filing channel.
    channel = Channel.WINDOW if actor.is_staff_member else case.application.channel
    rows = resolve_given_materials(version_id=case.version_id, applicant=case.applicant, materials=given,
                                   channel=channel, errors=errors)
    if errors:
        raise ValidationFailed(errors)
    for row in rows:
        ApplicationMaterial.objects.filter(application_id=case.application_id, requirement=row.requirement).update(
            satisfaction=row.satisfaction, stored_file=row.stored_file, review="pending")
    deferral.completed_at = timezone.now()
    deferral.save(update_fields=["completed_at", "updated_at"])
    record_event(actor=actor, action="case.deferred_materials_completed", obj=case)
    if case.status == CaseStatus.APPROVED:
        case_conclude(actor=actor, case=case, today=today)
    return case


@transaction.atomic
def case_deferral_lapse(*, case: Case, today: date) -> Case | None:
    """Deadline passed without the deferred materials: the case ends (终止办理), as the notice said."""
    lock_case(case)
    deferral = getattr(case, "deferral", None)
    if deferral is None or deferral.completed_at or deferral.lapsed_at or today <= deferral.deadline:
        return None
    if case.status not in (CaseStatus.UNDER_REVIEW, CaseStatus.SUSPENDED, CaseStatus.APPROVED):
        return None
    deferral.lapsed_at = timezone.now()
    deferral.save(update_fields=["lapsed_at", "updated_at"])
    reason = f"容缺材料未在 {deferral.deadline} 前补齐：{deferral.consequence}"
    _terminate(case=case, actor="monitoring", reason=reason)
    return case


@transaction.atomic
def commitment_verify(*, actor, case: Case, truthful: bool, note: str, today: date | None = None) -> Case:
    """Post-decision verification of a commitment. A false promise revokes the decision (or ends
    the case) and is recorded against the applicant's credit."""
    require_case_role(actor=actor, case=case, roles=DEPARTMENT_ROLES)
    lock_case(case)
    commitment = getattr(case, "commitment", None)
    if commitment is None:
        raise NotFound("该办件不是告知承诺办件。", code="no_commitment")
    if commitment.verified_on:
        raise Conflict("该承诺已核查。", code="already_verified")
    if not (note or "").strip():
        raise ValidationFailed([FieldError("note", ErrorCode.REASON_REQUIRED, "请填写核查情况。")])
    today = today or timezone.localdate()
    commitment.verified_on, commitment.verified_by = today, actor
    commitment.is_truthful, commitment.verification_note = bool(truthful), note.strip()
    commitment.save(update_fields=["verified_on", "verified_by", "is_truthful", "verification_note", "updated_at"])
    record_event(actor=actor, action="case.commitment_verified", obj=case, details={"truthful": bool(truthful)})
    if truthful:
        return case
    reason = f"经核查承诺不实：{note.strip()}"
    CreditRecord.objects.create(subject=case.applicant, kind=CreditRecordKind.FALSE_COMMITMENT, description=reason,
                                source_case=case, recorded_by=actor, effective_from=today)
    record_event(actor=actor, action="credit.recorded", obj=case,
                 details={"kind": CreditRecordKind.FALSE_COMMITMENT, "subject": case.applicant_id})
    case.closed_reason = reason
    if case.status in (CaseStatus.APPROVED, CaseStatus.CONCLUDED, CaseStatus.DELIVERED):
        case_transition(case=case, action=CaseAction.REVOKE, actor=actor, note=reason, extra_fields=("closed_reason",),
                        notify=False)
        hooks.call("case.revoked", case=case, actor=actor, reason=reason)
    else:
        _terminate(case=case, actor=actor, reason=reason, notify=False)
    # The applicant is told of the credit record with the news itself, not left to find out at the
    # next window visit that commitment and deferred acceptance are no longer offered.
    notify_applicant(case=case, status=case.status, reason=f"{reason.rstrip('。.')}。{FALSE_COMMITMENT_CONSEQUENCE}")
    return case


@transaction.atomic
def case_withdraw(*, actor, case: Case, reason: str = "") -> Case:
    """The applicant withdraws before a decision (the table refuses it afterwards)."""
    if actor.pk != case.applicant_id:
        raise NotFound("未找到该办件。", code="case_not_found")
    lock_case(case)
    case.closed_reason = (reason or "申请人主动撤回").strip()
    case_transition(case=case, action=CaseAction.WITHDRAW, actor=actor, note=case.closed_reason,
                    extra_fields=("closed_reason",))
    _cancel_tasks(case, case.closed_reason)
    return case


@transaction.atomic
def case_terminate(*, actor, case: Case, reason: str) -> Case:
    require_case_role(actor=actor, case=case, roles=[Role.DEPT_APPROVER])
    if not (reason or "").strip():
        raise ValidationFailed([FieldError("reason", ErrorCode.REASON_REQUIRED, "请填写终止办理的理由。")])
    lock_case(case)
    return _terminate(case=case, actor=actor, reason=reason.strip())


def _terminate(*, case: Case, actor, reason: str, notify: bool = True) -> Case:
    case.closed_reason = reason
    case_transition(case=case, action=CaseAction.TERMINATE, actor=actor, note=reason, extra_fields=("closed_reason",),
                    notify=notify)
    _cancel_tasks(case, reason)
    return case


def _cancel_tasks(case: Case, reason: str) -> None:
    from yiwang.cases.worklist import tasks_cancel_for_case

    tasks_cancel_for_case(case=case, reason=reason)
