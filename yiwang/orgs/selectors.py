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


def organisation_by_short_name(short_name: str) -> Organisation | None:
    """The organisation the seed tables name this way (short names are how other apps refer to an
    agency, see orgs/seed/xian_organisations.py); a real one before a demo fallback."""
    return (Organisation.objects.select_related("division").filter(short_name=short_name)
            .order_by("is_demo", "path").first())


def organisation_by_id(organisation_id) -> Organisation | None:
    try:
        pk = int(organisation_id)
    except (TypeError, ValueError):
        return None
    return Organisation.objects.select_related("division").filter(pk=pk).first() if 0 < pk < 2**63 else None


def organisations_by_ids(ids: Iterable[int]) -> dict[int, Organisation]:
    ids = [i for i in ids if isinstance(i, int)]
    return {o.pk: o for o in Organisation.objects.filter(pk__in=ids)} if ids else {}


def organisation_by_uscc(uscc: str) -> Organisation | None:
    code = (uscc or "").strip().upper()
    return Organisation.objects.select_related("division").filter(uscc=code).order_by("is_demo", "path").first() if code else None
