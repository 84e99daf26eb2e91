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


# --- By distance, within 5 km first; districts and streets when the phone gives no position ---

def _lockers(smap):
    from yiwang.cases.services.locker_registry import locker_register
    from yiwang.servicemap.constants import OutletKind
    from yiwang.servicemap.tests.conftest import ALL_DAY, make_outlet

    t = smap.tree
    rows = {}
    for code, name, at in (("YT-02", "小寨东路信包箱", (34.2300, 108.9503)),   # ~2 km north of YT-01
                           ("XA-09", "行政中心北广场信包箱", (34.3390, 108.9402))):  # ~14 km north
        row = locker_register(actor=None, outlet=t.yanta_center, code=code, location=name)
        make_outlet(operator=t.yanta_center, name=name, kind=OutletKind.LOCKER, hall=smap.yanta_hall, locker=row,
                    at=at, hours=ALL_DAY)
        rows[code] = row
    return rows


def test_with_a_position_nearest_first_and_farther_ones_after_5_km(smap):
    from yiwang.cases.selectors import locker_options

    rows = _lockers(smap)
    options = locker_options(lat=34.2122, lng=108.9503)
    assert [o.id for o in options] == [smap.locker_row.pk, rows["YT-02"].pk, rows["XA-09"].pk]
    assert [o.within_radius for o in options] == [True, True, False]
    assert options[0].distance_m < 50 and 1900 < options[1].distance_m < 2100 and options[2].distance_m > 5000
    assert "（2.0 公里）" in options[1].label and "公里）" in options[2].label
    # from the north the order turns round
    assert [o.id for o in locker_options(lat=34.3378, lng=108.9402)][0] == rows["XA-09"].pk


def test_without_a_position_the_district_or_street_orders_the_lockers(smap):
    from yiwang.cases.selectors import locker_areas, locker_options
    from yiwang.servicemap.districts import DISTRICTS

    rows = _lockers(smap)
    by_district = locker_options(area="d:610113")  # from 雁塔区's seat
    seat_lng, seat_lat = DISTRICTS["610113"].seat
    assert [o.id for o in by_district] == [o.id for o in locker_options(lat=seat_lat, lng=seat_lng)]
    assert all(o.distance_m is not None for o in by_district)
    by_place = locker_options(area=f"p:{smap.yanta_hall.pk}")  # 雁塔区政务服务中心
    assert by_place[0].id == smap.locker_row.pk and by_place[-1].id == rows["XA-09"].pk
    # nothing known: every locker, by name, no distance
    assert {o.distance_m for o in locker_options()} == {None} and len(locker_options(area="d:999999")) == 3
    areas = locker_areas(address="西安市雁塔区小寨东路 1 号")
    assert areas["default"] == "d:610113"
    yanta = dict(areas["groups"])["雁塔区"]
    assert ("d:610113", "雁塔区（全区）") in yanta and (f"p:{smap.yanta_hall.pk}", "西安市雁塔区政务服务中心") in yanta
    assert locker_areas(address="某地")["default"] == ""


def test_the_wizard_lists_the_lockers_by_distance_from_the_phone_or_the_address_district(client, smap):
    from yiwang.accounts.tests.factories import UserFactory
    from yiwang.cases.services import application_save_draft

    rows = _lockers(smap)
    citizen = UserFactory()
    draft = application_save_draft(actor=citizen, applicant=citizen, implementation_id=smap.ids.shop,
                                   delivery={"method": "mail", "address": "西安市雁塔区小寨东路 1 号"})
    client.force_login(citizen)
    url = f"/cases/apply/drafts/{draft.pk}/delivery/"
    body = client.get(f"{url}?lat=34.2122&lng=108.9503").content.decode()
    assert "按您当前的位置由近到远排列" in body
    near, far = body.index("5 公里以内"), body.index("5 公里以外")
    positions = [body.index(f'value="{pk}"', near) for pk in (smap.locker_row.pk, rows["YT-02"].pk)]
    assert near < positions[0] < positions[1] < far < body.index(f'value="{rows["XA-09"].pk}"', far)
    # no position: the district of the address typed is the default, with distances
    body = client.get(url).content.decode()
    assert "按“雁塔区（全区）”由近到远排列" in body and "5 公里以内" in body
