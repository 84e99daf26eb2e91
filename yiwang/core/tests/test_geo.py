"""GCJ-02 ↔ WGS84 and distances (yiwang.core.geo)."""

from hypothesis import given
from hypothesis import strategies as st

from yiwang.core.geo import bounding_box, distance_m, gcj02_to_wgs84, out_of_china, valid_wgs84, wgs84_to_gcj02

# The Bell Tower of Xi'an (钟楼): WGS84 from GPS; the GCJ-02 offset here is some 500 m.
BELL_TOWER_WGS84 = (34.261050, 108.942580)


def test_the_offset_in_xian_is_hundreds_of_metres():
    gcj = wgs84_to_gcj02(*BELL_TOWER_WGS84)
    offset = distance_m(*BELL_TOWER_WGS84, *gcj)
    assert 300 < offset < 800


def test_outside_china_nothing_moves():
    assert out_of_china(51.5, -0.12)
    assert wgs84_to_gcj02(51.5, -0.12) == (51.5, -0.12)
    assert gcj02_to_wgs84(51.5, -0.12) == (51.5, -0.12)


@given(st.floats(min_value=18.0, max_value=53.0), st.floats(min_value=74.0, max_value=134.0))
def test_the_inverse_undoes_the_forward_transform_to_a_centimetre(lat, lng):
    back = gcj02_to_wgs84(*wgs84_to_gcj02(lat, lng))
    assert distance_m(lat, lng, *back) < 0.01


@given(st.floats(min_value=30.0, max_value=40.0), st.floats(min_value=100.0, max_value=115.0),
       st.floats(min_value=1.0, max_value=5000.0))
def test_the_bounding_box_contains_the_circle(lat, lng, radius):
    min_lat, max_lat, min_lng, max_lng = bounding_box(lat, lng, radius)
    for d_lat, d_lng in ((max_lat - lat, 0), (0, max_lng - lng), (min_lat - lat, 0), (0, min_lng - lng)):
        assert distance_m(lat, lng, lat + d_lat, lng + d_lng) >= radius * 0.999


def test_distance_of_a_known_pair():
    # Bell Tower to the Big Wild Goose Pagoda (大雁塔): about 4.4 km.
    assert 4000 < distance_m(*BELL_TOWER_WGS84, 34.219800, 108.964000) < 5000


def test_valid_coordinates():
    assert valid_wgs84(34.2, 108.9)
    assert not valid_wgs84(91, 0)
    assert not valid_wgs84(float("nan"), 0)
