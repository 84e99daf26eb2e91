"""Open311 GeoReport v2 conformance: each rule of the specification, over HTTP, in JSON and XML."""

import json
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta

import pytest
from django.test import Client, override_settings
from django.utils import timezone

from yiwang.accounts.services import api_token_create
from yiwang.hotline import services
from yiwang.hotline.models import Ticket

pytestmark = pytest.mark.django_db
BASE = "/open311/v2"


@pytest.fixture
def api_key(hw):
    return api_token_create(actor=None, user=hw.citizen, name="open311 partner")[1]


def get(path, **params):
    return Client().get(f"{BASE}/{path}", params)


def post(fmt="json", **data):
    return Client().post(f"{BASE}/requests.{fmt}", data)


def xml(response):
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    assert response.content.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    return ET.fromstring(response.content)  # noqa: S314 - our own server's answer


def body(response):
    assert response["Content-Type"] == "application/json; charset=utf-8"
    return json.loads(response.content)


def assert_error(response, status):
    assert response.status_code == status
    data = body(response) if response["Content-Type"].startswith("application/json") else None
    if data is None:
        root = xml(response)
        assert root.tag == "errors" and root.find("error/code").text == str(status) and root.find("error/description").text
    else:
        assert isinstance(data, list) and data[0]["code"] == status and data[0]["description"]


def test_discovery_names_the_spec_and_formats(hw):
    data = body(get("discovery.json"))
    endpoint = data["endpoints"][0]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"].endswith("/open311/v2") and set(endpoint["formats"]) == {"text/xml", "application/json"}
    assert datetime.fromisoformat(data["changeset"]).tzinfo is not None
    root = xml(get("discovery.xml"))
    assert root.tag == "discovery" and [f.text for f in root.findall("endpoints/endpoint/formats/format")] == ["text/xml", "application/json"]


def test_service_list_fields(hw):
    services_ = body(get("services.json"))
    codes = {s["service_code"]: s for s in services_}
    assert set(codes) == {"XA010101", "XA010202", "XA080101"}
    lamp = codes["XA010202"]
    assert lamp["metadata"] is True and codes["XA010101"]["metadata"] is False
    assert lamp["type"] in ("realtime", "batch", "blackbox") and lamp["group"] == "城市管理" and lamp["keywords"] == "路灯, 不亮"
    assert all(isinstance(s["service_code"], str) for s in services_)
    root = xml(get("services.xml"))
    assert root.tag == "services" and len(root.findall("service")) == 3
    assert root.find("service/metadata").text in ("true", "false")


def test_service_definition(hw):
    data = body(get("services/XA010202.json"))
    attr = data["attributes"][0]
    assert data["service_code"] == "XA010202"
    assert attr == {"variable": True, "code": "danger", "datatype": "singlevaluelist", "required": True,
                    "datatype_description": None, "order": 1, "description": "是否有险情",
                    "values": [{"key": "yes", "name": "是"}, {"key": "no", "name": "否"}]}
    root = xml(get("services/XA010202.xml"))
    assert root.tag == "service_definition" and root.find("attributes/attribute/values/value/key").text == "yes"
    assert_error(get("services/NOPE.json"), 404)
    assert_error(get("services/NOPE.xml"), 404)


def test_jurisdiction(hw):
    assert get("services.json", jurisdiction_id="xa.gov.cn").status_code == 200
    assert_error(get("services.json", jurisdiction_id="sfgov.org"), 404)


def test_post_needs_a_valid_api_key(hw, api_key):
    assert_error(post(service_code="XA010101", lat="34.22", long="108.94"), 403)
    assert_error(post(api_key="yw_wrong", service_code="XA010101", lat="34.22", long="108.94"), 403)
    assert_error(post("xml", api_key="yw_wrong", service_code="XA010101", lat="34.22", long="108.94"), 403)
    assert not Ticket.objects.exists()


def test_post_errors(hw, api_key):
    assert_error(post(api_key=api_key, lat="34.2", long="108.9"), 400)  # no service_code
    assert_error(post(api_key=api_key, service_code="NOPE", lat="34.2", long="108.9"), 404)
    assert_error(post(api_key=api_key, service_code="XA010101"), 400)  # no location
    assert_error(post(api_key=api_key, service_code="XA010101", lat="34.2"), 400)  # lat without long
    assert_error(post(api_key=api_key, service_code="XA010101", lat="north", long="108.9"), 400)
    assert_error(post(api_key=api_key, service_code="XA010101", lat="99", long="108.9"), 400)
    assert_error(post(api_key=api_key, service_code="XA010101", address_string="x", description="长" * 4001), 400)
    assert_error(post(api_key=api_key, service_code="XA010202", address_string="雁塔路"), 400)  # required attribute
    assert_error(post(api_key=api_key, service_code="XA010202", address_string="雁塔路", **{"attribute[danger]": "maybe"}), 400)
    assert not Ticket.objects.exists()


def test_post_creates_a_ticket_and_returns_its_id(hw, api_key):
    r = post(api_key=api_key, service_code="XA010202", lat="34.2235", long="108.9470", description="路灯整晚不亮",
             first_name="明", last_name="李", phone="13800000009", email="li@example.org", account_id="u-7",
             **{"attribute[danger]": "no"})
    assert r.status_code == 200
    row = body(r)[0]
    ticket = Ticket.objects.get(number=row["service_request_id"])
    assert ticket.channel == "open311" and ticket.attributes == {"danger": "no"} and ticket.caller_name == "李明"
    assert row["account_id"] == "u-7" and "service_notice" in row and "token" not in row
    r = post("xml", api_key=api_key, service_code="XA010101", address_string="小寨东路 1 号", description="摊贩占道")
    root = xml(r)
    assert root.tag == "service_requests" and root.find("request/service_request_id").text.isdigit()


