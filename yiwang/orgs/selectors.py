"""Reads over the organisation tree and staff roles; data scope = subtree of a role's organisation."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q, QuerySet
from django.urls import NoReverseMatch, reverse

from yiwang.core.workbench import registered_links
from yiwang.orgs.constants import DivisionLevel
from yiwang.orgs.models import Division, Organisation, RoleGrant


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


# --- For the service map: organisations that are or run outlets, and the district they lie in ---


def organisations_with_kinds(kinds: Iterable[str]) -> QuerySet[Organisation]:
    """Every organisation of one of `kinds`, in tree order, with its division loaded."""
    return Organisation.objects.filter(kind__in=list(kinds)).select_related("division").order_by("path")


def organisations_by_short_names(names: Iterable[str]) -> dict[str, Organisation]:
    """Organisations by their short name (the seed's key; the demo loaders look agencies up by it)."""
    found: dict[str, Organisation] = {}
    for org in Organisation.objects.filter(short_name__in=list(names)).select_related("division").order_by("path"):
        found.setdefault(org.short_name, org)
    return found


def district_code_of(organisation: Organisation) -> str | None:
    """The GB/T 2260 code of the district or county the organisation's division lies in (walking up
    from a street or community), or None for city-wide, provincial and zone organisations."""
    division = Division.objects.filter(pk=organisation.division_id).first()
    while division is not None:
        if division.level == DivisionLevel.DISTRICT:
            return division.code
        division = Division.objects.filter(pk=division.parent_id).first() if division.parent_id else None
    return None


def divisions_of_level(level: str) -> QuerySet[Division]:
    return Division.objects.filter(level=level).order_by("code")
