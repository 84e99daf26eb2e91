"""The public policy library: the list and a policy's page (with, for a signed-in citizen or
enterprise, whether they qualify and why)."""

from __future__ import annotations

from django.shortcuts import render

from yiwang.policies import selectors
from yiwang.policies.access import is_applicant
from yiwang.policies.constants import PolicyCategory, SubjectKind
from yiwang.policies.pages.common import message


def policy_list(request):
    subject_kind = request.GET.get("for", "")
    category = request.GET.get("category", "")
    q = request.GET.get("q", "")[:50]
    policies = list(selectors.public_policies(subject_kind=subject_kind, category=category, q=q)[:200])
    return render(request, "policies/list.html", {
        "policies": policies, "subject_kinds": SubjectKind.choices, "categories": PolicyCategory.choices,
        "chosen": {"for": subject_kind, "category": category, "q": q}})


def policy_detail(request, code: str):
    policy = selectors.public_policy(code)
    if policy is None:
        return message(request, "未找到", "未找到该政策，或政策已停止执行。", 404)
    explanation = profile = None
    if is_applicant(request.user):
        profile = selectors.subject_of(request.user)
        if profile is not None and profile["kind"] == policy.subject_kind:
            explanation = selectors.explanation_for(policy, profile)
    return render(request, "policies/detail.html", {"policy": policy, "lines": selectors.rule_lines(policy),
                                                    "explanation": explanation, "profile": profile})
