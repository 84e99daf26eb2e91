"""Bundle case pages: the applicant's page of one bundle case (every member's status and clock,
one timeline), and the lead agency's console of bundle cases with late members and 催办."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe

from yiwang.bundles import access, applications, selectors
from yiwang.bundles.constants import BundleCaseStatus
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
    staff = bundle_case.applicant_id != request.user.pk
    members = selectors.bundle_case_members(bundle_case)
    return render(request, "bundles/cases/case.html", {
        "bundle_case": bundle_case, "members": members,
        "from_licences": selectors.bundle_case_licence_materials(members),
        "timeline": selectors.bundle_case_timeline(bundle_case), "staff": staff,
        # 综合受理 right here, for the clerk who has just filed it at her window (or the lead agency).
        "may_accept": staff and bundle_case.status == BundleCaseStatus.SUBMITTED and access.may_accept(request.user, bundle_case),
    })


@require_safe
@login_required
def console(request):
    rows = selectors.late_bundle_cases(actor=request.user)
    awaiting = selectors.bundle_cases_awaiting_acceptance(actor=request.user)
    return render(request, "bundles/cases/console.html", {
        "rows": rows, "awaiting": awaiting, "from_licences": selectors.licence_materials_by_bundle_case(awaiting),
        "may_use_window": access.may_use_window(request.user)})


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
    if request.POST.get("back") == "case":
        return redirect("bundles:case", bundle_case.pk)
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
