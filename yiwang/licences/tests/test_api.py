"""The licences API over HTTP: holder, staff and profile endpoints, with their 4xx."""

import io

import pytest

from yiwang.licences.models import Licence
from yiwang.licences.tests.conftest import issue

pytestmark = pytest.mark.django_db


def test_keys_are_public_and_list_every_issuer_key(world, client):
    issue(world)
    issue(world, "LIC-BUSINESS-LICENCE")
    body = client.get("/api/v1/licences/keys").json()
    assert body["format"] == "yiwang-licence-keys/1" and body["active"] == 2
    assert {k["issuer_name"] for k in body["keys"]} == {"西安市公安局", "西安市市场监督管理局"}
    assert all(len(k["public_key"]) == 130 and k["public_key"].startswith("04") for k in body["keys"])
    assert any(t["name"] == "居民身份证" for t in body["licence_types"])


def test_the_holder_reads_her_licences_in_full_and_staff_masked(world, client):
    licence = issue(world)
    assert client.get("/api/v1/licences/mine").status_code == 401
    client.force_login(world.citizen)
    [mine] = client.get("/api/v1/licences/mine").json()
    assert mine["holder_id"] == world.citizen.id_number and mine["actions"]["show"] is True
    client.force_login(world.officer)
    staff_view = client.get(f"/api/v1/licences/{licence.pk}").json()
    assert staff_view["holder_id"] == "6101**********0242" and staff_view["attributes"] == {}
    assert staff_view["actions"]["status_actions"] == ["revoke", "cancel", "withdraw"]
    client.force_login(world.enterprise)
    assert client.get(f"/api/v1/licences/{licence.pk}").status_code == 404


def test_show_code_and_who_checked(world, client):
    licence = issue(world)
    client.force_login(world.citizen)
    code = client.post(f"/api/v1/licences/{licence.pk}/show-code").json()
    assert code["qr_text"].startswith("http") and "&e=" in code["qr_text"]
    client.logout()
    client.get(f"/api/v1/licences/verify/{licence.identifier}?verifier=某派出所")
    client.force_login(world.citizen)
    [check] = client.get(f"/api/v1/licences/{licence.pk}/verifications").json()
    assert check["channel"] == "api" and check["who"].startswith("某派出所")


def test_status_changes_need_an_officer_in_scope_and_a_reason(world, client):
    licence = issue(world)
    client.force_login(world.citizen)
    assert client.post(f"/api/v1/licences/{licence.pk}/status", {"action": "revoke", "reason": "x"},
                       content_type="application/json").status_code == 404
    client.force_login(world.officer)
    missing = client.post(f"/api/v1/licences/{licence.pk}/status", {"action": "revoke", "reason": " "},
                          content_type="application/json")
    assert missing.status_code == 400 and missing.json()["detail"][0]["field"] == "reason"
    wrong = client.post(f"/api/v1/licences/{licence.pk}/status", {"action": "expire", "reason": "x"},
                        content_type="application/json")
    assert wrong.status_code == 400 and wrong.json()["detail"][0]["field"] == "action"
    done = client.post(f"/api/v1/licences/{licence.pk}/status", {"action": "withdraw", "reason": "行政处罚：吊销"},
                       content_type="application/json")
    assert done.status_code == 200 and done.json()["status"] == "withdrawn"
    again = client.post(f"/api/v1/licences/{licence.pk}/status", {"action": "revoke", "reason": "再撤销"},
                        content_type="application/json")
    assert again.status_code == 409 and again.json()["code"] == "invalid_transition"


def test_import_over_the_api(world, client):
    row = f"LIC-BUSINESS-LICENCE,{world.enterprise.org_name},{world.enterprise.uscc},2019-05-20"
    csv = f"证照类型代码,持证主体名称,持证主体代码,发证日期\n{row}\n".encode()
    client.force_login(world.citizen)
    assert client.post("/api/v1/licences/import", {"file": io.BytesIO(csv)}).status_code == 403
    client.force_login(world.officer)
    upload = io.BytesIO(csv)
    upload.name = "a.csv"
    ok = client.post("/api/v1/licences/import", {"file": upload})
    assert ok.status_code == 201 and ok.json()["imported"] == 1 and Licence.objects.count() == 1
    bad = io.BytesIO("证照类型代码,持证主体名称,持证主体代码,发证日期\nLIC-X,a,b,c\n".encode())
    bad.name = "b.csv"
    failed = client.post("/api/v1/licences/import", {"file": bad})
    assert failed.status_code == 400 and failed.json()["code"] == "licence_import_failed"
    assert {(d["row"], d["column"]) for d in failed.json()["detail"]} >= {(2, "证照类型代码")}


def test_waivers_are_for_officers(world, client):
    client.force_login(world.yanta_clerk)
    assert client.get("/api/v1/licences/waivers").status_code == 403
    client.force_login(world.officer)
    assert client.get("/api/v1/licences/waivers").json()["total"]["required"] == 0


def test_profiles_over_the_api(world, client):
    issue(world, "LIC-HUKOU", division_code="610113J01")
    client.force_login(world.citizen)
    me = client.get("/api/v1/licences/profiles/me").json()
    assert me["subject_id"] == world.citizen.id_number and me["kind"] == "person"
    client.force_login(world.yanta_clerk)
    found = client.post("/api/v1/licences/profiles/lookup", {"subject_id": world.citizen.id_number},
                        content_type="application/json")
    assert found.status_code == 200 and found.json()["subject_id"] == "6101**********0242"
    refused = client.patch(f"/api/v1/licences/profiles/{me['id']}", {"changes": {"employment_status": "retired"}},
                           content_type="application/json")
    assert refused.status_code == 404
    client.force_login(world.officer)
    nul = client.patch(f"/api/v1/licences/profiles/{me['id']}", {"changes": {"industry_code": "H\x00"}},
                       content_type="application/json")
    assert nul.status_code == 400
    changed = client.patch(f"/api/v1/licences/profiles/{me['id']}", {"changes": {"employment_status": "retired"}},
                           content_type="application/json")
    assert changed.status_code == 200
    assert {r["name"]: r["value"] for r in changed.json()["attributes"]}["employment_status"] == "retired"
    client.force_login(world.beilin_clerk)
    assert client.post("/api/v1/licences/profiles/lookup", {"subject_id": world.citizen.id_number},
                       content_type="application/json").status_code == 404
