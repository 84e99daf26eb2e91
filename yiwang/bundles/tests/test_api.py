"""The bundles API over HTTP: list with figures, detail, checklist; documented errors."""

import pytest

from yiwang.bundles import services
from yiwang.bundles.tests.factories import published_bundle, shop

pytestmark = pytest.mark.django_db


@pytest.fixture
def s():
    return shop()


def test_list_has_every_published_bundle_with_figures_totals_and_the_reported_figures(client, s):
    version = published_bundle(s)
    services.bundle_create(actor=s.editor, steward=s.bureau, name="草稿不公开")
    body = client.get("/api/v1/bundles").json()
    assert [b["name"] for b in body["items"]] == ["开办餐饮店"]
    item = body["items"][0]
    assert item["id"] == version.bundle_id and item["subject"] == "enterprise" and item["lead_agency"]["name"] == "西安市市场监督管理局"
    assert item["url"] == f"/bundles/{version.bundle_id}/"
    # check 1 + food 4 + sign 3 = 8 separately; merged form + 营业执照 + 制度 + 健康证明 + 设计平面图 = 5
    assert (item["figures"]["materials_before"], item["figures"]["materials_after"]) == (8, 5)
    assert (item["figures"]["days_before"], item["figures"]["days_after"]) == (13.0, 10.0)
    assert (item["figures"]["visits_before"], item["figures"]["visits_after"]) == (1, 1)
    assert body["totals"]["materials_before"] == 8
    assert body["reported"] == {"materials_reduction": 30.6, "visits_reduction": 75.1, "time_reduction": 50.0,
                                "source": body["reported"]["source"]}
    assert client.get("/api/v1/bundles?subject=person").json()["items"] == []
    assert client.get("/api/v1/bundles?subject=alien").status_code == 400


def test_detail_lists_members_dependencies_questions_and_the_full_checklist(client, s):
    version = published_bundle(s)
    body = client.get(f"/api/v1/bundles/{version.bundle_id}").json()
    assert [m["name"] for m in body["members"]] == ["企业营业执照信息核验", "食品经营许可", "户外招牌设施设置规范管理"]
    assert body["members"][1]["depends_on"] == [s.check.implementation_id]
    assert body["members"][1]["guide_url"] == f"/items/{s.food.implementation_id}/"
    assert [q["key"] for q in body["questions"]] == ["signboard", "agent"]
    assert body["checklist"]["waves"] == [[s.check.implementation_id], [s.food.implementation_id, s.sign.implementation_id]]
    form = {f["name"] for f in body["checklist"]["form"]}
    assert {"enterprise.name", "premises.address", f"matter.description@{s.food.implementation_id}",
            f"matter.description@{s.sign.implementation_id}"} <= form


def test_checklist_for_answers(client, s):
    version = published_bundle(s)
    response = client.post(f"/api/v1/bundles/{version.bundle_id}/checklist", {"answers": {"signboard": "no", "agent": "no"}},
                           content_type="application/json")
    assert response.status_code == 200
    body = response.json()
    assert [m["name"] for m in body["members"]] == ["企业营业执照信息核验", "食品经营许可"]
    assert body["excluded"] == [{"id": s.sign.implementation_id, "name": "户外招牌设施设置规范管理",
                                 "reason": "您的回答：需要设置户外招牌吗？——不需要"}]
    assert [a["label"] for a in body["answers"]] == ["不需要", "否"]
    names = [m["name"] for m in body["materials"]]
    assert names == ["一件事联办申请表（多表合一）", "保证食品安全的规章制度", "营业执照副本原件及复印件", "从业人员健康证明"]
    assert body["figures"]["materials_before"] == 5 and body["figures"]["materials_after"] == 4


@pytest.mark.parametrize("payload,field,code", [
    ({"answers": {"signboard": "maybe"}}, "answers.signboard", "unknown_option"),
    ({"answers": {"colour": "red"}}, "answers.colour", "unknown_question"),
    ({"answers": {"signboard": "no\u0000"}}, "answers.signboard", "control_character"),
    ({"answers": {"signboard": "n" * 41}}, "answers.signboard", "string_too_long"),
    ({"answers": {f"k{i}": "x" for i in range(21)}}, "answers", "too_long"),
    ({"answers": "yes"}, "answers", "dict_type"),
])
def test_bad_answers_are_a_400_naming_the_field(client, s, payload, field, code):
    version = published_bundle(s)
    response = client.post(f"/api/v1/bundles/{version.bundle_id}/checklist", payload, content_type="application/json")
    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"code", "message", "detail"}
    assert any(d["field"] == field and d["code"] == code for d in body["detail"]), body


def test_unknown_or_unpublished_bundles_are_404(client, s):
    draft = services.bundle_create(actor=s.editor, steward=s.bureau, name="草稿")
    for path in (f"/api/v1/bundles/{draft.bundle_id}", "/api/v1/bundles/424242"):
        response = client.get(path)
        assert response.status_code == 404 and response.json()["code"] == "not_found"
    assert client.post(f"/api/v1/bundles/{draft.bundle_id}/checklist", {}, content_type="application/json").status_code == 404
    assert client.get("/api/v1/bundles/0").status_code == 400
    assert client.get(f"/api/v1/bundles/{2**63}").status_code == 400


def test_openapi_documents_limits_and_errors(client):
    schema = client.get("/api/v1/openapi.json").json()
    post = schema["paths"]["/api/v1/bundles/{bundle_id}/checklist"]["post"]
    assert {"200", "400", "404"} <= set(post["responses"])
    body = schema["components"]["schemas"]["ChecklistIn"]["properties"]["answers"]
    assert body["maxProperties"] == 20
    assert body["additionalProperties"]["maxLength"] == 40 and body["propertyNames"]["maxLength"] == 40
    bundle_id = schema["paths"]["/api/v1/bundles/{bundle_id}"]["get"]["parameters"][0]["schema"]
    assert bundle_id["minimum"] == 1 and bundle_id["maximum"] == 2**63 - 1
