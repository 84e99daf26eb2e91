"""Deciding, and the ways a case ends early: withdrawal, termination; deferred materials supplied
(or not) and commitments verified (or found false). What follows each of these — conclusion,
delivery, documents, the credit record of a false promise, the hooks — is in yiwang.cases.actions.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from yiwang.cases import actions
from yiwang.cases.access import require_approver_role, require_deferred_receipt_role, require_department_role
from yiwang.cases.constants import CaseAction, Channel, Decision, ErrorCode
from yiwang.cases.deadlines import delivery_due_on
from yiwang.cases.lifecycle import AWAITING_DEFERRED
from yiwang.cases.locks import lock_case
from yiwang.cases.models import ApplicationMaterial, Case
from yiwang.cases.selectors import outstanding_deferred_ids
from yiwang.cases.services.intake import as_db_id, resolve_given_materials
from yiwang.cases.transitions import case_transition
from yiwang.catalog.selectors import version_facts
from yiwang.core.audit import record_event
from yiwang.core.errors import Conflict, FieldError, NotFound, ValidationFailed

# Kept here for callers that read it from the services (the consequence itself is in actions).
FALSE_COMMITMENT_CONSEQUENCE = actions.FALSE_COMMITMENT_CONSEQUENCE


@transaction.atomic
def case_decide(*, actor, case: Case, decision: str, reasons: str, legal_basis: str = "",
                today: date | None = None) -> Case:
    """Record the decision with its reasons and legal basis (an approver over the case's agency);
    what follows — the decision document, conclusion unless the result is withheld — is
    actions.case_decided."""
    require_approver_role(actor=actor, case=case)
    lock_case(case)
    return record_decision(actor=actor, case=case, decision=decision, reasons=reasons, legal_basis=legal_basis,
                           today=today)


def record_decision(*, actor, case: Case, decision: str, reasons: str, legal_basis: str = "",
                    today: date | None = None) -> Case:
    """The decision on a case the caller has locked and checked the actor for (case_decide, or the
    end of the back-office process: services/work_tasks.task_complete)."""
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
    case.delivery_due_on = delivery_due_on(today)
    action = CaseAction.APPROVE if decision == Decision.APPROVED else CaseAction.DENY
    case_transition(case=case, action=action, actor=actor, note=case.decision_reasons,
                    details={"legal_basis": case.decision_legal_basis},
                    extra_fields=("decision", "decided_on", "decided_by", "decision_reasons", "decision_legal_basis",
                                  "delivery_due_on"))
    actions.case_decided(case=case, actor=actor, today=today)
    return case


@transaction.atomic
def case_supplement_deferred(*, actor, case: Case, materials: dict, today: date | None = None) -> Case:
    """The applicant supplies deferred materials; when all are in, a withheld result is released
    (actions.deferred_materials_completed)."""
    if actor.pk != case.applicant_id:
        require_deferred_receipt_role(actor=actor, case=case)
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
    channel = Channel.WINDOW if actor.is_staff_member else Channel.WEB
    rows = resolve_given_materials(version_id=case.version_id, applicant=case.applicant, materials=given,
                                   channel=channel, errors=errors, actor=actor)
    if errors:
        raise ValidationFailed(errors)
    for row in rows:
        ApplicationMaterial.objects.filter(application_id=case.application_id, requirement=row.requirement).update(
            satisfaction=row.satisfaction, stored_file=row.stored_file, review="pending")
    deferral.completed_at = timezone.now()
    deferral.save(update_fields=["completed_at", "updated_at"])
    record_event(actor=actor, action="case.deferred_materials_completed", obj=case)
    actions.deferred_materials_completed(case=case, actor=actor, today=today)
    return case


@transaction.atomic
def case_deferral_lapse(*, case: Case, today: date) -> Case | None:
    """Deadline passed without the deferred materials: the case ends (终止办理), as the notice said."""
    lock_case(case)
    deferral = getattr(case, "deferral", None)
    if deferral is None or deferral.completed_at or deferral.lapsed_at or today <= deferral.deadline:
        return None
    if case.status not in AWAITING_DEFERRED:
        return None
    deferral.lapsed_at = timezone.now()
    deferral.save(update_fields=["lapsed_at", "updated_at"])
    _terminate(case=case, actor="monitoring", reason=f"容缺材料未在 {deferral.deadline} 前补齐：{deferral.consequence}")
    return case


@transaction.atomic
def commitment_verify(*, actor, case: Case, truthful: bool, note: str, today: date | None = None) -> Case:
    """Post-decision verification of a commitment. A false promise revokes the decision (or ends
    the case) and is recorded against the applicant's credit (actions.commitment_found_false)."""
    require_department_role(actor=actor, case=case)
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
    if not truthful:
        actions.commitment_found_false(case=case, actor=actor, note=note.strip(), today=today)
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
    actions.case_withdrawn(case=case, actor=actor)
    return case


@transaction.atomic
def case_terminate(*, actor, case: Case, reason: str) -> Case:
    require_approver_role(actor=actor, case=case)
    if not (reason or "").strip():
        raise ValidationFailed([FieldError("reason", ErrorCode.REASON_REQUIRED, "请填写终止办理的理由。")])
    lock_case(case)
    return _terminate(case=case, actor=actor, reason=reason.strip())


def _terminate(*, case: Case, actor, reason: str) -> Case:
    case.closed_reason = reason
    case_transition(case=case, action=CaseAction.TERMINATE, actor=actor, note=reason, extra_fields=("closed_reason",))
    actions.case_terminated(case=case, actor=actor)
    return case

