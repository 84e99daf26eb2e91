"""The grid index answers exactly what brute force answers: hand-computed cases and a property test."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from yiwang.servicemap.coordinates import EARTH_RADIUS_M, distances_m
from yiwang.servicemap.spatial_index import SCAN_BELOW, GridIndex

M_PER_DEG_LAT = 2 * math.pi * EARTH_RADIUS_M / 360


def test_hand_computed_points_along_a_meridian():
    # Points 100 m, 300 m, 600 m and 1 km north of the origin: distances are exact on a meridian.
    lat0, lng0 = 34.0, 108.9
    offsets = [1000, 100, 600, 300]
    idx = GridIndex(np.array([lat0 + o / M_PER_DEG_LAT for o in offsets]), np.array([lng0] * 4), cell_m=250)
    found, d = idx.nearest(lat0, lng0, 3)
    assert found.tolist() == [1, 3, 2]
    assert d.tolist() == pytest.approx([100, 300, 600], abs=1e-6)
    # A radius of 500 m keeps two; a mask without point 1 skips it.
    assert idx.nearest(lat0, lng0, 3, radius_m=500.0)[0].tolist() == [1, 3]
    assert idx.nearest(lat0, lng0, 2, allowed=np.array([True, False, True, True]))[0].tolist() == [3, 2]
    # One radius per point: point 2 (600 m) only counts within 500 m, so it is dropped.
    per_point = np.array([math.inf, math.inf, 500.0, math.inf])
    assert idx.nearest(lat0, lng0, 4, radius_m=per_point)[0].tolist() == [1, 3, 0]


def test_empty_and_far_away_queries():
    assert GridIndex(np.empty(0), np.empty(0)).nearest(34, 108, 5)[0].tolist() == []
    idx = GridIndex(np.array([34.0, 34.1]), np.array([108.9, 108.9]))
    assert idx.nearest(39.9, 116.4, 1)[0].tolist() == [1]  # Beijing: the northern point is nearer


def brute(lats, lngs, lat, lng, k, allowed, radius):
    d = distances_m(lat, lng, lats, lngs)
    ok = np.flatnonzero(allowed & (d <= radius))
    order = np.lexsort((ok, d[ok]))[:k]
    return ok[order]


@settings(max_examples=60, deadline=None)
@given(n=st.integers(1, 3000), seed=st.integers(0, 2**32 - 1), k=st.integers(1, 30),
       share=st.floats(0.01, 1.0), spread=st.sampled_from([0.02, 0.3, 1.5]))
def test_same_answer_as_brute_force(n, seed, k, share, spread):
    rng = np.random.default_rng(seed)
    lats = 34.2 + rng.normal(0, spread, n)
    lngs = 108.9 + rng.normal(0, spread, n)
    idx = GridIndex(lats, lngs)
    for _ in range(5):
        lat, lng = 34.2 + rng.normal(0, spread * 1.5), 108.9 + rng.normal(0, spread * 1.5)
        allowed = rng.random(n) < share
        radius = np.where(rng.random(n) < 0.3, 5000.0, math.inf)
        found, d = idx.nearest(lat, lng, k, allowed=allowed, radius_m=radius)
        assert found.tolist() == brute(lats, lngs, lat, lng, k, allowed, radius).tolist()
        assert np.all(np.diff(d) >= 0)


def test_the_grid_path_is_taken_for_many_candidates():
    # More candidates than SCAN_BELOW: the rings, not the scan, answer; still exact.
    rng = np.random.default_rng(7)
    n = SCAN_BELOW * 4
    lats, lngs = 34.0 + rng.random(n) * 0.6, 108.6 + rng.random(n) * 0.8
    idx = GridIndex(lats, lngs)
    for _ in range(50):
        lat, lng = 34.0 + rng.random() * 0.6, 108.6 + rng.random() * 0.8
        found, _ = idx.nearest(lat, lng, 10)
        assert found.tolist() == brute(lats, lngs, lat, lng, 10, np.ones(n, bool), math.inf).tolist()
