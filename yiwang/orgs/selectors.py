"""Reads over the organisation tree and staff roles; data scope = subtree of a role's organisation."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q, QuerySet
from django.urls import NoReverseMatch, reverse

from yiwang.orgs.constants import Role
from yiwang.orgs.models import Organisation, RoleGrant


def role_grants_for(user, roles: Iterable[str] | None = None) -> list[RoleGrant]:
    if not getattr(user, "is_authenticated", False):
        return []
    cache = getattr(user, "_role_grant_cache", None)
    if cache is None:
        cache = list(RoleGrant.objects.filter(user=user).select_related("organisation"))
        user._role_grant_cache = cache
    wanted = set(roles) if roles is not None else None
    return [g for g in cache if wanted is None or g.role in wanted]


def has_role(user, roles: Iterable[str] | str, organisation: Organisation | None = None) -> bool:
    """True if the user holds one of `roles` at `organisation` or at one of its ancestors
    (anywhere, when `organisation` is None)."""
    roles = [roles] if isinstance(roles, str) else list(roles)
    return any(organisation is None or organisation.path.startswith(grant.organisation.path)
               for grant in role_grants_for(user, roles))


def scope_filter(user, roles: Iterable[str] | str, *, path_field: str = "path") -> Q:
    """A Q that keeps rows whose organisation path lies in a subtree where the user holds a role.
    Matches nothing when the user holds none of the roles."""
    roles = [roles] if isinstance(roles, str) else list(roles)
    q = Q(pk__in=[])
    for grant in role_grants_for(user, roles):
        q |= Q(**{f"{path_field}__startswith": grant.organisation.path})
    return q


def organisations_in_scope(user, roles: Iterable[str] | str) -> QuerySet[Organisation]:
    return Organisation.objects.filter(scope_filter(user, roles))


# The staff landing page: which tools each role opens. URL names that do not exist yet (a later
# issue's page) are skipped rather than failing the page.
_WORKBENCH = [
    ({Role.WINDOW_CLERK}, "cases:clerk_workbench", "综合窗口受理", "核验身份、代为申请、受理决定、打印文书、出件。"),
    ({Role.DEPT_REVIEWER, Role.DEPT_APPROVER}, "cases:worklist", "部门办件", "待办任务、倒计时、审查与决定。"),
    ({Role.SUPERVISOR, Role.ADMINISTRATOR}, "cases:warnings", "电子监察", "黄牌、红牌预警与超期办件。"),
    ({Role.CATALOG_EDITOR, Role.CATALOG_REVIEWER}, "catalog:editor_list", "事项管理", "编辑草稿、提交审核、发布、版本对比。"),
    ({Role.ADMINISTRATOR}, "workdays:admin_calendar", "工作日历", "录入新一年的节假日与调休，导入文件。"),
    ({Role.ADMINISTRATOR}, "admin:index", "系统管理", "组织机构、人员与角色授权。"),
]


def workbench_links_for(user) -> list[dict]:
    held = {g.role for g in role_grants_for(user)}
    links = []
    for roles, url_name, title, description in _WORKBENCH:
        if held & {r.value for r in roles}:
            try:
                links.append({"url": reverse(url_name), "title": title, "description": description})
            except NoReverseMatch:
                continue
    return links
