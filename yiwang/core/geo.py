"""Coordinates: the platform stores WGS84 (what GPS, Open311 and GeoJSON use); Chinese map apps and
phones' map SDKs hand out GCJ-02 (国测局坐标, the obfuscated datum every map published in mainland
China must use, GB/T 20257 practice). Pure functions, no database.

GCJ-02 is WGS84 plus a smooth offset of a few hundred metres; the forward formula is public
knowledge, the inverse has no closed form, so `gcj02_to_wgs84` iterates the forward one (Newton-like
fixed point) until the round trip is within a millimetre. Outside mainland China (a bounding box,
as every implementation does) the two are the same.
"""

from __future__ import annotations

import math

_A = 6378245.0  # Krasovsky 1940 semi-major axis, as the GCJ-02 offset uses
_EE = 0.00669342162296594323  # its first eccentricity squared
EARTH_RADIUS_M = 6371008.8  # mean radius (IUGG), for distances


def out_of_china(lat: float, lng: float) -> bool:
    """Outside the rough box where GCJ-02 applies: the offset is not added there."""
    return not (0.8293 <= lat <= 55.8271 and 72.004 <= lng <= 137.8347)


def _transform_lat(x: float, y: float) -> float:
    ret = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (160.0 * math.sin(y / 12.0 * math.pi) + 320 * math.sin(y * math.pi / 30.0)) * 2.0 / 3.0
    return ret


def _transform_lng(x: float, y: float) -> float:
    ret = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0
    return ret


def _offset(lat: float, lng: float) -> tuple[float, float]:
    d_lat = _transform_lat(lng - 105.0, lat - 35.0)
    d_lng = _transform_lng(lng - 105.0, lat - 35.0)
    rad_lat = lat / 180.0 * math.pi
    magic = 1 - _EE * math.sin(rad_lat) ** 2
    sqrt_magic = math.sqrt(magic)
    d_lat = (d_lat * 180.0) / ((_A * (1 - _EE)) / (magic * sqrt_magic) * math.pi)
    d_lng = (d_lng * 180.0) / (_A / sqrt_magic * math.cos(rad_lat) * math.pi)
    return d_lat, d_lng


def wgs84_to_gcj02(lat: float, lng: float) -> tuple[float, float]:
    if out_of_china(lat, lng):
        return lat, lng
    d_lat, d_lng = _offset(lat, lng)
    return lat + d_lat, lng + d_lng


def gcj02_to_wgs84(lat: float, lng: float, *, tolerance_deg: float = 1e-9, max_iterations: int = 30) -> tuple[float, float]:
    """The WGS84 point whose GCJ-02 image is (lat, lng), to ~0.1 mm (1e-9 degrees)."""
    if out_of_china(lat, lng):
        return lat, lng
    w_lat, w_lng = lat, lng
    for _ in range(max_iterations):
        g_lat, g_lng = wgs84_to_gcj02(w_lat, w_lng)
        e_lat, e_lng = g_lat - lat, g_lng - lng
        if abs(e_lat) < tolerance_deg and abs(e_lng) < tolerance_deg:
            break
        w_lat, w_lng = w_lat - e_lat, w_lng - e_lng
    return w_lat, w_lng


def distance_m(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle distance in metres (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


def bounding_box(lat: float, lng: float, radius_m: float) -> tuple[float, float, float, float]:
    """(min_lat, max_lat, min_lng, max_lng) of a box containing the circle: an indexable pre-filter."""
    d_lat = math.degrees(radius_m / EARTH_RADIUS_M)
    d_lng = math.degrees(radius_m / (EARTH_RADIUS_M * max(math.cos(math.radians(lat)), 1e-6)))
    return lat - d_lat, lat + d_lat, lng - d_lng, lng + d_lng


def valid_wgs84(lat: float, lng: float) -> bool:
    return -90.0 <= lat <= 90.0 and -180.0 <= lng <= 180.0 and not (math.isnan(lat) or math.isnan(lng))
