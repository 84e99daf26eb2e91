"""Reads of the service map (a package: the public map, the service circle, the staff pages).

    outlets_nearest(*, lat, lng, crs="wgs84", item_id=None, kind=None, facility=None, limit=10,
                    radius_km=None, now=None) -> NearestResult
    outlet_list(*, district="", kind="", item_id=None, q="", page=1, page_size=20, now=None) -> OutletPage
    outlet_detail(outlet_id, *, now=None, lat=None, lng=None, crs="wgs84") -> OutletDetail
    items_offered(q="", *, limit=30) -> list[PublishedItem]     items some outlet accepts, by words
    reference_places() -> list[PlaceGroup]                     halls people pick as "I am near …"
    service_map_search(**query) -> MapSearch                   everything the public map page shows
    outlet_status(record) -> OutletStatus | None               the queue now (hook of higher apps)
    coverage_report(*, minutes=None, speed_kmh=None, detour=None, gap_cell_deg=0.01) -> CoverageReport
    outlets_for_staff / outlet_form_choices / outlet_maintenance / items_for_staff   staff pages
"""

from yiwang.servicemap.selectors.maintenance import (
    OutletFormChoices,
    OutletMaintenance,
    items_for_staff,
    outlet_form_choices,
    outlet_maintenance,
    outlets_for_staff,
)
from yiwang.servicemap.selectors.outlets import (
    OUTLET_STATUS_HOOK,
    ItemGroup,
    MapSearch,
    NearestOutlet,
    NearestResult,
    OutletDetail,
    OutletListEntry,
    OutletPage,
    OutletStatus,
    PlaceGroup,
    area_point,
    clean_query,
    day_type_of,
    distance_text,
    forget_day_types,
    items_offered,
    locker_areas,
    nearby_lockers,
    outlet_detail,
    outlet_list,
    outlet_status,
    outlets_nearest,
    place_location,
    reference_places,
    service_map_search,
)
from yiwang.servicemap.selectors.service_circle import (
    CoverageReport,
    DistrictCoverage,
    circle_minutes,
    coverage_report,
    population_arrays,
    walking_model,
)

__all__ = [
    "OUTLET_STATUS_HOOK", "CoverageReport", "DistrictCoverage", "ItemGroup", "MapSearch", "NearestOutlet",
    "NearestResult", "OutletDetail", "OutletFormChoices", "OutletListEntry", "OutletMaintenance", "OutletPage",
    "OutletStatus", "PlaceGroup", "circle_minutes", "area_point", "locker_areas",
    "nearby_lockers", "clean_query", "coverage_report", "day_type_of", "distance_text",
    "forget_day_types", "items_for_staff", "items_offered", "outlet_detail", "outlet_form_choices", "outlet_list",
    "outlet_maintenance", "outlet_status", "outlets_for_staff", "outlets_nearest", "place_location",
    "population_arrays", "reference_places", "service_map_search", "walking_model",
]
