"""我的政策: the policies a citizen or enterprise qualifies for, those they do not (with the
reasons), and the 免申即享 benefits to confirm."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from yiwang.core.errors import DomainError, NotFound
from yiwang.policies import selectors, services
from yiwang.policies.access import access_entitlement
from yiwang.policies.constants import PolicyKind
from yiwang.policies.pages.common import applicant_required, by_field, error_list


@applicant_required
def mine(request):
    return render(request, "policies/mine.html", selectors.my_policies(request.user))


@require_POST
@applicant_required
def entitlement_decide(request, entitlement_id: int):
    entitlement = access_entitlement(actor=request.user, entitlement_id=entitlement_id)
    accept = request.POST.get("decision") == "confirm"
    try:
        services.entitlement_decide(actor=request.user, entitlement=entitlement, accept=accept,
                                    payee_note=request.POST.get("payee_note", ""))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        if accept:
            messages.success(request, f"已确认领取“{entitlement.policy.title}”。"
                             + ("办件已提交，进度可在“我的办件”中查看。" if entitlement.case_id else "资金将按政策规定发放。"))
        else:
            messages.success(request, f"已放弃“{entitlement.policy.title}”。")
    if request.POST.get("next") == "case" and entitlement.case_id:
        return redirect("cases:case_detail", entitlement.case_id)
    return redirect("policies:mine")


@applicant_required
def apply(request, code: str):
    """The prefilled application (自动生成申请表、自动填写): check, add a phone, declare, submit."""
    policy = selectors.public_policy(code)
    profile = selectors.subject_of(request.user)
    if policy is None or policy.kind != PolicyKind.APPLICATION:
        raise NotFound("未找到该政策，或该政策无需申请。")
    if profile is None or profile["kind"] != policy.subject_kind:
        raise NotFound(f"该政策适用于{policy.get_subject_kind_display()}，您的档案不在适用范围。")
    errors, phone = [], getattr(request.user, "phone", "") or ""
    if policy.implementation_id:
        # A real application of the item that handles the policy, in the cases wizard.
        if request.method == "POST":
            try:
                application = services.policy_application_start(actor=request.user, policy=policy, profile=profile)
            except DomainError as exc:
                errors = error_list(exc)
            else:
                if application.status == "draft":
                    return redirect("cases:draft_step", application.pk, "form")
                case = selectors.case_of_application(request.user, application.pk)
                messages.info(request, "您已提交过该政策的申请，以下是办理进度。")
                return redirect("cases:case_detail", case.pk) if case else redirect("cases:my_cases")
        return render(request, "policies/apply.html", {
            "policy": policy, "prefill": selectors.application_prefill(policy, profile), "errors": errors,
            "field_errors": by_field(errors), "explanation": selectors.explanation_for(policy, profile),
            "through_cases": True, "item": selectors.item_of(policy), "entitlement": selectors.entitlement_for(policy, profile["profile_id"])})
    if request.method == "POST":
        phone = request.POST.get("phone", "")
        try:
            services.policy_apply(actor=request.user, policy=policy, profile=profile, phone=phone,
                                  declared=request.POST.get("declared") == "1")
        except DomainError as exc:
            errors = error_list(exc)
        else:
            messages.success(request, f"“{policy.title}”的申请已提交，审核结果将通过站内消息和短信告知。")
            return redirect("policies:mine")
    return render(request, "policies/apply.html", {
        "policy": policy, "prefill": selectors.application_prefill(policy, profile), "phone": phone,
        "errors": errors, "field_errors": by_field(errors),
        "explanation": selectors.explanation_for(policy, profile)})
