"""The catalog API over HTTP: public search and detail, and the editors' endpoints."""

import json

import pytest
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client

from yiwang.accounts.services import api_token_create
from yiwang.catalog.constants import VersionStatus
from yiwang.catalog.tests.catalog_team import make_team
from yiwang.catalog.tests.factories import DataElementFactory, FormFieldFactory, PublishedVersionFactory, VersionFactory

pytestmark = pytest.mark.django_db
BASE = "/api/v1/catalog"


@pytest.fixture
def team():
    return make_team()


def as_user(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def send(client, method, path, body=None):
    call = getattr(client, method)
    if body is None:
        return call(BASE + path)
    return call(BASE + path, data=json.dumps(body), content_type="application/json")


class TestPublic:
    def test_search_returns_published_items_with_total(self, client, team):
        PublishedVersionFactory(name="居民身份证换领", high_frequency=False)
        VersionFactory(name="食品经营许可（草稿）")
        response = client.get(f"{BASE}/items", {"q": "食品经营许可"})
        assert response.status_code == 200
        body = response.json()
        assert body["total"] == 1 and body["page"] == 1 and body["num_pages"] == 1
        item = body["items"][0]
        assert item["id"] == team.published.implementation_id and item["name"] == "食品经营许可（新办）"
        assert item["agency"] == {"id": team.department.pk, "name": "西安市测试局审批处"}
        assert (item["item_type"], item["item_type_label"]) == ("01", "行政许可")
        assert (item["promised_limit"], item["promised_limit_unit"], item["statutory_limit"]) == (10.0, "working_day", 20.0)
        assert item["flags"]["high_frequency"] is True
        assert client.get(f"{BASE}/items", {"high_frequency": "false"}).json()["total"] == 1
        assert client.get(f"{BASE}/items", {"type": "01", "agency": team.bureau.pk}).json()["total"] == 1
        assert client.get(f"{BASE}/items", {"page": 2, "page_size": 1}).json()["items"][0]["name"] in (
            "居民身份证换领", "食品经营许可（新办）")

    @pytest.mark.parametrize("params, field", [
        ({"page": 0}, "page"), ({"type": "99"}, "type"), ({"page": "abc"}, "page"), ({"page_size": 101}, "page_size"),
        ({"agency": "x"}, "agency"), ({"subject": "dog"}, "subject"),
    ])
    def test_bad_query_is_400_naming_the_parameter(self, client, params, field):
        response = client.get(f"{BASE}/items", params)
        assert response.status_code == 400
        body = response.json()
        assert body["code"] in ("validation_failed", "invalid_input")
        assert field in [d["field"] for d in body["detail"]]
        assert body["message"]

    def test_detail_has_materials_and_form(self, client, team):
        FormFieldFactory(version=team.published, data_element=DataElementFactory(key="applicant.name", name="申请人姓名"))
        response = client.get(f"{BASE}/items/{team.published.implementation_id}")
        assert response.status_code == 200
        body = response.json()
        assert body["version_id"] == team.published.pk
        assert [m["name"] for m in body["materials"]] == ["申请书"]
        assert body["materials"][0]["necessity"] == "required"
        assert body["form"][0]["key"] == "applicant.name" and body["form"][0]["label"] == "申请人姓名"
        assert body["elements"]["complaint_phone"] == "029-12345000"
        assert body["faqs"][0]["question"]

    def test_detail_404_for_unknown_or_unpublished(self, client):
        draft = VersionFactory()
        for ident in (draft.implementation_id, 999999):
            response = client.get(f"{BASE}/items/{ident}")
            assert response.status_code == 404 and response.json()["code"] == "not_found"


class TestEditorEndpoints:
    def test_anonymous_is_401(self, client, team):
        response = client.post(f"{BASE}/implementations/{team.published.implementation_id}/drafts")
        assert response.status_code == 401 and response.json()["code"] == "not_authenticated"
        assert client.get(f"{BASE}/versions/{team.published.pk}").status_code == 401

    def test_full_flow_draft_edit_submit_review_publish_diff(self, team):
        editor, reviewer = as_user(team.editor), as_user(team.reviewer)
        response = send(editor, "post", f"/implementations/{team.published.implementation_id}/drafts")
        assert response.status_code == 201
        draft = response.json()
        assert draft["number"] == 2 and draft["status"] == "draft" and draft["allowed_actions"] == ["submit"]
        assert draft["problems"] == []

        response = send(editor, "patch", f"/versions/{draft['id']}",
                        {"data": {"promised_limit": 5, "change_note": "缩短承诺时限"},
                         "materials": [{"id": draft["materials"][0]["id"], "name": "申请书（新版）"}]})
        assert response.status_code == 200, response.json()
        assert response.json()["elements"]["promised_limit"] == 5.0
        assert send(editor, "post", f"/versions/{draft['id']}/submit").json()["status"] == "submitted"

        response = send(reviewer, "post", f"/versions/{draft['id']}/review", {"decision": "approve", "comment": "同意"})
        assert response.status_code == 200 and response.json()["status"] == "approved"
        assert response.json()["reviews"][0]["comment"] == "同意"
        response = send(editor, "post", f"/versions/{draft['id']}/publish")
        assert response.status_code == 200 and response.json()["status"] == "published"

        response = send(editor, "get", f"/versions/{draft['id']}/diff")
        assert response.status_code == 200
        body = response.json()
        assert body["old_version_id"] == team.published.pk
        elements = {c["element"]: c for c in body["changes"]}
        assert elements["promised_limit"]["old"] == "10" and elements["promised_limit"]["new"] == "5"
        old = send(editor, "get", f"/versions/{team.published.pk}").json()
        assert old["status"] == VersionStatus.SUPERSEDED and old["is_current"] is False

    def test_update_errors_name_every_field(self, team):
        editor = as_user(team.editor)
        draft = send(editor, "post", f"/implementations/{team.published.implementation_id}/drafts").json()
        response = send(editor, "patch", f"/versions/{draft['id']}",
                        {"data": {"promised_limit": "十", "case_kind": "5", "status": "published"},
                         "materials": [{"name": "", "necessity": "x"}]})
        assert response.status_code == 400
        body = response.json()
        assert body["code"] == "validation_failed"
        assert {d["field"] for d in body["detail"]} == {"promised_limit", "case_kind", "status", "materials[0].name",
                                                        "materials[0].necessity"}
        assert send(editor, "patch", f"/versions/{draft['id']}", {"data": "x"}).status_code == 400

    def test_submit_lists_rule_failures(self, team):
        editor = as_user(team.editor)
        draft = send(editor, "post", f"/implementations/{team.published.implementation_id}/drafts").json()
        send(editor, "patch", f"/versions/{draft['id']}", {"data": {"complaint_phone": "029-86780000"}})
        response = send(editor, "post", f"/versions/{draft['id']}/submit")
        assert response.status_code == 400
        assert response.json()["detail"] == [{"field": "complaint_phone", "code": "rule_phones_different",
                                               "message": response.json()["detail"][0]["message"]}]
        assert "不同的投诉电话" in response.json()["detail"][0]["message"]
        assert send(editor, "get", f"/versions/{draft['id']}").json()["problems"][0]["field"] == "complaint_phone"

    def test_permissions_404_outside_scope_403_for_the_wrong_role(self, team):
        outsider = as_user(team.outsider)
        assert send(outsider, "post", f"/implementations/{team.published.implementation_id}/drafts").status_code == 404
        assert send(outsider, "get", f"/versions/{team.published.pk}").json()["code"] == "not_found"
        reviewer = as_user(team.reviewer)
        # a reviewer may read but not start drafts (not found as an editing target)
        assert send(reviewer, "get", f"/versions/{team.published.pk}").status_code == 200
        assert send(reviewer, "post", f"/implementations/{team.published.implementation_id}/drafts").status_code == 404

        editor = as_user(team.editor)
        draft = send(editor, "post", f"/implementations/{team.published.implementation_id}/drafts").json()
        send(editor, "post", f"/versions/{draft['id']}/submit")
        response = send(as_user(team.editor2), "post", f"/versions/{draft['id']}/review", {"decision": "approve"})
        assert response.status_code == 403 and response.json()["code"] == "permission_denied"
        response = send(as_user(team.both), "post", f"/versions/{draft['id']}/review", {"decision": "return"})
        assert response.status_code == 400 and response.json()["detail"][0]["field"] == "comment"
        response = send(editor, "post", f"/versions/{draft['id']}/publish")
        assert response.status_code == 409 and response.json()["code"] == "invalid_transition"
        assert send(as_user(team.outsider), "post", f"/versions/{draft['id']}/publish").status_code == 404

    def test_self_review_is_403(self, team):
        both = as_user(team.both)
        draft = send(both, "post", f"/implementations/{team.published.implementation_id}/drafts").json()
        send(both, "post", f"/versions/{draft['id']}/submit")
        response = send(both, "post", f"/versions/{draft['id']}/review", {"decision": "approve", "comment": ""})
        assert response.status_code == 403 and response.json()["code"] == "self_review"

    def test_second_draft_is_409(self, team):
        editor = as_user(team.editor)
        send(editor, "post", f"/implementations/{team.published.implementation_id}/drafts")
        response = send(editor, "post", f"/implementations/{team.published.implementation_id}/drafts")
        assert response.status_code == 409 and response.json()["code"] == "draft_exists"

    def test_diff_against_another_implementation_is_refused(self, team):
        other = PublishedVersionFactory(implementation__agency=team.department)
        response = send(as_user(team.editor), "get", f"/versions/{team.published.pk}/diff?against={other.pk}")
        assert response.status_code == 400 and response.json()["code"] == "diff_other_implementation"

    def test_create_implementation(self, team):
        from yiwang.catalog.tests.factories import BaseItemFactory

        base = BaseItemFactory(name="占道施工许可")
        response = send(as_user(team.editor), "post", "/implementations",
                        {"base_item_id": base.pk, "agency_id": team.department.pk, "exercise_level": "3",
                         "implementation_code": "API-0001", "data": {"promised_limit": 3}})
        assert response.status_code == 201
        assert response.json()["number"] == 1 and response.json()["elements"]["name"] == "占道施工许可"
        response = send(as_user(team.editor), "post", "/implementations",
                        {"base_item_id": base.pk, "agency_id": team.other_agency.pk, "exercise_level": "3",
                         "implementation_code": "API-0002"})
        assert response.status_code == 400 and response.json()["detail"][0]["field"] == "agency_id"

    def test_session_needs_csrf_and_token_works_without(self, team):
        browser = Client(enforce_csrf_checks=True)
        browser.force_login(team.editor)
        path = f"{BASE}/implementations/{team.published.implementation_id}/drafts"
        assert browser.post(path).status_code == 403
        secret = _get_new_csrf_string()
        browser.cookies["csrftoken"] = secret
        assert browser.post(path, HTTP_X_CSRFTOKEN=secret).status_code == 201

        _, token = api_token_create(actor=None, user=team.editor2, name="目录同步")
        system = Client(enforce_csrf_checks=True)
        assert system.get(f"{BASE}/versions/{team.published.pk}").status_code == 401
        assert system.get(f"{BASE}/versions/{team.published.pk}", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200
        response = system.post(path, HTTP_AUTHORIZATION=f"Bearer {token}")
        assert response.status_code == 409  # the browser's draft is already open: authenticated, refused by the rule


class TestOddInput:
    """Inputs a fuzzer sends: never a 5xx, always a named error."""

    def test_huge_ids_and_control_characters(self, client, team):
        huge = 2**70
        assert client.get(f"{BASE}/items/{huge}").status_code in (400, 404)
        assert client.get(f"{BASE}/items", {"agency": 2**64}).status_code == 400
        assert client.get(f"{BASE}/items", {"q": "食品\x00许可"}).json()["code"] == "control_character"
        editor = as_user(team.editor)
        assert send(editor, "get", f"/versions/{2**63}").status_code in (400, 404)
        draft = send(editor, "post", f"/implementations/{team.published.implementation_id}/drafts").json()
        response = send(editor, "patch", f"/versions/{draft['id']}", {
            "data": {"name": "食品\x00经营", "statutory_limit": "1e400", "co_agencies": [huge],
                     "acceptance_conditions": ["齐全\x00"]},
            "materials": [{"id": huge, "name": "x"}], "form_fields": [{"data_element": huge}]})
        assert response.status_code == 400
        # The API's parser (core.inputs) names every NUL and out-of-range number by its path first.
        assert {d["field"] for d in response.json()["detail"]} == {
            "data.name", "data.co_agencies.0", "data.acceptance_conditions.0", "materials.0.id", "form_fields.0.data_element"}
        response = send(editor, "patch", f"/versions/{draft['id']}", {"data": {"statutory_limit": "1e400"}})
        assert response.status_code == 400 and response.json()["detail"][0]["field"] == "statutory_limit"
        send(editor, "post", f"/versions/{draft['id']}/submit")
        response = send(as_user(team.reviewer), "post", f"/versions/{draft['id']}/review",
                        {"decision": "return", "comment": "改\x00"})
        assert response.status_code == 400 and response.json()["detail"][0]["field"] == "comment"
