"""The drop-off choice on a phone: the applicant picks a locker on the case page, is told the code
went to her phone, and the page passes the accessibility scan with no horizontal scroll."""

import pytest
from playwright.sync_api import expect

from conftest import login
from yiwang.accounts.tests.factories import PASSWORD
from yiwang.cases.models import Locker

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_citizen_chooses_a_locker_for_her_papers_on_her_phone(phone_page, world, submit, assert_accessible):
    Locker.objects.create(outlet=world.hall, code="XA-0401", location="雁塔区电子城街道便民服务站")
    case = submit()
    page = phone_page
    login(page, world.citizen.username, PASSWORD)
    page.goto(f"/cases/mine/{case.pk}/")
    page.get_by_role("button", name="选择信包箱并获取开箱码").click()
    expect(page.locator(".error-summary")).to_be_visible()
    page.get_by_label("交件信包箱").select_option(label="雁塔区电子城街道便民服务站（XA-0401）")
    page.get_by_role("button", name="选择信包箱并获取开箱码").click()
    expect(page.get_by_test_id("drop-off-state")).to_contain_text("待投入信包箱")
    expect(page.locator("main")).to_contain_text("开箱码已发送到您的手机")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    assert_accessible(page, context="信包箱交件（手机）")


def test_courier_collects_and_hands_over_on_a_phone(phone_page, world, submit, assert_accessible):
    import re as _re

    from yiwang.accounts.tests.factories import StaffFactory
    from yiwang.cases.services import drop_off_deposit, drop_off_request
    from yiwang.notifications.models import Notification
    from yiwang.orgs.constants import Role
    from yiwang.orgs.models import RoleGrant

    box = Locker.objects.create(outlet=world.hall, code="XA-0402", location="市政务服务中心北广场")
    case = submit()
    drop_off_request(actor=world.citizen, application=case.application, locker_id=box.pk)
    code = _re.search(r"开箱码 (\d{6})", Notification.objects.get(topic="locker.drop_off_code", channel="in_app").body).group(1)
    device = StaffFactory(username="locker-xa-0402")
    RoleGrant.objects.create(user=device, organisation=world.hall, role=Role.WINDOW_CLERK)
    drop_off = drop_off_deposit(actor=device, locker=box, open_code=code)
    courier = StaffFactory(username="courier_b")
    RoleGrant.objects.create(user=courier, organisation=world.hall, role=Role.COURIER)
    page = phone_page
    login(page, courier.username, PASSWORD)
    page.goto("/cases/courier/")
    expect(page.get_by_test_id("courier-round")).to_contain_text("XA-0402")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    assert_accessible(page, context="courier round (phone)")
    page.get_by_role("link", name="市政务服务中心北广场（XA-0402）").click()
    page.get_by_role("button", name=_re.compile(f"打开格口并登记已取出\\s*：{drop_off.compartment} 号格口")).click()
    expect(page.get_by_test_id("to-hand-over")).to_contain_text(f"{drop_off.compartment} 号格口")
    assert_accessible(page, context="courier at a locker (phone)")
    page.get_by_role("button", name=_re.compile(f"登记送达大厅\\s*：{drop_off.compartment} 号格口")).click()
    expect(page.locator("main")).to_contain_text("请交大厅工作人员签收")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
