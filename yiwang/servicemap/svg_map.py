"""Server-side map drawing: district outlines, outlets and results as SVG geometry. Pure.

A view is a WGS84 box drawn on a plane that keeps a kilometre east as long as a kilometre north
at the view's middle latitude (an equirectangular projection, faithful over a city). The page
template turns the shapes into one <svg>; no tile, script or network is needed, so the map works
offline and under a strict Content-Security-Policy.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from yiwang.servicemap.constants import OutletKind
from yiwang.servicemap.districts import DISTRICTS, URBAN_DISTRICTS, city_bbox

VIEW_WIDTH = 600.0  # viewBox units; a phone shows 390 px, so a unit is ~0.65 px there
KM_PER_DEG_LAT = 111.32

# A marker's class per kind (colours and shapes in servicemap.css; the legend says what is what).
KIND_CLASS = {
    OutletKind.CITY_CENTER: "hall", OutletKind.DISTRICT_CENTER: "hall", OutletKind.BRANCH_CENTER: "hall",
    OutletKind.STREET_CENTER: "street", OutletKind.COMMUNITY_STATION: "community",
    OutletKind.SERVICE_POST: "post", OutletKind.SELF_SERVICE_AREA: "self", OutletKind.KIOSK: "self",
    OutletKind.LOCKER: "locker",
}
LEGEND = [
    ("hall", "政务服务中心"), ("street", "便民服务中心（街道）"), ("community", "便民服务站（社区）"),
    ("post", "政务服务驿站"), ("self", "24小时自助服务"), ("locker", "自助信包箱"),
]


@dataclass(frozen=True)
class MapView:
    west: float
    south: float
    east: float
    north: float

    @property
    def lat0(self) -> float:
        return (self.south + self.north) / 2

    @property
    def scale(self) -> float:
        """viewBox units per degree of latitude."""
        width_deg = (self.east - self.west) * math.cos(math.radians(self.lat0))
        return VIEW_WIDTH / width_deg

    @property
    def height(self) -> float:
        return round((self.north - self.south) * self.scale, 1)

    @property
    def width(self) -> float:
        return VIEW_WIDTH

    def xy(self, lng: float, lat: float) -> tuple[float, float]:
        x = (lng - self.west) * math.cos(math.radians(self.lat0)) * self.scale
        y = (self.north - lat) * self.scale
        return round(x, 1), round(y, 1)

    def contains(self, lng: float, lat: float) -> bool:
        return self.west <= lng <= self.east and self.south <= lat <= self.north

    @property
    def span_km(self) -> float:
        return (self.north - self.south) * KM_PER_DEG_LAT


def _fit(west, south, east, north, *, min_span_km: float, pad: float = 0.12, aspect: float = 0.8) -> MapView:
    """A view holding the box with a margin, at least `min_span_km` tall, of roughly `aspect`
    height:width (portrait-friendly), never flatter than 0.5 nor taller than 1.4."""
    cos0 = math.cos(math.radians((south + north) / 2))
    min_span = min_span_km / KM_PER_DEG_LAT
    h = max(north - south, min_span)
    w = max((east - west) * cos0, min_span)
    h, w = h * (1 + 2 * pad), w * (1 + 2 * pad)
    ratio = h / w
    if ratio < 0.5:
        h = w * 0.5
    elif ratio > 1.4:
        w = h / 1.4
    mid_lat, mid_lng = (south + north) / 2, (west + east) / 2
    return MapView(mid_lng - w / cos0 / 2, mid_lat - h / 2, mid_lng + w / cos0 / 2, mid_lat + h / 2)


def city_view() -> MapView:
    return _fit(*city_bbox(), min_span_km=10, pad=0.02)


def urban_view() -> MapView:
    return _fit(*city_bbox(URBAN_DISTRICTS), min_span_km=10, pad=0.03)


def district_view(code: str) -> MapView:
    return _fit(*DISTRICTS[code].bbox, min_span_km=5, pad=0.04)


def view_around(points: Iterable[tuple[float, float]], *, min_span_km: float = 2.0) -> MapView:
    """A view holding every (lng, lat) point (the origin and the results)."""
    pts = list(points)
    lngs = [p[0] for p in pts]
    lats = [p[1] for p in pts]
    return _fit(min(lngs), min(lats), max(lngs), max(lats), min_span_km=min_span_km)


@dataclass(frozen=True)
class Shape:
    code: str
    name: str
    path: str
    label_x: float
    label_y: float
    show_label: bool


def district_shapes(view: MapView) -> list[Shape]:
    shapes = []
    for d in DISTRICTS.values():
        west, south, east, north = d.bbox
        if east < view.west or west > view.east or north < view.south or south > view.north:
            continue
        points = [view.xy(lng, lat) for lng, lat in d.ring]
        path = "M" + " L".join(f"{x} {y}" for x, y in points) + " Z"
        centre = d.centroid
        lx, ly = view.xy(*centre)
        # A name is shown when the district is big enough on this view to hold it.
        size_km = min((east - west) * 92, (north - south) * KM_PER_DEG_LAT)
        shapes.append(Shape(d.code, d.name, path, lx, ly, size_km / view.span_km > 0.15 and view.contains(*centre)))
    return shapes


@dataclass(frozen=True)
class Dot:
    x: float
    y: float
    css: str
    label: str = ""  # a number matching the list, for results


def dots(view: MapView, records, *, numbered: bool = False) -> list[Dot]:
    out = []
    for i, r in enumerate(records, start=1):
        if view.contains(r.lng, r.lat):
            x, y = view.xy(r.lng, r.lat)
            out.append(Dot(x, y, KIND_CLASS.get(r.kind, "hall"), str(i) if numbered else ""))
    return out


@dataclass(frozen=True)
class Square:
    x: float
    y: float
    width: float
    height: float
    level: int  # 1 … 4: how many residents the square leaves out (for the shading)
    population: int


def gap_squares(view: MapView, gaps) -> list[Square]:
    """The coverage gaps as shaded squares, four shades by residents left out."""
    if not gaps:
        return []
    top = max(g.population for g in gaps) or 1
    out = []
    for g in gaps:
        if not view.contains(g.lng + g.size_deg / 2, g.lat + g.size_deg / 2):
            continue
        x, y = view.xy(g.lng, g.lat + g.size_deg)
        # A square of degrees is taller than wide on the map (a degree east is shorter than north).
        width = round(g.size_deg * view.scale * math.cos(math.radians(view.lat0)), 2)
        height = round(g.size_deg * view.scale, 2)
        level = min(4, 1 + int(4 * math.sqrt(g.population / top)))
        out.append(Square(x, y, max(width, 0.5), max(height, 0.5), level, g.population))
    return out


def scale_bar(view: MapView) -> tuple[float, str]:
    """A round length (viewBox units, label) about a fifth of the view's width."""
    width_km = view.span_km * VIEW_WIDTH / view.height if view.height else 1
    target = width_km / 5
    for step in (0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50):
        if step >= target:
            break
    units = step / KM_PER_DEG_LAT * view.scale
    return round(units, 1), (f"{int(step * 1000)} 米" if step < 1 else f"{step:g} 公里")


def figure(view: MapView, *, title: str, description: str, markers=(), background=(), you=None, gaps=(),
           dot_r: float = 3.0, highlight: bool = False) -> dict:
    """Everything servicemap/_svg_map.html draws for one view."""
    bar_units, bar_label = scale_bar(view)
    return {"view": view, "districts": district_shapes(view), "markers": list(markers), "background": list(background),
            "you": you, "gaps": list(gaps), "title": title, "description": description, "legend": LEGEND,
            "bar_units": bar_units, "bar_label": bar_label, "bar_y": view.height - 12, "bar_label_y": view.height - 18,
            "dot_r": dot_r, "highlight": highlight}
