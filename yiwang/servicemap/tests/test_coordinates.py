"""GCJ-02 conversion on published test points, the round trip, and great-circle distances."""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from yiwang.servicemap.coordinates import (
    distance_m,
    distances_m,
    gcj02_to_wgs84,
    out_of_china,
    to_wgs84,
    wgs84_to_gcj02,
)

# (WGS84 lat, lng) → (GCJ-02 lat, lng): the test vectors that implementations of the standard
# offset agree on (Shanghai, Shenzhen, Beijing), to 1e-9 degrees.
KNOWN = [
    ((31.1774276, 121.5272106), (31.17530398364597, 121.531541859215)),
    ((22.543847, 113.912316), (22.540796131694766, 113.9171764808363)),
    ((39.911954, 116.377817), (39.91334545536069, 116.38404722455657)),
]


@pytest.mark.parametrize("wgs,gcj", KNOWN)
def test_forward_on_known_points(wgs, gcj):
    lat, lng = wgs84_to_gcj02(*wgs)
    assert lat == pytest.approx(gcj[0], abs=1e-9)
    assert lng == pytest.approx(gcj[1], abs=1e-9)


@pytest.mark.parametrize("wgs,gcj", KNOWN)
def test_inverse_on_known_points_to_a_millimetre(wgs, gcj):
    lat, lng = gcj02_to_wgs84(*gcj)
    assert distance_m(lat, lng, *wgs) < 0.001


def test_offset_in_xian_is_a_few_hundred_metres():
    # At the Bell Tower the GCJ-02 point lies ~0.0017° south and ~0.0044° east: some 450 m.
    g_lat, g_lng = wgs84_to_gcj02(34.2610, 108.9423)
    assert 300 < distance_m(34.2610, 108.9423, g_lat, g_lng) < 600
    assert g_lat < 34.2610 and g_lng > 108.9423


def test_outside_china_no_offset():
    assert out_of_china(48.8566, 2.3522)
    assert wgs84_to_gcj02(48.8566, 2.3522) == (48.8566, 2.3522)
    assert gcj02_to_wgs84(48.8566, 2.3522) == (48.8566, 2.3522)
    assert to_wgs84(34.26, 108.94, "wgs84") == (34.26, 108.94)


@settings(max_examples=300, deadline=None)
@given(st.floats(min_value=18.0, max_value=53.0), st.floats(min_value=74.0, max_value=134.0))
def test_round_trip_inside_china(lat, lng):
    g = wgs84_to_gcj02(lat, lng)
    back = gcj02_to_wgs84(*g)
    assert distance_m(lat, lng, *back) < 0.001


def test_distances():
    # One degree of latitude on the mean sphere: 2πR/360.
    assert distance_m(34.0, 108.0, 35.0, 108.0) == pytest.approx(2 * math.pi * 6_371_008.8 / 360, rel=1e-9)
    assert distance_m(34.26, 108.94, 34.26, 108.94) == 0
    import numpy as np

    many = distances_m(34.0, 108.0, np.array([35.0, 34.0]), np.array([108.0, 109.0]))
    assert many[0] == pytest.approx(distance_m(34.0, 108.0, 35.0, 108.0))
    assert many[1] == pytest.approx(distance_m(34.0, 108.0, 34.0, 109.0))
