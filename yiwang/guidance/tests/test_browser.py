"""On a phone: everyday words in the guided search box → the bundle's checklist,
with the accessibility scan of every page visited."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def xian():
    from yiwang.catalog.seed.loader import load_xian
    from yiwang.guidance.services import seed_synonyms

    load_xian()
    # An earlier transactional test's flush takes the migrated synonyms with it.
    seed_synonyms()


def test_resident_finds_the_restaurant_bundle_and_its_checklist_on_a_phone(phone_page, xian, assert_accessible):
    page = phone_page
    page.goto("/guidance/search/")
    page.get_by_role("search").get_by_role("searchbox").fill("开个饭馆")
    page.get_by_role("search").get_by_role("button").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("智能导办")
    results = page.locator(".guidance-result")
    expect(results.first).to_be_visible()
    assert_accessible(page, context="guided search results (phone)")
    page.locator(".guidance-result[data-kind=bundle]").first.get_by_role("link").click()
    expect(page.get_by_role("heading", name="需要提交的材料", exact=False).first).to_be_visible()
    assert_accessible(page, context="bundle guide from search (phone)")


def test_nonsense_on_a_phone_offers_bundles_and_12345(phone_page, xian, assert_accessible):
    page = phone_page
    page.goto("/guidance/search/?q=qwzx")
    expect(page.get_by_role("heading", name="没有找到直接对应的事项")).to_be_visible()
    expect(page.get_by_role("link", name="12345")).to_be_visible()
    assert_accessible(page, context="guided search fallback (phone)")


def test_the_home_search_box_is_the_guided_search(page, xian, assert_accessible):
    page.goto("/")
    box = page.get_by_role("searchbox", name="搜索事项")
    box.fill("营业执照")
    page.get_by_role("button", name="搜索", exact=True).click()
    expect(page).to_have_url(re.compile(r"/guidance/search/\?q="))
    # The labelled set accepts either registration for this word; the company one must be near the top.
    links = page.locator(".guidance-result").get_by_role("link")
    expect(links.first).to_have_text(re.compile("^(企业设立登记（有限责任公司）|个体工商户设立登记)$"))
    assert "企业设立登记（有限责任公司）" in [t.strip() for t in links.all_inner_texts()[:3]]
    assert_accessible(page, context="guided search from the home box")

    page.goto("/")
    page.get_by_role("searchbox", name="搜索事项").fill("开饭店")
    page.get_by_role("button", name="搜索", exact=True).click()
    results = page.locator(".guidance-result")
    expect(results.first).to_be_visible()
    top3 = [(r.get_attribute("data-kind"), r.get_by_role("link").inner_text().strip()) for r in results.all()[:3]]
    # The restaurant bundles near the top (the food licence or company registration may lead).
    assert {("bundle", "开办餐饮店"), ("bundle", "小餐饮一件事")} & set(top3)
