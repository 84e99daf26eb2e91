"""Writes: keep policies (validated rules), match subjects (a whole population on a policy change,
one subject on a profile change), tell the newly eligible once, and the 免申即享 entitlements."""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from yiwang.cases import access as cases_access
from yiwang.cases import lifecycle as cases_lifecycle
from yiwang.cases import selectors as cases_selectors
from yiwang.cases import services as cases_services
from yiwang.catalog import selectors as catalog_selectors
from yiwang.core.audit import record_event
from yiwang.core.errors import Conflict, DomainError, FieldError, ValidationFailed
from yiwang.licences import selectors as licences
from yiwang.notifications.services import notify
from yiwang.policies import rules, selectors
from yiwang.policies.access import entitlement_actions_for, require_policy_manager
from yiwang.policies.constants import (
    EntitlementStatus,
    ErrorCode,
    PolicyCategory,
    PolicyKind,
    PolicyStatus,
    SubjectKind,
)
from yiwang.policies.models import Entitlement, Policy, PolicyMatch
from yiwang.policies.selectors import in_force, period_of, policies_in_force_cached
from yiwang.policies.subjects import attributes_of_kind, subject_attributes
from yiwang.policies.vectorised import Frame, eligible_mask

TOPIC = "policy"
# How long a 免申即享 case waits for the subject's confirmation (calendar days from the offer);
# then entitlements_sweep closes it with the reason. Setting YIWANG_ENTITLEMENT_CONFIRM_DAYS.
CONFIRM_DAYS = getattr(settings, "YIWANG_ENTITLEMENT_CONFIRM_DAYS", 60)
_CODE = re.compile(r"^[a-z0-9][a-z0-9-]{1,59}$")
RESERVED_CODES = {"mine", "staff", "entitlements", "rules"}
TEXT_FIELDS = {"title": 200, "summary": 4000, "benefit": 200, "legal_basis": 4000, "issuing_body_name": 200}


# --- The library ---------------------------------------------------------------------------------


def rule_errors(rule, subject_kind: str) -> list[FieldError]:
    """The rule's problems as field errors on `rules`, each message naming the rule path."""
    return [FieldError("rules", ErrorCode.RULE_INVALID, f"资格规则 {p.message}") for p in rules.validate(rule, subject_kind=subject_kind)]


def _clean(data: dict, *, policy: Policy | None) -> tuple[dict, list[FieldError]]:
    errors: list[FieldError] = []
    values: dict = {}
    for name, limit in TEXT_FIELDS.items():
        if name in data or policy is None:
            text = str(data.get(name) or "").strip()
            if len(text) > limit:
                errors.append(FieldError(name, ErrorCode.FIELD_INVALID, f"最多 {limit} 字。"))
            values[name] = text
    if (policy is None or "title" in data) and not values.get("title"):
        errors.append(FieldError("title", ErrorCode.FIELD_INVALID, "政策名称：请填写。"))
    if policy is None:
        code = str(data.get("code") or "").strip().lower()
        if not _CODE.match(code) or code in RESERVED_CODES:
            errors.append(FieldError("code", ErrorCode.FIELD_INVALID, "政策编号：2–60 位小写字母、数字或连字符。"))
        elif Policy.objects.filter(code=code).exists():
            errors.append(FieldError("code", ErrorCode.CODE_TAKEN, f"政策编号：“{code}”已被使用。"))
        values["code"] = code
    for name, choices, label in (("category", PolicyCategory, "类别"), ("kind", PolicyKind, "兑现方式"),
                                 ("subject_kind", SubjectKind, "适用对象")):
        if name in data or policy is None:
            if data.get(name) not in choices.values:
                errors.append(FieldError(name, ErrorCode.FIELD_INVALID, f"{label}：请选择。"))
            values[name] = data.get(name)
    for name, label in (("valid_from", "起始日期"), ("valid_until", "截止日期")):
        if name in data:
            raw = data.get(name)
            if isinstance(raw, dt.date) or not raw:
                values[name] = raw or None
            else:
                try:
                    values[name] = dt.date.fromisoformat(str(raw))
                except ValueError:
                    errors.append(FieldError(name, ErrorCode.FIELD_INVALID, f"{label}：格式应为 YYYY-MM-DD。"))
    start = values.get("valid_from", policy.valid_from if policy else None)
    end = values.get("valid_until", policy.valid_until if policy else None)
    if start and end and end < start:
        errors.append(FieldError("valid_until", ErrorCode.FIELD_INVALID, "截止日期：不能早于起始日期。"))
    for name, label in (("budget", "资金规模"), ("amount", "金额")):
        if name in data:
            raw = data.get(name)
            if raw in (None, ""):
                values[name] = None
                continue
            try:
                number = Decimal(str(raw))
            except InvalidOperation:
                errors.append(FieldError(name, ErrorCode.FIELD_INVALID, f"{label}：应为数字。"))
                continue
            if not number.is_finite() or number < 0 or number >= Decimal("1e10"):
                errors.append(FieldError(name, ErrorCode.FIELD_INVALID, f"{label}：应为非负数。"))
            else:
                values[name] = number.quantize(Decimal("0.01"))
    if "issuing_body" in data:
        values["issuing_body"] = data["issuing_body"]
    if "implementation" in data:
        raw = data.get("implementation")
        raw = getattr(raw, "pk", raw)
        if raw in (None, ""):
            values["implementation_id"] = None
        else:
            impl_id = int(raw) if str(raw).isdigit() and len(str(raw)) < 12 else None
            if impl_id is None or not catalog_selectors.current_published_version_id(impl_id):
                errors.append(FieldError("implementation", ErrorCode.FIELD_INVALID, "兑现事项：应为已发布的办事事项编号。"))
            else:
                values["implementation_id"] = impl_id
    if "rules" in data or policy is None:
        rule = data.get("rules", {"all": []})
        kind = values.get("subject_kind") or (policy.subject_kind if policy else None)
        errors.extend(rule_errors(rule, kind if kind in SubjectKind.values else None))
        values["rules"] = rule
    return values, errors


