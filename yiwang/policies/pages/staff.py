"""The policy officer's pages: the library, the editor (rules validated on save, each problem
naming its place in the rule), the test harness, publish / withdraw / re-match."""

from __future__ import annotations

import json

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from yiwang.core.errors import DomainError, FieldError, NotFound, ValidationFailed
from yiwang.policies import rules, selectors, services
from yiwang.policies.access import policy_actions_for
from yiwang.policies.constants import ATTRIBUTES, OPERATORS, ErrorCode, PolicyCategory, PolicyKind, PolicyStatus, SubjectKind
from yiwang.policies.pages.common import by_field, error_list, policy_manager_required
from yiwang.policies.subjects import attributes_of_kind

FORM_FIELDS = ("code", "title", "summary", "benefit", "amount", "category", "kind", "subject_kind", "issuing_body_name",
               "legal_basis", "valid_from", "valid_until", "budget", "implementation")


def _policy(policy_id):
    policy = selectors.policy_by_id(policy_id)
    if policy is None:
        raise NotFound("未找到该政策。")
    return policy


@policy_manager_required
def staff_list(request):
    status = request.GET.get("status", "")
    return render(request, "policies/staff/list.html", {"policies": selectors.staff_policies(status=status),
                                                        "statuses": PolicyStatus.choices, "status": status})


def _form_data(post) -> tuple[dict, list[FieldError]]:
    data = {name: post.get(name, "") for name in FORM_FIELDS}
    text = post.get("rules", "").strip() or '{"all": []}'
    try:
        data["rules"] = json.loads(text)
    except json.JSONDecodeError as exc:
        return data, [FieldError("rules", ErrorCode.RULE_INVALID,
                                 f"资格规则不是有效的 JSON（第 {exc.lineno} 行第 {exc.colno} 列）：请检查括号、引号和逗号。")]
    return data, []


def _reference() -> dict:
    return {"attributes": list(ATTRIBUTES.values()), "operators": OPERATORS}


@policy_manager_required
def staff_edit(request, policy_id: int | None = None):
    policy = _policy(policy_id) if policy_id else None
    errors: list[dict] = []
    if request.method == "POST":
        data, problems = _form_data(request.POST)
        try:
            if problems:
                raise ValidationFailed(problems)
            if policy is None:
                policy = services.policy_create(actor=request.user, data=data)
                messages.success(request, "政策已保存为草稿；可在“试算”中用样例对象检验规则后发布。")
            else:
                services.policy_update(actor=request.user, policy=policy, data=data)
                messages.success(request, "政策已保存。")
            return redirect("policies:staff_edit", policy_id=policy.pk)
        except DomainError as exc:
            errors = error_list(exc)
        values = {**request.POST.dict()}
    elif policy is not None:
        values = {name: getattr(policy, name) or "" for name in FORM_FIELDS if name != "implementation"}
        values["implementation"] = policy.implementation_id or ""
        values["rules"] = json.dumps(policy.rules, ensure_ascii=False, indent=2)
        for name in ("valid_from", "valid_until"):
            values[name] = values[name].isoformat() if values[name] else ""
    else:
        values = {"rules": '{\n  "all": []\n}', "kind": PolicyKind.APPLICATION, "subject_kind": SubjectKind.ENTERPRISE}
    return render(request, "policies/staff/edit.html", {
        "policy": policy, "values": values, "errors": errors, "field_errors": by_field(errors),
        "categories": PolicyCategory.choices, "kinds": PolicyKind.choices, "subject_kinds": SubjectKind.choices,
        "actions": policy_actions_for(actor=request.user, policy=policy) if policy else set(),
        "figures": selectors.policy_figures(policy) if policy else None,
        "eligible": selectors.eligible_subjects(policy, limit=20) if policy else [],
        "lines": selectors.rule_lines(policy) if policy else [],
        "implementation_hint": _implementation_hint(policy), **_reference()})


def _implementation_hint(policy) -> str:
    item = selectors.item_of(policy) if policy else None
    current = f"当前：{item['name']}（{item['agency']}）。" if item else ""
    return (current + "办事指南网址 /items/编号/ 中的数字；免申即享政策在该事项自动生成待确认的办件，"
            "依申请政策打开该事项的网上申请。不填则只推送提醒。")


@policy_manager_required
def staff_harness(request, policy_id: int):
    """Run the policy's rule (or an edited rule, not saved) on a sample subject and on everyone on file."""
    policy = _policy(policy_id)
    names = attributes_of_kind(policy.subject_kind)
    sample = {n: request.POST.get(n, "") for n in names}
    rule_text = request.POST.get("rules") or json.dumps(policy.rules, ensure_ascii=False, indent=2)
    problems, explanation, preview = [], None, None
    if request.method == "POST":
        try:
            rule = json.loads(rule_text)
        except json.JSONDecodeError as exc:
            rule, problems = None, [f"资格规则不是有效的 JSON（第 {exc.lineno} 行第 {exc.colno} 列）。"]
        if rule is not None:
            problems = [p.message for p in rules.validate(rule, subject_kind=policy.subject_kind)]
        values, sample_problems = selectors.sample_subject_from_form(policy.subject_kind, request.POST)
        problems += sample_problems
        if not problems:
            explanation = rules.explain(rule, values)
            if request.POST.get("population"):
                preview = selectors.population_preview(rule, policy.subject_kind)
    return render(request, "policies/staff/harness.html", {
        "policy": policy, "attributes": [ATTRIBUTES[n] for n in names], "sample": sample, "rule_text": rule_text,
        "problems": problems, "explanation": explanation, "preview": preview})


@require_POST
@policy_manager_required
def staff_act(request, policy_id: int, action: str):
    policy = _policy(policy_id)
    if action not in policy_actions_for(actor=request.user, policy=policy):
        messages.error(request, "当前状态下不能进行该操作。")
        return redirect("policies:staff_edit", policy_id=policy.pk)
    try:
        if action == "publish":
            figures = services.policy_publish(actor=request.user, policy=policy)
            messages.success(request, f"已发布并完成匹配：{figures['subjects']} 个对象中 {figures['eligible']} 个符合条件，"
                                      f"新通知 {figures['told']} 个。")
        elif action == "withdraw":
            services.policy_withdraw(actor=request.user, policy=policy)
            messages.success(request, "政策已停止执行。")
        elif action == "rematch":
            figures = services.policy_rematch(policy=policy)
            messages.success(request, f"已重新匹配：{figures['subjects']} 个对象中 {figures['eligible']} 个符合条件，"
                                      f"新通知 {figures['told']} 个。")
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("policies:staff_edit", policy_id=policy.pk)
