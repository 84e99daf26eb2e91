"""The rated unit's pages: the rectification worklist with its clocks, one rectification with the
steps the actor may take now (verify, report, approve or return, follow up, appeal)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from yiwang.core.crypto import mask_name
from yiwang.core.errors import DomainError
from yiwang.ratings import policy, selectors, services
from yiwang.ratings.access import (
    LEADER_ROLES,
    RECTIFICATION_ROLES,
    UNIT_ROLES,
    access_rectification_by_id,
    rectification_actions_for,
)
from yiwang.ratings.constants import (
    AppealGround,
    BadReason,
    Handling,
    RectificationAction,
    RectificationStatus,
)
from yiwang.ratings.pages.common import PageErrors, staff_required, yes_no

A = RectificationAction
# The form on the page each POSTed action comes from (its inputs' ids start with it).
FORM_OF = {A.VERIFY: "verify", A.REPORT: "report", A.SUBMIT_FOR_APPROVAL: "report", A.APPROVE: "approval",
           A.RETURN: "approval", "follow_up": "follow_up", "appeal": "appeal", "reveal_contact": "contact"}


@staff_required(*UNIT_ROLES, *LEADER_ROLES)
@require_GET
def worklist(request):
    status = request.GET.get("status", "")
    if status not in RectificationStatus.values:
        status = ""
    overdue = request.GET.get("overdue") == "1"
    rows = [{"r": r, "clock": selectors.rectification_clock(r)}
            for r in selectors.worklist(request.user, status=status, overdue_only=overdue)[:200]]
    return render(request, "ratings/worklist.html", {
        "rows": rows, "status": status, "overdue": overdue, "statuses": RectificationStatus.choices,
        "appeals": list(selectors.unit_appeals(request.user)[:20]),
    })


def _do(request, rectification, action: str):
    """Run the POSTed step; returns (done message, errors, extra context)."""
    post = request.POST
    actor = request.user
    if action == A.VERIFY:
        services.rectification_verify(actor=actor, rectification=rectification, finding_true=yes_no(post.get("finding_true")),
                                      finding_reasonable=yes_no(post.get("finding_reasonable")),
                                      finding_malicious=yes_no(post.get("finding_malicious")),
                                      handling=post.get("handling", ""), note=post.get("note", ""))
        return "已记录核实情况。"
    if action in (A.REPORT, A.SUBMIT_FOR_APPROVAL):
        services.rectification_report(actor=actor, rectification=rectification, result_text=post.get("result_text", ""),
                                      for_approval=action == A.SUBMIT_FOR_APPROVAL)
        return "已提交领导审核。" if action == A.SUBMIT_FOR_APPROVAL else "处理结果已反馈评价人。下一步：回访。"
    if action == A.APPROVE:
        services.rectification_approve(actor=actor, rectification=rectification, note=post.get("note", ""))
        return "已审核同意，处理结果已反馈评价人。"
    if action == A.RETURN:
        services.rectification_return(actor=actor, rectification=rectification, note=post.get("note", ""))
        return "已退回重新整改。"
    if action == "follow_up":
        services.rectification_follow_up(actor=actor, rectification=rectification, reached=yes_no(post.get("reached")),
                                         accepted=yes_no(post.get("accepted")), note=post.get("note", ""))
        return "已记录回访。"
    if action == "appeal":
        services.appeal_file(actor=actor, rectification=rectification, ground=post.get("ground", ""),
                             reason=post.get("reason", ""))
        return "申诉已提交上级复核。"
    return ""


@staff_required(*RECTIFICATION_ROLES)
@require_http_methods(["GET", "POST"])
def rectification_page(request, rectification_id: int):
    rectification = access_rectification_by_id(actor=request.user, rectification_id=rectification_id)
    errors, contact, form = PageErrors(), None, {}
    if request.method == "POST":
        action = request.POST.get("action", "")
        form = {"action": action, **{k: request.POST.get(k, "") for k in (
            "finding_true", "finding_reasonable", "finding_malicious", "handling", "note", "result_text", "reached",
            "accepted", "ground", "reason")}}
        try:
            if action == "reveal_contact":
                contact = services.rectification_contact(actor=request.user, rectification=rectification)
            else:
                done = _do(request, rectification, action)
                if not done:
                    errors.add("form", "无法识别的操作，请刷新页面后重试。")
                else:
                    messages.success(request, done)
                    return redirect("ratings:rectification", rectification.pk)
        except DomainError as exc:
            errors.take(exc, prefix=f"{FORM_OF.get(action, 'form')}-")
    actions = rectification_actions_for(actor=request.user, rectification=rectification)
    rating = rectification.rating
    return render(request, "ratings/rectification.html", {
        "r": rectification, "rating": rating, "clock": selectors.rectification_clock(rectification),
        "history": selectors.rectification_history(rectification), "actions": actions,
        "reasons": [BadReason(x).label for x in rating.reasons if x in BadReason.values],
        "rater_name": mask_name(rating.rater.real_name) if rating.rater.real_name else rating.rater.display_name,
        "contact": contact, "errors": errors, "form": form, "handlings": Handling.choices, "grounds": AppealGround.choices,
        "appeal": selectors.appeal_of(rating),
        "can_follow_up": A.FOLLOW_UP_REACHED in actions, "appeal_days": policy.appeal_days(),
    }, status=400 if errors else 200)