@transaction.atomic
def policy_create(*, actor, data: dict, is_demo: bool = False) -> Policy:
    if actor is not None:
        require_policy_manager(actor)
    values, errors = _clean(data, policy=None)
    if errors:
        raise ValidationFailed(errors)
    policy = Policy.objects.create(**values, is_demo=is_demo)
    record_event(actor=actor or "policies", action="policy.created", obj=policy, details={"code": policy.code})
    return policy


@transaction.atomic
def policy_update(*, actor, policy: Policy, data: dict) -> Policy:
    """Change a policy; a published one is re-matched when its rule changed."""
    if actor is not None:
        require_policy_manager(actor)
    policy = Policy.objects.select_for_update().get(pk=policy.pk)
    data = {k: v for k, v in data.items() if k != "code"}
    if policy.status == PolicyStatus.PUBLISHED and "subject_kind" in data and data["subject_kind"] != policy.subject_kind:
        raise ValidationFailed([FieldError("subject_kind", ErrorCode.NOT_EDITABLE, "适用对象：已发布的政策不能改变适用对象，请停止后另建。")])
    values, errors = _clean(data, policy=policy)
    if errors:
        raise ValidationFailed(errors)
    rule_changed = "rules" in values and values["rules"] != policy.rules
    changed = [name for name, value in values.items() if getattr(policy, name) != value]
    for name in changed:
        setattr(policy, name, values[name])
    if rule_changed:
        policy.version += 1
    policy.save()
    record_event(actor=actor or "policies", action="policy.updated", obj=policy,
                 details={"fields": sorted(changed), "version": policy.version})
    new_period = bool({"valid_from", "valid_until"} & set(changed))
    if policy.status == PolicyStatus.PUBLISHED and new_period:
        # A new policy period is a new offer: the eligible are told (and offered) again.
        PolicyMatch.objects.filter(policy=policy).update(notified_at=None)
    if policy.status == PolicyStatus.PUBLISHED and (rule_changed or new_period):
        policy_rematch(policy=policy)
    return policy


@transaction.atomic
def policy_publish(*, actor, policy: Policy) -> dict:
    """Publish and match everyone on file: the newly eligible are told (and offered, for 免申即享)."""
    if actor is not None:
        require_policy_manager(actor)
    policy = Policy.objects.select_for_update().get(pk=policy.pk)
    if policy.status == PolicyStatus.PUBLISHED:
        raise Conflict("该政策已发布。", code=ErrorCode.NOT_EDITABLE)
    problems = rule_errors(policy.rules, policy.subject_kind)
    if problems:
        raise ValidationFailed(problems)
    policy.status = PolicyStatus.PUBLISHED
    policy.published_at = timezone.now()
    policy.save(update_fields=["status", "published_at", "updated_at"])
    record_event(actor=actor or "policies", action="policy.published", obj=policy, details={"version": policy.version})
    return policy_rematch(policy=policy)


