"""Hall staff and the courier round at the lockers: paper materials applicants dropped off in the
24-hour lockers of the clerk's outlets, taken out of the cabinet and then signed for by the hall."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from yiwang.cases import selectors, services
from yiwang.cases.pages.shared import staff_page
from yiwang.core.errors import DomainError


@staff_page("window")
@require_http_methods(["GET", "POST"])
def locker_drop_offs(request):
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            drop_off = selectors.drop_off_by_id(request.POST.get("drop_off"))
            if action == "collect":
                services.drop_off_collect(actor=request.user, drop_off=drop_off)
                messages.success(request, f"已登记从信包箱 {drop_off.locker}（{drop_off.compartment} 号格口）取出材料。")
            elif action == "receive":
                services.drop_off_receive(actor=request.user, drop_off=drop_off)
                messages.success(request, "已签收材料，申请的纸质材料已登记为收取，可以受理。")
            else:
                messages.error(request, "无法识别的操作，请重试。")
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect("cases:locker_drop_offs")
    return render(request, "cases/locker_drop_offs.html", {"drop_offs": selectors.drop_offs_for_staff(request.user)})
