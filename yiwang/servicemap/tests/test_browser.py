"""Journeys in the real browser with the accessibility scan of every page visited: a citizen on a
phone finds an outlet for an item near where she stands and opens its page; a hall manager
keeps an outlet's hours and items; the coverage page."""

import re

import pytest
from playwright.sync_api import expect

from conftest import login, no_horizontal_scroll
from yiwang.accounts.tests.factories import PASSWORD
from yiwang.servicemap import services
from yiwang.servicemap.tests.conftest import YANTA_HALL

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]



def test_phone_find_an_outlet_for_an_item_near_me(phone_page, smap, assert_accessible):
    page = phone_page
    # Standing 300 m south of the 雁塔区 hall; the phone shares its (WGS84) position.
    page.context.grant_permissions(["geolocation"])
    page.context.set_geolocation({"latitude": YANTA_HALL[0] - 0.0027, "longitude": YANTA_HALL[1]})
    page.goto("/map/")
    expect(page.get_by_role("heading", level=1)).to_have_text("政务服务地图")
    assert_accessible(page, context="map start (phone)")
    assert no_horizontal_scroll(page)

    page.get_by_label("要办的事").fill("企业变更")
    page.get_by_role("button", name="查找网点").click()
    page.get_by_role("link", name=re.compile("企业变更登记")).click()
    expect(page.get_by_text("已选择：")).to_contain_text("企业变更登记")

    page.get_by_role("button", name="使用我的位置").click()
    results = page.locator(".outlet-list > li")
    expect(results.first).to_contain_text("西安市雁塔区政务服务中心")
    expect(results.first).to_contain_text("300 米")
    expect(results.first).to_contain_text("进驻办理")
    expect(page.get_by_role("heading", name="可以办理“企业变更登记”的网点")).to_be_visible()
    assert results.count() == 3  # the hall, its locker and the post office's post
    # The list comes before the map on a phone.
    list_top = page.locator(".map-list").bounding_box()["y"]
    map_top = page.locator(".map-figure").bounding_box()["y"]
    assert list_top < map_top
    assert no_horizontal_scroll(page)
    assert_accessible(page, context="results (phone)")
    page.screenshot(path="/tmp/servicemap-results-phone.png", full_page=True)

    page.get_by_role("link", name=re.compile("西安市雁塔区政务服务中心$")).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("西安市雁塔区政务服务中心")
    expect(page.get_by_text("距您约 300 米")).to_be_visible()
    expect(page.get_by_role("table", name="常规开放时间")).to_contain_text("周一至周五")
    expect(page.get_by_role("table", name="未来七天")).to_be_visible()
    expect(page.get_by_role("link", name="企业变更登记")).to_have_attribute("href", f"/items/{smap.ids.firm}/")
    assert no_horizontal_scroll(page)
    assert_accessible(page, context="outlet page (phone)")


def test_phone_without_location_picks_a_place(phone_page, smap, assert_accessible):
    page = phone_page
    page.goto("/map/")
    page.get_by_label("或选择您附近的地点").select_option(label="西安市碑林区政务服务中心")
    page.get_by_role("button", name="查找网点").click()
    expect(page.locator(".outlet-list > li").first).to_contain_text("西安市碑林区政务服务中心")
    expect(page.get_by_text("从“西安市碑林区政务服务中心”出发")).to_be_visible()
    assert_accessible(page, context="results from a place (phone)")
    # Elder mode: large type, still no sideways scrolling.
    page.get_by_role("button", name="长辈模式（大字）").click()
    expect(page.locator("html")).to_have_class("elder")
    assert no_horizontal_scroll(page)
    assert_accessible(page, context="results, elder mode")


def test_hall_manager_keeps_hours_and_items(page, smap, assert_accessible):
    login(page, smap.manager_yanta.username, PASSWORD)
    page.goto("/map/staff/")
    assert_accessible(page, context="staff outlet list")
    page.get_by_role("link", name="小寨邮政网点政务服务驿站").click()
    assert_accessible(page, context="outlet form")
    page.get_by_role("link", name="开放时间").click()
    assert_accessible(page, context="hours form")
    page.get_by_label("周六时段 1 开始").fill("9:00")
    page.get_by_label("周六时段 1 结束").fill("12:00")
    page.get_by_label("延时（周六时段 1）").check()
    page.get_by_role("button", name="保存开放时间").click()
    expect(page.get_by_text("开放时间已保存")).to_be_visible()
    page.get_by_label("周日时段 1 开始").fill("18:00")
    page.get_by_label("周日时段 1 结束").fill("9:00")
    page.get_by_role("button", name="保存开放时间").click()
    expect(page.get_by_role("alert")).to_contain_text("结束应晚于开始")
    assert_accessible(page, context="hours form with errors")

    page.get_by_role("link", name="可办事项").click()
    page.get_by_label("事项名称").fill("个体工商户")
    page.get_by_role("button", name="查找").click()
    page.get_by_role("button", name=re.compile("添加 ?“个体工商户设立登记”")).click()
    expect(page.get_by_text("已添加可办事项")).to_be_visible()
    expect(page.get_by_role("table", name="可办事项")).to_contain_text("个体工商户设立登记")
    assert_accessible(page, context="items")

    page.goto(f"/map/outlets/{smap.post.pk}/")
    expect(page.get_by_role("table", name="常规开放时间")).to_contain_text("9:00—12:00（延时服务）")
    expect(page.get_by_text("周末不打烊")).to_be_visible()


def test_coverage_page(page, smap, assert_accessible):
    services.population_replace(actor=None, district_code="610113", points=[(*YANTA_HALL, 800), (34.19, 108.90, 200)],
                                is_demo=True, source="")
    login(page, smap.manager_yanta.username, PASSWORD)
    page.goto("/map/staff/coverage/?district=610113")
    expect(page.get_by_text("全市覆盖率 80.0%")).to_be_visible()
    expect(page.get_by_role("table", name="各区县覆盖率")).to_contain_text("10 分钟")
    assert page.locator("svg rect[class^='svc-map__gap']").count() == 1
    assert_accessible(page, context="coverage")