@transaction.atomic
def policy_withdraw(*, actor, policy: Policy) -> Policy:
    if actor is not None:
        require_policy_manager(actor)
    policy = Policy.objects.select_for_update().get(pk=policy.pk)
    if policy.status != PolicyStatus.PUBLISHED:
        raise Conflict("只能停止已发布的政策。", code=ErrorCode.NOT_EDITABLE)
    policy.status = PolicyStatus.WITHDRAWN
    policy.save(update_fields=["status", "updated_at"])
    record_event(actor=actor or "policies", action="policy.withdrawn", obj=policy)
    return policy


# --- Matching ------------------------------------------------------------------------------------


def _users(ids) -> dict:
    ids = {i for i in ids if i}
    return {u.pk: u for u in get_user_model().objects.filter(pk__in=ids)} if ids else {}


def _tell(policy: Policy, match: PolicyMatch, user, now) -> None:
    """The first time a subject qualifies (in a policy period): inbox + SMS; a 免申即享 policy also
    offers the benefit — an Entitlement and, when the policy names its implementation and the
    subject has an account, the case filed in that agency awaiting the subject's confirmation."""
    link = reverse("policies:mine")
    if policy.kind == PolicyKind.AUTOMATIC:
        entitlement, created = Entitlement.objects.get_or_create(
            policy=policy, profile_id=match.profile_id, period=period_of(policy),
            defaults={"user": user, "subject_name": match.subject_name, "amount": policy.amount, "offered_at": now})
        if created:
            record_event(actor="policies", action="entitlement.offered", obj=entitlement,
                         details={"policy": policy.code, "period": entitlement.period})
        case = _file_case(policy, entitlement, user) if created or entitlement.case_id is None else None
        title = f"免申即享：您符合“{policy.title}”"
        if case is not None:
            body = (f"经与您的档案比对，您符合“{policy.title}”的条件（{policy.benefit}）。无需申请，平台已为您生成办件"
                    f" {case.number}，请在“我的政策”或“我的办件”中确认领取；如不需要，也可以放弃。"
                    f"{CONFIRM_DAYS} 日内未确认的，办件将关闭。")
            link = reverse("cases:case_detail", args=[case.pk])
        else:
            body = (f"经与您的档案比对，您符合“{policy.title}”的条件（{policy.benefit}）。无需申请，"
                    "请在“我的政策”中确认领取；如不需要，也可以放弃。")
    else:
        title = f"政策提醒：您可申请“{policy.title}”"
        body = f"经与您的档案比对，您符合“{policy.title}”的条件（{policy.benefit}）。申请表已按您的档案预先填好，请在“我的政策”中查看并申请。"
        link = reverse("policies:apply", args=[policy.code])
    if user is not None:
        notify(recipient=user, topic=TOPIC, title=title, body=body, link=link, obj=policy)
    match.notified_at = now


def _file_case(policy: Policy, entitlement: Entitlement, user):
    """File the 免申即享 case for an entitlement (cases.services.case_offer, idempotent on the
    policy and period); None when the policy names no implementation, the subject has no account,
    or the item cannot be filed now (the failure is recorded; entitlements_sweep tries again)."""
    if not policy.implementation_id or user is None:
        return None
    try:
        case = cases_services.case_offer(
            actor=None, applicant=user, implementation_id=policy.implementation_id,
            reference=f"policy:{policy.pk}:{entitlement.period}",
            note=f"依据“{policy.title}”（免申即享）按档案比对结果自动生成，待申请人确认领取。")
    except DomainError as exc:
        record_event(actor="policies", action="entitlement.case_failed", obj=entitlement,
                     details={"policy": policy.code, "code": exc.code, "message": exc.message})
        return None
    Entitlement.objects.filter(pk=entitlement.pk).update(case=case, application_id=case.application_id,
                                                         updated_at=timezone.now())
    entitlement.case, entitlement.application_id = case, case.application_id
    record_event(actor="policies", action="entitlement.case_filed", obj=entitlement,
                 details={"policy": policy.code, "case": case.number})
    return case


