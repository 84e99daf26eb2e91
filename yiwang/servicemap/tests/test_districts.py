"""The built-in outlines form a partition: no two overlap; seats and centroids lie inside."""

import numpy as np

from yiwang.servicemap.districts import DISTRICTS, district_of_point, points_in_ring, ring_area_km2


def test_thirteen_districts_with_their_gb_codes():
    assert len(DISTRICTS) == 13
    assert DISTRICTS["610113"].name == "雁塔区" and DISTRICTS["610124"].name == "周至县"


def test_no_two_outlines_overlap():
    lngs, lats = np.meshgrid(np.linspace(107.6, 109.9, 500), np.linspace(33.6, 34.8, 400))
    lngs, lats = lngs.ravel(), lats.ravel()
    count = sum(points_in_ring(lngs, lats, d.ring).astype(int) for d in DISTRICTS.values())
    assert count.max() == 1


def test_seats_and_centroids_inside_and_sizes_in_order():
    for d in DISTRICTS.values():
        assert d.contains(*d.seat), d.name
        assert d.contains(*d.centroid), d.name
        assert district_of_point(d.seat[1], d.seat[0]).code == d.code
    # The walled-city districts are small, the southern counties large (roughly as in reality).
    assert ring_area_km2(DISTRICTS["610103"].ring) < 60 < ring_area_km2(DISTRICTS["610113"].ring) < 1000
    assert ring_area_km2(DISTRICTS["610124"].ring) > 2500
    assert district_of_point(39.9, 116.4) is None


def test_point_in_ring_on_a_square():
    square = ((0, 0), (1, 0), (1, 1), (0, 1))
    inside = points_in_ring(np.array([0.5, 1.5, 0.99, -0.01]), np.array([0.5, 0.5, 0.01, 0.5]), square)
    assert inside.tolist() == [True, False, True, False]
