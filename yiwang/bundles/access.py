"""Who may see and change which bundles. The only way an editor page obtains a bundle version:
missing and out of scope answer alike (NotFound), as in the catalog.

Bundles are catalog data, so the catalog's roles define them (no new role): a role granted at the
bundle's steward (维护单位) covers it — catalog_editor creates, edits, submits, starts drafts and
publishes; catalog_reviewer reviews (never a version they drafted or submitted) and publishes.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from yiwang.bundles.constants import EDITABLE_STATUSES, VersionStatus
from yiwang.bundles.models import Bundle, BundleVersion
from yiwang.cases.access import window_outlets_of
from yiwang.cases.selectors import holds_acceptance_role_at
from yiwang.cases.services import current_published_version_id, outlet_accepts
from yiwang.core.errors import MAX_DB_ID, NotFound, PermissionDenied
from yiwang.orgs.constants import Role
from yiwang.orgs.selectors import has_role, role_grants_for, scope_filter

BUNDLE_ROLES = (Role.CATALOG_EDITOR, Role.CATALOG_REVIEWER)


def is_bundle_staff(actor) -> bool:
    return bool(role_grants_for(actor, BUNDLE_ROLES))


def can_edit(actor, bundle: Bundle) -> bool:
    return has_role(actor, Role.CATALOG_EDITOR, bundle.steward)


def can_review(actor, bundle: Bundle) -> bool:
    return has_role(actor, Role.CATALOG_REVIEWER, bundle.steward)


def can_publish(actor, bundle: Bundle) -> bool:
    return has_role(actor, BUNDLE_ROLES, bundle.steward)


def require_editor(actor, bundle: Bundle) -> None:
    if not can_edit(actor, bundle):
        raise PermissionDenied(f"您不是「{bundle.steward}」的事项编辑，不能修改该一件事。请联系管理员授予「事项编辑」角色。")


def require_reviewer(actor, bundle: Bundle) -> None:
    if not can_review(actor, bundle):
        raise PermissionDenied(f"您不是「{bundle.steward}」的事项审核人员，不能审核该一件事。")


def require_publisher(actor, bundle: Bundle) -> None:
    if not can_publish(actor, bundle):
        raise PermissionDenied(f"只有「{bundle.steward}」的事项编辑或审核人员可以发布该一件事。")


def stewards_for(actor) -> list:
    """Organisations where the actor may create bundles (where they hold catalog_editor)."""
    return [grant.organisation for grant in role_grants_for(actor, (Role.CATALOG_EDITOR,))]


def versions_in_scope(actor, roles=BUNDLE_ROLES) -> QuerySet[BundleVersion]:
    return BundleVersion.objects.filter(scope_filter(actor, roles, path_field="bundle__steward__path"))


def _pk(value, what: str) -> int:
    try:
        pk = int(value)
    except (TypeError, ValueError, OverflowError):
        pk = 0
    if not 1 <= pk <= MAX_DB_ID:
        raise NotFound(f"未找到编号为 {str(value)[:20]} 的{what}，或您无权访问。")
    return pk


def _version(actor, version_id, roles) -> BundleVersion:
    pk = _pk(version_id, "一件事版本")
    found = versions_in_scope(actor, roles).select_related("bundle__steward").filter(pk=pk).first()
    if found is None:
        raise NotFound(f"未找到编号为 {str(version_id)[:20]} 的一件事版本，或您无权访问。")
    return found


def access_version_for_staff(*, actor, version_id) -> BundleVersion:
    return _version(actor, version_id, BUNDLE_ROLES)


def access_version_for_editing(*, actor, version_id) -> BundleVersion:
    return _version(actor, version_id, (Role.CATALOG_EDITOR,))


def access_bundle_for_staff(*, actor, bundle_id) -> Bundle:
    pk = _pk(bundle_id, "一件事")
    found = Bundle.objects.filter(scope_filter(actor, BUNDLE_ROLES, path_field="steward__path")).select_related("steward").filter(pk=pk).first()
    if found is None:
        raise NotFound(f"未找到编号为 {str(bundle_id)[:20]} 的一件事，或您无权访问。")
    return found


@dataclass(frozen=True)
class VersionActions:
    edit: bool = False
    submit: bool = False
    review: bool = False
    publish: bool = False
    start_draft: bool = False


def version_actions_for(*, actor, version: BundleVersion) -> VersionActions:
    """What the actor may do with `version` now (pages and templates ask this, never roles)."""
    bundle = version.bundle
    editable = version.status in EDITABLE_STATUSES
    own = actor.pk in {version.created_by_id, version.submitted_by_id}
    return VersionActions(
        edit=editable and can_edit(actor, bundle),
        submit=editable and can_edit(actor, bundle),
        review=version.status == VersionStatus.SUBMITTED and can_review(actor, bundle) and not own,
        publish=version.status == VersionStatus.APPROVED and can_publish(actor, bundle),
        start_draft=version.status == VersionStatus.PUBLISHED and can_edit(actor, bundle)
        and not bundle.versions.exclude(status__in=[VersionStatus.PUBLISHED, VersionStatus.SUPERSEDED]).exists(),
    )


# --- The 一件事 window (pages/window.py) and 综合受理 -------------------------------------------
#
# The window intake is the general window's (综合窗口) work, as filing a single item for a walk-in
# applicant is in the cases app: the role window_clerk, at the outlet(s) where it is granted (a
# government service center, or an agency's own hall). Citizens, enterprises and staff without
# that role (reviewers, approvers, catalog staff) are refused. Which bundles a clerk may file at
# an outlet is the cases app's rule for each member (city-wide items anywhere, others only at
# the hall of their agency): `window_outlets_for_members`.
#
# 综合受理 is decided by the lead agency's window (a window clerk or reviewer at the lead agency),
# or — for a bundle filed at a window — by a window clerk at that outlet: the clerk there already
# receives each member case filed at her counter (cases' scope rule, 前台综合受理), so she decides
# them together, once.

WINDOW_ROLES = (Role.WINDOW_CLERK,)


def may_use_window(actor) -> bool:
    return bool(getattr(actor, "is_staff_member", False)) and has_role(actor, WINDOW_ROLES)


def window_denial() -> str:
    return f"一件事窗口受理仅向「{Role(Role.WINDOW_CLERK).label}」开放。如需使用，请联系管理员授予角色。"


def window_outlets_for_members(actor, member_ids) -> tuple[list, dict[int, list[int]]]:
    """The actor's window outlets where every member in `member_ids` may be filed, and for each
    outlet that may not, the members it cannot take ({outlet id: [implementation ids]})."""
    fits, refused = [], {}
    versions = {m: current_published_version_id(m) for m in member_ids}
    for outlet in window_outlets_of(actor):
        missing = [m for m, v in versions.items() if not outlet_accepts(version_id=v, outlet=outlet)]
        if missing:
            refused[outlet.pk] = missing
        else:
            fits.append(outlet)
    return fits, refused


def may_accept(actor, bundle_case) -> bool:
    """Whether `actor` may decide 综合受理 of `bundle_case` (see above)."""
    if not getattr(actor, "pk", None):
        return False
    lead = bundle_case.version.lead_agency
    if lead is not None and holds_acceptance_role_at(actor=actor, agency=lead):
        return True
    return bundle_case.outlet_id is not None and has_role(actor, WINDOW_ROLES, bundle_case.outlet)
