"""Reads over the organisation tree and staff roles; data scope = subtree of a role's organisation."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q, QuerySet
from django.urls import NoReverseMatch, reverse

from yiwang.core.workbench import registered_links
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


def organisation_by_name(name: str) -> Organisation | None:
    """The organisation with this short name (else full name); real rows before demo rows, the
    shallowest first. For seed and demo loaders that know organisations by name."""
    for field in ("short_name", "name"):
        found = Organisation.objects.filter(**{field: name}).order_by("is_demo", "path").first()
        if found is not None:
            return found
    return None


def users_holding_role(role: str, organisation: Organisation) -> list:
    """Active staff whose grant of `role` covers `organisation` (granted there or at an ancestor),
    by name: whom a task at that organisation may be assigned to."""
    ancestors = [p for p in organisation.path.split("/") if p]
    paths = ["/" + "/".join(ancestors[:i]) + "/" for i in range(1, len(ancestors) + 1)]
    grants = (RoleGrant.objects.filter(role=role, organisation__path__in=paths, user__is_active=True)
              .select_related("user").order_by("user__real_name", "user__username"))
    users = {}
    for grant in grants:
        users.setdefault(grant.user_id, grant.user)
    return list(users.values())


def workbench_links_for(user) -> list[dict]:
    """The registered workbench links (yiwang.core.workbench) of the roles the user holds. A URL
    name that does not resolve (an app switched off) is skipped rather than failing the page."""
    held = {g.role for g in role_grants_for(user)}
    links = []
    for link in registered_links():
        if held & link.roles:
            try:
                links.append({"url": reverse(link.url_name), "title": link.title, "description": link.description})
            except NoReverseMatch:
                continue
    return links
