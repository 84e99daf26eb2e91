"""Applying for a bundle (一件事一次办): one application, one bundle case, one ordinary case per
member that applies — filed through the cases app's own intake as one batch (validation,
materials, encryption, the §32 clock, written together), each in its own agency; joint
acceptance (综合受理) once; members' clocks start when what they wait for has concluded; a refused member closes only the members that need it;
results delivered together (one pickup code) or member by member.

The member events come from the cases app's named hooks (apps.py registers `on_case_event`).
"""

from __future__ import annotations

import secrets
from datetime import date
from decimal import Decimal

from django.contrib.auth.hashers import check_password, make_password
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from yiwang.bundles.access import may_accept
from yiwang.bundles.constants import BundleCaseStatus, ErrorCode, MemberState
from yiwang.bundles.figures import working_days
from yiwang.bundles.graph import critical_path, projected_finish
from yiwang.bundles.merge_forms import split_answers
from yiwang.bundles.models import BundleCase, BundleCaseMember, BundleChase
from yiwang.bundles.selectors import bundle_checklist, definition_of, published_bundle, published_bundle_version_id
from yiwang.cases import selectors as case_selectors
from yiwang.cases import services as case_services
from yiwang.cases.constants import CLOSED_STATUSES, CaseStatus, Channel
from yiwang.catalog.selectors import version_facts
from yiwang.core.audit import record_event
from yiwang.core.errors import Conflict, DomainError, FieldError, NotFound, PermissionDenied, ValidationFailed
from yiwang.notifications.services import build_notifications, notify
from yiwang.workdays.time_limits import add_working_days, due_date


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


# --- Filing ----------------------------------------------------------------------------------

# A published version never changes (models guard it), nor do the member guides its definition is
# computed from, so filing keeps the definition per process, keyed by the version and the member
# guides in force — which guide is current is intake's own answer (re-read every few seconds).
_filing_definitions: dict[int, tuple[tuple, object, object]] = {}


def clear_filing_cache() -> None:
    """Forget the cached definitions (tests: their databases reuse ids after a rollback)."""
    _filing_definitions.clear()


def _member_guides_key(version) -> tuple:
    key = []
    for member in version.members.all():
        try:
            key.append(case_services.current_published_version_id(member.implementation_id))
        except NotFound:
            key.append(None)
    return tuple(key)


def filing_definition(bundle_id):
    """(version in force, its definition) as `published_bundle` and `definition_of` give them
    (NotFound alike): one query when nothing has changed."""
    version_id = published_bundle_version_id(bundle_id)
    cached = _filing_definitions.get(version_id) if version_id else None
    if cached is not None and cached[0] == _member_guides_key(cached[1]):
        return cached[1], cached[2]
    version = published_bundle(bundle_id)
    definition = definition_of(version)
    if len(_filing_definitions) > 1000:
        _filing_definitions.clear()
    _filing_definitions[version.pk] = (_member_guides_key(version), version, definition)
    return version, definition


def bundle_application_submit(*, actor, applicant, bundle_id, answers: dict | None, form_data: dict | None,
                              materials: dict | None = None, channel: str = Channel.WEB, outlet=None,
                              delivery: dict | None = None, joint_delivery: bool = True,
                              idempotency_key: str = "", today: date | None = None) -> BundleCase:
    """File a bundle: every applicable member becomes a case through cases' intake (one batch:
    the same checks and rows as a single filing, written together), all or none. A field error of
    a member's form comes back under the merged form's field name.

    Idempotent per applicant and key: the unique constraint decides (a repeat — also one racing
    the first — gets the first bundle case, `replayed` True)."""
    if idempotency_key:
        existing = _replayed(applicant, idempotency_key)  # a page sent twice: nothing to check again
        if existing is not None:
            return existing
    for attempt in range(3):
        try:
            with transaction.atomic():
                bundle_case = _file(actor=actor, applicant=applicant, bundle_id=bundle_id, answers=answers,
                                    form_data=form_data, materials=materials, channel=channel, outlet=outlet,
                                    delivery=delivery, joint_delivery=joint_delivery, idempotency_key=idempotency_key,
                                    today=today)
            bundle_case.replayed = False
            return bundle_case
        except IntegrityError:
            if idempotency_key:
                existing = _replayed(applicant, idempotency_key)
                if existing is not None:
                    return existing
            if attempt == 2:  # a case-number collision three times in a row is not chance
                raise
    raise AssertionError("unreachable")


