"""Journeys in the real browser with an accessibility scan (axe) of every page visited: a citizen
books on her phone; a number is taken and a booking checked in at the kiosk (phone-sized); the
clerk calls the next number by keyboard; the hall manager's and the assistant's pages."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from conftest import login, no_horizontal_scroll
from yiwang.accounts.tests.factories import PASSWORD
from yiwang.appointments import services
from yiwang.appointments.models import Booking, QueueTicket, Slot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]



def test_citizen_books_an_appointment_on_her_phone(phone_page, live, assert_accessible):
    page = phone_page
    login(page, live.citizen.username, PASSWORD)
    page.goto("/appointments/")
    assert_accessible(page, context="我的预约")
    page.get_by_role("link", name="预约办事").first.click()
    expect(page.get_by_role("heading", name="选择服务大厅")).to_be_visible()
    assert_accessible(page, context="预约：选择大厅")
    page.get_by_role("link", name="西安市政务服务中心").click()
    expect(page.get_by_role("heading", name="选择办理事项")).to_be_visible()
    assert_accessible(page, context="预约：选择事项")
    page.get_by_role("link", name="食品经营许可（新办）").click()
    expect(page.get_by_role("heading", name="选择日期", exact=True)).to_be_visible()
    assert_accessible(page, context="预约：选择日期")
    page.locator(".day").first.click()
    expect(page.locator(".slot-option").first).to_be_visible()
    assert_accessible(page, context="预约：选择时段")
    assert no_horizontal_scroll(page)
    # Confirming without a time: the summary names the choice and leads to it.
    page.get_by_role("button", name="确认预约").click()
    expect(page.locator(".error-summary")).to_contain_text("请重新选择")
    assert_accessible(page, context="预约：未选时段")
    page.locator(".slot-option label").first.click()
    page.get_by_role("button", name="确认预约").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("预约详情")
    booking = Booking.objects.get(applicant=live.citizen)
    expect(page.locator(".booking-code--large")).to_have_text(booking.code)
    assert_accessible(page, context="预约详情")
    assert no_horizontal_scroll(page)
    page.get_by_role("link", name="改约").click()
    assert_accessible(page, context="改约")
    page.goto(f"/appointments/bookings/{booking.pk}/cancel/")
    assert_accessible(page, context="取消预约")


def test_number_and_check_in_at_the_kiosk(phone_page, live, assert_accessible):
    page = phone_page
    page.goto("/kiosk/city/")
    assert_accessible(page, context="自助终端首页")
    page.get_by_role("link", name="取号").click()
    assert_accessible(page, context="取号")
    page.locator(f"label[for=group-{live.sector.pk}]").click()
    page.locator("label[for=priority-elderly]").click()
    # Big targets for a finger at a kiosk.
    assert page.locator(f"label[for=group-{live.sector.pk}]").bounding_box()["height"] >= 64
    page.get_by_role("button", name="取号").click()
    expect(page.locator(".ticket-number")).to_have_text("B001")
    assert_accessible(page, context="取号成功")
    assert no_horizontal_scroll(page)

    starts = timezone.now().replace(microsecond=0) + dt.timedelta(minutes=40)
    slot = Slot.objects.create(organisation=live.hall_org, window_group=live.sector, schedule=live.schedule,
                               service_date=timezone.localdate(starts), starts_at=starts,
                               ends_at=starts + dt.timedelta(minutes=30), capacity=2)
    booking = services.booking_create(actor=live.citizen, slot_id=slot.pk, implementation_id=live.item.pk)
    page.goto("/kiosk/city/")
    page.get_by_role("link", name="预约签到").click()
    assert_accessible(page, context="预约签到")
    page.fill("#id_code", "00000000" if booking.code != "00000000" else "11111111")
    page.get_by_role("button", name="签到").click()
    expect(page.locator(".error-summary")).to_contain_text("预约码")
    assert_accessible(page, context="预约签到（预约码错误）")
    page.fill("#id_code", booking.code)
    page.get_by_role("button", name="签到").click()
    expect(page.locator(".ticket-slip__group")).to_contain_text("预约")
    assert QueueTicket.objects.get(booking=booking).number == page.locator(".ticket-number").inner_text()
    page.goto("/kiosk/city/print/")
    assert_accessible(page, context="身份验证")
    page.goto("/kiosk/city/board/")
    assert_accessible(page, context="叫号屏")


def test_clerk_calls_the_next_number(page, live, assert_accessible):
    services.ticket_take(actor=None, group=live.sector)
    services.ticket_take(actor=None, group=live.sector, priority_reason="soldier")
    login(page, live.clerk.username, PASSWORD)
    page.goto("/workbench/")
    page.get_by_role("link", name="叫号").click()
    page.select_option("#id_window", str(live.window2.pk))
    page.get_by_role("button", name="切换").click()
    expect(page.locator(".calling__current")).to_contain_text("暂无正在接待")
    assert_accessible(page, context="叫号（空闲）")
    page.keyboard.press("n")  # 叫下一位 by key: the soldier (绿色通道) first
    expect(page.locator(".calling__current .ticket-number")).to_have_text("B002")
    expect(page.locator(".calling__current")).to_contain_text("绿色通道：军人")
    assert_accessible(page, context="叫号（已叫号）")
    page.keyboard.press("b")
    expect(page.locator(".calling__current")).to_contain_text("办理中")
    page.get_by_role("button", name="办结").click()
    expect(page.locator(".messages")).to_contain_text("办结")
    page.get_by_role("button", name="叫下一位").click()
    expect(page.locator(".calling__current .ticket-number")).to_have_text("B001")
    assert QueueTicket.objects.filter(status="finished").count() == 1


def test_manager_and_assistant_pages(page, live, assert_accessible):
    login(page, live.manager.username, PASSWORD)
    for path, what in (("/appointments/staff/halls/", "大厅列表"), ("/appointments/staff/halls/city/", "大厅"),
                       ("/appointments/staff/halls/city/schedules/", "添加排班")):
        page.goto(path)
        assert_accessible(page, context=what)
    page.get_by_role("button", name="保存并生成号源").click()
    expect(page.locator(".error-summary")).to_be_visible()
    assert_accessible(page, context="添加排班（有错误）")
    page.context.clear_cookies()
    request = services.assistance_request_create(
        actor=live.citizen, organisation=live.hall_org, kind="accompany", ground="elderly", description="想请人陪同办理")
    login(page, live.assistant.username, PASSWORD)
    for path, what in (("/appointments/staff/assistance/", "帮办代办列表"),
                       (f"/appointments/staff/assistance/{request.pk}/", "帮办代办详情"),
                       ("/appointments/staff/assistance/new/", "登记申请"), ("/appointments/staff/projects/new/", "登记重点项目"),
                       ("/appointments/staff/projects/", "重点项目")):
        page.goto(path)
        assert_accessible(page, context=what)
    page.context.clear_cookies()
    login(page, live.citizen.username, PASSWORD)
    for path, what in (("/appointments/assistance/new/?hall=city", "申请帮办代办"),
                       (f"/appointments/assistance/{request.pk}/", "我的帮办代办申请")):
        page.goto(path)
        assert_accessible(page, context=what)
