"""The ratings API over HTTP: the citizen's own ratings, the channel systems, staff refused, the public
code sets and indicators."""

import json

import pytest
from django.test import Client

from yiwang.accounts.services import api_token_create
from yiwang.ratings.models import Rating
from yiwang.ratings.services import channel_system_register, rectification_report, rectification_verify

pytestmark = pytest.mark.django_db


def bearer(token):
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


def token_of(user):
    return api_token_create(actor=None, user=user, name="测试")[1]


def post(client, url, body):
    return client.post(url, data=json.dumps(body), content_type="application/json")


def test_the_citizen_rates_reads_and_rates_the_fix(rworld, deliver):
    case = deliver()
    client = bearer(token_of(rworld.citizen))
    response = post(client, "/api/v1/ratings/", {"case_id": case.pk, "level": "dissatisfied", "reasons": ["platform"],
                                                 "comment": "网上申请页面卡顿", "channel": "pc"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["level"] == "dissatisfied" and body["rectification"]["status"] == "verifying"
    assert body["rectification"]["result"] == ""
    again = post(client, "/api/v1/ratings/", {"case_id": case.pk, "level": "satisfied"})
    assert again.status_code == 409 and again.json()["code"] == "already_rated"
    rating = Rating.objects.get()
    rectification_verify(actor=rworld.officer, rectification=rating.rectification, finding_true=True,
                         finding_reasonable=True, finding_malicious=False, handling="fix_now", note="属实")
    rectification_report(actor=rworld.officer, rectification=rating.rectification, result_text="已修复页面性能问题")
    mine = client.get("/api/v1/ratings/mine").json()
    assert [r["id"] for r in mine] == [rating.pk] and mine[0]["rectification"]["result"] == "已修复页面性能问题"
    fixed = post(client, f"/api/v1/ratings/mine/{rating.pk}/fix", {"level": "satisfied"})
    assert fixed.status_code == 200 and fixed.json()["rectification"]["fix_level"] == "satisfied"
    assert bearer(token_of(rworld.other_citizen)).get(f"/api/v1/ratings/mine/{rating.pk}").status_code == 404


def test_bad_input_is_a_400_naming_the_field(rworld, deliver):
    case = deliver()
    client = bearer(token_of(rworld.citizen))
    for body, field in (
        ({"case_id": case.pk, "level": "dissatisfied"}, "reasons"),
        ({"case_id": case.pk, "level": "great"}, "level"),
        ({"case_id": case.pk, "level": "satisfied", "comment": "好" * 501}, "comment"),
        ({"case_id": case.pk, "level": "satisfied", "comment": "好\u0000"}, "comment"),
        ({"case_id": 0, "level": "satisfied"}, "case_id"),
    ):
        response = post(client, "/api/v1/ratings/", body)
        assert response.status_code == 400, (body, response.content)
        assert field in {d["field"] for d in response.json()["detail"]}
    assert not Rating.objects.exists()


@pytest.mark.parametrize("who", ["clerk", "approver", "officer", "supervisor"])
def test_staff_tokens_and_sessions_cannot_rate(rworld, deliver, who):
    case = deliver()
    staff = getattr(rworld, who)
    response = post(bearer(token_of(staff)), "/api/v1/ratings/", {"case_id": case.pk, "level": "very_satisfied"})
    assert response.status_code == 403 and response.json()["code"] == "staff_cannot_rate"
    session = Client(enforce_csrf_checks=False)
    session.force_login(staff)
    by_session = post(session, "/api/v1/ratings/", {"case_id": case.pk, "level": "very_satisfied"})
    assert by_session.status_code == 403 and by_session.json()["code"] == "staff_cannot_rate"
    channel = post(bearer(token_of(staff)), "/api/v1/ratings/channel/ratings", {
        "case_number": case.number, "identity_check": "id_card", "id_number": rworld.citizen.id_number,
        "level": "very_satisfied"})
    assert channel.status_code == 403 and channel.json()["code"] == "rating_channel_not_registered"
    assert not Rating.objects.exists()


def test_a_kiosk_looks_up_and_rates_for_the_card_in_its_reader(rworld, deliver):
    case = deliver()
    _, token = channel_system_register(actor=None, name="市政务服务中心自助终端 01", channel="terminal", username="kiosk01")
    kiosk = bearer(token)
    lookup = post(kiosk, "/api/v1/ratings/channel/lookup", {"identity_check": "id_card", "id_number": rworld.citizen.id_number})
    assert lookup.status_code == 200
    assert [c["case_number"] for c in lookup.json()["cases"]] == [case.number]
    wrong = post(kiosk, "/api/v1/ratings/channel/ratings", {"case_number": case.number, "identity_check": "id_card",
                                                             "id_number": rworld.other_citizen.id_number, "gbt39046_code": "1"})
    assert wrong.status_code == 404
    both = post(kiosk, "/api/v1/ratings/channel/ratings", {"case_number": case.number, "identity_check": "id_card",
                                                            "id_number": rworld.citizen.id_number, "gbt39046_code": "1",
                                                            "level": "satisfied"})
    assert both.status_code == 400
    done = post(kiosk, "/api/v1/ratings/channel/ratings", {"case_number": case.number, "identity_check": "id_card",
                                                            "id_number": rworld.citizen.id_number, "gbt39046_code": "1"})
    assert done.status_code == 201 and done.json()["level"] == "very_satisfied" and done.json()["channel"] == "terminal"
    assert post(kiosk, "/api/v1/ratings/channel/lookup", {"identity_check": "id_card",
                                                          "id_number": rworld.citizen.id_number}).json()["cases"] == []


def test_an_sms_reply_rates_by_the_sending_number(rworld, deliver):
    case = deliver()
    _, token = channel_system_register(actor=None, name="短信平台", channel="sms", username="smsgw")
    reply = post(bearer(token), "/api/v1/ratings/channel/ratings", {
        "case_number": case.number, "identity_check": "phone_number", "phone": rworld.citizen.phone, "gbt39046_code": "4",
        "reasons": ["efficiency"], "comment": "短信回复：办得太慢"})
    assert reply.status_code == 201 and reply.json()["level"] == "dissatisfied"
    assert Rating.objects.get().rectification.status == "verifying"


def test_anonymous_callers_get_the_code_sets_and_public_indicators_only(rworld, deliver):
    anonymous = Client()
    sets = anonymous.get("/api/v1/ratings/code-sets").json()
    assert [(x["value"], x["gbt39046_code"]) for x in sets["levels"]][0] == ("very_satisfied", "1")
    assert "service_attitude" in {x["value"] for x in sets["reasons"]}
    assert anonymous.get("/api/v1/ratings/indicators").json()["minimum_sample"] == 30
    assert anonymous.get("/api/v1/ratings/indicators?by=staff").status_code == 400
    assert anonymous.get("/api/v1/ratings/mine").status_code == 401
    assert post(anonymous, "/api/v1/ratings/", {"case_id": 1, "level": "satisfied"}).status_code == 401
