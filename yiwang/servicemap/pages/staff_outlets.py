"""Staff pages: the outlets a hall manager maintains — list, new, edit (place, facilities)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from yiwang.core.errors import PermissionDenied, ValidationFailed
from yiwang.servicemap import access, selectors, services
from yiwang.servicemap.constants import CoordinateSystem, OutletKind
from yiwang.servicemap.coordinates import wgs84_to_gcj02
from yiwang.servicemap.forms import OutletForm
from yiwang.servicemap.pages.staff import form_errors, manager_required

FORM_FIELDS = ("name", "kind", "host", "address", "phone", "directions", "notes", "facilities", "is_active")


@require_safe
@manager_required
def outlet_list(request):
    q = request.GET.get("q", "")[:100]
    kind = request.GET.get("kind", "")[:30]
    page = selectors.outlets_for_staff(actor=request.user, q=q, kind=kind, page=request.GET.get("page", "1")[:6])
    return render(request, "servicemap/staff/outlets.html", {
        "page": page, "q": selectors.clean_query(q), "kind": kind, "kinds": OutletKind.choices})


def _choices_kwargs(choices) -> dict:
    return {"operators": choices.operators, "organisations": choices.organisations, "halls": choices.halls,
            "lockers": choices.lockers}


def _by_id(rows, pk):
    return next((r for r in rows if r.pk == pk), None) if pk else None


def _render_form(request, form, *, outlet=None, summary=(), status=200):
    return render(request, "servicemap/staff/outlet_form.html",
                  {"form": form, "outlet": outlet, "summary": summary}, status=status)


@require_http_methods(["GET", "POST"])
@manager_required
def outlet_new(request):
    choices = selectors.outlet_form_choices(actor=request.user)
    if request.method == "GET":
        return _render_form(request, OutletForm(**_choices_kwargs(choices)))
    form = OutletForm(request.POST, **_choices_kwargs(choices))
    if not form.is_valid():
        return _render_form(request, form, summary=[(k, m) for k, ms in form.errors.items() for m in ms], status=400)
    data = form.cleaned_data
    try:
        outlet = services.outlet_create(
            actor=request.user, operator=_by_id(choices.operators, data["operator"]),
            organisation=_by_id(choices.organisations, data["organisation"]),
            hall=_by_id(choices.halls, data["hall"]), locker=_by_id(choices.lockers, data["locker"]),
            lat=data["lat"], lng=data["lng"], crs=data["crs"], **{k: data[k] for k in FORM_FIELDS})
    except (ValidationFailed, PermissionDenied) as failed:
        return _render_form(request, form, summary=form_errors(form, failed), status=400)
    messages.success(request, f"已新建网点“{outlet.name}”。请继续设置开放时间和可办事项。")
    return redirect("servicemap:staff_outlet_hours", outlet_id=outlet.pk)


@require_http_methods(["GET", "POST"])
@manager_required
def outlet_edit(request, outlet_id: int):
    outlet = access.access_outlet_by_id(actor=request.user, outlet_id=outlet_id)
    choices = selectors.outlet_form_choices(actor=request.user, outlet=outlet)
    if request.method == "GET":
        g_lat, g_lng = wgs84_to_gcj02(outlet.lat, outlet.lng)
        initial = {k: getattr(outlet, k) for k in FORM_FIELDS}
        initial.update(operator=outlet.operator_id, organisation=outlet.organisation_id, hall=outlet.hall_id,
                       locker=outlet.locker_id, lat=f"{g_lat:.6f}", lng=f"{g_lng:.6f}", crs=CoordinateSystem.GCJ02)
        return _render_form(request, OutletForm(initial=initial, **_choices_kwargs(choices)), outlet=outlet)
    form = OutletForm(request.POST, **_choices_kwargs(choices))
    if not form.is_valid():
        return _render_form(request, form, outlet=outlet, summary=[(k, m) for k, ms in form.errors.items() for m in ms],
                            status=400)
    data = form.cleaned_data
    g_lat, g_lng = wgs84_to_gcj02(outlet.lat, outlet.lng)
    moved = data["crs"] != CoordinateSystem.GCJ02 or data["lat"] != f"{g_lat:.6f}" or data["lng"] != f"{g_lng:.6f}"
    try:
        services.outlet_update(
            actor=request.user, outlet=outlet, operator=_by_id(choices.operators, data["operator"]) or outlet.operator,
            organisation=_by_id(choices.organisations, data["organisation"]),
            hall=_by_id(choices.halls, data["hall"]), locker=_by_id(choices.lockers, data["locker"]),
            lat=data["lat"] if moved else None, lng=data["lng"] if moved else None, crs=data["crs"],
            **{k: data[k] for k in FORM_FIELDS})
    except (ValidationFailed, PermissionDenied) as failed:
        return _render_form(request, form, outlet=outlet, summary=form_errors(form, failed), status=400)
    messages.success(request, "已保存。")
    return redirect("servicemap:staff_outlet_edit", outlet_id=outlet.pk)