def _apply(policy: Policy, results: list[tuple[dict, bool]], now) -> dict:
    """Write the results for some subjects (profile row, eligible) and tell the newly eligible."""
    existing = {m.profile_id: m for m in PolicyMatch.objects.filter(policy=policy, profile_id__in=[r["profile_id"] for r, _ in results])}
    users = _users(r["user_id"] for r, ok in results if ok)
    new, changed, told = [], [], 0
    for row, ok in results:
        match = existing.get(row["profile_id"])
        if match is None:
            match = PolicyMatch(policy=policy, profile_id=row["profile_id"], user_id=row["user_id"],
                                subject_name=row["name"][:200], eligible=ok, policy_version=policy.version, matched_at=now)
            new.append(match)
        elif match.eligible != ok or match.policy_version != policy.version or match.user_id != row["user_id"]:
            match.eligible, match.policy_version, match.matched_at = ok, policy.version, now
            match.user_id, match.subject_name = row["user_id"], row["name"][:200]
            changed.append(match)
        if ok and match.notified_at is None:
            _tell(policy, match, users.get(row["user_id"]), now)
            told += 1
            if match.pk and match not in changed:
                changed.append(match)
    PolicyMatch.objects.bulk_create(new)
    PolicyMatch.objects.bulk_update(changed, ["eligible", "policy_version", "matched_at", "user_id", "subject_name",
                                              "notified_at", "updated_at"])
    return {"told": told, "written": len(new) + len(changed)}


@transaction.atomic
def policy_rematch(*, policy: Policy, on: dt.date | None = None, chunk_size: int = 2000) -> dict:
    """Match every profile of the policy's kind (vectorised per chunk); returns the figures."""
    on = on or timezone.localdate()
    now = timezone.now()
    live = Policy.objects.filter(in_force(on), pk=policy.pk).exists()
    names = attributes_of_kind(policy.subject_kind)
    figures = {"subjects": 0, "eligible": 0, "told": 0}
    chunk: list[dict] = []

    def flush():
        if not chunk:
            return
        frame = Frame.from_subjects([subject_attributes(r, on=on) for r in chunk], names)
        mask = eligible_mask(policy.rules, frame) if live else [False] * len(chunk)
        results = [(row, bool(ok)) for row, ok in zip(chunk, mask, strict=True)]
        outcome = _apply(policy, results, now)
        figures["subjects"] += len(chunk)
        figures["eligible"] += sum(ok for _, ok in results)
        figures["told"] += outcome["told"]
        chunk.clear()

    for row in licences.iter_profile_attributes(kind=policy.subject_kind, chunk_size=chunk_size):
        chunk.append(row)
        if len(chunk) >= chunk_size:
            flush()
    flush()
    Policy.objects.filter(pk=policy.pk).update(matched_at=now)
    record_event(actor="policies", action="policy.matched", obj=policy, details=figures)
    return figures


@transaction.atomic
def subject_rematch(*, profile_id: int, on: dt.date | None = None) -> dict:
    """Re-match one subject against every policy in force for its kind (after a profile change):
    the policies from memory (`policies_in_force_cached`), one read of the subject's matches as
    plain values, new rows in one insert, and only the changed rows written, one UPDATE per group of
    equal new values (usually one or two), instead of a bulk_update of every row."""
    row = licences.profile_attributes_by_id(profile_id)
    if row is None:
        return {"policies": 0, "eligible": 0, "told": 0}
    on = on or timezone.localdate()
    now = timezone.now()
    values = subject_attributes(row, on=on)
    policies = policies_in_force_cached(row["kind"], on=on)
    existing = {policy_id: rest for policy_id, *rest in PolicyMatch.objects.filter(profile_id=profile_id).values_list(
        "policy_id", "id", "eligible", "policy_version", "user_id", "notified_at")}
    user_id, name = row["user_id"], row["name"][:200]
    user = _users([user_id]).get(user_id)
    new, groups, told, eligible = [], defaultdict(list), 0, 0
    for policy in policies:
        ok = rules.evaluate(policy.rules, values) is True
        eligible += ok
        current = existing.get(policy.pk)
        if current is None:
            match = PolicyMatch(policy=policy, profile_id=profile_id, user_id=user_id, subject_name=name,
                                eligible=ok, policy_version=policy.version, matched_at=now)
            if ok:
                _tell(policy, match, user, now)
                told += 1
            new.append(match)
            continue
        pk, was, version, was_user, notified_at = current
        tell = ok and notified_at is None
        if tell:
            _tell(policy, PolicyMatch(pk=pk, policy=policy, profile_id=profile_id, subject_name=name), user, now)
            told += 1
        if tell or (was, version, was_user) != (ok, policy.version, user_id):
            groups[(ok, policy.version, tell)].append(pk)
    PolicyMatch.objects.bulk_create(new)
    for (ok, version, tell), pks in groups.items():
        fields = {"eligible": ok, "policy_version": version, "matched_at": now, "user_id": user_id,
                  "subject_name": name, "updated_at": now}
        if tell:
            fields["notified_at"] = now
        PolicyMatch.objects.filter(pk__in=pks).update(**fields)
    return {"policies": len(policies), "eligible": eligible, "told": told}


