"""Reads: where can I do X near me, lockers within 5 km, the queue hook, lists, the map page's
search, and the coverage report over population points in the database."""

import math

import pytest

from yiwang.core import hooks
from yiwang.core.errors import NotFound, ValidationFailed
from yiwang.servicemap import selectors, services
from yiwang.servicemap.constants import AcceptanceMode, OutletKind
from yiwang.servicemap.coordinates import EARTH_RADIUS_M, distance_m, wgs84_to_gcj02
from yiwang.servicemap.tests.conftest import YANTA_HALL, make_outlet

pytestmark = pytest.mark.django_db
M_PER_DEG_LAT = 2 * math.pi * EARTH_RADIUS_M / 360


def names(result):
    return [r.record.name for r in result.results]


class TestNearest:
    def test_by_distance_with_the_distance_of_each(self, smap):
        result = selectors.outlets_nearest(lat=YANTA_HALL[0], lng=YANTA_HALL[1], limit=3)
        assert names(result) == ["西安市雁塔区政务服务中心", "雁塔区政务服务中心东门信包箱", "小寨邮政网点政务服务驿站"]
        for r in result.results:
            assert r.distance_m == pytest.approx(distance_m(*YANTA_HALL, r.record.lat, r.record.lng))
        assert result.results[0].distance_m == 0 and result.results[0].distance_text == "0 米"

    def test_only_outlets_that_accept_the_item_and_how(self, smap):
        result = selectors.outlets_nearest(lat=YANTA_HALL[0], lng=YANTA_HALL[1], item_id=smap.ids.firm, limit=10)
        assert names(result) == ["西安市雁塔区政务服务中心", "雁塔区政务服务中心东门信包箱", "小寨邮政网点政务服务驿站"]
        assert [r.mode for r in result.results] == [AcceptanceMode.STATIONED, AcceptanceMode.LOCKER,
                                                    AcceptanceMode.ASSISTED]
        card = selectors.outlets_nearest(lat=YANTA_HALL[0], lng=YANTA_HALL[1], item_id=smap.ids.card, limit=10)
        assert "雁塔区政务服务中心东门信包箱" not in names(card)  # its results do not travel by post

    def test_lockers_only_within_5_km(self, smap):
        # 5.2 km north of the locker: out of reach; 4.8 km: offered.
        lockers = {"kind": OutletKind.LOCKER, "limit": 10}
        far = selectors.outlets_nearest(lat=smap.locker.lat + 5200 / M_PER_DEG_LAT, lng=smap.locker.lng, **lockers)
        near = selectors.outlets_nearest(lat=smap.locker.lat + 4800 / M_PER_DEG_LAT, lng=smap.locker.lng, **lockers)
        assert names(far) == [] and names(near) == ["雁塔区政务服务中心东门信包箱"]
        halls = selectors.outlets_nearest(lat=smap.locker.lat + 5200 / M_PER_DEG_LAT, lng=smap.locker.lng, limit=10)
        assert "雁塔区政务服务中心东门信包箱" not in names(halls) and "西安市雁塔区政务服务中心" in names(halls)

    def test_gcj02_origin_kind_facility_and_radius(self, smap):
        g = wgs84_to_gcj02(*YANTA_HALL)
        assert names(selectors.outlets_nearest(lat=g[0], lng=g[1], crs="gcj02", limit=1)) == ["西安市雁塔区政务服务中心"]
        assert names(selectors.outlets_nearest(lat=YANTA_HALL[0], lng=YANTA_HALL[1], kind="service_post")) == \
            ["小寨邮政网点政务服务驿站"]
        assert names(selectors.outlets_nearest(lat=YANTA_HALL[0], lng=YANTA_HALL[1], facility="accessible_toilet")) == \
            ["西安市政务服务中心"]
        # 碑林区's hall is 3.67 km north: outside 3 km, inside 4 km.
        assert len(selectors.outlets_nearest(lat=YANTA_HALL[0], lng=YANTA_HALL[1], radius_km=3).results) == 3
        assert len(selectors.outlets_nearest(lat=YANTA_HALL[0], lng=YANTA_HALL[1], radius_km=4).results) == 4

    def test_bad_input_names_every_field(self, smap):
        with pytest.raises(ValidationFailed) as failed:
            selectors.outlets_nearest(lat=95, lng="east", item_id=10**9, kind="castle", limit=0, radius_km=500)
        assert {e.field for e in failed.value.errors} == {"lat", "lng", "item", "kind", "limit", "radius_km"}
        with pytest.raises(ValidationFailed) as failed:
            selectors.outlets_nearest(lat=None, lng=None)
        assert {e.code for e in failed.value.errors} == {"required"}


