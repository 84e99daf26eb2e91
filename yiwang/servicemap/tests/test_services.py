"""Writes: every problem reported at once, GCJ-02 input converted, scope by organisation subtree,
audit events, and the in-memory index following every change."""

from datetime import timedelta

import pytest
from django.utils import timezone

from yiwang.accounts.tests.factories import StaffFactory
from yiwang.core.errors import NotFound, PermissionDenied, ValidationFailed
from yiwang.core.models import AuditEvent
from yiwang.servicemap import access, selectors, services
from yiwang.servicemap.constants import AcceptanceMode, OutletKind
from yiwang.servicemap.coordinates import distance_m, wgs84_to_gcj02
from yiwang.servicemap.models import OpeningException, Outlet, ServiceMapRevision
from yiwang.servicemap.opening_hours import Period
from yiwang.servicemap.tests.conftest import BELL_TOWER, make_outlet

pytestmark = pytest.mark.django_db


def fields(failed) -> set[str]:
    return {e.field for e in failed.value.errors}


class TestCreate:
    def test_gcj02_input_is_stored_as_wgs84(self, smap):
        g_lat, g_lng = wgs84_to_gcj02(*BELL_TOWER)  # what a map app shows at the Bell Tower
        outlet = services.outlet_create(actor=smap.manager_yanta, name="钟楼邮政驿站", kind=OutletKind.SERVICE_POST,
                                        operator=smap.tree.yanta, lat=g_lat, lng=g_lng, crs="gcj02",
                                        address="西安市钟楼")
        assert distance_m(outlet.lat, outlet.lng, *BELL_TOWER) < 0.01
        assert outlet.district_code in {"610103", "610104", "610102"}  # the walled city's corner
        event = AuditEvent.objects.get(action="servicemap.outlet_created", object_id=str(outlet.pk))
        assert event.details["input_crs"] == "gcj02"

    def test_every_problem_at_once(self, smap):
        with pytest.raises(ValidationFailed) as failed:
            services.outlet_create(actor=None, name="", kind="palace", operator=smap.tree.yanta, lat="north",
                                   lng=200, address="x" * 300, phone="call me", facilities=["moat"])
        assert fields(failed) == {"name", "kind", "lat", "lng", "address", "phone", "facilities"}

    def test_swapped_coordinates_are_caught(self, smap):
        with pytest.raises(ValidationFailed) as failed:
            services.outlet_create(actor=None, name="某驿站", kind=OutletKind.SERVICE_POST, operator=smap.tree.yanta,
                                   lat=108.94, lng=34.26, address="西安")
        assert fields(failed) == {"lat"}  # 108.94 is no latitude
        with pytest.raises(ValidationFailed) as failed:
            services.outlet_create(actor=None, name="某驿站", kind=OutletKind.SERVICE_POST, operator=smap.tree.yanta,
                                   lat=39.9, lng=116.4, address="北京")
        assert "不在本市范围内" in failed.value.errors[0].message

    def test_control_characters_refused(self, smap):
        with pytest.raises(ValidationFailed) as failed:
            services.outlet_create(actor=None, name="驿站\x00", kind=OutletKind.SERVICE_POST, operator=smap.tree.yanta,
                                   lat=34.22, lng=108.95, address="西安", directions="第一行\n第二行")
        assert fields(failed) == {"name"}  # a line break in directions is fine

    def test_organisation_and_locker_rules(self, smap):
        with pytest.raises(ValidationFailed) as failed:
            services.outlet_create(actor=None, name="重复", kind=OutletKind.DISTRICT_CENTER, operator=smap.tree.yanta,
                                   organisation=smap.tree.yanta_center, lat=34.22, lng=108.95, address="西安")
        assert fields(failed) == {"organisation"}  # already the 雁塔区 hall
        with pytest.raises(ValidationFailed) as failed:
            services.outlet_create(actor=None, name="信包箱", kind=OutletKind.LOCKER, operator=smap.tree.yanta,
                                   lat=34.22, lng=108.95, address="西安")
        assert fields(failed) == {"locker"}
        with pytest.raises(ValidationFailed) as failed:
            services.outlet_create(actor=None, name="又一个", kind=OutletKind.LOCKER, operator=smap.tree.yanta,
                                   locker=smap.locker_row, lat=34.22, lng=108.95, address="西安")
        assert failed.value.errors[0].code == "locker_taken"

    def test_scope_is_the_subtree(self, smap):
        # The 雁塔区 manager (role at 雁塔区人民政府) may not create for 碑林区.
        with pytest.raises(PermissionDenied):
            services.outlet_create(actor=smap.manager_yanta, name="碑林驿站", kind=OutletKind.SERVICE_POST,
                                   operator=smap.tree.beilin, lat=34.245, lng=108.95, address="碑林")
        assert access.can_manage_operator(smap.manager_yanta, smap.tree.yanta_center)
        assert not access.can_manage_operator(StaffFactory(), smap.tree.yanta_center)
        with pytest.raises(NotFound):
            access.access_outlet_by_id(actor=smap.manager_yanta, outlet_id=smap.beilin_hall.pk)
        assert access.access_outlet_by_id(actor=smap.manager_yanta, outlet_id=smap.post.pk) == smap.post


