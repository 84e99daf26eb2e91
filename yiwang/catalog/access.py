"""Who may see and change which implementations and versions. The only way an editor page or an
editor API call obtains one: missing and out-of-scope answer alike (NotFound), so the existence of
another agency's drafts is not leaked (Zulip's access_stream_by_id).

Scope: a role granted at an organisation covers its subtree (yiwang.orgs.selectors.has_role).
- catalog_editor over the implementing agency: create, edit, submit, start drafts, publish;
- catalog_reviewer over the agency: review (approve/return), publish;
- either role: read every version, its history and diffs.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from yiwang.catalog.constants import EDITABLE_STATUSES, VersionStatus
from yiwang.catalog.models import ImplementationVersion, ItemImplementation
from yiwang.catalog.version_input import is_id
from yiwang.core.errors import NotFound, PermissionDenied
from yiwang.orgs.constants import Role
from yiwang.orgs.selectors import has_role, organisations_where, role_grants_for, scope_filter

CATALOG_ROLES = (Role.CATALOG_EDITOR, Role.CATALOG_REVIEWER)


def can_edit(actor, agency) -> bool:
    return has_role(actor, Role.CATALOG_EDITOR, agency)


def can_review(actor, agency) -> bool:
    return has_role(actor, Role.CATALOG_REVIEWER, agency)


def can_publish(actor, agency) -> bool:
    return has_role(actor, CATALOG_ROLES, agency)


def is_catalog_staff(actor) -> bool:
    """Holds an editor or reviewer role anywhere (may open the editor pages)."""
    return bool(role_grants_for(actor, CATALOG_ROLES))


def require_editor(actor, agency) -> None:
    if not can_edit(actor, agency):
        raise PermissionDenied(f"您不是「{agency}」的事项编辑，不能修改其实施清单。请联系管理员授予「事项编辑」角色。")


def require_reviewer(actor, agency) -> None:
    if not can_review(actor, agency):
        raise PermissionDenied(f"您不是「{agency}」的事项审核人员，不能审核其事项版本。请联系管理员授予「事项审核」角色。")


def require_publisher(actor, agency) -> None:
    if not can_publish(actor, agency):
        raise PermissionDenied(f"只有「{agency}」的事项编辑或审核人员可以发布其事项版本。")


def implementations_in_scope(actor, roles=CATALOG_ROLES) -> QuerySet[ItemImplementation]:
    return ItemImplementation.objects.filter(scope_filter(actor, roles, path_field="agency__path"))


def versions_in_scope(actor, roles=CATALOG_ROLES) -> QuerySet[ImplementationVersion]:
    return ImplementationVersion.objects.filter(scope_filter(actor, roles, path_field="implementation__agency__path"))


def _not_found(what: str, ident) -> NotFound:
    return NotFound(f"未找到编号为 {ident} 的{what}，或您无权访问。")


def _pk(value, what: str) -> int:
    try:
        pk = int(value)
    except (TypeError, ValueError, OverflowError):
        raise _not_found(what, value) from None
    if not is_id(pk):
        raise _not_found(what, value)
    return pk


def _implementation(actor, implementation_id, roles) -> ItemImplementation:
    pk = _pk(implementation_id, "实施清单事项")
    found = (implementations_in_scope(actor, roles).select_related("agency", "base_item", "current_version")
             .filter(pk=pk).first())
    if found is None:
        raise _not_found("实施清单事项", implementation_id)
    return found


def _version(actor, version_id, roles) -> ImplementationVersion:
    pk = _pk(version_id, "事项版本")
    found = (versions_in_scope(actor, roles)
             .select_related("implementation__agency", "implementation__base_item", "implementation__current_version")
             .filter(pk=pk).first())
    if found is None:
        raise _not_found("事项版本", version_id)
    return found


def access_implementation_for_editing(*, actor, implementation_id) -> ItemImplementation:
    """An implementation the actor may edit (catalog_editor over its agency)."""
    return _implementation(actor, implementation_id, (Role.CATALOG_EDITOR,))


def access_implementation_for_staff(*, actor, implementation_id) -> ItemImplementation:
    """An implementation the actor may look at as catalog staff (editor or reviewer)."""
    return _implementation(actor, implementation_id, CATALOG_ROLES)


def access_version_for_editing(*, actor, version_id) -> ImplementationVersion:
    return _version(actor, version_id, (Role.CATALOG_EDITOR,))


def access_version_for_review(*, actor, version_id) -> ImplementationVersion:
    return _version(actor, version_id, (Role.CATALOG_REVIEWER,))


def access_version_for_staff(*, actor, version_id) -> ImplementationVersion:
    """A version of any status the actor may read (editor or reviewer over its agency)."""
    return _version(actor, version_id, CATALOG_ROLES)


def editable_agencies_filter(actor) -> Q:
    """Organisations where the actor may create implementations."""
    return scope_filter(actor, Role.CATALOG_EDITOR)


def editable_agencies(actor) -> QuerySet:
    """The organisations where the actor may create implementations, top of the tree first."""
    return organisations_where(editable_agencies_filter(actor)).order_by("path")


def is_own_version(actor, version: ImplementationVersion) -> bool:
    """The actor wrote or submitted this version (and so may not review it: four eyes)."""
    return actor.pk in {version.created_by_id, version.submitted_by_id}


def version_is_editable(version: ImplementationVersion) -> bool:
    """A draft or a returned version: it may be edited, checked and submitted (lifecycle)."""
    return version.status in EDITABLE_STATUSES


def _has_open_version(implementation: ItemImplementation) -> bool:
    # A draft, submitted, returned or approved version exists: no second draft may be started.
    return implementation.versions.exclude(status__in=[VersionStatus.PUBLISHED, VersionStatus.SUPERSEDED]).exists()


def version_actions_for(*, actor, version: ImplementationVersion) -> dict[str, bool]:
    """What the actor may do with this version now (the editor pages' buttons). `review` needs a
    reviewer over the agency who is not its author; `may_review_status` is the same without the
    four-eyes part (the review page explains that case itself)."""
    agency = version.implementation.agency
    editable = version_is_editable(version) and can_edit(actor, agency)
    may_review_status = version.status == VersionStatus.SUBMITTED and can_review(actor, agency)
    return {
        "edit": editable,
        "submit": editable,
        "review": may_review_status and not is_own_version(actor, version),
        "may_review_status": may_review_status,
        "publish": version.status == VersionStatus.APPROVED and can_publish(actor, agency),
        "start_draft": version.status == VersionStatus.PUBLISHED and can_edit(actor, agency)
        and not _has_open_version(version.implementation),
    }


def can_start_draft(actor, implementation: ItemImplementation, versions: list[ImplementationVersion]) -> bool:
    """From the history page (all versions at hand): a published version, no open one, an editor."""
    published = any(v.status == VersionStatus.PUBLISHED for v in versions)
    has_open = any(v.status not in (VersionStatus.PUBLISHED, VersionStatus.SUPERSEDED) for v in versions)
    return published and not has_open and can_edit(actor, implementation.agency)
