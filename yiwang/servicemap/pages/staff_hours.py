"""Staff pages: an outlet's weekly opening hours (周末、延时、节假日) and its special dates."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from yiwang.core.errors import NotFound, PermissionDenied, ValidationFailed
from yiwang.servicemap import access, selectors, services
from yiwang.servicemap.forms import ExceptionForm, parse_schedule, schedule_initial, schedule_rows
from yiwang.servicemap.pages.staff import manager_required


def _render(request, outlet, *, rows=None, summary=(), exception_form=None, status=200):
    maintenance = selectors.outlet_maintenance(outlet)
    return render(request, "servicemap/staff/hours.html", {
        "outlet": outlet, "rows": rows or schedule_rows(schedule_initial(maintenance.periods)),
        "exceptions": maintenance.exceptions, "summary": summary,
        "exception_form": exception_form or ExceptionForm(),
    }, status=status)


@require_http_methods(["GET", "POST"])
@manager_required
def hours(request, outlet_id: int):
    outlet = access.access_outlet_by_id(actor=request.user, outlet_id=outlet_id)
    if request.method == "GET":
        return _render(request, outlet)
    slots, problems = parse_schedule(request.POST)
    if not problems:
        try:
            services.outlet_set_schedule(actor=request.user, outlet=outlet, slots=slots)
        except (ValidationFailed, PermissionDenied) as failed:
            problems = [(e.field, e.message) for e in getattr(failed, "errors", [])] or [("", failed.message)]
    if problems:
        return _render(request, outlet, rows=schedule_rows(request.POST), summary=problems, status=400)
    messages.success(request, "开放时间已保存，地图上立即生效。")
    return redirect("servicemap:staff_outlet_hours", outlet_id=outlet.pk)


@require_POST
@manager_required
def exception_add(request, outlet_id: int):
    outlet = access.access_outlet_by_id(actor=request.user, outlet_id=outlet_id)
    form = ExceptionForm(request.POST)
    problems = []
    if form.is_valid():
        periods, problem = form.periods()
        if problem:
            problems.append(("opens", problem))
        else:
            try:
                services.outlet_set_exception(actor=request.user, outlet=outlet, day=form.cleaned_data["day"],
                                              periods=periods, reason=form.cleaned_data["reason"])
            except (ValidationFailed, PermissionDenied) as failed:
                problems = [(e.field, e.message) for e in getattr(failed, "errors", [])] or [("", failed.message)]
    else:
        problems = [(k, m) for k, ms in form.errors.items() for m in ms]
    if problems:
        return _render(request, outlet, summary=problems, exception_form=form, status=400)
    messages.success(request, "特殊日期已保存。")
    return redirect("servicemap:staff_outlet_hours", outlet_id=outlet.pk)


@require_POST
@manager_required
def exception_remove(request, outlet_id: int):
    outlet = access.access_outlet_by_id(actor=request.user, outlet_id=outlet_id)
    try:
        day = date.fromisoformat(request.POST.get("day", "")[:10])
    except ValueError:
        raise NotFound("没有这个特殊日期。", code="exception_not_found") from None
    services.outlet_clear_exception(actor=request.user, outlet=outlet, day=day)
    messages.success(request, f"已删除 {day:%Y-%m-%d} 的特殊安排。")
    return redirect("servicemap:staff_outlet_hours", outlet_id=outlet.pk)
