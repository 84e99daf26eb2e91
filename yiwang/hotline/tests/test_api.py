"""The hotline API over HTTP (token auth)."""

import pytest
from django.test import Client

from yiwang.accounts.services import api_token_create
from yiwang.hotline.models import Ticket
from yiwang.hotline.tests.world import XIAOZHAI

pytestmark = pytest.mark.django_db


def client_for(user):
    token = api_token_create(actor=None, user=user, name="api test")[1]
    return lambda method, path, **kw: getattr(Client(), method)(f"/api/v1/hotline{path}", content_type="application/json",
                                                                 HTTP_AUTHORIZATION=f"Bearer {token}", **kw)


BODY = {"ticket_type": "complaint", "service_code": "XA010101", "description": "小寨路口摊贩占道", "district": "610113",
        "street": "610113J01", "lat": XIAOZHAI[0], "lng": XIAOZHAI[1]}


def test_a_citizen_files_and_it_is_dispatched(hw):
    call = client_for(hw.citizen)
    r = call("post", "/tickets", data=BODY)
    assert r.status_code == 201, r.content
    data = r.json()
    assert data["status"] == "dispatched" and data["unit"] == "雁塔区小寨路街道办事处" and data["lookup_code"]
    assert call("get", "/tickets").json()[0]["number"] == data["number"]
    assert call("post", "/tickets", data={**BODY, "channel": "phone"}).status_code == 403


def test_errors_name_the_field(hw):
    call = client_for(hw.citizen)
    r = call("post", "/tickets", data={**BODY, "description": "x" * 4001})
    assert r.status_code == 400 and r.json()["detail"][0]["field"] == "description"
    r = call("post", "/tickets", data={**BODY, "description": "a\u0000b"})
    assert r.status_code == 400 and r.json()["code"] in ("validation_failed", "invalid_input")
    assert call("post", "/tickets", data={**BODY, "service_code": "NOPE"}).status_code == 400
    assert call("post", "/tickets", data={**BODY, "description": "着火了"}).json()["code"] == "emergency_unconfirmed"
    assert not Ticket.objects.exists()


def test_the_unit_acts_and_sees_the_caller(hw):
    number = client_for(hw.agent)("post", "/tickets", data={**BODY, "caller_phone": "13800000005"}).json()
    unit = client_for(hw.office_handler)
    t = unit("get", f"/tickets/{number['id']}").json()
    assert t["caller_phone"] == "13800000005" and "sign" in t["actions"]
    assert unit("post", f"/tickets/{number['id']}/actions/sign", data={}).json()["status"] == "signed"
    r = unit("post", f"/tickets/{number['id']}/actions/approve_reply", data={})
    assert r.status_code == 400 and r.json()["code"] == "action_not_allowed"
    assert client_for(hw.cg_handler)("get", f"/tickets/{number['id']}").status_code == 404


def test_suggestions_duplicates_catalogue_and_indicators(hw, submit):
    t = submit()
    agent = client_for(hw.agent)
    s = agent("get", "/suggestion?description=小寨有摊贩占道&district=610113&street=610113J01").json()
    assert s["service_code"] == "XA010101" and s["unit"] == "雁塔区小寨路街道办事处" and s["automatic"]
    d = agent("get", f"/duplicates?lat={XIAOZHAI[0]}&lng={XIAOZHAI[1]}&service_code=XA010101").json()
    assert d[0]["number"] == t.number
    assert len(agent("get", "/catalogue").json()) == 3
    assert agent("get", "/indicators").json()["received"] == 1
    assert client_for(hw.citizen)("get", "/indicators").status_code == 404
    assert agent("get", "/indicators?start=2026-05-01&end=2026-01-01").status_code == 400
