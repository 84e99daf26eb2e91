"""District outlines of Xi'an's 13 districts and counties: simplified polygons built into the project
so the map draws with no tile service and no internet.

Internal note (not for public text): these outlines are approximate demo geometry, drawn by hand
as a coarse partition that keeps each district's relative position, neighbours and rough size
(Chang'an, Lantian and Zhouzhi large in the south, the six urban districts around the walled city);
they are not surveyed boundaries. Neighbouring polygons share their vertices, so they do not
overlap (tests/test_districts.py checks it). Replace `OUTLINES` with official boundaries when the
bureau of natural resources supplies them — nothing else changes.

Coordinates are WGS84 (lng, lat) rings, counter-clockwise or clockwise, not closed (the last vertex
joins the first).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

APPROXIMATE_DEMO_GEOMETRY = True  # internal flag; see the module docstring

# GB/T 2260 code → (name, ring of (lng, lat), seat (lng, lat): where the district's hall stands).
OUTLINES: dict[str, tuple[str, tuple[tuple[float, float], ...], tuple[float, float]]] = {
    "610102": ("新城区", (
        (108.942, 34.262), (109.010, 34.262), (109.012, 34.300), (108.985, 34.312), (108.942, 34.303),
    ), (108.962, 34.275)),
    "610103": ("碑林区", (
        (108.915, 34.245), (108.930, 34.225), (108.990, 34.222), (109.010, 34.240), (109.010, 34.262),
        (108.942, 34.262), (108.942, 34.255),
    ), (108.950, 34.245)),
    "610104": ("莲湖区", (
        (108.860, 34.245), (108.915, 34.245), (108.942, 34.255), (108.942, 34.303), (108.900, 34.305),
        (108.860, 34.300),
    ), (108.915, 34.270)),
    "610111": ("灞桥区", (
        (109.000, 34.180), (109.035, 34.200), (109.030, 34.240), (109.010, 34.240), (109.010, 34.262),
        (109.012, 34.300), (109.050, 34.310), (109.060, 34.380), (109.040, 34.430), (109.120, 34.440),
        (109.170, 34.400), (109.190, 34.330), (109.180, 34.240), (109.130, 34.170), (109.060, 34.140),
    ), (109.065, 34.275)),
    "610112": ("未央区", (
        (108.820, 34.245), (108.840, 34.245), (108.860, 34.245), (108.860, 34.300), (108.900, 34.305),
        (108.942, 34.303), (108.985, 34.312), (109.012, 34.300), (109.050, 34.310), (109.060, 34.380),
        (109.040, 34.430), (108.960, 34.440), (108.880, 34.420), (108.820, 34.380),
    ), (108.946, 34.345)),
    "610113": ("雁塔区", (
        (108.840, 34.245), (108.860, 34.245), (108.915, 34.245), (108.930, 34.225), (108.990, 34.222),
        (109.010, 34.240), (109.030, 34.240), (109.035, 34.200), (109.000, 34.180), (108.900, 34.178),
        (108.840, 34.185),
    ), (108.950, 34.212)),
    "610114": ("阎良区", (
        (109.140, 34.640), (109.220, 34.625), (109.320, 34.640), (109.340, 34.700), (109.280, 34.750),
        (109.180, 34.755), (109.130, 34.700),
    ), (109.226, 34.662)),
    "610115": ("临潼区", (
        (109.180, 34.240), (109.190, 34.330), (109.170, 34.400), (109.120, 34.440), (109.140, 34.520),
        (109.250, 34.560), (109.400, 34.540), (109.480, 34.450), (109.450, 34.330), (109.350, 34.280),
    ), (109.214, 34.372)),
    "610116": ("长安区", (
        (108.760, 34.150), (108.840, 34.185), (108.900, 34.178), (109.000, 34.180), (109.060, 34.140),
        (109.120, 34.050), (109.150, 33.900), (109.100, 33.780), (108.900, 33.720), (108.750, 33.780),
        (108.700, 33.900), (108.720, 34.050),
    ), (108.915, 34.150)),
    "610117": ("高陵区", (
        (108.960, 34.440), (109.040, 34.430), (109.120, 34.440), (109.140, 34.520), (109.100, 34.600),
        (109.000, 34.620), (108.940, 34.560), (108.930, 34.480),
    ), (109.088, 34.535)),
    "610118": ("鄠邑区", (
        (108.760, 34.150), (108.720, 34.050), (108.700, 33.900), (108.750, 33.780), (108.600, 33.800),
        (108.450, 33.850), (108.380, 33.950), (108.400, 34.100), (108.450, 34.180), (108.600, 34.200),
    ), (108.605, 34.108)),
    "610122": ("蓝田县", (
        (109.060, 34.140), (109.130, 34.170), (109.180, 34.240), (109.350, 34.280), (109.500, 34.260),
        (109.700, 34.200), (109.780, 34.050), (109.700, 33.900), (109.450, 33.850), (109.250, 33.830),
        (109.150, 33.900), (109.120, 34.050),
    ), (109.323, 34.151)),
    "610124": ("周至县", (
        (108.450, 34.180), (108.400, 34.100), (108.380, 33.950), (108.450, 33.850), (108.300, 33.750),
        (108.050, 33.700), (107.800, 33.720), (107.680, 33.850), (107.700, 34.000), (107.850, 34.150),
        (108.100, 34.200), (108.300, 34.220),
    ), (108.222, 34.163)),
}
# The six districts of the city proper (城六区), the default view of a map of the urban area.
URBAN_DISTRICTS = ("610102", "610103", "610104", "610111", "610112", "610113")


@dataclass(frozen=True)
class District:
    code: str
    name: str
    ring: tuple[tuple[float, float], ...]
    seat: tuple[float, float]

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        lngs = [p[0] for p in self.ring]
        lats = [p[1] for p in self.ring]
        return min(lngs), min(lats), max(lngs), max(lats)

    @property
    def centroid(self) -> tuple[float, float]:
        """The polygon's centre of area (lng, lat): where its name is written on the map."""
        a = cx = cy = 0.0
        n = len(self.ring)
        for i in range(n):
            x1, y1 = self.ring[i]
            x2, y2 = self.ring[(i + 1) % n]
            cross = x1 * y2 - x2 * y1
            a += cross
            cx += (x1 + x2) * cross
            cy += (y1 + y2) * cross
        return cx / (3 * a), cy / (3 * a)

    def contains(self, lng: float, lat: float) -> bool:
        return bool(points_in_ring(np.array([lng]), np.array([lat]), self.ring)[0])


