"""Reads behind the public browsing pages: the life-cycle trees, departments and their items.

Search and the guide itself come from catalog/selectors.py (`catalog_search`,
`implementation_detail`); what is public is decided there too (`published_versions`: the guide in
force of each implementation). Every read here fetches what its page shows in a fixed number of
queries, so a page costs the same with 25 or 2,500 items.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Count, Prefetch, Q, QuerySet

from yiwang.catalog.constants import CATALOG_FLAGS, LifeSubject, VersionStatus
from yiwang.catalog.models import ImplementationVersion, LifeEvent, LifeStage, LifeTheme
from yiwang.catalog.selectors import published_versions
from yiwang.orgs.constants import ExerciseLevel, OrganisationKind
from yiwang.orgs.selectors import organisations_where

if TYPE_CHECKING:
    from yiwang.orgs.models import Organisation

# Organisations that decide (实施主体) and appear in "按部门办事"; halls and governments do not.
AGENCY_KINDS = (OrganisationKind.DEPARTMENT, OrganisationKind.OTHER)
# Exercise levels shown under "市级部门"; the rest are grouped by district.
CITY_LEVELS = (ExerciseLevel.NATIONAL, ExerciseLevel.PROVINCIAL, ExerciseLevel.CITY)

# The list filters of the search page, in display order: version field -> label (the labels of
# constants.CATALOG_FLAGS, the names citizens know from the halls' notice boards).
SEARCH_FLAGS: dict[str, str] = {key: CATALOG_FLAGS[key] for key in (
    "commitment_eligible", "deferred_material_eligible", "city_wide", "weekend_service", "high_frequency")}


def _events_with_counts() -> QuerySet[LifeEvent]:
    published = Q(implementations__versions__status=VersionStatus.PUBLISHED)
    return LifeEvent.objects.annotate(item_count=Count("implementations__versions", filter=published, distinct=True))


def life_stages(subject: str) -> list[LifeStage]:
    """The stages of one subject's tree, each with its themes and their events (with the number of
    public items per event): three queries."""
    events = _events_with_counts().order_by("order", "id")
    themes = LifeTheme.objects.order_by("order", "id").prefetch_related(Prefetch("events", queryset=events))
    return list(LifeStage.objects.filter(subject=subject).order_by("order", "id")
                .prefetch_related(Prefetch("themes", queryset=themes)))


def home_stages() -> dict[str, list[LifeStage]]:
    """Stages of both trees for the home page cards, with their themes (two queries)."""
    stages = (LifeStage.objects.order_by("subject", "order", "id")
              .prefetch_related(Prefetch("themes", queryset=LifeTheme.objects.order_by("order", "id"))))
    grouped: dict[str, list[LifeStage]] = {LifeSubject.PERSON: [], LifeSubject.ENTERPRISE: []}
    for stage in stages:
        grouped.setdefault(stage.subject, []).append(stage)
    return grouped


def life_event(event_id: int) -> tuple[LifeEvent, list[ImplementationVersion]] | None:
    """An event with its stage and theme, and the guides in force of its items; None if there is
    no such event."""
    event = LifeEvent.objects.select_related("theme__stage").filter(pk=event_id).first()
    if event is None:
        return None
    return event, list(published_versions().filter(implementation__life_events=event).order_by("name", "pk"))


@dataclass
class AgencyEntry:
    agency: Organisation
    items: list[ImplementationVersion] = field(default_factory=list)


@dataclass
class AgencyGroup:
    key: str
    title: str
    subgroups: OrderedDict[str, list[AgencyEntry]]

    @property
    def agency_count(self) -> int:
        return sum(len(entries) for entries in self.subgroups.values())


def agencies_with_items() -> list[AgencyGroup]:
    """Departments that have public items, grouped "市级部门" then "区县部门" (by district), each with
    its items: one query whatever the size of the catalog."""
    versions = (published_versions().filter(implementation__agency__kind__in=AGENCY_KINDS)
                .select_related("implementation__agency__division")
                .order_by("implementation__agency__name", "name", "pk"))
    entries: OrderedDict[int, AgencyEntry] = OrderedDict()
    for version in versions:
        agency = version.implementation.agency
        entries.setdefault(agency.pk, AgencyEntry(agency)).items.append(version)

    city = AgencyGroup("city", "市级部门", OrderedDict())
    local = AgencyGroup("district", "区县部门", OrderedDict())
    for entry in entries.values():
        if entry.agency.level in CITY_LEVELS:
            city.subgroups.setdefault("", []).append(entry)
        else:
            local.subgroups.setdefault(entry.agency.division.name, []).append(entry)
    local.subgroups = OrderedDict(sorted(local.subgroups.items()))
    return [group for group in (city, local) if group.subgroups]


def agency_filter_options() -> list[Organisation]:
    """Departments offered in the search filter: those with at least one public item."""
    return list(organisations_where(Q(kind__in=AGENCY_KINDS, implementations__versions__status=VersionStatus.PUBLISHED))
                .distinct().order_by("level", "name").only("id", "name", "level"))


def agency_with_items(org_id: int) -> tuple[Organisation, list[ImplementationVersion]] | None:
    agency = organisations_where(Q(pk=org_id, kind__in=AGENCY_KINDS)).first()
    if agency is None:
        return None
    return agency, list(published_versions().filter(implementation__agency=agency).order_by("name", "pk"))
