"""Acceptance at the general window (行政许可法 §32), within 5 working days of receipt:
accept (normally, with deferred materials, on commitment), request corrections once, refuse —
or, if nobody decides in time, the case is deemed accepted on the day the materials were received.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from yiwang.cases import actions
from yiwang.cases.access import require_acceptance_role
from yiwang.cases.constants import (
    AcceptanceMode,
    CaseAction,
    CaseStatus,
    Channel,
    DocumentKind,
    ErrorCode,
    MaterialReview,
    MaterialSatisfaction,
    WarningKind,
)
from yiwang.cases.deadlines import (
    ACCEPTANCE_PERIOD_WORKING_DAYS,
    acceptance_date,
    acceptance_due_on,
    start_clock,
)
from yiwang.cases.locks import lock_case
from yiwang.cases.models import ApplicationMaterial, Case, Commitment, CorrectionNotice, Deferral, Refusal
from yiwang.cases.prerequisites import prerequisites_pending
from yiwang.cases.selectors import eligibility
from yiwang.cases.services.intake import as_db_id, resolve_given_materials, validate_form
from yiwang.cases.services.warnings import raise_warning
from yiwang.cases.transitions import case_transition
from yiwang.catalog.constants import MaterialNecessity
from yiwang.catalog.selectors import version_facts
from yiwang.core.errors import DomainError, FieldError, ValidationFailed
from yiwang.workdays.time_limits import add_working_days

# 告知承诺: the verification after a decision on commitment has its own deadline (working days
# after acceptance; local practice, configurable).
COMMITMENT_VERIFICATION_DAYS = getattr(settings, "YIWANG_COMMITMENT_VERIFICATION_DAYS", 20)
DEFAULT_LIABILITY = (
    "申请人应当对承诺内容的真实性负责。经核查发现承诺不实的，行政机关将依法撤销相关决定，"
    "并将虚假承诺情况记入申请人信用记录；构成犯罪的，依法追究刑事责任。"
)


@transaction.atomic
def case_accept(*, actor, case: Case, mode: str = AcceptanceMode.NORMAL, deferral: dict | None = None,
                commitment: dict | None = None, today: date | None = None) -> Case:
    """Accept the application and start the decision clock; issue the written notice.

    deferral:   {"requirement_ids": [...], "form_note": str, "deadline": date, "consequence": str,
                 "commitment_text": str}
    commitment: {"conditions": [str], "commitment_text": str, "liability_text": str (optional)}
    """
    require_acceptance_role(actor=actor, case=case)
    lock_case(case)
    today = today or timezone.localdate()
    if mode not in (AcceptanceMode.NORMAL, AcceptanceMode.DEFERRED, AcceptanceMode.COMMITMENT):
        raise ValidationFailed([FieldError("mode", "invalid_choice",
                                           "受理方式应为 normal（一般受理）、deferred（容缺受理）或 commitment（告知承诺受理）。")])
    if case.status != CaseStatus.SUBMITTED:
        # Let the transition table produce the precise error.
        case_transition(case=case, action=CaseAction.ACCEPT, actor=actor)
    # Past the §32 period the law already deems it accepted on the receipt day (deadlines.py).
    accepted_on = acceptance_date(case, today)
    start_clock(case, accepted_on=accepted_on, waiting=prerequisites_pending(case))
    check = eligibility(case, on=today)
    records = []
    if mode == AcceptanceMode.DEFERRED:
        if not check["deferred"]:
            raise DomainError(check["deferred_reason"], code=ErrorCode.NOT_ELIGIBLE_DEFERRED, field="mode")
        records.append((DocumentKind.DEFERRED_ACCEPTANCE_NOTICE, _create_deferral(case, deferral or {}, today)))
    elif mode == AcceptanceMode.COMMITMENT:
        if not check["commitment"]:
            raise DomainError(check["commitment_reason"], code=ErrorCode.NOT_ELIGIBLE_COMMITMENT, field="mode")
        records.append((DocumentKind.COMMITMENT_LETTER, _create_commitment(case, commitment or {}, today)))
    case.acceptance_mode = mode
    case.accepted_by = actor
    note = "" if accepted_on == today else f"已超过 {ACCEPTANCE_PERIOD_WORKING_DAYS} 个工作日受理期限，依法自材料接收日 {accepted_on} 起计算。"
    case_transition(case=case, action=CaseAction.ACCEPT, actor=actor, note=note, details={"mode": mode},
                    extra_fields=("acceptance_mode", "accepted_on", "accepted_by", "limit_days", "limit_unit",
                                  "due_on", "due_provisional", "waiting_since", "clock_from"))
    # The clerk has checked what was filed and found it complete and in legal form (§32): the
    # filed materials of this item are marked so. Deferred or promised ones are not there yet.
    ApplicationMaterial.objects.filter(
        application_id=case.application_id, requirement__version_id=case.version_id,
        review__in=(MaterialReview.PENDING, MaterialReview.NEEDS_CORRECTION),
    ).exclude(satisfaction__in=(MaterialSatisfaction.DEFERRED, MaterialSatisfaction.COMMITMENT)).update(
        review=MaterialReview.OK)
    actions.case_accepted(case=case, actor=actor, records=tuple(records))
    return case


def _create_deferral(case: Case, spec: dict, today: date) -> Deferral:
    errors = []
    facts = version_facts(case.version_id)
    deferrable = {m.pk: m for m in facts.materials if m.necessity == MaterialNecessity.DEFERRABLE}
    ids = [int(i) for i in spec.get("requirement_ids") or [] if str(i).isdigit()]
    if not ids:
        errors.append(FieldError("deferral.requirement_ids", "required", "请选择容缺后补的材料。"))
    for pk in ids:
        if pk not in deferrable:
            name = next((m.name for m in facts.materials if m.pk == pk), f"#{pk}")
            errors.append(FieldError("deferral.requirement_ids", "not_deferrable",
                                     f"「{name}」不是可容缺后补的次要材料，主要材料须齐全后方可容缺受理。"))
    deadline = spec.get("deadline")
    if isinstance(deadline, str):
        try:
            deadline = date.fromisoformat(deadline)
        except ValueError:
            deadline = None
    if not isinstance(deadline, date):
        errors.append(FieldError("deferral.deadline", "required", "请填写补交期限（YYYY-MM-DD）。"))
    elif deadline <= today:
        errors.append(FieldError("deferral.deadline", ErrorCode.DEFERRAL_DEADLINE, "补交期限应晚于今天。"))
    elif case.due_on and deadline > case.due_on:
        # The supplement period may not exceed the promised time limit (local 容缺 rules).
        errors.append(FieldError("deferral.deadline", ErrorCode.DEFERRAL_DEADLINE,
                                 f"补交期限不得超过承诺办结期限 {case.due_on}，请提前。"))
    for key, label in (("form_note", "补交形式"), ("commitment_text", "申请人承诺")):
        if not (spec.get(key) or "").strip():
            errors.append(FieldError(f"deferral.{key}", "required", f"请填写{label}。"))
    if errors:
        raise ValidationFailed(errors)
    deferral = Deferral.objects.create(
        case=case, form_note=spec["form_note"].strip(), deadline=deadline,
        consequence=(spec.get("consequence") or "逾期未补齐的，终止办理，已作出的决定不予出件。").strip(),
        commitment_text=spec["commitment_text"].strip(), signed_at=timezone.now())
    deferral.requirements.set(ids)
    ApplicationMaterial.objects.filter(application_id=case.application_id, requirement_id__in=ids).update(
        satisfaction=MaterialSatisfaction.DEFERRED)
    return deferral


def _create_commitment(case: Case, spec: dict, today: date) -> Commitment:
    errors = []
    conditions = [c.strip() for c in spec.get("conditions") or [] if str(c).strip()]
    if not conditions:
        errors.append(FieldError("commitment.conditions", "required", "请列明告知申请人需承诺符合的条件。"))
    if not (spec.get("commitment_text") or "").strip():
        errors.append(FieldError("commitment.commitment_text", "required", "请填写申请人签署的承诺内容。"))
    if errors:
        raise ValidationFailed(errors)
    return Commitment.objects.create(
        case=case, conditions=conditions, commitment_text=spec["commitment_text"].strip(),
        liability_text=(spec.get("liability_text") or DEFAULT_LIABILITY).strip(), signed_at=timezone.now(),
        verification_due_on=add_working_days(case.accepted_on, COMMITMENT_VERIFICATION_DAYS).due_date)


def _within_acceptance_period(case: Case, today: date, what: str) -> None:
    if today > case.acceptance_due_on:
        raise DomainError(
            f"已超过材料接收后 {ACCEPTANCE_PERIOD_WORKING_DAYS} 个工作日的告知期限（{case.acceptance_due_on}），"
            f"依法自接收之日起视为受理，不能再{what}。",
            code=ErrorCode.ACCEPTANCE_PERIOD_OVER)


@transaction.atomic
def case_request_corrections(*, actor, case: Case, items: list[dict], today: date | None = None) -> CorrectionNotice:
    """One-time notice (一次性告知, §32): every problem at once, each with what to do."""
    require_acceptance_role(actor=actor, case=case)
    lock_case(case)
    today = today or timezone.localdate()
    errors = []
    clean = []
    for i, item in enumerate(items or []):
        problem, fix = (item.get("problem") or "").strip(), (item.get("fix") or "").strip()
        if not problem or not fix:
            errors.append(FieldError(f"items[{i}]", "required", "每一项都要写明问题和补正要求。"))
        clean.append({"target": str(item.get("target") or ""), "problem": problem, "fix": fix})
    if not clean:
        errors.append(FieldError("items", "required", "请列出需要补正的全部内容（一次性告知）。"))
    if errors:
        raise ValidationFailed(errors)
    if case.status == CaseStatus.SUBMITTED:
        _within_acceptance_period(case, today, "要求补正")
    notice = CorrectionNotice.objects.create(case=case, items=clean, issued_by=actor, issued_on=today)
    targets = [c["target"].removeprefix("materials/") for c in clean if c["target"].startswith("materials/")]
    if targets:
        ApplicationMaterial.objects.filter(application_id=case.application_id,
                                           requirement_id__in=[i for i in map(as_db_id, targets) if i]).update(
            review="needs_correction")
    case_transition(case=case, action=CaseAction.REQUEST_CORRECTIONS, actor=actor, details={"items": len(clean)})
    actions.case_corrections_requested(case=case, actor=actor, notice=notice)
    return notice


@transaction.atomic
def case_resubmit(*, actor, case: Case, form_data: dict | None = None, materials: dict | None = None,
                  today: date | None = None) -> Case:
    """The applicant corrects and resubmits; receipt (and the 5-day period) starts again."""
    if actor.pk != case.applicant_id and not actor.is_staff_member:
        raise DomainError("只有申请人本人可以补正。", code="not_applicant")
    if actor.is_staff_member:
        require_acceptance_role(actor=actor, case=case)
    lock_case(case)
    today = today or timezone.localdate()
    application = case.application
    errors: list[FieldError] = []
    if form_data is not None:
        cleaned, form_errors = validate_form(version_facts(case.version_id), {**application.form_data, **form_data})
        errors += form_errors
    # Paper counts only when a clerk receives it at the counter (resolve_materials asks who acts).
    rows = resolve_given_materials(version_id=case.version_id, applicant=case.applicant, materials=materials or {},
                                   channel=Channel.WINDOW if actor.is_staff_member else Channel.WEB, errors=errors,
                                   actor=actor)
    if errors:
        raise ValidationFailed(errors)
    if form_data is not None:
        application.form_data = cleaned
        application.save(update_fields=["form_data", "updated_at"])
    for row in rows:
        ApplicationMaterial.objects.update_or_create(
            application=application, requirement=row.requirement,
            defaults={"satisfaction": row.satisfaction, "stored_file": row.stored_file, "review": "pending"})
    case.correction_notices.filter(responded_at__isnull=True).update(responded_at=timezone.now())
    case.received_on = today
    case.acceptance_due_on = acceptance_due_on(today)
    case_transition(case=case, action=CaseAction.RESUBMIT, actor=actor,
                    extra_fields=("received_on", "acceptance_due_on"))
    return case


@transaction.atomic
def case_refuse(*, actor, case: Case, reason: str, legal_basis: str = "", competent_agency=None,
                competent_agency_note: str = "", today: date | None = None) -> Refusal:
    """不予受理: with the reason; outside the agency's powers → which agency to go to (§32)."""
    require_acceptance_role(actor=actor, case=case)
    lock_case(case)
    today = today or timezone.localdate()
    errors = []
    if not (reason or "").strip():
        errors.append(FieldError("reason", ErrorCode.REASON_REQUIRED, "请填写不予受理的理由。"))
    if errors:
        raise ValidationFailed(errors)
    if case.status == CaseStatus.SUBMITTED:
        _within_acceptance_period(case, today, "作出不予受理决定")
    refusal = Refusal.objects.create(case=case, reason=reason.strip(), legal_basis=(legal_basis or "").strip(),
                                     competent_agency=competent_agency,
                                     competent_agency_note=(competent_agency_note or "").strip())
    case.closed_reason = reason.strip()
    case_transition(case=case, action=CaseAction.REFUSE, actor=actor, note=reason.strip(),
                    details={"competent_agency": competent_agency.pk if competent_agency else None},
                    extra_fields=("closed_reason",))
    actions.case_refused(case=case, actor=actor, refusal=refusal)
    return refusal