# --- Entitlements (免申即享) and applications (依申请) ------------------------------------------


@transaction.atomic
def entitlement_decide(*, actor, entitlement: Entitlement, accept: bool, payee_note: str = "") -> Entitlement:
    """The subject confirms or declines the offered benefit. With a case: confirming submits it
    (the case's clock starts; it is handled as any case), declining closes it with the reason."""
    entitlement = Entitlement.objects.select_for_update().select_related("policy").get(pk=entitlement.pk)
    if entitlement.user_id != getattr(actor, "pk", None):
        raise ValidationFailed([FieldError("entitlement", ErrorCode.ENTITLEMENT_DECIDED, "只能处理本人的待遇。")])
    if "confirm" not in entitlement_actions_for(entitlement):
        raise Conflict(f"该待遇已{entitlement.get_status_display()}，不能再次处理。", code=ErrorCode.ENTITLEMENT_DECIDED)
    note = (payee_note or "").strip()[:200]
    if entitlement.case_id:
        case = cases_access.access_case_by_id(actor=actor, case_id=entitlement.case_id)
        if accept:
            cases_services.case_confirm(actor=actor, case=case, note=f"收款说明：{note}" if note else "")
        else:
            cases_services.case_decline(actor=actor, case=case, reason="申请人放弃领取")
    entitlement.status = EntitlementStatus.CONFIRMED if accept else EntitlementStatus.DECLINED
    entitlement.decided_at = timezone.now()
    entitlement.payee_note = note
    entitlement.closed_reason = "" if accept else "申请人放弃领取"
    entitlement.save(update_fields=["status", "decided_at", "payee_note", "closed_reason", "updated_at"])
    record_event(actor=actor, action=f"entitlement.{'confirmed' if accept else 'declined'}", obj=entitlement,
                 details={"policy": entitlement.policy.code, "case": entitlement.case_id})
    return entitlement


def entitlements_sweep(*, now=None) -> dict:
    """Daily (idempotent): close the offers nobody confirmed within CONFIRM_DAYS (the case with the
    reason; the subject is told by the case), and file the case of an open offer that has none
    (entitlements made before cases, or whose filing failed) when its policy names an item."""
    now = now or timezone.now()
    due = selectors.entitlements_to_sweep(offered_before=now - dt.timedelta(days=CONFIRM_DAYS))
    figures = {"lapsed": 0, "filed": 0}
    for entitlement in due["lapsing"]:
        with transaction.atomic():
            entitlement = Entitlement.objects.select_for_update().select_related("policy").get(pk=entitlement.pk)
            if entitlement.status != EntitlementStatus.OFFERED:
                continue
            reason = f"自推送之日起 {CONFIRM_DAYS} 日内未确认领取，已关闭；如仍需享受，请咨询发布单位或拨打 12345。"
            if entitlement.case_id:
                case = cases_selectors.case_by_id(entitlement.case_id)
                if case is not None and cases_lifecycle.may(case.status, "lapse"):
                    cases_services.case_lapse(case=case, reason=reason)
            entitlement.status, entitlement.closed_reason, entitlement.decided_at = EntitlementStatus.LAPSED, reason[:200], now
            entitlement.save(update_fields=["status", "closed_reason", "decided_at", "updated_at"])
            record_event(actor="policies", action="entitlement.lapsed", obj=entitlement,
                         details={"policy": entitlement.policy.code, "case": entitlement.case_id})
            figures["lapsed"] += 1
    users = _users(e.user_id for e in due["without_case"])
    for entitlement in due["without_case"]:
        with transaction.atomic():
            case = _file_case(entitlement.policy, entitlement, users.get(entitlement.user_id))
            if case is not None:
                notify(recipient=users[entitlement.user_id], topic=TOPIC, title=f"免申即享：请确认领取“{entitlement.policy.title}”",
                       body=f"平台已为您生成办件 {case.number}，请在“我的政策”或“我的办件”中确认领取。",
                       link=reverse("cases:case_detail", args=[case.pk]), obj=entitlement.policy)
                figures["filed"] += 1
    return figures


