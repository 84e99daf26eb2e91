"""On a phone: everyday words in the guided search box → the bundle's checklist,
with the accessibility scan of every page visited."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def xian():
    from yiwang.catalog.seed.loader import load_xian

    load_xian()


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
