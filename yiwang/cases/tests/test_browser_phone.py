"""On a phone (390 px): the header leaves the page in view (elder mode too), the first search
result is near the top, the case's materials table does not scroll sideways, and the owner's case
page shows the pickup code and its QR — scanned by axe, no CSP violation (the fixtures fail on one)."""

import re

import pytest
from playwright.sync_api import expect

from conftest import login
from yiwang.accounts.tests.factories import PASSWORD
from yiwang.cases.tests.page_helpers import accept, file_case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREEN = 844


def header_height(page) -> float:
    return page.eval_on_selector(".site-header", "e => e.getBoundingClientRect().height")


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_phone_header_search_and_the_owners_pickup_code(phone_page, world, submit, assert_accessible,
                                                        django_capture_on_commit_callbacks):
    from yiwang.cases.services import case_decide
    from yiwang.notifications.models import Notification

    page = phone_page
    with django_capture_on_commit_callbacks(execute=True):
        case = accept(world, file_case(submit))
        case_decide(actor=world.approver, case=case, decision="approved", reasons="符合条件")
    code = re.search(r"取件码 (\d{6})", Notification.objects.filter(topic="delivery.code").first().body).group(1)

    page.goto("/search/?q=食品")
    assert header_height(page) < SCREEN / 6
    first = page.locator(".result").first
    expect(first).to_be_visible()
    assert first.bounding_box()["y"] < SCREEN * 0.7  # the first result on the first screen, above the filters
    assert first.bounding_box()["y"] < page.locator("#filters").bounding_box()["y"]
    assert no_sideways_scroll(page)
    page.get_by_role("button", name=re.compile("长辈模式")).click()
    expect(page.get_by_role("button", name="标准模式")).to_be_visible()
    assert header_height(page) < SCREEN / 5 and no_sideways_scroll(page)
    page.get_by_role("button", name="标准模式").click()

    login(page, world.citizen.username, PASSWORD)
    page.goto(f"/cases/mine/{case.pk}/")
    expect(page.get_by_test_id("pickup-code")).to_have_text(code)
    expect(page.get_by_role("img", name="取件码二维码")).to_be_visible()
    assert header_height(page) < SCREEN / 6 and no_sideways_scroll(page)
    assert_accessible(page, context="办件（取件码）")

    page.context.clear_cookies()
    login(page, "clerk", PASSWORD)
    page.goto(f"/cases/window/cases/{case.pk}/")
    expect(page.locator("table.materials-check")).to_be_visible()
    assert no_sideways_scroll(page)
    assert page.get_by_test_id("pickup-code").count() == 0