def _file(*, actor, applicant, bundle_id, answers, form_data, materials, channel, outlet, delivery, joint_delivery,
          idempotency_key, today) -> BundleCase:
    version, definition = filing_definition(bundle_id)
    checklist = bundle_checklist(version, answers or {}, applicant=applicant, definition=definition)
    if checklist.form.conflicts:
        raise DomainError("该一件事的合并表单存在冲突，暂不能申请。", code=ErrorCode.FORM_CONFLICT)
    today = today or timezone.localdate()
    # First, so that a repeat stops here: the idempotency key's unique constraint.
    bundle_case = BundleCase.objects.create(
        number=f"YJS{today:%Y%m%d}{secrets.randbelow(10**8):08d}", version=version, applicant=applicant,
        filed_by=actor if getattr(actor, "pk", None) and actor.pk != applicant.pk else None, channel=channel,
        outlet=outlet, answers=dict(answers or {}), joint_delivery=joint_delivery, idempotency_key=idempotency_key or "")
    materials = dict(materials or {})
    errors: list[FieldError] = []
    _extra_materials(checklist, errors, materials)
    split = split_answers(checklist.form, form_data or {}).by_member
    per_member = _member_materials(checklist, materials)
    by_element = {(f.element, m): f.name for f in checklist.form.fields for m in f.members}
    members = list(checklist.members)
    index = {member.id: i for i, member in enumerate(members)}
    waits = {member.id: sorted(checklist.waits_for.get(member.id, frozenset())) for member in members}
    items = [case_services.BatchItem(implementation_id=member.id, form_data=split.get(member.id, {}),
                                     materials=per_member.get(member.id, {}),
                                     depends_on=tuple(index[w] for w in waits[member.id] if w in index))
             for member in members]
    # One notice for the whole filing instead of one per member case.
    notice = build_notifications(
        recipient=applicant, topic="bundle", title=f"一件事申请已提交：{version.name}",
        body=f"一件事办件编号 {bundle_case.number}，共 {len(members)} 个事项，等待牵头部门综合受理。",
        link=reverse("bundles:case", args=[bundle_case.pk]), obj=bundle_case)
    event = ("bundles.case_submitted", bundle_case,
             {"version": version.pk, "members": [m.id for m in members], "channel": channel})
    try:
        applications = case_services.applications_submit_batch(
            actor=actor, applicant=applicant, items=items, channel=channel, outlet=outlet, delivery=delivery,
            today=today, notifications=notice, events=[event])
    except case_services.BatchRejected as failed:
        for i, member_errors in sorted(failed.by_item.items()):
            member = members[i]
            for error in member_errors:
                field = error.field
                if field.startswith("materials."):
                    field = "materials"
                else:
                    field = by_element.get((field, member.id), field)
                errors.append(FieldError(field, error.code, f"「{member.title}」：{error.message}"))
        raise ValidationFailed(_unique(errors)) from None
    if errors:
        raise ValidationFailed(_unique(errors))
    BundleCaseMember.objects.bulk_create([
        BundleCaseMember(bundle_case=bundle_case, implementation_id=member.id, case=application.submitted_cases[0],
                         order=order, waits_for=waits[member.id],
                         state=MemberState.WAITING if waits[member.id] else MemberState.RUNNING)
        for order, (member, application) in enumerate(zip(members, applications, strict=True))])
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
    # The members' own clocks along the critical path: the running ones' due dates, each waiting
    # one's limit after the last of what it waits for (the same working-day calendar).
    bundle_case.due_on = (_projected_due(_members(bundle_case))
                          or add_working_days(today, int(total.to_integral_value(rounding="ROUND_CEILING"))).due_date)
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


def _projected_due(members: list[BundleCaseMember]) -> date | None:
    """The day every member that goes on will be done, by the members' own clocks: a concluded
    member's conclusion day, a running member's due date (with its extensions and special
    procedures), a waiting member's limit counted from the day the last member it waits for is
    done (cases start its clock then: cases.prerequisites). Refused and closed members, and the
    ones waiting for them, do not count. None before every member is accepted."""
    known: dict[int, date | None] = {}
    limits = {}
    for member in members:
        case = member.case
        if member.state in (MemberState.REFUSED, MemberState.CLOSED):
            continue
        if member.state == MemberState.CONCLUDED:
            known[member.implementation_id] = case.concluded_on or case.decided_on
        elif case.due_on:
            known[member.implementation_id] = case.due_on
        elif case.waiting_since:
            known[member.implementation_id] = None
            limits[member.implementation_id] = (case.limit_days + case.extension_days, case.limit_unit)
        else:
            return None
    waits = {m.implementation_id: frozenset(m.waits_for) for m in members}

    def add(member_id: int, start: date) -> date:
        days, unit = limits[member_id]
        return due_date(start, days, "natural" if unit == "natural" else "working").due_date

    finish = projected_finish(known, waits, add)
    return max(finish.values()) if finish else None


def _recompute_due(bundle_case: BundleCase) -> None:
    """A member concluded (early or late) or left: the bundle's due date follows its members'
    clocks again; the applicant is told when it moves."""
    if bundle_case.status != BundleCaseStatus.IN_PROGRESS:
        return
    due = _projected_due(_members(bundle_case))
    if due is None or due == bundle_case.due_on:
        return
    previous, bundle_case.due_on = bundle_case.due_on, due
    bundle_case.save(update_fields=["due_on", "updated_at"])
    record_event(actor="system", action="bundles.due_recomputed", obj=bundle_case,
                 details={"previous_due_on": str(previous), "due_on": str(due)})
    notify(recipient=bundle_case.applicant, topic="bundle", title=f"一件事预计办结日期调整：{bundle_case.version.name}",
           body=f"办件编号 {bundle_case.number}，按各成员事项的办理进度，预计 {due} 前全部办结（原为 {previous}）。",
           obj=bundle_case)


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
    _recompute_due(bundle_case)
    _maybe_conclude(bundle_case)


def _was_denied(case) -> bool:
    return case_selectors.case_was_denied(case)


def _set(member: BundleCaseMember, state: str, reason: str) -> None:
    member.state, member.closed_reason = state, reason[:500]
    member.save(update_fields=["state", "closed_reason", "updated_at"])


def _start_ready(bundle_case: BundleCase) -> None:
    """Members whose prerequisites have all concluded are running: their cases' clocks have just
    started (cases.prerequisites, before this hook), from the day after the last conclusion."""
    members = _members(bundle_case)
    done = {m.implementation_id for m in members if m.state == MemberState.CONCLUDED}
    for member in members:
        if member.state == MemberState.WAITING and set(member.waits_for) <= done:
            _set(member, MemberState.RUNNING, "")
            record_event(actor="system", action="bundles.member_started", obj=bundle_case,
                         details={"member": member.implementation_id, "clock_from": str(member.case.clock_from),
                                  "due_on": str(member.case.due_on)})


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
