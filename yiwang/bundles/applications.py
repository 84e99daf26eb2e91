"""Applying for a bundle (一件事一次办): one application, one bundle case, one ordinary case per
member that applies — each filed through the cases app's own intake (validation, materials,
encryption, the §32 clock), in its own agency; joint acceptance (综合受理) once; members start
when what they wait for has concluded; a refused member closes only the members that need it;
results delivered together (one pickup code) or member by member.

The member events come from the cases app's named hooks (apps.py registers `on_case_event`).
"""

from __future__ import annotations

import secrets
from datetime import date
from decimal import Decimal

from django.contrib.auth.hashers import check_password, make_password
from django.db import IntegrityError, transaction
from django.utils import timezone

from yiwang.bundles.access import may_accept
from yiwang.bundles.constants import BundleCaseStatus, ErrorCode, MemberState
from yiwang.bundles.figures import working_days
from yiwang.bundles.graph import critical_path
from yiwang.bundles.merge_forms import split_answers
from yiwang.bundles.models import BundleCase, BundleCaseMember, BundleChase
from yiwang.bundles.selectors import bundle_checklist, published_bundle
from yiwang.cases import selectors as case_selectors
from yiwang.cases import services as case_services
from yiwang.cases.constants import CLOSED_STATUSES, CaseStatus, Channel
from yiwang.catalog.selectors import version_facts
from yiwang.core.audit import record_event
from yiwang.core.errors import Conflict, DomainError, FieldError, NotFound, PermissionDenied, ValidationFailed
from yiwang.notifications.services import notify
from yiwang.workdays.time_limits import add_working_days


def _entries(checklist) -> list:
    """The merged entries one may hand in: those to submit, and those the government holds (免提交:
    left without a file, each member's intake records the licence that serves; a file given anyway
    is used as given)."""
    return [*checklist.materials.merged, *(h.entry for h in checklist.held)]


def _member_materials(checklist, given: dict) -> dict[int, dict]:
    """The merged materials submitted once ({entry key: spec}) as each member's own
    {requirement id: spec}: every member an entry stands for gets the same file (or paper)."""
    per_member: dict[int, dict] = {}
    facts_by_member = {}
    for entry in _entries(checklist):
        spec = given.get(entry.key)
        if not spec:
            continue
        for covered in entry.covers:
            facts = facts_by_member.get(covered.member)
            if facts is None:
                facts = facts_by_member[covered.member] = version_facts(
                    case_services.current_published_version_id(covered.member))
            for requirement in facts.materials:
                if requirement.name == covered.material.name:
                    per_member.setdefault(covered.member, {})[str(requirement.pk)] = spec
    return per_member


def _extra_materials(checklist, errors: list[FieldError], given: dict) -> None:
    known = {entry.key for entry in _entries(checklist)}
    for key in given:
        if key not in known:
            errors.append(FieldError(f"materials.{key}", "material_unknown", "该材料不属于本一件事的合并材料清单，请刷新页面后重试。"))


