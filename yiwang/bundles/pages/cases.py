"""Bundle case pages: the applicant's page of one bundle case (every member's status and clock,
one timeline), and the lead agency's console of bundle cases with late members and 催办."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe

from yiwang.bundles import applications, selectors
from yiwang.core.errors import DomainError, NotFound


def _bundle_case(request, bundle_case_id):
    try:
        return selectors.bundle_case_for(actor=request.user, bundle_case_id=bundle_case_id)
    except NotFound as exc:
        raise Http404 from exc


@require_safe
@login_required
def bundle_case_page(request, bundle_case_id: int):
    bundle_case = _bundle_case(request, bundle_case_id)
    members = selectors.bundle_case_members(bundle_case)
    return render(request, "bundles/cases/case.html", {
        "bundle_case": bundle_case, "members": members,
        "from_licences": selectors.bundle_case_licence_materials(members),
        "timeline": selectors.bundle_case_timeline(bundle_case),
    })


@require_safe
@login_required
def console(request):
    rows = selectors.late_bundle_cases(actor=request.user)
    awaiting = selectors.bundle_cases_awaiting_acceptance(actor=request.user)
    return render(request, "bundles/cases/console.html", {
        "rows": rows, "awaiting": awaiting, "from_licences": selectors.licence_materials_by_bundle_case(awaiting)})


@require_POST
@login_required
def accept(request, bundle_case_id: int):
    """综合受理 from the console: every member accepted at once, or none (the failing member named)."""
    bundle_case = _bundle_case(request, bundle_case_id)
    try:
        applications.bundle_case_accept(actor=request.user, bundle_case=bundle_case)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已综合受理 {bundle_case.number}，各成员事项已受理。")
    return redirect("bundles:console")


@require_POST
@login_required
def chase(request, bundle_case_id: int, member_id: int):
    bundle_case = _bundle_case(request, bundle_case_id)
    try:
        applications.bundle_member_chase(actor=request.user, bundle_case=bundle_case, member_id=member_id,
                                         note=request.POST.get("note", "")[:500])
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已催办，并通知该事项的办理部门。")
    return redirect("bundles:console")
