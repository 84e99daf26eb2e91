"""Pages for catalog reviewers (and editors reading): reviewing a submitted version against the
published guide, publishing, and the difference between two versions. Shared with the editor
pages: pages/staff.py."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from yiwang.catalog import access, selectors, services
from yiwang.catalog.editor_forms import ErrorMap
from yiwang.catalog.models import VersionReview
from yiwang.catalog.pages.staff import catalog_staff_required, version_url
from yiwang.catalog.selectors.editing import comparison_version_id
from yiwang.core.errors import DomainError, ValidationFailed


def _comparison(version):
    """The version shown beside `version` (selectors.editing.comparison_version_id), in full."""
    other_id = comparison_version_id(version)
    return selectors.version_detail(other_id) if other_id else None


@require_http_methods(["GET", "POST"])
@catalog_staff_required
def editor_review(request, version_id: int):
    version = access.access_version_for_staff(actor=request.user, version_id=version_id)
    version = selectors.version_detail(version.pk)
    errors = ErrorMap()
    decision = request.POST.get("decision", "")
    comment = request.POST.get("comment", "")
    if request.method == "POST":
        try:
            services.version_review(actor=request.user, version=version, decision=decision, comment=comment)
        except ValidationFailed as exc:
            for error in exc.errors:
                errors.add(error.field, error.message)
        except DomainError as exc:
            errors.add("decision", exc.message)
        else:
            text = "审核通过，可以发布。" if decision == VersionReview.Decision.APPROVE else "已退回修改，编辑人员会看到您的意见。"
            messages.success(request, text)
            return redirect(version_url(version))
    old = _comparison(version)
    actions = access.version_actions_for(actor=request.user, version=version)
    return render(request, "catalog/editor/review.html", {
        "version": version, "implementation": version.implementation, "old": old,
        "changes": selectors.version_diff(old, version), "errors": errors, "decision": decision, "comment": comment,
        "can_review": actions["may_review_status"], "own": access.is_own_version(request.user, version),
        "decisions": VersionReview.Decision.choices,
    }, status=400 if errors else 200)


@require_POST
@catalog_staff_required
def editor_publish(request, version_id: int):
    version = access.access_version_for_staff(actor=request.user, version_id=version_id)
    try:
        services.version_publish(actor=request.user, version=version)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"版本 v{version.number} 已发布，原发布版本已标记为被替代（保留备查）。")
    return redirect(version_url(version))


@require_safe
@catalog_staff_required
def editor_diff(request, version_id: int):
    version = access.access_version_for_staff(actor=request.user, version_id=version_id)
    against = request.GET.get("against", "").strip()
    if against:
        other = access.access_version_for_staff(actor=request.user, version_id=against)
        if other.implementation_id != version.implementation_id:
            raise Http404("只能比较同一事项的两个版本。")
        old = selectors.version_detail(other.pk)
    else:
        old = _comparison(version)
    new = selectors.version_detail(version.pk)
    others = [v for v in selectors.versions_of(version.implementation) if v.pk != version.pk]
    return render(request, "catalog/editor/diff.html", {
        "version": new, "old": old, "implementation": new.implementation, "changes": selectors.version_diff(old, new),
        "others": others,
    })


