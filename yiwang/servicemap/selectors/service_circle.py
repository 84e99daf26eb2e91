"""Coverage of the service circle over the population points (the numbers: coverage.py)."""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from django.conf import settings

from yiwang.servicemap.constants import (
    DEFAULT_CIRCLE_MINUTES,
    DEFAULT_DETOUR_FACTOR,
    DEFAULT_WALKING_SPEED_KMH,
)
from yiwang.servicemap.coverage import DistrictShare, GapCell, circle_radius_m, covered_mask, gap_cells, shares_by_district
from yiwang.servicemap.districts import DISTRICTS
from yiwang.servicemap.models import PopulationPoint
from yiwang.servicemap.outlet_index import ServiceMapIndex, get_index

# --- Coverage of the service circle ------------------------------------------------------------


@dataclass(frozen=True)
class DistrictCoverage:
    code: str
    name: str
    minutes: int
    radius_m: float
    population: int
    covered: int
    outlets: int

    @property
    def share(self) -> float:
        return self.covered / self.population if self.population else 0.0

    @property
    def share_text(self) -> str:
        return f"{self.share * 100:.1f}%" if self.population else "—"


@dataclass(frozen=True)
class CoverageReport:
    districts: list[DistrictCoverage]
    population: int
    covered: int
    gaps: list[GapCell]
    speed_kmh: float
    detour: float
    outlets: int
    points: int
    seconds: float

    @property
    def share(self) -> float:
        return self.covered / self.population if self.population else 0.0

    @property
    def share_text(self) -> str:
        return f"{self.share * 100:.1f}%" if self.population else "—"


def circle_minutes() -> dict[str, int]:
    configured = getattr(settings, "SERVICEMAP_CIRCLE_MINUTES", None) or {}
    return {**DEFAULT_CIRCLE_MINUTES, **configured}


def walking_model() -> tuple[float, float]:
    return (float(getattr(settings, "SERVICEMAP_WALKING_SPEED_KMH", DEFAULT_WALKING_SPEED_KMH)),
            float(getattr(settings, "SERVICEMAP_DETOUR_FACTOR", DEFAULT_DETOUR_FACTOR)))


def population_arrays(index: ServiceMapIndex):
    cached = getattr(index, "_population", None)
    if cached is None:
        rows = PopulationPoint.objects.values_list("district_code", "lat", "lng", "population")
        codes = list(DISTRICTS)
        position = {c: i for i, c in enumerate(codes)}
        district_idx, lats, lngs, pops = [], [], [], []
        for code, lat, lng, pop in rows.iterator(chunk_size=5000):
            if code not in position:
                position[code] = len(codes)
                codes.append(code)
            district_idx.append(position[code])
            lats.append(lat)
            lngs.append(lng)
            pops.append(pop)
        cached = (codes, np.array(district_idx, dtype=np.int64), np.array(lats, dtype=np.float64),
                  np.array(lngs, dtype=np.float64), np.array(pops, dtype=np.float64))
        index._population = cached
    return cached


def coverage_report(*, minutes: Mapping[str, int] | None = None, speed_kmh: float | None = None,
                    detour: float | None = None, gap_cell_deg: float = 0.01) -> CoverageReport:
    """The share of residents within walking time of an outlet handling community-level items,
    per district: 15 minutes in the city, 10 in 雁塔区 (seed 000, seed 002) unless `minutes` says
    otherwise; walking speed and detour factor from settings unless given."""
    index = get_index()
    started = time.perf_counter()
    default_speed, default_detour = walking_model()
    speed = float(speed_kmh or default_speed)
    detour = float(detour or default_detour)
    table = {**circle_minutes(), **(minutes or {})}
    key = (speed, detour, tuple(sorted(table.items())), gap_cell_deg)
    cache = index.__dict__.setdefault("_coverage", {})
    if key in cache:
        return cache[key]
    codes, district_idx, p_lat, p_lng, pops = population_arrays(index)
    minutes_of = [int(table.get(c, table["default"])) for c in codes]
    radii = np.array([circle_radius_m(minutes=m, speed_kmh=speed, detour=detour) for m in minutes_of])
    qualifying = [r for r in index.records if index.serves_personal_items(r)]
    o_lat = np.array([r.lat for r in qualifying], dtype=np.float64)
    o_lng = np.array([r.lng for r in qualifying], dtype=np.float64)
    covered = covered_mask(p_lat, p_lng, radii[district_idx] if len(district_idx) else 0.0, o_lat, o_lng)
    shares: list[DistrictShare] = shares_by_district(codes, district_idx, pops, covered)
    outlet_counts: dict[str, int] = {}
    for r in qualifying:
        outlet_counts[r.district_code] = outlet_counts.get(r.district_code, 0) + 1
    districts = [DistrictCoverage(s.code, DISTRICTS[s.code].name if s.code in DISTRICTS else s.code, minutes_of[i],
                                  float(radii[i]), s.population, s.covered, outlet_counts.get(s.code, 0))
                 for i, s in enumerate(shares) if s.population]
    report = CoverageReport(
        districts=districts, population=sum(d.population for d in districts), covered=sum(d.covered for d in districts),
        gaps=gap_cells(p_lat, p_lng, pops, covered, size_deg=gap_cell_deg), speed_kmh=speed, detour=detour,
        outlets=len(qualifying), points=len(p_lat), seconds=time.perf_counter() - started,
    )
    cache[key] = report
    return report


