"""The citizen's and the agent's journeys in the real browser, with the axe scan of every page.
The citizen uses her phone (390 px); the agent works from the keyboard."""

import re

import pytest
from playwright.sync_api import expect

from conftest import login, no_horizontal_scroll
from yiwang.accounts.tests.factories import PASSWORD
from yiwang.hotline import services
from yiwang.hotline.models import Ticket
from yiwang.hotline.tests.world import XIAOZHAI

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]



def test_citizen_reports_follows_and_rates_on_her_phone(phone_page, hw, submit, assert_accessible):
    page = phone_page
    existing = submit()
    login(page, hw.citizen.username, PASSWORD)
    page.goto("/hotline/submit/")
    assert_accessible(page, context="反映诉求")
    assert no_horizontal_scroll(page)
    page.select_option("#f-service_code", "XA010101")
    page.fill("#f-description", "小寨十字每天晚上都有摊贩占道经营")
    page.select_option("#f-district", "610113")
    page.fill("#f-lat", str(XIAOZHAI[0]))
    page.fill("#f-lng", str(XIAOZHAI[1]))
    page.locator("input[name=datum]").evaluate("e => e.value = 'wgs84'")
    page.get_by_role("button", name="下一步：检查是否已有人反映").click()
    expect(page.get_by_role("heading", name="附近已有的同类诉求")).to_be_visible()
    expect(page.get_by_role("link", name=f"工单 {existing.number}")).to_be_visible()
    assert_accessible(page, context="重复诉求提示")
    page.screenshot(path="/tmp/hotline-citizen-duplicates.png", full_page=True)
    page.get_by_role("button", name="确认提交").click()
    expect(page.locator(".notice--success")).to_contain_text("诉求已提交并受理")
    ticket = Ticket.objects.exclude(pk=existing.pk).get()
    assert ticket.status == "dispatched"
    assert_accessible(page, context="我的诉求（详情）")
    assert no_horizontal_scroll(page)

    services.ticket_sign(actor=hw.office_handler, ticket=ticket)
    services.ticket_reply(actor=hw.office_handler, ticket=ticket, text="执法人员已到场，劝离摊贩并设置巡查点。")
    services.ticket_review_reply(actor=hw.agent, ticket=ticket, approve=True)
    page.reload()
    expect(page.locator(".reply")).to_contain_text("劝离摊贩")
    page.get_by_label("已解决").check()
    page.get_by_label("非常满意").check()
    assert_accessible(page, context="评价")
    page.get_by_role("button", name="提交评价").click()
    expect(page.locator(".notice--success")).to_contain_text("感谢您的评价")
    assert ticket.callbacks.get().satisfaction == "very_satisfied"

    # Anyone with the number and the lookup code follows it, without the caller.
    page.goto("/hotline/follow/")
    page.fill("#f-number", ticket.number)
    page.fill("#f-code", ticket.lookup_code)
    page.get_by_role("button", name="查询").click()
    expect(page.locator(".reply")).to_be_visible()
    assert hw.citizen.phone not in page.content()
    assert_accessible(page, context="诉求查询")
    page.screenshot(path="/tmp/hotline-citizen-follow.png", full_page=True)


def test_agent_takes_a_call_from_the_keyboard(page, hw, submit, assert_accessible):
    earlier = submit()
    login(page, hw.agent.username, PASSWORD)
    page.goto("/hotline/work/console/")
    assert_accessible(page, context="话务受理")
    # The phone number has the focus; everything is typed, then Alt+C checks and Alt+S submits.
    assert page.evaluate("document.activeElement.id") == "f-caller_phone"
    page.keyboard.type("13800000001")
    page.keyboard.press("Tab")
    page.keyboard.type("李明")
    page.fill("#f-description", "小寨路口晚上摊贩占道，堵住了人行道")
    page.select_option("#f-district", "610113")
    page.select_option("#f-street", "610113J01")
    page.fill("#f-lat", str(XIAOZHAI[0]))
    page.fill("#f-lng", str(XIAOZHAI[1]))
    page.select_option("#f-datum", "wgs84")
    page.keyboard.press("Alt+c")
    expect(page.get_by_role("heading", name="派单建议")).to_be_visible()
    expect(page.locator(".side")).to_contain_text("雁塔区小寨路街道办事处")
    expect(page.locator(".side")).to_contain_text(earlier.number)  # nearby and the caller's history
    expect(page.get_by_role("heading", name="知识库")).to_be_visible()  # the panel guidance fills
    assert_accessible(page, context="查重与派单建议")
    page.screenshot(path="/tmp/hotline-agent-console.png", full_page=True)
    page.keyboard.press("Alt+s")
    expect(page.locator(".notice--success")).to_contain_text("派至雁塔区小寨路街道办事处")
    assert_accessible(page, context="工单页（话务员）")
    ticket = Ticket.objects.exclude(pk=earlier.pk).get()
    assert ticket.status == "dispatched" and ticket.caller_name == "李明"

    # The duplicate goes into the earlier ticket: the agent merges it on the ticket page.
    page.fill("#m-master", earlier.number)
    page.get_by_role("button", name="并入主单").click()
    expect(page.locator(".notice--success")).to_contain_text("已并单")
    assert Ticket.objects.get(pk=ticket.pk).merged_into_id == earlier.pk


def test_unit_and_supervisor_pages_pass_the_scan(page, hw, submit, assert_accessible):
    t = submit()
    login(page, hw.office_handler.username, PASSWORD)
    page.goto("/hotline/work/worklist/")
    page.screenshot(path="/tmp/hotline-worklist.png", full_page=True)
    assert_accessible(page, context="承办工单")
    page.get_by_role("button", name=re.compile(f"签收.*{t.number}")).click()
    expect(page.locator(".notice--success")).to_contain_text("已签收")
    assert_accessible(page, context="工单页（承办单位）")
    page.context.clear_cookies()
    login(page, hw.supervisor.username, PASSWORD)
    for path, name in (("/hotline/work/supervision/", "督办"), ("/hotline/work/indicators/", "指标"),
                       ("/hotline/work/hotspots/", "热点")):
        page.goto(path)
        assert_accessible(page, context=name)
    page.screenshot(path="/tmp/hotline-hotspots.png", full_page=True)
