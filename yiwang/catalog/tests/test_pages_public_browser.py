"""Citizen journeys through the public catalog in the real browser, with an accessibility scan of
every page visited: search -> guide -> PDF, the life-cycle tree, departments, a phone, elder mode."""

import re

import pytest
from playwright.sync_api import expect

from conftest import no_horizontal_scroll
from yiwang.catalog.constants import LifeSubject
from yiwang.catalog.tests.public_data import district_agency, full_guide, immediate_item, life_tree, published

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def catalog():
    food = full_guide()
    id_card = immediate_item("居民身份证换领")
    birth = published("出生医学证明", high_frequency=True)
    local = published("城乡居民最低生活保障", agency=district_agency("碑林区民政局", "碑林区"))
    life_tree([birth.implementation, id_card.implementation], stage="出生", theme="生育登记", event="新生儿出生")
    life_tree([food.implementation], subject=LifeSubject.ENTERPRISE, stage="企业开办", theme="准营",
              event="开办餐馆")
    return {"food": food, "id_card": id_card, "birth": birth, "local": local}



def test_search_then_guide_then_pdf(page, catalog, assert_accessible):
    page.goto("/")
    assert_accessible(page, context="home")
    page.get_by_role("searchbox", name="搜索事项").fill("食品经营")
    page.get_by_role("button", name="搜索", exact=True).click()
    # The home box is the guided search: ranked results, the best match first.
    expect(page).to_have_url(re.compile(r"/guidance/search/\?q="))
    first = page.locator(".guidance-result").first
    expect(first).to_have_attribute("data-kind", "item")
    expect(first.get_by_role("link")).to_have_text("食品经营许可（新办）")
    expect(page.get_by_role("link", name="出生医学证明")).to_have_count(0)
    assert_accessible(page, context="search results")

    first.get_by_role("link", name="食品经营许可（新办）").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("食品经营许可（新办）")
    materials = page.get_by_role("table", name="申请材料清单")
    expect(materials).to_contain_text("食品经营许可申请书")
    expect(materials).to_contain_text("免提交（由部门调取）")
    expect(page.locator("#limits")).to_contain_text("承诺 10 个工作日")
    expect(page.locator("#limits")).to_contain_text("20 个工作日")
    apply = page.get_by_role("link", name="在线申请")
    expect(apply).to_have_attribute("href", f"/cases/apply/{catalog['food'].implementation_id}/")
    page.get_by_text("许可证有效期多久？").click()  # FAQ in <details>
    expect(page.get_by_text("食品经营许可证有效期为 5 年。")).to_be_visible()
    assert_accessible(page, context="guide")

    href = page.get_by_role("link", name="打印/下载办事指南 PDF").get_attribute("href")
    response = page.request.get(href)
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")


def test_search_filters_update_results_in_place(page, catalog, assert_accessible):
    page.goto("/search/")
    expect(page.locator("#result-count")).to_contain_text("共 4 项")
    page.get_by_label("周末可办").check()  # htmx: the change alone updates the results
    expect(page.locator("#result-count")).to_contain_text("共 1 项")
    expect(page).to_have_url(re.compile(r"flag=weekend_service"))
    expect(page.locator("#results")).to_contain_text("食品经营许可（新办）")
    page.get_by_label("部门").select_option(label="碑林区民政局")
    expect(page.locator("#result-count")).to_contain_text("共 0 项")
    expect(page.locator("#results")).to_contain_text("没有找到符合条件的事项")
    assert_accessible(page, context="search empty state")


def test_browse_the_person_tree_to_a_guide(page, catalog, assert_accessible):
    page.goto("/")
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="个人办事").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("个人办事")
    assert_accessible(page, context="person tree")
    page.get_by_role("navigation", name="阶段").get_by_role("link", name="出生").click()
    expect(page).to_have_url(re.compile(r"#stage-\d+$"))
    expect(page.get_by_role("heading", name="生育登记")).to_be_visible()
    page.get_by_role("link", name="新生儿出生").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("新生儿出生")
    expect(page.get_by_role("heading", name="需要办理的事项（2 项）")).to_be_visible()
    assert_accessible(page, context="life event")
    page.get_by_role("link", name="居民身份证换领").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("居民身份证换领")
    expect(page.locator(".keyfacts")).to_contain_text("即办")
    assert_accessible(page, context="immediate guide")


def test_browse_by_department(page, catalog, assert_accessible):
    page.goto("/")
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="部门").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("按部门办事")
    expect(page.get_by_role("heading", name="区县部门")).to_be_visible()
    expect(page.get_by_role("heading", name="碑林区", exact=True)).to_be_visible()
    assert_accessible(page, context="departments")
    page.get_by_role("link", name="碑林区民政局").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("碑林区民政局")
    assert_accessible(page, context="department")
    page.get_by_role("link", name="城乡居民最低生活保障").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("城乡居民最低生活保障")


def test_on_a_phone(phone_page, catalog, assert_accessible):
    page = phone_page
    for url in ("/", "/search/?q=许可", f"/items/{catalog['food'].implementation_id}/", "/browse/enterprise/",
                "/agencies/"):
        page.goto(url)
        assert no_horizontal_scroll(page), url  # wide tables scroll inside their own region
        assert_accessible(page, context=f"phone {url}")
    page.goto("/")
    page.get_by_role("searchbox", name="搜索事项").fill("身份证")
    page.get_by_role("button", name="搜索", exact=True).click()
    expect(page).to_have_url(re.compile(r"/guidance/search/\?q="))
    expect(page.locator(".guidance-result").first.get_by_role("link")).to_have_text("居民身份证换领")
    assert no_horizontal_scroll(page)
    assert_accessible(page, context="phone guided search")


def test_elder_mode_persists_across_pages(phone_page, catalog, assert_accessible):
    page = phone_page
    page.goto("/")
    root_size = "getComputedStyle(document.documentElement).fontSize"
    assert page.evaluate(root_size) == "16px"
    page.get_by_role("button", name="长辈模式（大字）").click()
    expect(page.locator("html")).to_have_class("elder")
    assert page.evaluate(root_size) == "20px"
    for url in ("/search/?q=许可", f"/items/{catalog['food'].implementation_id}/", "/browse/person/", "/agencies/"):
        page.goto(url)
        expect(page.locator("html")).to_have_class("elder")
        assert page.evaluate(root_size) == "20px", url
        assert no_horizontal_scroll(page), url
        assert_accessible(page, context=f"elder {url}")
    page.get_by_role("button", name="标准模式").click()
    expect(page.locator("html")).not_to_have_class("elder")
    page.goto("/")
    assert page.evaluate(root_size) == "16px"
