"""The courier's round (交通员, on a phone): the lockers under the courier's grant that hold paper
materials applicants dropped off; at a locker, record taking each item out (the compartment opens
through the locker adapter) and, at the hall, handing it over. The hall's receipt stays with its
window clerks (信包箱交件 on their workbench)."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from yiwang.cases import selectors, services
from yiwang.cases.access import require_courier
from yiwang.cases.pages.shared import forbidden, not_found
from yiwang.core.errors import DomainError, NotFound, PermissionDenied


def courier_required(view):
    """Logged in with a courier grant (else 403); out of scope 403, missing 404."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            require_courier(request.user)
            return view(request, *args, **kwargs)
        except PermissionDenied as exc:
            return forbidden(request, exc.message)
        except NotFound as exc:
            return not_found(request, exc.message)

    return wrapper


@courier_required
def courier_round(request):
    return render(request, "cases/courier_round.html", {"round": selectors.courier_round(request.user)})


@courier_required
@require_http_methods(["GET", "POST"])
def courier_locker(request, locker_id: int):
    stop = selectors.courier_locker(request.user, locker_id)
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            drop_off = selectors.drop_off_by_id(request.POST.get("drop_off"))
            if drop_off.locker_id != stop.locker.pk:
                raise NotFound("该信包箱中没有这件材料。", code="drop_off_not_found")
            if action == "collect":
                services.drop_off_collect(actor=request.user, drop_off=drop_off)
                messages.success(request, f"已登记取出 {drop_off.compartment} 号格口的材料，格口已打开。")
            elif action == "hand_over":
                services.drop_off_hand_over(actor=request.user, drop_off=drop_off)
                messages.success(request, f"已登记 {drop_off.compartment} 号格口的材料送达{stop.locker.outlet.name}，"
                                          "请交大厅工作人员签收。")
            else:
                messages.error(request, "无法识别的操作，请重试。")
        except NotFound as exc:
            messages.error(request, exc.message)
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect("cases:courier_locker", stop.locker.pk)
    return render(request, "cases/courier_locker.html", {"stop": stop})
