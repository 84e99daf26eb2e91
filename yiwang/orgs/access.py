"""Permission checks over the organisation tree: the one place that decides who may act where.

A role granted at an organisation covers its whole subtree (orgs.selectors.has_role). Superusers
and the system itself (actor None: seed and demo commands) act everywhere.
"""

from __future__ import annotations

from collections.abc import Iterable

from yiwang.core.errors import NotFound, PermissionDenied
from yiwang.orgs.constants import Role
from yiwang.orgs.models import Organisation
from yiwang.orgs.selectors import has_role, scope_filter


def is_system_or_superuser(actor) -> bool:
    return actor is None or bool(getattr(actor, "is_superuser", False) and getattr(actor, "is_active", False))


def can_administer(actor, organisation: Organisation | None) -> bool:
    """True if `actor` is an administrator at `organisation` or one of its ancestors. Only the
    system and superusers may administer the top of the tree (organisation None = a new root)."""
    if is_system_or_superuser(actor):
        return True
    if organisation is None or not getattr(actor, "is_active", False):
        return False
    return has_role(actor, Role.ADMINISTRATOR, organisation)


def require_administrator(actor, organisation: Organisation | None, *, doing: str) -> None:
    if can_administer(actor, organisation):
        return
    where = f"“{organisation.name}”" if organisation is not None else "顶层（无上级机构）"
    raise PermissionDenied(
        f"无权在{where}{doing}：需要该机构或其上级机构的“系统管理员”角色。",
        code="not_administrator",
    )


def access_organisation_by_id(*, actor, organisation_id: int, roles: Iterable[str] | str) -> Organisation:
    """The organisation if it lies in a subtree where `actor` holds one of `roles`; NotFound
    otherwise — missing and out-of-scope look alike, so scope does not leak existence."""
    queryset = Organisation.objects.all()
    if not is_system_or_superuser(actor):
        queryset = queryset.filter(scope_filter(actor, roles))
    organisation = queryset.filter(pk=organisation_id).first()
    if organisation is None:
        raise NotFound("未找到该机构，或它不在您的管辖范围内。", code="organisation_not_found")
    return organisation


def may_manage_calendar(*, user) -> bool:
    """The answer to workdays' hook `workdays.may_manage_calendar`: the working-day calendar is
    national, so its keepers are administrators (at any organisation)."""
    return has_role(user, Role.ADMINISTRATOR)