class TestQueueHook:
    def test_none_without_a_handler(self, smap):
        assert selectors.outlet_detail(smap.yanta_hall.pk).status is None

    def test_first_answer_of_a_registered_handler(self, smap):
        def queue(*, outlet):
            return {"waiting": 7, "wait_minutes": 25} if outlet.organisation_id == smap.tree.yanta_center.pk else None

        hooks.register(selectors.OUTLET_STATUS_HOOK, queue)
        try:
            result = selectors.outlets_nearest(lat=YANTA_HALL[0], lng=YANTA_HALL[1], limit=2)
            assert result.results[0].status.text == "排队 7 人，预计等候约 25 分钟"
            assert result.results[1].status is None
        finally:
            hooks._HANDLERS[selectors.OUTLET_STATUS_HOOK].remove(queue)


class TestListsAndDetail:
    def test_list_by_district_halls_first(self, smap):
        page = selectors.outlet_list(district="610113")
        assert [e.record.name for e in page.results] == [
            "西安市雁塔区政务服务中心", "小寨邮政网点政务服务驿站", "雁塔区政务服务中心东门信包箱"]
        assert selectors.outlet_list(q="邮政").total == 1
        with pytest.raises(ValidationFailed):
            selectors.outlet_list(district="999999")

    def test_detail(self, smap):
        services.outlet_set_windows(actor=None, outlet=smap.yanta_hall, windows={"general": (4, "")})
        d = selectors.outlet_detail(smap.yanta_hall.pk, lat=YANTA_HALL[0] + 0.01, lng=YANTA_HALL[1])
        assert [g.mode for g in d.item_groups] == [AcceptanceMode.STATIONED, AcceptanceMode.CITY_WIDE]
        assert [a.name for a in d.attached] == ["雁塔区政务服务中心东门信包箱"]
        assert d.windows == [("综合受理窗口", 4, "")] and d.distance_m == pytest.approx(0.01 * M_PER_DEG_LAT, rel=1e-6)
        locker = selectors.outlet_detail(smap.locker.pk)
        assert locker.locker_code == "YT-01" and locker.hall.name == "西安市雁塔区政务服务中心"
        with pytest.raises(NotFound):
            selectors.outlet_detail("x")

    def test_items_offered_and_places(self, smap):
        assert [i.name for i in selectors.items_offered("企业变更")] == ["企业变更登记"]
        assert selectors.items_offered("没有这个事项") == []
        groups = selectors.reference_places()
        assert {g.district for g in groups} == {"雁塔区", "碑林区", "未央区"}

    def test_map_search_from_a_place(self, smap):
        search = selectors.service_map_search(near=str(smap.beilin_hall.pk), item_id=smap.ids.shop)
        assert search.origin_label == "西安市碑林区政务服务中心" and not search.errors
        # The 雁塔区 locker stands 20 m nearer to 碑林区 than its hall does.
        assert [r.record.name for r in search.nearest.results] == [
            "西安市碑林区政务服务中心", "雁塔区政务服务中心东门信包箱", "西安市雁塔区政务服务中心", "西安市政务服务中心"]
        bad = selectors.service_map_search(near="99999999", lat=None)
        assert [e.field for e in bad.errors] == ["near"] and bad.nearest is None
        words = selectors.service_map_search(q="个体工商户")
        assert [i.name for i in words.item_matches] == ["个体工商户设立登记"]


class TestCoverage:
    def test_share_per_district_on_known_geometry(self, smap, settings):
        # Only staffed outlets taking a personal item count: the three halls, not the post (an
        # enterprise item) nor the locker. Points due north of the 雁塔区 hall at known distances:
        # 雁塔区's circle is 10 minutes (577 m at 4.5 km/h, detour 1.3).
        def north(metres):
            return YANTA_HALL[0] + metres / M_PER_DEG_LAT, YANTA_HALL[1]

        yanta = [(*north(100), 1000), (*north(500), 2000), (*north(700), 4000)]
        services.population_replace(actor=None, district_code="610113", points=yanta, is_demo=True, source="测试")
        report = selectors.coverage_report()
        (d,) = report.districts
        assert (d.code, d.minutes, d.population, d.covered) == ("610113", 10, 7000, 3000)
        assert d.radius_m == pytest.approx(750 / 1.3)
        assert report.outlets == 3 and report.points == 3
        assert [g.population for g in report.gaps] == [4000]
        # At 15 minutes the 700 m point is covered too; and faster walkers reach further.
        assert selectors.coverage_report(minutes={"610113": 15}).covered == 7000
        settings.SERVICEMAP_WALKING_SPEED_KMH = 3.0
        assert selectors.coverage_report(minutes={"610113": 15}).covered == 3000  # 577 m again

    def test_a_new_station_closes_the_gap(self, smap):
        at = (YANTA_HALL[0] + 2000 / M_PER_DEG_LAT, YANTA_HALL[1])
        services.population_replace(actor=None, district_code="610113", points=[(*at, 500)], is_demo=True, source="")
        assert selectors.coverage_report().covered == 0
        make_outlet(operator=smap.tree.yanta, name="新社区站", kind=OutletKind.COMMUNITY_STATION, at=at,
                    items={smap.ids.card: AcceptanceMode.DELEGATED})
        assert selectors.coverage_report().covered == 500