DISTRICTS: dict[str, District] = {code: District(code, name, ring, seat) for code, (name, ring, seat) in OUTLINES.items()}


def district_of_point(lat: float, lng: float) -> District | None:
    """The district whose outline holds the point, or None outside every outline."""
    for district in DISTRICTS.values():
        west, south, east, north = district.bbox
        if west <= lng <= east and south <= lat <= north and district.contains(lng, lat):
            return district
    return None


def points_in_ring(lngs: np.ndarray, lats: np.ndarray, ring) -> np.ndarray:
    """Vectorised even-odd ray casting: which points lie inside the polygon `ring`."""
    inside = np.zeros(lngs.shape, dtype=bool)
    n = len(ring)
    for i in range(n):
        x1, y1 = ring[i]
        x2, y2 = ring[(i + 1) % n]
        if y1 == y2:
            continue
        crosses = (y1 > lats) != (y2 > lats)
        x_at = x1 + (lats - y1) * (x2 - x1) / (y2 - y1)
        inside ^= crosses & (lngs < x_at)
    return inside


def ring_area_km2(ring) -> float:
    """Area of a small polygon on a local equirectangular plane (shoelace), in km²."""
    lat0 = np.radians(np.mean([p[1] for p in ring]))
    k = 111.32
    pts = [(x * k * np.cos(lat0), y * k) for x, y in ring]
    s = sum(pts[i][0] * pts[(i + 1) % len(pts)][1] - pts[(i + 1) % len(pts)][0] * pts[i][1] for i in range(len(pts)))
    return abs(s) / 2


def city_bbox(codes=None) -> tuple[float, float, float, float]:
    boxes = [DISTRICTS[c].bbox for c in (codes or DISTRICTS)]
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))