def _check_application(policy: Policy, profile: dict) -> list[FieldError]:
    errors = []
    if policy.kind != PolicyKind.APPLICATION:
        errors.append(FieldError("policy", ErrorCode.FIELD_INVALID, "该政策为免申即享，无需申请。"))
    values = subject_attributes(profile, on=timezone.localdate())
    if rules.evaluate(policy.rules, values) is not True:
        errors.append(FieldError("policy", ErrorCode.FIELD_INVALID, "按您的档案，暂不符合该政策的条件。"))
    return errors


@transaction.atomic
def policy_application_start(*, actor, policy: Policy, profile: dict):
    """依申请 with an implementation: open the item's application in the cases wizard, prefilled
    from the profile (a draft of the subject's, filed through the cases intake as any application),
    linked to the subject's entitlement of this period. Returns the cases Application: a draft to
    continue, or the one already submitted (one application per subject, policy and period)."""
    errors = _check_application(policy, profile)
    if not policy.implementation_id:
        errors.append(FieldError("policy", ErrorCode.FIELD_INVALID, "该政策尚未关联办理事项，请咨询发布单位。"))
    if errors:
        raise ValidationFailed(errors)
    period = period_of(policy)
    entitlement = (Entitlement.objects.select_for_update()
                   .filter(policy=policy, profile_id=profile["profile_id"], period=period).first())
    if entitlement is not None and entitlement.application_id:
        current = cases_selectors.application_of_applicant(actor, entitlement.application_id)
        if current is not None and current.status != "withdrawn":
            return current  # the draft to continue, or the submitted application
    form_data = cases_services.proactive_prefill(implementation_id=policy.implementation_id, applicant=actor)
    draft = cases_services.application_save_draft(actor=actor, applicant=actor, implementation_id=policy.implementation_id,
                                                  form_data=form_data)
    if entitlement is None:
        entitlement = Entitlement.objects.create(
            policy=policy, profile_id=profile["profile_id"], user=actor, subject_name=profile["name"][:200],
            amount=policy.amount, status=EntitlementStatus.APPLIED, offered_at=timezone.now(), period=period,
            application_id=draft.pk, application_data={"policy_version": policy.version})
    else:
        entitlement.application_id = draft.pk
        entitlement.save(update_fields=["application", "updated_at"])
    record_event(actor=actor, action="entitlement.application_started", obj=entitlement,
                 details={"policy": policy.code, "application": draft.pk})
    return draft


@transaction.atomic
def policy_apply(*, actor, policy: Policy, profile: dict, phone: str, declared: bool) -> Entitlement:
    """A policy naming no implementation: the prefilled application is recorded here (the policy
    office reviews it outside the case system). Policies with an implementation use
    `policy_application_start` (a real application of that item)."""
    errors = []
    if not declared:
        errors.append(FieldError("declared", ErrorCode.FIELD_INVALID, "请确认申请信息真实有效。"))
    phone = (phone or "").strip()
    if not re.fullmatch(r"1\d{10}", phone):
        errors.append(FieldError("phone", ErrorCode.FIELD_INVALID, "联系电话：请填写 11 位手机号码。"))
    errors += _check_application(policy, profile)
    if errors:
        raise ValidationFailed(errors)
    existing = Entitlement.objects.filter(policy=policy, profile_id=profile["profile_id"], period=period_of(policy)).first()
    if existing is not None:
        raise Conflict(f"您已{existing.get_status_display()}该政策。", code=ErrorCode.ENTITLEMENT_DECIDED)
    values = subject_attributes(profile, on=timezone.localdate())
    used = sorted(rules.attributes_used(policy.rules))
    entitlement = Entitlement.objects.create(
        policy=policy, profile_id=profile["profile_id"], user=actor, subject_name=profile["name"][:200],
        amount=policy.amount, status=EntitlementStatus.APPLIED, offered_at=timezone.now(), decided_at=timezone.now(),
        period=period_of(policy),
        application_data={"phone": phone, "attributes": {n: rules.value_text(n, values.get(n)) for n in used},
                          "policy_version": policy.version})
    record_event(actor=actor, action="entitlement.applied", obj=entitlement, details={"policy": policy.code})
    return entitlement