@transaction.atomic
def bundle_application_submit(*, actor, applicant, bundle_id, answers: dict | None, form_data: dict | None,
                              materials: dict | None = None, channel: str = Channel.WEB, outlet=None,
                              delivery: dict | None = None, joint_delivery: bool = True,
                              idempotency_key: str = "", today: date | None = None) -> BundleCase:
    """File a bundle: every applicable member becomes a case through cases' intake, all or none.
    A field error of a member's form comes back under the merged form's field name."""
    if idempotency_key:
        existing = _replayed(applicant, idempotency_key)
        if existing is not None:
            return existing
    version = published_bundle(bundle_id)
    checklist = bundle_checklist(version, answers or {}, applicant=applicant)
    if checklist.form.conflicts:
        raise DomainError("该一件事的合并表单存在冲突，暂不能申请。", code=ErrorCode.FORM_CONFLICT)
    materials = dict(materials or {})
    errors: list[FieldError] = []
    _extra_materials(checklist, errors, materials)
    split = split_answers(checklist.form, form_data or {}).by_member
    per_member = _member_materials(checklist, materials)
    by_element = {(f.element, m): f.name for f in checklist.form.fields for m in f.members}
    today = today or timezone.localdate()
    try:
        # Two clicks race here: the second insert waits for the first transaction and then hits
        # the unique key — the savepoint keeps this transaction usable to read the winner.
        with transaction.atomic():
            bundle_case = BundleCase.objects.create(
                number=f"YJS{today:%Y%m%d}{secrets.randbelow(10**8):08d}", version=version, applicant=applicant,
                filed_by=actor if getattr(actor, "pk", None) and actor.pk != applicant.pk else None, channel=channel,
                outlet=outlet,
                answers=dict(answers or {}), joint_delivery=joint_delivery, idempotency_key=idempotency_key or "")
    except IntegrityError:
        existing = _replayed(applicant, idempotency_key) if idempotency_key else None
        if existing is None:
            raise
        return existing
    for order, member in enumerate(checklist.members):
        waits = sorted(checklist.waits_for.get(member.id, frozenset()))
        try:
            application = case_services.application_submit(
                actor=actor, applicant=applicant, implementation_id=member.id, form_data=split.get(member.id, {}),
                materials=per_member.get(member.id, {}), channel=channel, outlet=outlet, delivery=delivery, today=today)
        except ValidationFailed as failed:
            for error in failed.errors:
                field = error.field
                if field.startswith("materials."):
                    field = "materials"
                else:
                    field = by_element.get((field, member.id), field)
                errors.append(FieldError(field, error.code, f"「{member.title}」：{error.message}"))
            continue
        BundleCaseMember.objects.create(bundle_case=bundle_case, implementation_id=member.id, case=application.submitted_cases[0],
                                        order=order, waits_for=waits,
                                        state=MemberState.WAITING if waits else MemberState.RUNNING)
    if errors:
        raise ValidationFailed(_unique(errors))
    record_event(actor=actor, action="bundles.case_submitted", obj=bundle_case,
                 details={"version": version.pk, "members": [m.id for m in checklist.members], "channel": channel})
    bundle_case.replayed = False
    return bundle_case


def _replayed(applicant, idempotency_key: str) -> BundleCase | None:
    existing = BundleCase.objects.filter(applicant=applicant, idempotency_key=idempotency_key).first()
    if existing is not None:
        existing.replayed = True
    return existing


def _unique(errors: list[FieldError]) -> list[FieldError]:
    seen, out = set(), []
    for error in errors:
        if (error.field, error.message) not in seen:
            seen.add((error.field, error.message))
            out.append(error)
    return out


def _lock(bundle_case: BundleCase) -> BundleCase:
    return BundleCase.objects.select_for_update().select_related("version").get(pk=bundle_case.pk)


def _members(bundle_case: BundleCase) -> list[BundleCaseMember]:
    return list(bundle_case.members.select_related("case", "implementation").order_by("order"))


def _member_name(member: BundleCaseMember) -> str:
    return member.case.version.name


@transaction.atomic
def bundle_case_accept(*, actor, bundle_case: BundleCase, today: date | None = None) -> BundleCase:
    """综合受理: the lead agency's window accepts every member at once. A member whose own
    acceptance conditions fail (the cases app decides) is named and nothing is accepted."""
    bundle_case = _lock(bundle_case)
    if not may_accept(actor, bundle_case):
        raise PermissionDenied("只有牵头部门的一件事窗口（或受理该一件事的政务服务中心综合窗口）可以综合受理。",
                               code="permission_denied")
    if bundle_case.status != BundleCaseStatus.SUBMITTED:
        raise Conflict("该一件事已经综合受理或已结束。", code=ErrorCode.BUNDLE_CASE_CLOSED)
    today = today or timezone.localdate()
    failing = []
    members = _members(bundle_case)
    for member in members:
        try:
            case_services.case_accept(actor=actor, case=member.case, today=today)
        except (DomainError, Conflict, NotFound, PermissionDenied) as exc:
            failing.append(f"「{_member_name(member)}」：{exc.message}")
    if failing:
        transaction.set_rollback(True)
        raise DomainError("以下成员事项不符合受理条件，未能综合受理：" + "；".join(failing), code=ErrorCode.MEMBER_NOT_ACCEPTABLE,
                          field="members")
    days = {m.implementation_id: _days(m.case) for m in members}
    waits = {m.implementation_id: frozenset(m.waits_for) for m in members}
    total, _path = critical_path(days, waits)
    bundle_case.critical_days = total
    bundle_case.due_on = add_working_days(today, int(total.to_integral_value(rounding="ROUND_CEILING"))).due_date
    bundle_case.accepted_on, bundle_case.accepted_by = today, actor
    bundle_case.status = BundleCaseStatus.IN_PROGRESS
    bundle_case.save(update_fields=["critical_days", "due_on", "accepted_on", "accepted_by", "status", "updated_at"])
    record_event(actor=actor, action="bundles.case_accepted", obj=bundle_case, details={"due_on": str(bundle_case.due_on)})
    notify(recipient=bundle_case.applicant, topic="bundle", title=f"一件事已受理：{bundle_case.version.name}",
           body=f"办件编号 {bundle_case.number}，预计 {bundle_case.due_on} 前全部办结。", obj=bundle_case)
    return bundle_case


