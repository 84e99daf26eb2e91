"""Pages over HTTP: the public map and outlet page, and the hall manager's maintenance pages."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from yiwang.accounts.tests.factories import UserFactory
from yiwang.servicemap import services
from yiwang.servicemap.coordinates import distance_m, wgs84_to_gcj02
from yiwang.servicemap.models import OpeningException, OpeningPeriod, Outlet, OutletItem, OutletWindow
from yiwang.servicemap.tests.conftest import YANTA_HALL

pytestmark = pytest.mark.django_db


def client_for(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


class TestPublic:
    def test_map_without_a_query_explains_and_draws_the_city(self, smap):
        html = client_for().get("/map/").content.decode()
        assert "怎样查找" in html and "<svg" in html and "雁塔区" in html
        assert "<script>" not in html and "onclick" not in html  # no inline script (CSP)

    def test_items_matching_words_then_outlets_near_a_place(self, smap):
        html = client_for().get("/map/", {"q": "企业变更"}).content.decode()
        assert "请选择要办理的事项" in html and f"?item={smap.ids.firm}" in html
        html = client_for().get("/map/", {"item": smap.ids.firm, "near": smap.beilin_hall.pk}).content.decode()
        assert "可以办理“企业变更登记”的网点" in html and "从“西安市碑林区政务服务中心”出发" in html
        listing = html[html.index('class="outlet-list"'):]
        assert listing.index("小寨邮政网点政务服务驿站") < listing.index("雁塔区政务服务中心东门信包箱")
        assert "2.8 公里" in listing and "3.6 公里" in listing and "自助交件取件" in listing

    def test_a_point_typed_in_gcj02(self, smap):
        g = wgs84_to_gcj02(*YANTA_HALL)
        html = client_for().get("/map/", {"lat": f"{g[0]:.6f}", "lng": f"{g[1]:.6f}", "crs": "gcj02"}).content.decode()
        assert "附近的服务网点" in html and "0 米" in html

    def test_bad_input_is_shown_not_raised(self, smap):
        response = client_for().get("/map/", {"lat": "95", "lng": "abc", "kind": "castle"})
        assert response.status_code == 200
        html = response.content.decode()
        assert "请修改以下内容" in html and "纬度应在 -90 到 90 之间" in html

    def test_district_list(self, smap):
        html = client_for().get("/map/", {"district": "610113"}).content.decode()
        assert "雁塔区的服务网点" in html and "共 3 个" in html

    def test_outlet_page(self, smap):
        html = client_for().get(f"/map/outlets/{smap.yanta_hall.pk}/", {"lat": YANTA_HALL[0] + 0.01,
                                                                        "lng": YANTA_HALL[1]}).content.decode()
        for text in ("西安市雁塔区政务服务中心", "开放时间", "周一至周五", "可以办理的事项", "企业变更登记", "全市通办",
                     "距您约 1.1 公里", "本大厅的自助设施", "雁塔区政务服务中心东门信包箱"):
            assert text in html, text
        assert client_for().get("/map/outlets/999999/").status_code == 404


class TestStaff:
    def test_who_may_enter(self, smap):
        assert client_for().get("/map/staff/").status_code == 302
        assert client_for(UserFactory()).get("/map/staff/").status_code == 403
        html = client_for(smap.manager_yanta).get("/map/staff/").content.decode()
        assert "小寨邮政网点政务服务驿站" in html and "西安市碑林区政务服务中心" not in html
        assert client_for(smap.manager_yanta).get(f"/map/staff/{smap.beilin_hall.pk}/").status_code == 404

    def test_create_from_map_app_coordinates(self, smap):
        g = wgs84_to_gcj02(34.2300, 108.9400)
        response = client_for(smap.manager_yanta).post("/map/staff/new/", {
            "name": "大雁塔银行网点政务服务驿站", "kind": "service_post", "host": "bank", "operator": smap.tree.yanta.pk,
            "lat": f"{g[0]:.6f}", "lng": f"{g[1]:.6f}", "crs": "gcj02", "address": "西安市雁塔区雁塔路",
            "facilities": ["step_free", "priority_seats"], "is_active": "on"})
        outlet = Outlet.objects.get(name="大雁塔银行网点政务服务驿站")
        assert response.status_code == 302 and response["Location"] == f"/map/staff/{outlet.pk}/hours/"
        assert distance_m(outlet.lat, outlet.lng, 34.2300, 108.9400) < 0.5
        assert outlet.facilities == ["step_free", "priority_seats"]

    def test_create_shows_every_problem(self, smap):
        response = client_for(smap.manager_yanta).post("/map/staff/new/", {
            "name": "驿站", "kind": "service_post", "operator": smap.tree.yanta.pk, "lat": "108.94", "lng": "34.26",
            "crs": "wgs84", "address": "西安"})
        assert response.status_code == 400
        html = response.content.decode()
        assert html.count("纬度应在 -90 到 90 度之间") == 2  # in the summary and at the field

    def test_hours_exceptions_items_windows(self, smap):
        client = client_for(smap.manager_yanta)
        url = f"/map/staff/{smap.post.pk}/"
        assert client.get(url + "hours/").status_code == 200
        response = client.post(url + "hours/", {"s0_0_opens": "9:00", "s0_0_closes": "17:00",
                                                "s5_0_opens": "9:00", "s5_0_closes": "12:00", "s5_0_extended": "on"})
        assert response.status_code == 302
        rows = [(p.slot, p.opens_minute, p.closes_minute, p.is_extended) for p in OpeningPeriod.objects.filter(outlet=smap.post)]
        assert rows == [(0, 540, 1020, False), (5, 540, 720, True)]
        bad = client.post(url + "hours/", {"s0_0_opens": "9点", "s0_0_closes": "17:00"})
        assert bad.status_code == 400 and "请按“9:00”“17:30”的格式填写" in bad.content.decode()
        day = timezone.localdate() + timedelta(days=5)
        assert client.post(url + "exceptions/add/", {"day": day.isoformat(), "closed": "on",
                                                     "reason": "设备检修"}).status_code == 302
        assert OpeningException.objects.get(outlet=smap.post).reason == "设备检修"
        assert client.post(url + "exceptions/remove/", {"day": day.isoformat()}).status_code == 302
        assert client.get(url + "items/", {"q": "个体工商户"}).content.decode().count("个体工商户设立登记") >= 1
        assert client.post(url + "items/add/", {"implementation": smap.ids.shop, "mode": "assisted"}).status_code == 302
        assert OutletItem.objects.filter(outlet=smap.post, implementation_id=smap.ids.shop, mode="assisted").exists()
        refused = client.post(url + "items/add/", {"implementation": smap.ids.firm, "mode": "city_wide"})
        assert refused.status_code == 400 and "不是全市通办事项" in refused.content.decode()
        assert client.post(url + "items/remove/", {"implementation": smap.ids.shop}).status_code == 302
        assert client.post(url + "windows/", {"count_assisted": "2", "note_assisted": "楼小二"}).status_code == 302
        assert OutletWindow.objects.get(outlet=smap.post).count == 2

    def test_edit_keeps_the_place_unless_moved(self, smap):
        client = client_for(smap.manager_yanta)
        form = client.get(f"/map/staff/{smap.post.pk}/").context["form"]
        data = {k: v for k, v in form.initial.items() if v is not None}
        data.update(name="小寨驿站（改）", facilities=[], is_active="on")
        before = (smap.post.lat, smap.post.lng)
        assert client.post(f"/map/staff/{smap.post.pk}/", data).status_code == 302
        smap.post.refresh_from_db()
        assert smap.post.name == "小寨驿站（改）" and (smap.post.lat, smap.post.lng) == before

    def test_coverage_page(self, smap):
        services.population_replace(actor=None, district_code="610113", points=[(*YANTA_HALL, 100)], is_demo=True,
                                    source="")
        html = client_for(smap.manager_yanta).get("/map/staff/coverage/", {"district": "610113"}).content.decode()
        assert "全市覆盖率 100.0%" in html and "10 分钟" in html
        assert client_for(UserFactory()).get("/map/staff/coverage/").status_code == 403
