"""Login, logout, registration and profile pages through the Django test client."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from yiwang.accounts.models import LoginAttempt, User
from yiwang.accounts.tests.factories import PASSWORD, StaffFactory, UserFactory, valid_id, wrong_check_digit
from yiwang.core.identifiers import with_uscc_check_digit
from yiwang.core.models import AuditEvent

pytestmark = pytest.mark.django_db

ID = valid_id()


def test_login_page_renders_with_the_ids_the_browser_tests_use(client):
    page = client.get(reverse("accounts:login")).content.decode()
    assert 'id="id_username"' in page and 'id="id_password"' in page and "登录</button>" in page
    assert 'autocomplete="current-password"' in page


def test_login_by_id_number_and_redirect(client):
    user = UserFactory()
    response = client.post(reverse("accounts:login"), {"username": user.id_number, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("accounts:profile")
    assert int(client.session["_auth_user_id"]) == user.pk
    assert LoginAttempt.objects.filter(user=user, outcome="success", ip="127.0.0.1").exists()


def test_login_keeps_next_on_site_only(client):
    user = UserFactory()
    response = client.post(reverse("accounts:login"), {"username": user.phone, "password": PASSWORD,
                                                       "next": "/cases/mine/"})
    assert response["Location"] == "/cases/mine/"
    client.logout()
    response = client.post(reverse("accounts:login"), {"username": user.phone, "password": PASSWORD,
                                                       "next": "https://evil.example/"})
    assert response["Location"] == reverse("accounts:profile")


def test_staff_land_on_the_workbench(client):
    staff = StaffFactory()
    response = client.post(reverse("accounts:login"), {"username": staff.username, "password": PASSWORD})
    assert response["Location"] == reverse("orgs:workbench")


def test_failed_login_shows_an_error_summary_and_keeps_the_identifier(client):
    user = UserFactory()
    response = client.post(reverse("accounts:login"), {"username": user.id_number, "password": "nope-nope"})
    page = response.content.decode()
    assert response.status_code == 200
    assert 'class="error-summary"' in page and "账号或密码错误" in page and "再错 4 次" in page
    assert f'value="{user.id_number}"' in page  # what was typed stays, except the password
    assert "nope-nope" not in page
    assert "_auth_user_id" not in client.session


def test_empty_login_names_the_boxes(client):
    page = client.post(reverse("accounts:login"), {"username": "", "password": ""}).content.decode()
    assert '<a href="#id_username">请填写身份证号、统一社会信用代码、手机号或用户名。</a>' in page
    assert '<a href="#id_password">请填写密码。</a>' in page
    assert 'aria-invalid="true"' in page and 'aria-describedby="id_username_error"' in page


def test_locked_account_gets_the_unlock_time(client):
    user = UserFactory()
    for _ in range(5):
        client.post(reverse("accounts:login"), {"username": user.username, "password": "wrong-password"})
    page = client.post(reverse("accounts:login"), {"username": user.username, "password": PASSWORD}).content.decode()
    first_lock = LoginAttempt.objects.get(user=user, outcome="locked_out").occurred_at
    unlock = timezone.localtime(first_lock + timedelta(minutes=15))
    assert f"请于 {unlock:%Y年%m月%d日 %H:%M} 后再试" in page
    assert "_auth_user_id" not in client.session


def test_logout_is_post_only_and_audited(client):
    user = UserFactory()
    client.force_login(user)
    assert client.get(reverse("accounts:logout")).status_code == 405
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302 and "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="auth.logout", actor_id=user.pk).exists()


def test_register_choice_links_both_forms(client):
    page = client.get(reverse("accounts:register")).content.decode()
    assert reverse("accounts:register_citizen") in page and reverse("accounts:register_enterprise") in page


def _citizen_form(**overrides):
    data = {"real_name": "王秀英", "id_number": ID, "phone": "13909110001", "password": PASSWORD,
            "password_confirm": PASSWORD}
    data.update(overrides)
    return data


def test_register_citizen_errors_are_next_to_fields_and_summarised(client):
    data = _citizen_form(id_number=wrong_check_digit(ID), password="12345678", password_confirm="12345679")
    response = client.post(reverse("accounts:register_citizen"), data)
    page = response.content.decode()
    assert response.status_code == 200
    message = f"身份证号校验位错误，应为 {ID[-1]}。"
    assert f'<a href="#id_id_number">{message}</a>' in page  # summary links to the field
    assert re.search(rf'id="id_id_number_error">.*{message}', page)  # and the message sits at the field
    assert '<a href="#id_password_confirm">两次输入的密码不一致，请重新输入。</a>' in page
    assert "这个密码太常见" in page
    # Nothing typed is lost except the passwords.
    assert f'value="{wrong_check_digit(ID)}"' in page and 'value="王秀英"' in page and 'value="13909110001"' in page
    assert "12345678" not in page.replace(wrong_check_digit(ID), "")
    assert "<title>错误：个人注册" in page
    assert not User.objects.exists()


def test_empty_post_names_every_field(client):
    page = client.post(reverse("accounts:register_citizen"), {}).content.decode()
    for field in ("real_name", "id_number", "phone", "password"):
        assert f'<a href="#id_{field}">' in page
    page = client.post(reverse("accounts:login"), {}).content.decode()
    assert '<a href="#id_username">' in page


def test_register_citizen_password_mismatch_alone_creates_nothing(client):
    client.post(reverse("accounts:register_citizen"), _citizen_form(password_confirm="Other-2026-xian"))
    assert not User.objects.exists()


def test_register_citizen_success_then_login_and_profile(client):
    response = client.post(reverse("accounts:register_citizen"), _citizen_form())
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    user = User.objects.get()
    assert user.real_name == "王秀英" and user.id_number == ID
    page = client.get(response["Location"]).content.decode()
    assert "注册成功" in page
    response = client.post(reverse("accounts:login"), {"username": ID, "password": PASSWORD,
                                                       "next": reverse("accounts:profile")})
    page = client.get(response["Location"]).content.decode()
    assert "我的资料" in page and ID in page and "13909110001" in page


def test_register_enterprise_page(client):
    uscc = with_uscc_check_digit("91610113MA6W12345")
    data = {"org_name": "西安示例餐饮管理有限公司", "uscc": uscc[:-1] + "Z", "legal_rep_name": "李建国",
            "legal_rep_id_number": valid_id(birth="19720612", sequence="001"), "phone": "13909110002",
            "password": PASSWORD, "password_confirm": PASSWORD}
    page = client.post(reverse("accounts:register_enterprise"), data).content.decode()
    assert '<a href="#id_uscc">统一社会信用代码含不允许的字符 Z（不使用 I、O、Z、S、V）。</a>' in page
    response = client.post(reverse("accounts:register_enterprise"), {**data, "uscc": uscc})
    assert response.status_code == 302
    assert User.objects.get().legal_rep_id_number == data["legal_rep_id_number"]


def test_profile_requires_login(client):
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


def test_profile_shows_the_owner_everything_and_roles(client, tree):
    from yiwang.orgs.services import role_grant

    staff = StaffFactory()
    role_grant(actor=None, user=staff, organisation=tree.yanta_center, role="window_clerk")
    client.force_login(staff)
    page = client.get(reverse("accounts:profile")).content.decode()
    assert staff.id_number in page and staff.phone in page
    assert "综合窗口人员" in page and "西安市雁塔区政务服务中心" in page


def test_profile_of_an_enterprise_shows_legal_rep_id_in_full(client):
    from yiwang.accounts.tests.factories import EnterpriseUserFactory

    enterprise = EnterpriseUserFactory()
    client.force_login(enterprise)
    page = client.get(reverse("accounts:profile")).content.decode()
    assert enterprise.legal_rep_id_number in page and enterprise.uscc in page