@transaction.atomic
def case_deem_accept(*, case: Case, today: date) -> Case | None:
    """§32: nobody issued a correction notice or a refusal within 5 working days of receipt, so the
    application is accepted as of the receipt day. Run by monitoring; idempotent."""
    lock_case(case)
    if case.status != CaseStatus.SUBMITTED or today <= case.acceptance_due_on:
        return None
    start_clock(case, accepted_on=case.received_on, waiting=prerequisites_pending(case))
    case.acceptance_mode = AcceptanceMode.DEEMED
    reason = (f"材料接收日 {case.received_on} 起 {ACCEPTANCE_PERIOD_WORKING_DAYS} 个工作日内（至 {case.acceptance_due_on}）"
              f"未告知补正也未决定不予受理，依《行政许可法》第三十二条自接收之日起视为受理。")
    case_transition(case=case, action=CaseAction.DEEM_ACCEPT, actor="monitoring", note=reason,
                    details={"received_on": str(case.received_on), "acceptance_due_on": str(case.acceptance_due_on)},
                    extra_fields=("acceptance_mode", "accepted_on", "limit_days", "limit_unit", "due_on",
                                  "due_provisional", "waiting_since", "clock_from"))
    raise_warning(case=case, kind=WarningKind.ACCEPTANCE_LATE, today=today,
                  message=f"受理超过 {ACCEPTANCE_PERIOD_WORKING_DAYS} 个工作日未作决定，已依法视为受理。")
    actions.case_accepted(case=case, actor="monitoring")
    return case