def test_emergency_words_in_a_post_go_to_an_agent_with_the_notice(hw, api_key):
    row = body(post(api_key=api_key, service_code="XA010101", address_string="小寨", description="路口车祸有人受伤"))[0]
    assert "122" in row["service_notice"]
    assert Ticket.objects.get(number=row["service_request_id"]).status == "accepted"  # waits for an agent


@override_settings(HOTLINE_OPEN311_SERVICE_TYPE="batch")
def test_batch_services_return_a_token_that_resolves(hw, api_key):
    assert body(get("services.json"))[0]["type"] == "batch"
    row = body(post(api_key=api_key, service_code="XA010101", address_string="小寨"))[0]
    assert "service_request_id" not in row and row["token"]
    resolved = body(get(f"tokens/{row['token']}.json"))[0]
    assert resolved["token"] == row["token"] and Ticket.objects.filter(number=resolved["service_request_id"]).exists()
    assert xml(get(f"tokens/{row['token']}.xml")).find("request/token").text == row["token"]
    assert_error(get("tokens/nope.json"), 404)


def _tickets(hw, submit):
    open_one = submit()
    closed = submit(item=hw.consult, ticket_type="consultation", description="社保怎么交", answer_text="请到人社窗口办理。")
    secret = submit(confidential=True, description="举报内容保密")
    return open_one, closed, secret


def test_request_fields_and_privacy(hw, submit):
    open_one, closed, _ = _tickets(hw, submit)
    row = body(get(f"requests/{open_one.number}.json"))[0]
    assert set(row) == {"service_request_id", "status", "status_notes", "service_name", "service_code", "description",
                        "agency_responsible", "service_notice", "requested_datetime", "updated_datetime",
                        "expected_datetime", "address", "address_id", "zipcode", "lat", "long", "media_url"}
    assert row["status"] == "open" and row["agency_responsible"] == "雁塔区小寨路街道办事处"
    for key in ("requested_datetime", "updated_datetime", "expected_datetime"):
        assert datetime.fromisoformat(row[key]).utcoffset() == timedelta(hours=8)
    done = body(get(f"requests/{closed.number}.json"))[0]
    assert done["status"] == "closed" and done["status_notes"] == "请到人社窗口办理。"
    everything = Client().get(f"{BASE}/requests.json").content.decode() + Client().get(f"{BASE}/requests.xml").content.decode()
    assert "13800000001" not in everything and "李明" not in everything and "举报内容保密" not in everything
    assert_error(get("requests/999.json"), 404)
    assert xml(get(f"requests/{open_one.number}.xml")).find("request/status").text == "open"


def test_status_is_strictly_open_or_closed_and_merged_follow_the_master(hw, submit):
    master, dup = submit(), submit()
    services.ticket_merge(actor=hw.agent, ticket=dup, master=master)
    statuses = {r["service_request_id"]: r for r in body(get("requests.json"))}
    assert {r["status"] for r in statuses.values()} <= {"open", "closed"}
    assert statuses[dup.number]["status"] == "open" and "合并" in statuses[dup.number]["status_notes"]
    assert [r["service_request_id"] for r in body(get("requests.json", status="open"))] == [dup.number, master.number]
    assert body(get("requests.json", status="closed")) == []
    assert_error(get("requests.json", status="pending"), 400)


def test_filters_window_and_limit(hw, submit):
    a, b, c = _tickets(hw, submit)
    old = submit()
    Ticket.objects.filter(pk=old.pk).update(received_at=timezone.now() - timedelta(days=120))
    default = {r["service_request_id"] for r in body(get("requests.json"))}
    assert old.number not in default and {a.number, b.number, c.number} <= default  # the last 90 days
    now = timezone.now()
    span = {"start_date": (now - timedelta(days=130)).isoformat(), "end_date": (now - timedelta(days=100)).isoformat()}
    assert [r["service_request_id"] for r in body(get("requests.json", **span))] == [old.number]
    since = (now - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert {r["service_request_id"] for r in body(get("requests.json", start_date=since))} == {a.number, b.number, c.number}
    assert_error(get("requests.json", start_date="2026-01-01T00:00:00Z", end_date="2026-06-01T00:00:00Z"), 400)
    assert_error(get("requests.json", start_date="2026-01-01T00:00:00"), 400)  # no timezone
    assert_error(get("requests.json", start_date="yesterday"), 400)
    assert_error(get("requests.json", start_date="2026-02-01T00:00:00Z", end_date="2026-01-01T00:00:00Z"), 400)
    assert [r["service_code"] for r in body(get("requests.json", service_code="XA080101"))] == ["XA080101"]
    ids = body(get("requests.json", service_request_id=f"{old.number},{a.number}", status="closed"))
    assert {r["service_request_id"] for r in ids} == {old.number, a.number}  # overrides every other argument


def test_at_most_a_thousand_requests(hw, submit):
    t = submit()
    rows = [Ticket(**{f.attname: getattr(t, f.attname) for f in Ticket._meta.concrete_fields if f.attname != "id"})
            for _ in range(1005)]
    for i, row in enumerate(rows):
        row.number = f"2026{i:010d}"
    Ticket.objects.bulk_create(rows, batch_size=500)
    assert len(body(get("requests.json"))) == 1000


def test_unknown_resources_are_404_in_the_spec_shape(hw):
    assert_error(Client().get(f"{BASE}/nothing.json"), 404)
    assert_error(Client().get(f"{BASE}/services.html"), 404)
