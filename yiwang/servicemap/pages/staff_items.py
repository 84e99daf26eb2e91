"""Staff pages: the items an outlet accepts (and how), and its windows."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from yiwang.core.errors import NotFound, PermissionDenied, ValidationFailed
from yiwang.servicemap import access, selectors, services
from yiwang.servicemap.constants import OutletKind
from yiwang.servicemap.forms import ItemAddForm, ItemSearchForm, windows_rows
from yiwang.servicemap.pages.staff import manager_required


def _render_items(request, outlet, *, summary=(), status=200):
    maintenance = selectors.outlet_maintenance(outlet)
    search = ItemSearchForm(request.GET)
    q = search.cleaned_data["q"] if search.is_valid() else ""
    return render(request, "servicemap/staff/items.html", {
        "outlet": outlet, "items": maintenance.items, "q": q, "is_locker": outlet.kind == OutletKind.LOCKER,
        "found": selectors.items_for_staff(q, exclude=[row.implementation_id for _, row in maintenance.items]),
        "modes": ItemAddForm.base_fields["mode"].choices, "summary": summary,
    }, status=status)


@require_safe
@manager_required
def items(request, outlet_id: int):
    outlet = access.access_outlet_by_id(actor=request.user, outlet_id=outlet_id)
    return _render_items(request, outlet)


@require_POST
@manager_required
def item_add(request, outlet_id: int):
    outlet = access.access_outlet_by_id(actor=request.user, outlet_id=outlet_id)
    form = ItemAddForm(request.POST)
    if not form.is_valid():
        return _render_items(request, outlet, summary=[(k, m) for k, ms in form.errors.items() for m in ms], status=400)
    try:
        services.outlet_set_item(actor=request.user, outlet=outlet, implementation_id=form.cleaned_data["implementation"],
                                 mode=form.cleaned_data["mode"], note=form.cleaned_data["note"])
    except (ValidationFailed, PermissionDenied) as failed:
        summary = [(e.field, e.message) for e in getattr(failed, "errors", [])] or [("", failed.message)]
        return _render_items(request, outlet, summary=summary, status=400)
    messages.success(request, "已添加可办事项。")
    return redirect("servicemap:staff_outlet_items", outlet_id=outlet.pk)


@require_POST
@manager_required
def item_remove(request, outlet_id: int):
    outlet = access.access_outlet_by_id(actor=request.user, outlet_id=outlet_id)
    try:
        implementation_id = int(request.POST.get("implementation", "")[:20])
    except ValueError:
        raise NotFound("该网点没有这个事项。", code="item_not_found") from None
    services.outlet_remove_item(actor=request.user, outlet=outlet, implementation_id=implementation_id)
    messages.success(request, "已移除该事项。")
    return redirect("servicemap:staff_outlet_items", outlet_id=outlet.pk)


@require_http_methods(["GET", "POST"])
@manager_required
def windows(request, outlet_id: int):
    outlet = access.access_outlet_by_id(actor=request.user, outlet_id=outlet_id)
    if request.method == "GET":
        existing = selectors.outlet_maintenance(outlet).windows
        return render(request, "servicemap/staff/windows.html", {"outlet": outlet, "rows": windows_rows(existing)})
    rows = windows_rows({}, request.POST)
    try:
        services.outlet_set_windows(actor=request.user, outlet=outlet,
                                    windows={r["kind"]: (r["count"] or 0, r["note"]) for r in rows})
    except (ValidationFailed, PermissionDenied) as failed:
        summary = [(e.field, e.message) for e in getattr(failed, "errors", [])] or [("", failed.message)]
        return render(request, "servicemap/staff/windows.html", {"outlet": outlet, "rows": rows, "summary": summary},
                      status=400)
    messages.success(request, "窗口设置已保存。")
    return redirect("servicemap:staff_outlet_windows", outlet_id=outlet.pk)