def _days(case) -> Decimal:
    """A member's own legal clock in working days (its limit as accepted)."""
    return working_days(case.limit_days, case.limit_unit)


# --- Member events (cases hooks) ------------------------------------------------------------

def on_case_event(*, case, actor=None, **_):
    """A member's case changed (accepted, refused, decided, concluded, withdrawn, terminated):
    move its dependents and conclude the bundle when every member is finished."""
    member = BundleCaseMember.objects.filter(case_id=case.pk).select_related("bundle_case").first()
    if member is None:
        return
    bundle_case = _lock(member.bundle_case)
    member.refresh_from_db()
    status = case.status
    if member.state in MemberState.FINISHED:
        pass
    elif status in (CaseStatus.DENIED, CaseStatus.REFUSED) or (status == CaseStatus.CONCLUDED and _was_denied(case)):
        _set(member, MemberState.REFUSED, case.closed_reason or "未获准予")
        _close_dependents(bundle_case, member, actor)
    elif status in (CaseStatus.CONCLUDED, CaseStatus.DELIVERED):
        _set(member, MemberState.CONCLUDED, "")
        _start_ready(bundle_case)
    elif status in (CaseStatus.WITHDRAWN, CaseStatus.TERMINATED, CaseStatus.REVOKED):
        _set(member, MemberState.CLOSED, case.closed_reason or case.get_status_display())
        _close_dependents(bundle_case, member, actor)
    _maybe_conclude(bundle_case)


def _was_denied(case) -> bool:
    return case_selectors.case_was_denied(case)


def _set(member: BundleCaseMember, state: str, reason: str) -> None:
    member.state, member.closed_reason = state, reason[:500]
    member.save(update_fields=["state", "closed_reason", "updated_at"])


def _start_ready(bundle_case: BundleCase) -> None:
    members = _members(bundle_case)
    done = {m.implementation_id for m in members if m.state == MemberState.CONCLUDED}
    for member in members:
        if member.state == MemberState.WAITING and set(member.waits_for) <= done:
            _set(member, MemberState.RUNNING, "")
            record_event(actor="system", action="bundles.member_started", obj=bundle_case,
                         details={"member": member.implementation_id})


def _close_dependents(bundle_case: BundleCase, failed: BundleCaseMember, actor) -> None:
    name = _member_name(failed)
    for member in _members(bundle_case):
        if failed.implementation_id in member.waits_for and member.state not in MemberState.FINISHED:
            reason = f"所依赖的「{name}」未获准予，本事项无法继续办理，已关闭。"
            _set(member, MemberState.CLOSED, reason)
            if member.case.status not in CLOSED_STATUSES:
                case_services.case_close_unneeded(case=member.case, reason=reason)
            notify(recipient=bundle_case.applicant, topic="bundle", title=f"一件事成员已关闭：{_member_name(member)}",
                   body=reason, obj=bundle_case)


def _maybe_conclude(bundle_case: BundleCase) -> None:
    members = _members(bundle_case)
    if bundle_case.status != BundleCaseStatus.IN_PROGRESS or not all(m.state in MemberState.FINISHED for m in members):
        return
    bundle_case.status = BundleCaseStatus.CONCLUDED
    bundle_case.concluded_at = timezone.now()
    fields = ["status", "concluded_at", "updated_at"]
    body = "全部成员事项已办结。"
    if bundle_case.joint_delivery:
        code = f"{secrets.randbelow(10**6):06d}"
        bundle_case.pickup_code_hash = make_password(code)
        fields.append("pickup_code_hash")
        body += f"请凭取件码 {code} 一次领取全部结果。"
    bundle_case.save(update_fields=fields)
    record_event(actor="system", action="bundles.case_concluded", obj=bundle_case)
    notify(recipient=bundle_case.applicant, topic="bundle", title=f"一件事已办结：{bundle_case.version.name}", body=body,
           obj=bundle_case)


