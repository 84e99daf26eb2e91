"""A citizen registers in a real browser, corrects her ID number, logs in and sees her profile."""

import re

import pytest

from conftest import login
from yiwang.accounts.tests.factories import valid_id, wrong_check_digit
from yiwang.notifications.models import Notification

PASSWORD = "Xian-2026-wxy"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_citizen_registers_fixes_check_digit_logs_in_and_sees_profile(page, assert_accessible):
    id_number = valid_id()
    page.goto("/accounts/register/")
    assert_accessible(page, context="注册选择")
    page.click("text=个人注册")
    page.fill("#id_real_name", "王秀英")
    page.fill("#id_id_number", wrong_check_digit(id_number))
    page.fill("#id_phone", "13909110001")
    page.fill("#id_password", PASSWORD)
    page.fill("#id_password_confirm", PASSWORD)
    page.click("button[type=submit]:has-text('注册')")
    page.wait_for_load_state()

    message = f"身份证号校验位错误，应为 {id_number[-1]}。"
    summary = page.locator(".error-summary")
    assert message in summary.inner_text()
    assert message in page.locator("#id_id_number_error").inner_text()
    assert page.get_attribute("#id_id_number", "aria-invalid") == "true"
    # What she typed is still there, except the passwords.
    assert page.input_value("#id_real_name") == "王秀英" and page.input_value("#id_phone") == "13909110001"
    assert page.input_value("#id_password") == ""
    assert_accessible(page, context="注册（有错误）")
    summary.locator("a", has_text="校验位").click()
    assert page.evaluate("document.activeElement.id") == "id_id_number"

    page.fill("#id_id_number", id_number)
    page.fill("#id_password", PASSWORD)
    page.fill("#id_password_confirm", PASSWORD)
    page.click("button[type=submit]:has-text('注册')")
    page.wait_for_load_state()
    assert "注册成功" in page.locator(".messages").inner_text()
    assert_accessible(page, context="登录（注册成功后）")

    login(page, id_number, PASSWORD)
    assert page.url.endswith("/accounts/profile/")
    assert page.locator("h1").inner_text() == "我的资料"
    assert page.locator("[data-testid=id-number]").inner_text() == id_number
    assert page.locator("[data-testid=phone]").inner_text() == "13909110001"
    assert_accessible(page, context="我的资料")

    # The phone is unconfirmed until she types the code sent to it at registration.
    assert page.locator("[data-testid=phone-state]").inner_text() == "（未确认）"
    page.click("[data-testid=phone-unconfirmed] a")
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "确认手机号"
    assert_accessible(page, context="确认手机号")
    sms = Notification.objects.filter(channel="sms", topic="accounts.phone_confirm").get()
    page.fill("#id_code", re.search(r"\d{6}", sms.body).group())
    page.click("button[type=submit]:has-text('确认')")
    page.wait_for_load_state()
    assert page.url.endswith("/accounts/profile/")
    assert page.locator("[data-testid=phone-state]").inner_text() == "（已确认）"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_forgotten_password_pages_pass_csp_and_accessibility(page, assert_accessible):
    page.goto("/accounts/login/")
    page.click("text=忘记密码")
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "忘记密码"
    assert_accessible(page, context="忘记密码")
    page.fill("#id_username", "13900000000")
    page.click("button[type=submit]:has-text('获取验证码')")
    page.wait_for_load_state()
    assert "如该账号存在，验证码已发送至登记手机" in page.locator(".messages").inner_text()
    page.fill("#id_code", "123456")
    page.fill("#id_new_password", "Qujiang-Lotus-2027")
    page.fill("#id_confirm_password", "Qujiang-Lotus-2027")
    page.click("button[type=submit]:has-text('重新设置密码')")
    page.wait_for_load_state()
    assert "短信验证码错误或已失效" in page.locator("#id_code_error").inner_text()
    assert_accessible(page, context="重新设置密码（有错误）")
