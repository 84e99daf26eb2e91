"""Rating journeys in the real browser, with the accessibility scan (axe) of every page visited:
(a) a citizen rates a delivered case badly on her phone; the unit verifies, reports and follows up;
she reads the answer and rates the fix. (b) The hall tablet with a clerk's session left open refuses,
and opens the applicant's own screen from the code her phone shows. (c) Supervision and indicators."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from conftest import login, no_horizontal_scroll
from yiwang.accounts.tests.factories import PASSWORD
from yiwang.ratings import tokens
from yiwang.ratings.constants import RectificationStatus
from yiwang.ratings.models import Rating
from yiwang.ratings.services import appeal_file, rating_give, rectifications_mark_overdue
from yiwang.ratings.tests.conftest import at

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


# What a phone's browser says about itself (the channel of a logged-in rating is read from it).
PHONE_AGENT = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Mobile Safari/537.36"


@pytest.fixture
def android_page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport={"width": 390, "height": 844},
                                  is_mobile=True, has_touch=True, user_agent=PHONE_AGENT)
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()



def test_a_bad_rating_on_a_phone_carried_to_its_follow_up(android_page, browser, live_server, rworld, deliver,
                                                           assert_accessible):
    case = deliver()
    page = android_page
    login(page, rworld.citizen.username, PASSWORD)
    page.goto(f"/cases/mine/{case.pk}/")
    panel = page.locator("#rating")
    expect(panel.get_by_role("heading", name="评价")).to_be_visible()
    assert_accessible(page, context="办件页（评价）")
    assert no_horizontal_scroll(page)

    # First without reasons: the error names what is missing and keeps what she chose.
    panel.get_by_role("radio", name="不满意", exact=True).check()
    panel.get_by_label("评价内容").fill("办事指南没写要带原件，白跑了一趟。")
    panel.get_by_role("button", name="提交评价").click()
    expect(page.locator(".error-summary")).to_contain_text("请至少勾选一项差评原因")
    expect(page.get_by_role("radio", name="不满意", exact=True)).to_be_checked()
    assert_accessible(page, context="评价（有错误）")
    page.locator(".error-summary a").first.click()
    page.get_by_label("办事指南不准确、不清楚").check()
    page.get_by_role("button", name="提交评价").click()
    expect(page.get_by_test_id("rating-level")).to_contain_text("不满意")
    expect(page.get_by_test_id("rectification-status")).to_have_text("待核实")
    assert_accessible(page, context="我的评价")
    assert no_horizontal_scroll(page)
    rating = Rating.objects.get()
    assert (rating.channel, rating.reasons) == ("mobile", ["guide_accuracy"])

    # The unit's rating officer, at a desktop.
    office = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport={"width": 1280, "height": 900})
    staff = office.new_page()
    login(staff, rworld.officer.username, PASSWORD)
    staff.goto("/ratings/work/")
    assert_accessible(staff, context="差评整改列表")
    staff.get_by_role("link", name=case.number).click()
    assert_accessible(staff, context="差评整改")
    staff.get_by_role("button", name="显示评价人联系电话").click()
    expect(staff.get_by_test_id("contact")).to_contain_text(rworld.citizen.phone)
    verify = staff.locator("section", has=staff.get_by_role("heading", name="核实"))
    verify.locator("#verify-finding_true-yes").check()
    verify.locator("#verify-finding_reasonable-yes").check()
    verify.locator("#verify-finding_malicious-no").check()
    verify.get_by_label("限期整改（情况复杂，说明并记录）").check()
    verify.get_by_label("核实情况").fill("电话联系评价人，办事指南确未写明须带营业执照原件。")
    verify.get_by_role("button", name="保存核实情况").click()
    expect(staff.get_by_test_id("rectification-status")).to_have_text("整改中")
    staff.get_by_role("textbox", name="处理结果").fill("已修订办事指南，写明须携带营业执照原件，网上申请页面同步提示。")
    staff.get_by_role("button", name="反馈评价人").click()
    expect(staff.get_by_test_id("rectification-status")).to_have_text("待回访")
    assert_accessible(staff, context="差评整改（待回访）")
    follow = staff.locator("section", has=staff.get_by_role("heading", name="回访"))
    follow.locator("#follow_up-reached-yes").check()
    follow.locator("#follow_up-accepted-yes").check()
    follow.get_by_label("回访记录").fill("电话回访，评价人认可。")
    follow.get_by_role("button", name="保存回访记录").click()
    expect(staff.get_by_test_id("rectification-status")).to_have_text("已办结")
    office.close()

    # Back on her phone: the answer, and she rates the fix.
    page.goto(f"/ratings/mine/{rating.pk}/")
    expect(page.get_by_test_id("rectification-result")).to_contain_text("已修订办事指南")
    assert_accessible(page, context="我的评价（处理结果）")
    page.get_by_role("radio", name="满意", exact=True).check()
    page.get_by_role("button", name="提交对处理结果的评价").click()
    expect(page.locator(".messages")).to_contain_text("感谢您对处理结果的评价")
    rating.rectification.refresh_from_db()
    assert (rating.rectification.status, rating.rectification.fix_level) == (RectificationStatus.CLOSED, "satisfied")
    assert Rating.objects.get().level == "dissatisfied"  # what she first said stays as she said it


def test_the_hall_tablet_shows_the_applicants_own_screen_never_the_clerks(page, phone_page, rworld, deliver,
                                                                         assert_accessible):
    case = deliver()
    code = tokens.issue_for_tablet(case_id=case.pk, rater_id=rworld.citizen.pk)
    # The tablet was left logged in as a clerk: the rating screen refuses that session.
    login(page, rworld.clerk.username, PASSWORD)
    page.goto(f"/ratings/tablet/{code}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("无法评价")
    assert not Rating.objects.exists()
    page.context.clear_cookies()
    page.goto("/ratings/tablet/")
    assert_accessible(page, context="大厅评价平板")
    page.get_by_label("评价码").fill(f"{page.url.rstrip('/').rsplit('/ratings', 1)[0]}/ratings/tablet/{code}/")
    page.get_by_role("button", name="打开评价页面").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("评价本次服务")
    assert_accessible(page, context="平板评价页")
    page.get_by_role("radio", name="非常满意", exact=True).check()
    page.get_by_role("button", name="提交评价").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("感谢您的评价")
    assert_accessible(page, context="平板感谢页")
    assert Rating.objects.get().channel == "tablet"
    # The applicant's own phone shows the code (a QR) for the tablet.
    second = deliver()
    login(phone_page, rworld.citizen.username, PASSWORD)
    phone_page.goto(f"/ratings/cases/{second.pk}/tablet/")
    expect(phone_page.get_by_role("img", name="评价二维码")).to_be_visible()
    assert_accessible(phone_page, context="给平板扫描的二维码")


def test_supervision_and_indicators_pages(page, rworld, deliver, assert_accessible, settings):
    settings.YIWANG_RATINGS_MIN_SAMPLE = 1
    rating = rating_give(actor=rworld.citizen, case=deliver(), level="dissatisfied", reasons=["efficiency"],
                         comment="太慢", now=at(dt.date(2026, 9, 28)))
    rating_give(actor=rworld.other_citizen, case=deliver(rworld.other_citizen), level="very_satisfied")
    rectifications_mark_overdue(today=dt.date(2026, 10, 26))
    appeal_file(actor=rworld.officer, rectification=rating.rectification, ground="mistaken", reason="评价对象有误",
                today=dt.date(2026, 9, 29))
    login(page, rworld.supervisor.username, PASSWORD)
    page.goto("/ratings/supervision/")
    expect(page.get_by_role("heading", name="超期未反馈的差评整改（1）")).to_be_visible()
    assert_accessible(page, context="好差评督办")
    page.get_by_role("link", name=rating.case_number).last.click()
    assert_accessible(page, context="申诉复核")
    page.goto("/ratings/indicators/?by=outlet")
    expect(page.get_by_role("img", name="各窗口（网点）满意率")).to_be_visible()
    assert_accessible(page, context="好差评指标")
    page.goto("/ratings/")
    expect(page.get_by_role("rowheader", name="西安市市场监督管理局")).to_be_visible()
    assert_accessible(page, context="好差评公开页")
