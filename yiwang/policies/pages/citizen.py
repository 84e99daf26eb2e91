"""我的政策: the policies a citizen or enterprise qualifies for, those they do not (with the
reasons), and the 免申即享 benefits to confirm."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from yiwang.core.errors import DomainError
from yiwang.policies import selectors, services
from yiwang.policies.access import access_entitlement
from yiwang.policies.pages.common import applicant_required


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
        messages.success(request, f"已确认领取“{entitlement.policy.title}”，资金将按政策规定发放。" if accept
                         else f"已放弃“{entitlement.policy.title}”。")
    return redirect("policies:mine")