class TestUpdate:
    def test_move_and_rename_are_audited_and_indexed(self, smap):
        before = selectors.outlet_detail(smap.post.pk).record
        services.outlet_update(actor=smap.manager_yanta, outlet=smap.post, name="小寨驿站", lat=34.2450,
                               lng=108.9500)
        after = selectors.outlet_detail(smap.post.pk).record
        assert (before.name, after.name) == ("小寨邮政网点政务服务驿站", "小寨驿站")
        assert after.district_code == "610103"  # moved into 碑林区
        event = AuditEvent.objects.filter(action="servicemap.outlet_updated").latest("id")
        assert set(event.details["changes"]) == {"name", "location", "district_code"}

    def test_closing_an_outlet_hides_it(self, smap):
        services.outlet_update(actor=None, outlet=smap.post, is_active=False)
        with pytest.raises(NotFound):
            selectors.outlet_detail(smap.post.pk)
        assert Outlet.objects.filter(pk=smap.post.pk, is_active=False).exists()

    def test_out_of_scope_update_refused(self, smap):
        with pytest.raises(PermissionDenied):
            services.outlet_update(actor=smap.manager_yanta, outlet=smap.beilin_hall, name="改名")
        with pytest.raises(ValidationFailed):
            services.outlet_update(actor=None, outlet=smap.post, district_code="610103")  # derived, not set


class TestHours:
    def test_schedule_problems(self, smap):
        with pytest.raises(ValidationFailed) as failed:
            services.outlet_set_schedule(actor=None, outlet=smap.post, slots={
                0: [Period(540, 720), Period(700, 800)],  # overlap
                1: [Period(1000, 900)],  # ends before it starts
                2: [Period(0, 1500)],  # beyond 24:00
                6: [Period(60, 70)] * 5,  # too many
            })
        assert fields(failed) == {"slot_0", "slot_1", "slot_2", "slot_6"}

    def test_exception_replaces_and_clears(self, smap):
        day = timezone.localdate() + timedelta(days=3)
        services.outlet_set_exception(actor=None, outlet=smap.post, day=day, periods=[], reason="设备检修")
        services.outlet_set_exception(actor=None, outlet=smap.post, day=day, periods=[Period(600, 720)], reason="半天")
        rows = list(OpeningException.objects.filter(outlet=smap.post, day=day))
        assert [(r.opens_minute, r.closes_minute, r.reason) for r in rows] == [(600, 720, "半天")]
        detail = selectors.outlet_detail(smap.post.pk)
        assert [(d.day, d.text, d.note) for d in detail.exceptions] == [(day, "10:00—12:00", "半天")]
        services.outlet_clear_exception(actor=None, outlet=smap.post, day=day)
        with pytest.raises(NotFound):
            services.outlet_clear_exception(actor=None, outlet=smap.post, day=day)
        with pytest.raises(ValidationFailed) as failed:
            services.outlet_set_exception(actor=None, outlet=smap.post, day=day - timedelta(days=30), periods=[],
                                          reason="")
        assert fields(failed) == {"day", "reason"}


class TestItemsAndWindows:
    def test_city_wide_only_for_city_wide_items(self, smap):
        with pytest.raises(ValidationFailed) as failed:
            services.outlet_set_item(actor=None, outlet=smap.post, implementation_id=smap.ids.firm,
                                     mode=AcceptanceMode.CITY_WIDE)
        assert failed.value.errors[0].code == "not_city_wide"
        with pytest.raises(ValidationFailed) as failed:
            services.outlet_set_item(actor=None, outlet=smap.post, implementation_id=999_999, mode="assisted")
        assert failed.value.errors[0].code == "item_not_found"

    def test_lockers_take_their_halls_deliverable_items(self, smap):
        record = selectors.outlet_detail(smap.locker.pk).record
        # The 雁塔区 hall takes shop, firm and card; card's results cannot travel (no express delivery).
        assert set(record.items) == {smap.ids.shop, smap.ids.firm}
        assert set(record.items.values()) == {AcceptanceMode.LOCKER}
        with pytest.raises(ValidationFailed):
            services.outlet_set_item(actor=None, outlet=smap.locker, implementation_id=smap.ids.shop,
                                     mode=AcceptanceMode.ASSISTED)
        services.outlet_remove_item(actor=None, outlet=smap.yanta_hall, implementation_id=smap.ids.firm)
        assert set(selectors.outlet_detail(smap.locker.pk).record.items) == {smap.ids.shop}

    def test_windows(self, smap):
        services.outlet_set_windows(actor=None, outlet=smap.yanta_hall,
                                    windows={"general": (6, "无差别受理"), "assisted": (1, ""), "policy": (0, "")})
        assert selectors.outlet_detail(smap.yanta_hall.pk).windows == [("帮办代办窗口", 1, ""), ("综合受理窗口", 6, "无差别受理")]
        with pytest.raises(ValidationFailed) as failed:
            services.outlet_set_windows(actor=None, outlet=smap.yanta_hall, windows={"general": (100, ""),
                                                                                    "vip": (1, "")})
        assert fields(failed) == {"window_general", "windows"}


def test_every_write_bumps_the_revision(smap):
    number = ServiceMapRevision.objects.get(pk=1).number
    services.outlet_set_windows(actor=None, outlet=smap.post, windows={"assisted": (1, "")})
    assert ServiceMapRevision.objects.get(pk=1).number == number + 1


def test_a_new_outlet_is_found_at_once(smap):
    assert [r.record.name for r in selectors.outlets_nearest(lat=34.40, lng=108.90, limit=1).results] == ["西安市政务服务中心"]
    make_outlet(operator=smap.tree.city_center, name="未央北驿站", kind=OutletKind.SERVICE_POST, at=(34.40, 108.90))
    assert [r.record.name for r in selectors.outlets_nearest(lat=34.40, lng=108.90, limit=1).results] == ["未央北驿站"]
