"""The API over HTTP: nearest with distances, ranges refused with a 400 naming the field, the
OpenAPI schema's bounds, detail and list, coverage for planning roles only."""

import pytest
from django.test import Client

from yiwang.accounts.services import api_token_create
from yiwang.accounts.tests.factories import UserFactory
from yiwang.servicemap import services
from yiwang.servicemap.tests.conftest import YANTA_HALL

pytestmark = pytest.mark.django_db
BASE = "/api/v1/servicemap"


def get(path, **params):
    return Client().get(BASE + path, params)


def test_nearest_with_the_distance_of_each(smap):
    response = get("/outlets/nearest", lat=YANTA_HALL[0], lng=YANTA_HALL[1], item=smap.ids.firm, limit=2)
    assert response.status_code == 200
    body = response.json()
    assert body["origin"] == {"lat": YANTA_HALL[0], "lng": YANTA_HALL[1]}
    assert body["item"]["name"] == "企业变更登记"
    first, second = body["results"]
    assert (first["name"], first["distance_m"], first["mode"]) == ("西安市雁塔区政务服务中心", 0.0, "stationed")
    assert second["kind"] == "locker" and 0 < second["distance_m"] < 50
    assert set(first["today"]) == {"date", "day_type", "rule", "periods", "text", "note"}
    assert first["queue"] is None and first["url"] == f"/map/outlets/{first['id']}/"


@pytest.mark.parametrize("params,field,fragment", [
    ({"lat": 91, "lng": 108.9}, "lat", "最大为 90"),
    ({"lat": -91, "lng": 108.9}, "lat", "最小为 -90"),
    ({"lat": 34.2, "lng": 181}, "lng", "最大为 180"),
    ({"lat": 34.2, "lng": 108.9, "limit": 51}, "limit", "最大为 50"),
    ({"lat": 34.2, "lng": 108.9, "limit": 0}, "limit", "最小为 1"),
    ({"lat": 34.2, "lng": 108.9, "radius_km": 0.01}, "radius_km", "最小为 0.1"),
    ({"lat": 34.2, "lng": 108.9, "kind": "palace"}, "kind", "取值不在允许范围内"),
    ({"lat": 34.2, "lng": 108.9, "crs": "bd09"}, "crs", "取值不在允许范围内"),
    ({"lat": "north", "lng": 108.9}, "lat", ""),
    ({"lng": 108.9}, "lat", "必填"),
])
def test_nearest_refuses_out_of_range_with_a_clear_400(smap, params, field, fragment):
    response = get("/outlets/nearest", **params)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_input"
    assert field in [d["field"] for d in body["detail"]]
    assert fragment in body["message"] and body["message"].startswith(field)


def test_unknown_item_is_a_400_naming_it(smap):
    response = get("/outlets/nearest", lat=34.2, lng=108.9, item=987654)
    assert response.status_code == 400
    assert response.json()["detail"][0]["field"] == "item"


def test_schema_states_the_ranges():
    schema = Client().get("/api/v1/openapi.json").json()
    op = schema["paths"]["/api/v1/servicemap/outlets/nearest"]["get"]
    params = {p["name"]: p["schema"] for p in op["parameters"]}
    assert (params["lat"]["minimum"], params["lat"]["maximum"]) == (-90, 90)
    assert (params["lng"]["minimum"], params["lng"]["maximum"]) == (-180, 180)
    assert (params["limit"]["minimum"], params["limit"]["maximum"]) == (1, 50)
    assert "400" in op["responses"]
    listing = {p["name"]: p["schema"] for p in schema["paths"]["/api/v1/servicemap/outlets"]["get"]["parameters"]}
    assert listing["q"]["maxLength"] == 100 and listing["page_size"]["maximum"] == 100


def test_detail_and_list(smap):
    body = get(f"/outlets/{smap.locker.pk}", lat=YANTA_HALL[0], lng=YANTA_HALL[1]).json()
    assert body["locker_code"] == "YT-01" and body["hall_id"] == smap.yanta_hall.pk
    assert body["items"][0]["mode"] == "locker" and 0 < body["distance_m"] < 50
    assert body["week"][0] == {"days": "周一至周日", "hours": "24小时"}
    assert get("/outlets/99999999").status_code == 404
    assert get("/outlets/0").status_code == 400
    services.outlet_update(actor=None, outlet=smap.post, is_active=False)
    assert get(f"/outlets/{smap.post.pk}").status_code == 404
    page = get("/outlets", district="610113").json()
    assert page["total"] == 2 and [r["name"] for r in page["results"]] == ["西安市雁塔区政务服务中心", "雁塔区政务服务中心东门信包箱"]
    assert get("/outlets", q="x" * 101).status_code == 400
    assert get("/outlets", district="999999").status_code == 400


def test_coverage_for_planning_roles_only(smap):
    assert get("/coverage").status_code == 401
    citizen_token = api_token_create(actor=None, user=UserFactory(), name="t")[1]
    response = Client().get(f"{BASE}/coverage", HTTP_AUTHORIZATION=f"Bearer {citizen_token}")
    assert response.status_code == 403
    manager_token = api_token_create(actor=None, user=smap.manager_yanta, name="t")[1]
    services.population_replace(actor=None, district_code="610113", points=[(YANTA_HALL[0], YANTA_HALL[1], 100)],
                                is_demo=True, source="")
    body = Client().get(f"{BASE}/coverage", HTTP_AUTHORIZATION=f"Bearer {manager_token}").json()
    assert (body["population"], body["covered"], body["share"]) == (100, 100, 1.0)
    assert body["walking_speed_kmh"] == 4.5 and body["detour_factor"] == 1.3
    assert body["districts"][0]["minutes"] == 10