# --- Delivery, withdrawal, chasing ------------------------------------------------------------

@transaction.atomic
def bundle_case_deliver(*, actor, bundle_case: BundleCase, pickup_code: str) -> BundleCase:
    """Joint delivery: one pickup code hands over every member's result at once."""
    bundle_case = _lock(bundle_case)
    if bundle_case.status != BundleCaseStatus.CONCLUDED or not bundle_case.joint_delivery:
        raise Conflict("该一件事尚未全部办结，或结果按成员分别送达。", code="delivery_waiting_for_siblings")
    if bundle_case.delivered_at:
        raise Conflict("结果已经送达。", code=ErrorCode.BUNDLE_CASE_CLOSED)
    if not pickup_code or not check_password(pickup_code, bundle_case.pickup_code_hash):
        raise DomainError("取件码不正确，请核对申请人收到的 6 位取件码。", code="pickup_code", field="pickup_code")
    for member in _members(bundle_case):
        if member.case.status == CaseStatus.CONCLUDED:
            case_services.case_hand_over(actor=actor, case=member.case, note=f"一件事 {bundle_case.number} 凭取件码一并领取")
    bundle_case.delivered_at = timezone.now()
    bundle_case.save(update_fields=["delivered_at", "updated_at"])
    record_event(actor=actor, action="bundles.case_delivered", obj=bundle_case)
    return bundle_case


@transaction.atomic
def bundle_case_withdraw(*, actor, bundle_case: BundleCase, member_id: int | None = None, reason: str = "") -> BundleCase:
    """The applicant withdraws the whole bundle, or one member (its dependents are closed)."""
    if actor.pk != bundle_case.applicant_id:
        raise NotFound("未找到该一件事办件。", code=ErrorCode.BUNDLE_CASE_NOT_FOUND)
    bundle_case = _lock(bundle_case)
    if bundle_case.status not in (BundleCaseStatus.SUBMITTED, BundleCaseStatus.IN_PROGRESS):
        raise Conflict("该一件事已结束，不能撤回。", code=ErrorCode.BUNDLE_CASE_CLOSED)
    members = _members(bundle_case)
    chosen = [m for m in members if member_id is None or m.implementation_id == member_id]
    if not chosen:
        raise NotFound("该一件事中没有这个成员事项。", code=ErrorCode.BUNDLE_CASE_NOT_FOUND, field="member")
    for member in chosen:
        member.refresh_from_db()  # withdrawing one closes the members that need it (on_case_event)
        if member.state in MemberState.FINISHED:
            continue
        case_services.case_withdraw(actor=actor, case=member.case, reason=reason or "申请人撤回一件事")
    if member_id is None:
        bundle_case.status = BundleCaseStatus.WITHDRAWN
        bundle_case.save(update_fields=["status", "updated_at"])
    record_event(actor=actor, action="bundles.case_withdrawn", obj=bundle_case, details={"member": member_id})
    return bundle_case


@transaction.atomic
def bundle_member_chase(*, actor, bundle_case: BundleCase, member_id: int, note: str = "") -> BundleChase:
    """催办: the lead agency chases a late member; recorded, and the member's agency is told."""
    lead = bundle_case.version.lead_agency
    if lead is None or not case_selectors.holds_acceptance_role_at(actor=actor, agency=lead):
        raise PermissionDenied("只有牵头部门可以催办。", code="permission_denied")
    member = bundle_case.members.select_related("case").filter(implementation_id=member_id).first()
    if member is None:
        raise NotFound("该一件事中没有这个成员事项。", code=ErrorCode.BUNDLE_CASE_NOT_FOUND, field="member")
    chase = BundleChase.objects.create(bundle_case=bundle_case, member=member, by=actor, note=(note or "").strip()[:500])
    record_event(actor=actor, action="bundles.member_chased", obj=bundle_case,
                 details={"member": member_id, "case": member.case.number, "note": chase.note})
    for recipient in case_selectors.department_staff_of(member.case):
        notify(recipient=recipient, topic="bundle_chase", title=f"催办：{member.case.number}",
               body=f"一件事「{bundle_case.version.name}」的牵头部门催办本事项。{chase.note}", obj=member.case)
    return chase
