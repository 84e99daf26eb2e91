"""The applicant's locker choice in cases lists locker outlets through the `cases.nearby_lockers`
hook: within 5 km and nearest first for a point, every locker outlet without one."""

import math

import pytest

from yiwang.cases.selectors import locker_choices
from yiwang.servicemap.coordinates import EARTH_RADIUS_M

pytestmark = pytest.mark.django_db

M_PER_DEG_LAT = 2 * math.pi * EARTH_RADIUS_M / 360


def test_lockers_near_a_point_with_their_distance(smap):
    near = locker_choices(lat=smap.locker.lat + 1000 / M_PER_DEG_LAT, lng=smap.locker.lng)
    assert [pk for pk, _ in near] == [smap.locker_row.pk]
    assert "雁塔区政务服务中心东门信包箱" in near[0][1] and "1.0" in near[0][1]


def test_without_a_point_every_locker_outlet(smap):
    assert locker_choices() == [(smap.locker_row.pk, "雁塔区政务服务中心东门信包箱")]


def test_far_from_every_locker_all_registered_lockers_are_offered(smap):
    far = locker_choices(lat=smap.locker.lat + 9000 / M_PER_DEG_LAT, lng=smap.locker.lng)
    assert [pk for pk, _ in far] == [smap.locker_row.pk]
