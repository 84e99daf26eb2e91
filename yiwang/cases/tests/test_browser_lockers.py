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
