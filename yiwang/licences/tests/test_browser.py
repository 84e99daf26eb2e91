"""In the real browser, with an axe scan of every page: a landlord verifies a licence without
logging in (on a phone); the holder shows her ID card from her phone's wallet and the checker's
scan of the fresh code verifies, while an expired code explains itself; a licence officer revokes
a licence and the verifier sees it."""

import datetime as dt
from urllib.parse import urlsplit

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from conftest import login, no_horizontal_scroll
from yiwang.accounts.tests.factories import PASSWORD
from yiwang.licences.services import licence_show_code
from yiwang.licences.tests.conftest import issue

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]



def test_anyone_verifies_a_licence_on_a_phone(phone_page, world, assert_accessible):
    page = phone_page
    licence = issue(world, "LIC-BUSINESS-LICENCE")
    page.goto("/verify/")
    expect(page.get_by_role("heading", level=1)).to_have_text("电子证照核验")
    assert_accessible(page, context="核验页")
    assert no_horizontal_scroll(page)
    page.get_by_label("电子证照标识").fill(licence.identifier)
    page.get_by_role("button", name="核验").click()
    expect(page.get_by_test_id("verdict")).to_contain_text("真实有效")
    expect(page.get_by_test_id("holder")).to_have_text(world.enterprise.org_name)
    assert_accessible(page, context="核验结果：有效")
    assert no_horizontal_scroll(page)

    page.goto("/verify/")
    page.get_by_label("电子证照标识").fill(licence.identifier[:-1] + ("0" if licence.identifier[-1] != "0" else "1"))
    page.get_by_role("button", name="核验").click()
    expect(page.get_by_test_id("verdict")).to_contain_text("证照标识格式或校验位错误")
    assert_accessible(page, context="核验结果：标识错误")


def test_the_holder_shows_her_id_card_from_the_wallet(phone_page, world, assert_accessible, browser, live_server):
    page = phone_page
    licence = issue(world, "LIC-RESIDENT-ID", issued_on=dt.date(2016, 4, 12))
    login(page, world.citizen.username, PASSWORD)
    page.get_by_role("link", name="我的证照").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("我的证照")
    assert_accessible(page, context="我的证照")
    assert no_horizontal_scroll(page)
    page.get_by_role("link", name="居民身份证").click()
    expect(page.get_by_role("img", name="居民身份证亮证码")).to_be_visible()
    expect(page.get_by_test_id("identifier")).to_have_text(licence.identifier)
    assert_accessible(page, context="证照详情与亮证码")
    assert no_horizontal_scroll(page)
    qr_box = page.get_by_role("img", name="居民身份证亮证码").bounding_box()
    assert qr_box["width"] <= 390 and qr_box["width"] >= 200  # big enough to scan, fits the phone

    # Refreshing swaps in a new code (htmx) without leaving the page.
    before = page.get_by_test_id("show-expires").get_attribute("datetime")
    page.get_by_role("link", name="刷新亮证码").click()
    expect(page.get_by_test_id("show-expires")).to_be_visible()
    assert page.get_by_test_id("show-expires").get_attribute("datetime") >= before

    # The checker scans: a fresh code verifies; a screenshot from ten minutes ago explains itself.
    checker = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport={"width": 390, "height": 844})
    scan = checker.new_page()
    fresh, _ = licence_show_code(licence=licence)
    scan.goto(_local(fresh))
    expect(scan.get_by_test_id("verdict")).to_contain_text("真实有效")
    assert_accessible(scan, context="扫描亮证码")
    old, _ = licence_show_code(licence=licence, now=timezone.now() - dt.timedelta(minutes=10))
    scan.goto(_local(old))
    expect(scan.get_by_test_id("verdict")).to_contain_text("亮证码已过期")
    expect(scan.get_by_test_id("verdict")).to_contain_text("截图不能反复使用")
    assert_accessible(scan, context="过期的亮证码")
    checker.close()

    # The holder sees who checked.
    page.reload()
    expect(page.get_by_role("region", name="核验记录")).to_contain_text("扫描持证人手机上的亮证码")
    page.goto("/licences/profile/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("我的档案")
    assert_accessible(page, context="我的档案")
    assert no_horizontal_scroll(page)


def test_an_officer_revokes_and_the_verifier_sees_it(page, world, assert_accessible):
    licence = issue(world, "LIC-FOOD-BUSINESS")
    login(page, "officer", PASSWORD)
    page.goto("/licences/staff/")
    assert_accessible(page, context="电子证照管理")
    page.get_by_label("电子证照标识、身份证号、统一社会信用代码或持证主体名称").fill(world.enterprise.uscc)
    page.get_by_role("button", name="查找").click()
    page.get_by_role("link", name="食品经营许可证").click()
    assert_accessible(page, context="证照详情（工作人员）")
    page.get_by_label("操作").select_option("revoke")
    page.get_by_label("理由和依据").fill("经核查告知承诺不实，依据《行政许可法》第六十九条撤销。")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="确认").click()
    expect(page.locator(".messages")).to_contain_text("已撤销该证照")
    page.goto(f"/verify/{licence.identifier}")
    expect(page.get_by_test_id("verdict")).to_contain_text("已被发证机关撤销")
    assert_accessible(page, context="核验结果：已撤销")
    page.goto("/licences/staff/import/")
    assert_accessible(page, context="批量导入")
    page.goto("/licences/staff/waivers/")
    assert_accessible(page, context="免提交统计")


def _local(qr_text: str) -> str:
    parts = urlsplit(qr_text)
    return f"{parts.path}?{parts.query}"
