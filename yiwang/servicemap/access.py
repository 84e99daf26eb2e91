"""Who may maintain which outlet: hall managers (大厅管理人员) and administrators of the outlet's
operator or an organisation above it (a role covers the subtree); superusers and the system
(actor None: demo loaders) everywhere. The public reads active outlets without any check."""

from __future__ import annotations

from django.db.models import QuerySet

from yiwang.core.errors import NotFound, PermissionDenied
from yiwang.orgs.constants import OrganisationKind, Role
from yiwang.orgs.selectors import (
    has_role,
    organisations_in_scope,
    organisations_with_kinds,
    role_grants_for,
    scope_filter,
)
from yiwang.servicemap.constants import ErrorCode
from yiwang.servicemap.models import Outlet

MANAGER_ROLES = (Role.HALL_MANAGER, Role.ADMINISTRATOR)
# Who reads the coverage of the service circle: those who plan outlets and those who lead.
COVERAGE_ROLES = (Role.HALL_MANAGER, Role.ADMINISTRATOR, Role.LEADER, Role.SUPERVISOR)


def _everywhere(actor) -> bool:
    return actor is None or bool(getattr(actor, "is_superuser", False) and getattr(actor, "is_active", False))


def is_outlet_manager(actor) -> bool:
    """May open the outlet pages at all (holds a managing role somewhere)."""
    return _everywhere(actor) or bool(getattr(actor, "is_active", False) and role_grants_for(actor, MANAGER_ROLES))


def can_read_coverage(actor) -> bool:
    return _everywhere(actor) or bool(getattr(actor, "is_active", False) and role_grants_for(actor, COVERAGE_ROLES))


def can_manage_operator(actor, operator) -> bool:
    if _everywhere(actor):
        return True
    return bool(getattr(actor, "is_active", False)) and has_role(actor, MANAGER_ROLES, operator)


def require_operator(actor, operator, *, doing: str) -> None:
    if not can_manage_operator(actor, operator):
        raise PermissionDenied(f"无权为“{operator.name}”{doing}：需要该单位或其上级单位的“大厅管理人员”角色。",
                               code=ErrorCode.NOT_HALL_MANAGER)


def outlets_in_scope(actor) -> QuerySet[Outlet]:
    qs = Outlet.objects.select_related("operator", "hall")
    if _everywhere(actor):
        return qs
    return qs.filter(scope_filter(actor, MANAGER_ROLES, path_field="operator__path"))


def operators_in_scope(actor):
    """Organisations the actor may create outlets for."""
    if _everywhere(actor):
        return organisations_with_kinds(OrganisationKind.values)
    return organisations_in_scope(actor, MANAGER_ROLES).select_related("division").order_by("path")


def access_outlet_by_id(*, actor, outlet_id) -> Outlet:
    """An outlet the actor may maintain; NotFound alike for missing and out of scope."""
    try:
        pk = int(outlet_id)
    except (TypeError, ValueError, OverflowError):
        pk = 0
    outlet = outlets_in_scope(actor).filter(pk=pk).first() if 1 <= pk <= 2**63 - 1 else None
    if outlet is None:
        raise NotFound("未找到该服务网点，或它不在您的管辖范围内。", code=ErrorCode.OUTLET_NOT_FOUND)
    return outlet
