"""The pages and the API through the Django client against the real views: the public library,
我的政策 with the reasons and confirm / decline, the prefilled application, the officer's editor
(rules validated on save) and test harness, and /api/v1/policies."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from yiwang.policies.models import Entitlement, Policy, PolicyMatch
from yiwang.policies.tests.conftest import make_policy, person

pytestmark = pytest.mark.django_db

AGE_80 = {"all": [{"attr": "age", "op": ">=", "value": 80}]}


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def text(response) -> str:
    return response.content.decode()


# --- Public library --------------------------------------------------------------------------

def test_public_list_shows_policies_in_force_only_and_filters(pw):
    make_policy(pw, code="senior-60", title="老年人生活补贴")
    make_policy(pw, code="catering", title="餐饮企业纾困补贴", subject_kind="enterprise",
                rules={"all": [{"attr": "industry_code", "op": "prefix", "value": ["H62"]}]})
    make_policy(pw, code="draft-one", title="尚未发布的草稿政策", publish=False)
    page = text(Client().get("/policies/"))
    assert "老年人生活补贴" in page and "餐饮企业纾困补贴" in page and "尚未发布的草稿政策" not in page
    only_enterprises = text(Client().get("/policies/", {"for": "enterprise"}))
    assert "餐饮企业纾困补贴" in only_enterprises and "老年人生活补贴" not in only_enterprises
    assert "老年人生活补贴" not in text(Client().get("/policies/", {"q": "餐饮"}))


def test_public_detail_lists_conditions_and_hides_drafts(pw):
    make_policy(pw, code="senior-60")
    make_policy(pw, code="draft-one", publish=False)
    response = Client().get("/policies/senior-60/")
    assert response.status_code == 200 and "年龄不少于 60 周岁" in text(response)
    assert "为什么" not in text(response) or "登录" in text(response)
    assert Client().get("/policies/draft-one/").status_code == 404
    assert Client().get("/policies/no-such-policy/").status_code == 404


def test_detail_tells_a_signed_in_subject_whether_they_qualify(pw):
    old, young = person(pw, birth="19500101"), person(pw, birth="19900101")
    make_policy(pw, code="senior-60")
    assert "符合" in text(client_for(old.user).get("/policies/senior-60/"))
    page = text(client_for(young.user).get("/policies/senior-60/"))
    assert "不符合" in page and "36 周岁" in page


# --- 我的政策 ---------------------------------------------------------------------------------

def test_mine_needs_a_citizen_or_enterprise(pw):
    response = Client().get("/policies/mine/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    response = client_for(pw.policy_officer).get("/policies/mine/")
    assert response.status_code == 403 and "此页面供群众和企业使用" in text(response)


def test_mine_shows_eligible_ineligible_with_reasons_and_offers(pw):
    subject = person(pw, birth="19580315", employment_status="retired")
    make_policy(pw, code="senior-60", title="老年人生活补贴")
    make_policy(pw, code="senior-80", title="高龄津贴", rules=AGE_80)
    make_policy(pw, code="household", title="小家庭补贴", kind="application",
                rules={"all": [{"attr": "household_size", "op": "<=", "value": 2}]})
    page = text(client_for(subject.user).get("/policies/mine/"))
    eligible, ineligible = page.split('id="ineligible-title"')
    assert "您符合条件的政策（1）" in eligible and "老年人生活补贴" in eligible and "确认领取" in eligible
    assert "暂不符合的政策（2）" in ineligible
    assert "高龄津贴" in ineligible and "年龄不少于 80 周岁（您的情况：68 周岁）" in ineligible
    assert "小家庭补贴" in ineligible and "信息不全" in ineligible


def test_confirm_and_decline_from_mine(pw):
    a, b = person(pw, birth="19500101"), person(pw, birth="19510101")
    policy = make_policy(pw)
    offer_a = Entitlement.objects.get(policy=policy, profile_id=a.pk)
    offer_b = Entitlement.objects.get(policy=policy, profile_id=b.pk)
    client_a = client_for(a.user)
    # Someone else's entitlement looks missing, and a GET changes nothing.
    assert client_a.post(f"/policies/entitlements/{offer_b.pk}/decide/", {"decision": "confirm"}).status_code == 404
    assert client_a.get(f"/policies/entitlements/{offer_a.pk}/decide/").status_code == 405
    response = client_a.post(f"/policies/entitlements/{offer_a.pk}/decide/", {"decision": "confirm"}, follow=True)
    assert "已确认领取“老年人生活补贴”" in text(response)
    assert Entitlement.objects.get(pk=offer_a.pk).status == "confirmed"
    response = client_a.post(f"/policies/entitlements/{offer_a.pk}/decide/", {"decision": "decline"}, follow=True)
    assert Entitlement.objects.get(pk=offer_a.pk).status == "confirmed"  # decided once
    assert "确认领取</button>" not in text(response)
    client_for(b.user).post(f"/policies/entitlements/{offer_b.pk}/decide/", {"decision": "decline"})
    assert Entitlement.objects.get(pk=offer_b.pk).status == "declined"


def test_prefilled_application_page(pw):
    subject = person(pw, birth="19580315", household_size=2)
    make_policy(pw, code="household", title="小家庭补贴", kind="application",
                rules={"all": [{"attr": "household_size", "op": "<=", "value": 2}]})
    make_policy(pw, code="senior-60")  # automatic: nothing to apply for
    client = client_for(subject.user)
    page = text(client.get("/policies/household/apply/"))
    assert subject.name in page and "2 人" in page
    assert client.get("/policies/senior-60/apply/").status_code == 404
    page = text(client.post("/policies/household/apply/", {"phone": "123"}))
    assert "error-summary" in page and 'href="#id_phone"' in page and 'href="#id_declared"' in page
    assert not Entitlement.objects.filter(policy__code="household").exists()
    response = client.post("/policies/household/apply/", {"phone": "13900000001", "declared": "1"})
    assert response.status_code == 302 and response["Location"] == "/policies/mine/"
    assert Entitlement.objects.get(policy__code="household", profile_id=subject.pk).status == "applied"


# --- The officer's editor and harness -----------------------------------------------------------

def _form(**changes):
    data = {"code": "xa-new-policy", "title": "新政策", "summary": "说明", "benefit": "每人 100 元", "amount": "100",
            "category": "elderly", "kind": "automatic", "subject_kind": "person", "issuing_body_name": "西安市民政局",
            "legal_basis": "", "valid_from": "2026-01-01", "valid_until": "", "budget": "",
            "rules": json.dumps({"all": [{"attr": "age", "op": ">=", "value": 60}]})}
    return {**data, **changes}


def test_only_policy_officers_open_the_editor(pw):
    assert client_for(pw.officer).get("/policies/staff/").status_code == 403
    assert client_for(pw.citizen).get("/policies/staff/new/").status_code == 403
    assert client_for(pw.policy_officer).get("/policies/staff/").status_code == 200


def test_editor_rejects_bad_json_and_invalid_rules_naming_the_place(pw):
    client = client_for(pw.policy_officer)
    page = text(client.post("/policies/staff/new/", _form(rules='{"all": [')))
    assert "资格规则不是有效的 JSON（第 1 行" in page and 'href="#id_rules"' in page
    page = text(client.post("/policies/staff/new/", _form(rules=json.dumps(
        {"all": [{"attr": "age", "op": ">=", "value": "六十"}, {"attr": "industry_code", "op": "prefix", "value": ["H"]}]}, ensure_ascii=False))))
    assert "all[0].value（年龄）" in page and "all[1]" in page
    assert "六十" in page  # what was typed is kept
    assert not Policy.objects.exists()


def test_editor_saves_a_draft_then_publish_matches(pw):
    old = person(pw, birth="19500101")
    client = client_for(pw.policy_officer)
    response = client.post("/policies/staff/new/", _form())
    policy = Policy.objects.get(code="xa-new-policy")
    assert response.status_code == 302 and response["Location"] == f"/policies/staff/{policy.pk}/"
    assert policy.status == "draft" and not PolicyMatch.objects.exists()
    response = client.post(f"/policies/staff/{policy.pk}/publish/", follow=True)
    assert "已发布并完成匹配" in text(response)
    assert PolicyMatch.objects.get(policy=policy, profile_id=old.pk).eligible
    # Publishing twice is not offered.
    response = client.post(f"/policies/staff/{policy.pk}/publish/", follow=True)
    assert "当前状态下不能进行该操作" in text(response)
    client.post(f"/policies/staff/{policy.pk}/", _form(title="新政策（修订）"))
    assert Policy.objects.get(pk=policy.pk).title == "新政策（修订）"


def test_harness_explains_a_sample_and_counts_everyone_without_telling_anyone(pw):
    person(pw, birth="19500101")
    person(pw, birth="19900101")
    policy = make_policy(pw, code="senior-80", rules=AGE_80, publish=False)
    client = client_for(pw.policy_officer)
    url = f"/policies/staff/{policy.pk}/test/"
    assert client.get(url).status_code == 200
    page = text(client.post(url, {"age": "85", "residence_division": "610113"}))
    assert "结果：符合" in page
    page = text(client.post(url, {"age": "70"}))
    assert "结果：不符合" in page
    page = text(client.post(url, {"age": "七十"}))
    assert "年龄：应为数字。" in page and "结果：" not in page
    # An edited rule (not saved), on everyone on file.
    page = text(client.post(url, {"age": "70", "population": "1",
                                  "rules": json.dumps({"all": [{"attr": "age", "op": ">=", "value": 60}]})}))
    assert "结果：符合" in page and "现有 2 个档案中，符合 1 个" in page
    assert Policy.objects.get(pk=policy.pk).rules == AGE_80 and not PolicyMatch.objects.exists()


# --- API --------------------------------------------------------------------------------------

def test_api_public_list_and_detail(pw):
    make_policy(pw, code="senior-60", title="老年人生活补贴")
    make_policy(pw, code="draft-one", publish=False)
    rows = Client().get("/api/v1/policies/").json()
    assert [r["code"] for r in rows] == ["senior-60"]
    assert rows[0]["kind_label"] == "免申即享" and "年龄不少于 60 周岁" in "".join(rows[0]["conditions"])
    assert Client().get("/api/v1/policies/senior-60").json()["title"] == "老年人生活补贴"
    assert Client().get("/api/v1/policies/draft-one").status_code == 404


def test_api_mine_explanation_and_decision(pw):
    subject = person(pw, birth="19580315")
    policy = make_policy(pw, code="senior-60")
    make_policy(pw, code="senior-80", rules=AGE_80)
    assert Client().get("/api/v1/policies/mine").status_code == 401
    assert client_for(pw.policy_officer).get("/api/v1/policies/mine").status_code == 403
    client = client_for(subject.user)
    rows = {r["policy"]["code"]: r for r in client.get("/api/v1/policies/mine").json()}
    assert rows["senior-60"]["eligible"] and rows["senior-60"]["entitlement"]["status"] == "offered"
    assert not rows["senior-80"]["eligible"] and rows["senior-80"]["result"] == "不符合"
    assert rows["senior-80"]["reasons"] == ["年龄不少于 80 周岁（68 周岁）"]
    body = client.get("/api/v1/policies/senior-80/explanation").json()
    assert body["eligible"] is False and body["policy"] == "senior-80"
    entitlement = Entitlement.objects.get(policy=policy, profile_id=subject.pk)
    url = f"/api/v1/policies/entitlements/{entitlement.pk}/decision"
    assert client.post(url, {"decision": "maybe"}, content_type="application/json").status_code == 400
    other = person(pw, birth="19500101")
    assert client_for(other.user).post(url, {"decision": "confirm"}, content_type="application/json").status_code == 404
    response = client.post(url, {"decision": "confirm"}, content_type="application/json")
    assert response.status_code == 200 and response.json()["status"] == "confirmed"
    assert client.post(url, {"decision": "decline"}, content_type="application/json").status_code == 409


def test_api_rule_check_for_officers(pw):
    body = {"subject_kind": "person", "rules": {"all": [{"attr": "age", "op": ">=", "value": "六十"}]}}
    assert client_for(pw.citizen).post("/api/v1/policies/rules/check", body,
                                       content_type="application/json").status_code == 403
    client = client_for(pw.policy_officer)
    out = client.post("/api/v1/policies/rules/check", body, content_type="application/json").json()
    assert out["valid"] is False and out["problems"][0]["path"] == "all[0].value"
    out = client.post("/api/v1/policies/rules/check", {**body, "rules": AGE_80, "subject": {"age": 85}},
                      content_type="application/json").json()
    assert out["valid"] and out["conditions"] == ["年龄不少于 80 周岁"] and out["explanation"]["result"] is True
