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


def organisation_by_id(organisation_id) -> Organisation | None:
    """One organisation by id (None for a missing one or a value that is no id)."""
    try:
        pk = int(organisation_id)
    except (TypeError, ValueError, OverflowError):
        return None
    return Organisation.objects.filter(pk=pk).first() if 1 <= pk <= 2**63 - 1 else None


def organisations_of_kind(kind: str, *, excluding: int | None = None) -> QuerySet[Organisation]:
    """Every organisation of `kind`, in tree order (e.g. the departments a refusal may name)."""
    qs = Organisation.objects.filter(kind=kind).order_by("path")
    return qs.exclude(pk=excluding) if excluding else qs


def nearest_of_kind(organisation_id: int, kind: str) -> tuple[int, str] | None:
    """(id, path) of the first organisation of `kind` in the organisation's division, else in the
    nearest ancestor division (e.g. the service center where an agency's items are accepted).
    An organisation above every such hall (a provincial office the city hosts, e.g. the central
    bank's branch) takes the hall of the organisation it sits under in the tree."""
    organisation = Organisation.objects.select_related("division").get(pk=organisation_id)
    while organisation is not None:
        division = organisation.division
        while division is not None:
            found = (Organisation.objects.filter(kind=kind, division=division).order_by("path")
                     .values_list("pk", "path").first())
            if found:
                return found
            division = division.parent
        organisation = organisation.parent
    return None


def role_holders_over(organisation: Organisation, role: str) -> list:
    """Active users holding `role` at `organisation` or above it (whom a role there covers),
    ordered by name, each once."""
    path = organisation.path
    prefixes = {path[: i + 1] for i, ch in enumerate(path) if ch == "/" and i > 0}
    grants = (RoleGrant.objects.filter(role=role, organisation__path__in=prefixes)
              .select_related("user").order_by("user__real_name", "user__username"))
    seen, people = set(), []
    for grant in grants:
        if grant.user_id not in seen and grant.user.is_active:
            seen.add(grant.user_id)
            people.append(grant.user)
    return people


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


def grants_of(user) -> list[RoleGrant]:
    """Every role grant of `user`, read fresh (not the per-instance cache of role_grants_for):
    for deciding about another person's account."""
    return list(RoleGrant.objects.filter(user=user).select_related("organisation"))


def holders_of_grants_outside(actor, roles: Iterable[str] | str) -> QuerySet:
    """Ids of the users holding any grant outside the subtrees where `actor` holds one of `roles`
    (a subquery: `users.exclude(pk__in=…)`)."""
    return RoleGrant.objects.exclude(scope_filter(actor, roles, path_field="organisation__path")).values("user_id")


def role_grant_by_id(grant_id: int) -> RoleGrant:
    return RoleGrant.objects.select_related("organisation").get(pk=grant_id)


def division_by_code(code: str) -> Division | None:
    return Division.objects.filter(code=code).first()


def organisation_by_short_name(short_name: str, *, exact: bool = True) -> Organisation | None:
    """The organisation with this short name (or whose short name contains it), real ones before
    demo ones, higher in the tree first."""
    match = Organisation.objects.filter(short_name=short_name) if exact else Organisation.objects.filter(short_name__contains=short_name)
    return match.order_by("is_demo", "path").first()


def organisation_named(*, parent: Organisation | None, name: str) -> Organisation | None:
    return Organisation.objects.filter(parent=parent, name=name).first()


def organisations_where(condition: Q) -> QuerySet[Organisation]:
    """Organisations matching a condition another app composes (a scope filter, kinds …)."""
    return Organisation.objects.filter(condition)


def organisations_by_id(ids: Iterable[int]) -> dict[int, Organisation]:
    ids = list(ids)
    return {o.pk: o for o in Organisation.objects.filter(pk__in=ids)} if ids else {}


def organisation_path(organisation_id) -> str | None:
    return Organisation.objects.filter(pk=organisation_id).values_list("path", flat=True).first()


def organisations_by_uscc_or_name(*, uscc: str = "", name: str = "", limit: int = 2) -> list[Organisation]:
    """Organisations with this USCC (narrowed by name when several share it), else with this name;
    at most `limit` (callers want "exactly one")."""
    candidates = Organisation.objects.all()
    if uscc:
        candidates = candidates.filter(uscc=uscc)
        if name and candidates.count() > 1:
            candidates = candidates.filter(name=name)
    elif name:
        candidates = candidates.filter(name=name)
    else:
        return []
    return list(candidates[:limit])


def organisations_by_short_name(names: Iterable[str]) -> dict[str, Organisation]:
    """Organisations by their short name (how the seed tables name them; the loaders look agencies
    up by it); the one highest in the tree where two share a name."""
    found: dict[str, Organisation] = {}
    for org in Organisation.objects.filter(short_name__in=list(names)).select_related("division").order_by("path"):
        found.setdefault(org.short_name, org)
    return found


# Reads for the apps above (hotline routing and demo data), so they never import orgs.models.

def organisations_by_ids(ids: Iterable[int]) -> list[Organisation]:
    return list(Organisation.objects.select_related("division").filter(pk__in=list(ids)).order_by("path"))


def organisations_with_role(roles: Iterable[str] | str) -> QuerySet[Organisation]:
    """Organisations where someone holds one of `roles` (e.g. the hotline's handling units)."""
    roles = [roles] if isinstance(roles, str) else list(roles)
    return Organisation.objects.filter(role_grants__role__in=roles).distinct().order_by("path")


def divisions_by_level(level: str, *, parent_code: str | None = None) -> QuerySet[Division]:
    qs = Division.objects.filter(level=level)
    if parent_code:
        qs = qs.filter(parent__code=parent_code)
    return qs.order_by("code")


def users_with_role(role: str, organisation: Organisation | None = None) -> list:
    grants = RoleGrant.objects.filter(role=role).select_related("user", "organisation")
    if organisation is not None:
        grants = grants.filter(organisation=organisation)
    return [g.user for g in grants.order_by("user_id")]


# --- For the service map: organisations that are or run outlets, and the district they lie in ---


def organisations_with_kinds(kinds: Iterable[str]) -> QuerySet[Organisation]:
    """Every organisation of one of `kinds`, in tree order, with its division loaded."""
    return Organisation.objects.filter(kind__in=list(kinds)).select_related("division").order_by("path")


def district_code_of(organisation: Organisation) -> str | None:
    """The GB/T 2260 code of the district or county the organisation's division lies in (walking up
    from a street or community), or None for city-wide, provincial and zone organisations."""
    division = Division.objects.filter(pk=organisation.division_id).first()
    while division is not None:
        if division.level == DivisionLevel.DISTRICT:
            return division.code
        division = Division.objects.filter(pk=division.parent_id).first() if division.parent_id else None
    return None


def organisation_by_uscc(uscc: str) -> Organisation | None:
    code = (uscc or "").strip().upper()
    return Organisation.objects.select_related("division").filter(uscc=code).order_by("is_demo", "path").first() if code else None


# Outlets where anyone may apply for anything the city handles (综合窗口): the window of a
# government service centre, a street's or a community's service centre.
GENERAL_WINDOW_KINDS = frozenset({"service_center", "street_center", "community_station"})


def city_division_ids(organisation: Organisation) -> list[int]:
    """The divisions of the city the organisation lies in (the city, its districts and zones, their
    streets and communities); empty when the organisation is above or outside any city."""
    division = organisation.division
    while division is not None and division.level != DivisionLevel.CITY:
        division = division.parent
    if division is None:
        return []
    ids, frontier = [division.pk], [division.pk]
    while frontier:
        frontier = list(Division.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
        ids += frontier
    return ids
