"""Coordinates for the service map: the datum conversion and distances of `yiwang.core.geo` (one
implementation for the whole platform; the 12345 hotline uses it too), plus what the map needs
beyond it — a point given in either datum, and vectorised distances for the spatial index and
the coverage computation."""

from __future__ import annotations

import math

import numpy as np

from yiwang.core.geo import EARTH_RADIUS_M, distance_m, gcj02_to_wgs84, out_of_china, wgs84_to_gcj02

__all__ = ["EARTH_RADIUS_M", "distance_m", "distances_m", "gcj02_to_wgs84", "out_of_china", "to_wgs84", "wgs84_to_gcj02"]


def to_wgs84(lat: float, lng: float, crs: str) -> tuple[float, float]:
    """A point given in `crs` ("wgs84" or "gcj02") as WGS84."""
    return gcj02_to_wgs84(lat, lng) if crs == "gcj02" else (lat, lng)


def distances_m(lat: float, lng: float, lats: np.ndarray, lngs: np.ndarray) -> np.ndarray:
    """Great-circle distances in metres from one point to many (vectorised haversine, the same
    sphere as `distance_m`)."""
    p1 = math.radians(lat)
    p2 = np.radians(lats)
    dp = p2 - p1
    dl = np.radians(lngs - lng)
    h = np.sin(dp / 2) ** 2 + math.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * np.arcsin(np.minimum(1.0, np.sqrt(h)))
