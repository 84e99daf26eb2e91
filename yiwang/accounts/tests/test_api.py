"""The accounts API over HTTP: registration (good and bad input), /me with session or token."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from yiwang.accounts.models import ApiToken, User
from yiwang.accounts.services import api_token_create, api_token_hash, api_token_revoke
from yiwang.accounts.tests.factories import PASSWORD, StaffFactory, UserFactory, valid_id, wrong_check_digit
from yiwang.core.identifiers import with_uscc_check_digit

pytestmark = pytest.mark.django_db

BASE = "/api/v1/accounts"
ID = valid_id()
USCC = with_uscc_check_digit("91610113MA6W12345")


def _citizen(**overrides):
    data = {"real_name": "王秀英", "id_number": ID, "phone": "13909110001", "password": PASSWORD}
    data.update(overrides)
    return data


def test_register_citizen(client):
    response = client.post(f"{BASE}/register/citizen", _citizen(), content_type="application/json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["kind"] == "citizen" and body["display_name"] == "王秀英"
    assert ID not in str(body)
    user = User.objects.get(pk=body["id"])
    assert user.id_number == ID and user.check_password(PASSWORD)


def test_register_citizen_bad_input_gives_400_with_field_detail(client):
    response = client.post(f"{BASE}/register/citizen",
                           _citizen(id_number=wrong_check_digit(ID), phone="1390911", password="123"),
                           content_type="application/json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "validation_failed"
    detail = {d["field"]: d for d in body["detail"]}
    assert detail["id_number"] == {"field": "id_number", "code": "id_check_digit",
                                   "message": f"身份证号校验位错误，应为 {ID[-1]}。"}
    assert detail["phone"]["code"] == "phone_format"
    assert detail["password"]["code"] == "password_invalid"
    assert f"应为 {ID[-1]}" in body["message"]
    assert not User.objects.exists()


def test_register_missing_field_and_wrong_types(client):
    response = client.post(f"{BASE}/register/citizen", {"real_name": "王秀英"}, content_type="application/json")
    assert response.status_code == 400
    fields = {d["field"] for d in response.json()["detail"]}
    assert {"id_number", "phone", "password"} <= fields
    response = client.post(f"{BASE}/register/citizen", "not json", content_type="application/json")
    assert response.status_code == 400
    response = client.post(f"{BASE}/register/citizen", _citizen(id_number=12345), content_type="application/json")
    assert response.status_code == 400 and response.json()["detail"][0]["field"] == "id_number"


def test_register_duplicate_names_the_field(client):
    client.post(f"{BASE}/register/citizen", _citizen(), content_type="application/json")
    response = client.post(f"{BASE}/register/citizen", _citizen(phone="13909110009"),
                           content_type="application/json")
    assert response.status_code == 400
    assert [d["field"] for d in response.json()["detail"]] == ["id_number"]
    assert response.json()["detail"][0]["code"] == "duplicate"


def test_register_enterprise(client):
    data = {"org_name": "西安示例餐饮管理有限公司", "uscc": USCC, "legal_rep_name": "李建国",
            "legal_rep_id_number": valid_id(birth="19720612", sequence="001"), "phone": "13909110002",
            "password": PASSWORD}
    response = client.post(f"{BASE}/register/enterprise", data, content_type="application/json")
    assert response.status_code == 201 and response.json()["kind"] == "enterprise"
    again = client.post(f"{BASE}/register/enterprise", {**data, "phone": "13909110003"},
                        content_type="application/json")
    assert again.status_code == 400
    assert {d["field"] for d in again.json()["detail"]} == {"uscc"}
    bad = client.post(f"{BASE}/register/enterprise", {**data, "uscc": "91610113MA6W12345I"},
                      content_type="application/json")
    assert "不允许的字符 I" in bad.json()["detail"][0]["message"]


def test_me_requires_authentication(client):
    response = client.get(f"{BASE}/me")
    assert response.status_code == 401 and response.json()["code"] == "not_authenticated"


def test_me_with_session_shows_the_owner_full_identifiers(client, tree):
    from yiwang.orgs.services import role_grant

    user = UserFactory()
    client.force_login(user)
    body = client.get(f"{BASE}/me").json()
    assert body["id_number"] == user.id_number and body["phone"] == user.phone
    assert body["identifiers_masked"] is False and body["roles"] == []
    staff = StaffFactory()
    role_grant(actor=None, user=staff, organisation=tree.yanta_center, role="window_clerk")
    client.force_login(staff)
    body = client.get(f"{BASE}/me").json()
    assert body["roles"] == [{"role": "window_clerk", "role_label": "综合窗口人员",
                              "organisation_id": tree.yanta_center.pk, "organisation_name": "西安市雁塔区政务服务中心"}]


def test_me_with_a_token(client):
    user = UserFactory()
    record, token = api_token_create(actor=None, user=user, name="测试系统")
    response = client.get(f"{BASE}/me", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200 and response.json()["username"] == user.username
    record.refresh_from_db()
    assert record.last_used_at is not None
    assert client.get(f"{BASE}/me", HTTP_AUTHORIZATION=f"Bearer {token}x").status_code == 401
    assert client.get(f"{BASE}/me", HTTP_AUTHORIZATION=f"Token {token}").status_code == 401
    api_token_revoke(actor=None, token=record)
    assert client.get(f"{BASE}/me", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401


def test_token_of_inactive_user_is_refused(client):
    user = UserFactory()
    _, token = api_token_create(actor=None, user=user, name="x")
    User.objects.filter(pk=user.pk).update(is_active=False)
    assert client.get(f"{BASE}/me", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401


@pytest.mark.urls("yiwang.accounts.tests.urls_auth_probe")
def test_session_or_token_on_a_post():
    user = UserFactory()
    _, token = api_token_create(actor=None, user=user, name="x")
    anonymous = Client(enforce_csrf_checks=True)
    response = anonymous.post("/probe/echo", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200
    assert response.json() == {"username": user.username, "request_user": user.username}
    assert anonymous.post("/probe/echo").status_code == 401

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user)
    assert browser.post("/probe/echo").status_code == 403  # session without CSRF token
    # A page sets the CSRF cookie; htmx sends it back in X-CSRFToken (base.html's hx-headers).
    from django.middleware.csrf import _get_new_csrf_string

    secret = _get_new_csrf_string()
    browser.cookies["csrftoken"] = secret
    assert browser.post("/probe/echo", HTTP_X_CSRFTOKEN=secret).status_code == 200


def test_create_api_token_command_prints_the_token_once():
    user = StaffFactory(username="hotline_sys")
    out, err = io.StringIO(), io.StringIO()
    call_command("create_api_token", "hotline_sys", "12345 热线对接", stdout=out, stderr=err)
    token = out.getvalue().strip()
    record = ApiToken.objects.get(user=user)
    assert record.token_hash == api_token_hash(token) and token not in str(record.__dict__)
    assert record.prefix == token[:10] and "只显示这一次" in err.getvalue()
    with pytest.raises(CommandError, match="没有用户名为“nobody”的账户"):
        call_command("create_api_token", "nobody", "x", stdout=io.StringIO(), stderr=io.StringIO())
    with pytest.raises(CommandError, match="请填写令牌名称"):
        call_command("create_api_token", "hotline_sys", " ", stdout=io.StringIO(), stderr=io.StringIO())


@pytest.mark.parametrize("field", ["org_name", "uscc", "legal_rep_name", "legal_rep_id_number", "phone", "password"])
def test_control_characters_are_refused_not_crashed_on(client, field):
    """PostgreSQL refuses NUL in text: every field must be rejected with a 400 before it gets there."""
    data = {"org_name": "西安示例餐饮管理有限公司", "uscc": USCC, "legal_rep_name": "李建国",
            "legal_rep_id_number": valid_id(birth="19720612", sequence="001"), "phone": "13909110002",
            "password": PASSWORD}
    data[field] = data[field][:4] + "\x00" + data[field][4:]
    response = client.post(f"{BASE}/register/enterprise", data, content_type="application/json")
    assert response.status_code == 400 and response.json()["detail"][0]["field"] == field


def test_login_with_control_characters_is_a_field_error(client):
    from yiwang.accounts.services import login_attempt
    from yiwang.core.errors import ValidationFailed

    response = client.post("/accounts/login/", {"username": "abc\x00def", "password": "x"})
    assert response.status_code == 400 and "username" in response.content.decode()  # core.inputs
    with pytest.raises(ValidationFailed, match="账号含有不可见字符"):
        login_attempt(identifier="abc\x00def", password="x")
