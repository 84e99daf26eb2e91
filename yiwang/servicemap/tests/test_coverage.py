"""Coverage of the service circle on known geometry, and against brute force."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from yiwang.servicemap.coordinates import EARTH_RADIUS_M, distances_m
from yiwang.servicemap.coverage import circle_radius_m, covered_mask, gap_cells, shares_by_district

M_PER_DEG_LAT = 2 * math.pi * EARTH_RADIUS_M / 360


def test_radius_from_the_walking_model():
    # 15 minutes at 4.5 km/h is 1,125 m of street; with a detour factor of 1.3, 865.4 m as the crow flies.
    assert circle_radius_m(minutes=15, speed_kmh=4.5, detour=1.3) == pytest.approx(1125 / 1.3)
    assert circle_radius_m(minutes=10, speed_kmh=4.5, detour=1.3) == pytest.approx(750 / 1.3)


def test_hand_computed_points_north_of_one_outlet():
    o_lat, o_lng = 34.0, 108.9
    metres = np.array([0, 500, 576, 578, 864, 866, 3000])
    p_lat = o_lat + metres / M_PER_DEG_LAT
    p_lng = np.full(len(metres), o_lng)
    ten = covered_mask(p_lat, p_lng, 577.0, np.array([o_lat]), np.array([o_lng]))
    assert ten.tolist() == [True, True, True, False, False, False, False]
    fifteen = covered_mask(p_lat, p_lng, 865.0, np.array([o_lat]), np.array([o_lng]))
    assert fifteen.tolist() == [True, True, True, True, True, False, False]
    # Per-point radii (the district decides: 雁塔区 10 minutes, elsewhere 15).
    mixed = covered_mask(p_lat, p_lng, np.array([577.0] * 4 + [865.0] * 3), np.array([o_lat]), np.array([o_lng]))
    assert mixed.tolist() == [True, True, True, False, True, False, False]


def test_shares_and_gaps():
    covered = np.array([True, False, True, False])
    pops = np.array([100.0, 300.0, 50.0, 50.0])
    shares = shares_by_district(["A", "B"], np.array([0, 0, 1, 1]), pops, covered)
    assert [(s.code, s.population, s.covered) for s in shares] == [("A", 400, 100), ("B", 100, 50)]
    assert shares[0].share == 0.25
    gaps = gap_cells(np.array([34.001, 34.002, 34.5, 34.6]), np.array([108.001, 108.002, 108.5, 108.6]), pops,
                     covered, size_deg=0.01)
    assert [(round(g.lng, 2), round(g.lat, 2), g.population) for g in gaps] == [(108.0, 34.0, 300), (108.6, 34.6, 50)]


def test_nothing_to_cover():
    assert covered_mask(np.empty(0), np.empty(0), 500.0, np.array([34.0]), np.array([108.9])).tolist() == []
    assert covered_mask(np.array([34.0]), np.array([108.9]), 500.0, np.empty(0), np.empty(0)).tolist() == [False]


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(1, 4000), m=st.integers(1, 200),
       radius=st.sampled_from([300.0, 577.0, 865.0, 2000.0]))
def test_same_answer_as_brute_force(seed, n, m, radius):
    rng = np.random.default_rng(seed)
    p_lat, p_lng = 34.0 + rng.random(n) * 0.3, 108.7 + rng.random(n) * 0.4
    o_lat, o_lng = 34.0 + rng.random(m) * 0.3, 108.7 + rng.random(m) * 0.4
    radii = np.where(rng.random(n) < 0.5, radius, radius * 0.6)
    got = covered_mask(p_lat, p_lng, radii, o_lat, o_lng)
    nearest = np.array([distances_m(p_lat[i], p_lng[i], o_lat, o_lng).min() for i in range(n)])
    # The plane at the pair's middle latitude and the sphere agree to under a millimetre here.
    decided = np.abs(nearest - radii) > 0.001
    assert np.array_equal(got[decided], (nearest <= radii)[decided])
