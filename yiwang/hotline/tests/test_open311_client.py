"""A third-party Open311 client drives the endpoints over real HTTP.

`georeport` (PyPI, Python ≥ 3.9, pinned in requirements-dev.txt) covers the reads: service list,
service definition, requests with filters, one request — in JSON and in XML (it parses XML with
xmltodict). It cannot create requests, so POST and tokens are driven by a raw client that sends
exactly what the specification shows (application/x-www-form-urlencoded, api_key in the body).
The other Python clients on PyPI (`three` 0.8, `open311` 1.1) are Python 2 only."""

import pytest
import requests
from django.test import override_settings
from georeport import GeoReport

from yiwang.accounts.services import api_token_create

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def endpoint(live_server, hw):
    return f"{live_server.url}/open311/v2"


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_the_georeport_client_reads_everything(endpoint, hw, fmt):
    client = GeoReport(endpoint, jurisdiction="xa.gov.cn", output_format=fmt)
    services = client.get_service_list()
    assert {s["service_code"] for s in services} == {"XA010101", "XA010202", "XA080101"}
    definition = client.get_service_definition("XA010202")
    attributes = definition["attributes"]
    attribute = attributes[0] if fmt == "json" else attributes["attribute"]
    assert attribute["code"] == "danger"

    key = api_token_create(actor=None, user=hw.citizen, name="client test")[1]
    posted = requests.post(f"{endpoint}/requests.json", data={
        "api_key": key, "jurisdiction_id": "xa.gov.cn", "service_code": "XA010202", "lat": "34.2235", "long": "108.9470",
        "description": "路灯不亮", "attribute[danger]": "no"}, timeout=10)
    assert posted.status_code == 200 and posted.headers["Content-Type"].startswith("application/json")
    number = posted.json()[0]["service_request_id"]

    one = client.get_service_request(number)
    assert one["service_request_id"] == number and one["status"] == "open"
    listed = client.get_service_requests(service_code="XA010202", status="open")
    rows = listed if fmt == "json" else ([listed] if isinstance(listed, dict) else listed)
    assert [r["service_request_id"] for r in rows] == [number]


@override_settings(HOTLINE_OPEN311_SERVICE_TYPE="batch")
def test_a_raw_spec_client_posts_and_follows_the_token(endpoint, hw):
    key = api_token_create(actor=None, user=hw.citizen, name="raw client")[1]
    r = requests.post(f"{endpoint}/requests.xml", data={"api_key": key, "service_code": "XA010101",
                                                        "address_string": "小寨东路 1 号", "description": "占道经营"},
                      headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}, timeout=10)
    assert r.status_code == 200 and b"<token>" in r.content
    token = r.text.split("<token>")[1].split("</token>")[0]
    resolved = requests.get(f"{endpoint}/tokens/{token}.json", timeout=10).json()[0]
    assert resolved["token"] == token and resolved["service_request_id"].isdigit()
    bad = requests.post(f"{endpoint}/requests.json", data={"api_key": "nope", "service_code": "XA010101"}, timeout=10)
    assert bad.status_code == 403 and bad.json()[0]["code"] == 403
