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


# Reads for the apps above (hotline routing and demo data), so they never import orgs.models.

def organisation_by_id(organisation_id: int) -> Organisation | None:
    return Organisation.objects.select_related("division").filter(pk=organisation_id).first()


def organisations_by_ids(ids: Iterable[int]) -> list[Organisation]:
    return list(Organisation.objects.select_related("division").filter(pk__in=list(ids)).order_by("path"))


def organisation_by_short_name(short_name: str) -> Organisation | None:
    return Organisation.objects.filter(short_name=short_name).order_by("is_demo", "path").first()


def organisations_with_role(roles: Iterable[str] | str) -> QuerySet[Organisation]:
    """Organisations where someone holds one of `roles` (e.g. the hotline's handling units)."""
    roles = [roles] if isinstance(roles, str) else list(roles)
    return Organisation.objects.filter(role_grants__role__in=roles).distinct().order_by("path")


def division_by_code(code: str):
    from yiwang.orgs.models import Division

    return Division.objects.filter(code=code).first()


def divisions_by_level(level: str, *, parent_code: str | None = None):
    from yiwang.orgs.models import Division

    qs = Division.objects.filter(level=level)
    if parent_code:
        qs = qs.filter(parent__code=parent_code)
    return qs.order_by("code")


def users_with_role(role: str, organisation: Organisation | None = None):
    grants = RoleGrant.objects.filter(role=role).select_related("user", "organisation")
    if organisation is not None:
        grants = grants.filter(organisation=organisation)
    return [g.user for g in grants.order_by("user_id")]
