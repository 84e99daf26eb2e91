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


def _shot(page, name):
    """Screenshots of the journey when GUIDANCE_SHOTS names a folder (to look at, not asserted)."""
    import os

    folder = os.environ.get("GUIDANCE_SHOTS")
    if folder:
        page.screenshot(path=f"{folder}/{name}.png", full_page=True)



def test_everyday_words_to_a_submitted_bundle_application_on_a_phone(phone_page, xian, assert_accessible, tmp_path):
    """One journey on a phone, signed in as a business owner: the home search box with everyday
    words → the guided results → the 开办餐饮店 bundle → its questions → the merged checklist for
    the answers → apply with those answers → form, materials, delivery, review → submitted →
    the bundle case page. The accessibility scan on every page."""
    from conftest import login, no_horizontal_scroll
    from yiwang.accounts.tests.factories import EnterpriseUserFactory
    from yiwang.bundles import selectors as bundle_selectors
    from yiwang.bundles.merge_materials import ONLINE_FORM
    from yiwang.bundles.models import Bundle
    from yiwang.bundles.tests.page_fill import fill_merged_form
    from yiwang.cases.tests.conftest import PDF_BYTES

    bundle = Bundle.objects.get(code="XA-2024-1-03")
    applicant = EnterpriseUserFactory(username="noodle_shop")
    applicant.set_password("Test-2026-pass")
    applicant.save()
    answers = {"signboard": "no", "assembly": "yes", "fire_commitment": "yes", "agent": "no"}
    choices = (("需要设置户外招牌吗？", "不需要"), ("经营场所属于公众聚集场所吗？", "属于"),
               ("消防安全检查选择告知承诺方式吗？", "是，签署告知承诺书"), ("由他人代为办理吗？", "否，本人办理"))
    checklist = bundle_selectors.bundle_checklist(bundle_selectors.published_bundle(bundle.pk), answers)
    page = phone_page
    login(page, "noodle_shop", "Test-2026-pass")

    # 1. The home page's search box, in everyday words.
    page.goto("/")
    assert_accessible(page, context="home (phone, signed in)")
    page.get_by_role("searchbox", name="搜索事项").fill("我想开个饭馆")
    page.get_by_role("button", name="搜索", exact=True).click()
    expect(page).to_have_url(re.compile(r"/guidance/search/\?q="))
    expect(page.get_by_role("heading", level=1)).to_have_text("智能导办")
    expect(page.get_by_role("searchbox").first).to_have_value("我想开个饭馆")
    results = page.locator(".guidance-result")
    expect(results.first).to_be_visible()
    top3 = [r.get_by_role("link").inner_text().strip() for r in results.all()[:3]]
    assert "开办餐饮店" in top3, top3
    # How the words were read is shown; no made-up "correction" of an everyday word (想开 → 开具).
    expect(page.locator("main")).to_contain_text("“饭馆”按“餐饮 食品经营”理解。")
    expect(page.locator("main")).not_to_contain_text("可能是")
    assert no_horizontal_scroll(page)
    _shot(page, "1-search")
    assert_accessible(page, context="guided results (phone)")

    # 2. The bundle's guide: the questions, the checklist for the answers.
    page.locator(".guidance-result[data-kind=bundle]").get_by_role("link", name="开办餐饮店", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("开办餐饮店")
    expect(page.get_by_role("heading", name="回答几个问题，生成您的材料清单")).to_be_visible()
    assert_accessible(page, context="bundle guide from the search (phone)")
    for question, option in choices:
        page.get_by_role("group", name=question).get_by_label(option, exact=True).check()
    page.get_by_role("button", name="生成我的材料清单").click()
    box = page.locator("#checklist")
    expect(box.get_by_role("heading", name="按您的回答")).to_be_visible()
    expect(box).to_contain_text("需要设置户外招牌吗？ 不需要")
    expect(box.get_by_role("heading", name=f"需要提交的材料（{len(checklist.submitted)} 份）")).to_be_visible()
    expect(box).to_contain_text("户外招牌设施设置规范管理")  # named among what need not be done
    for m in checklist.submitted[:3]:
        expect(box).to_contain_text(m.name)
    expect(box).not_to_contain_text("户外招牌设施设计平面图")
    assert no_horizontal_scroll(page)
    _shot(page, "2-checklist")
    assert_accessible(page, context="bundle checklist for the answers (phone)")

    # 3. Apply with those answers: the questions come filled in.
    apply = page.get_by_role("link", name="按我的回答一次申请")
    expect(apply).to_have_attribute("href", re.compile(r"q-signboard=no"))
    apply.click()
    expect(page.get_by_text("第 1 步，共 5 步：回答问题")).to_be_visible()
    expect(page.get_by_text("已按您在办事指南中的回答填好")).to_be_visible()
    for question, option in choices:
        expect(page.get_by_role("group", name=question).get_by_label(option, exact=True)).to_be_checked()
    _shot(page, "3-questions")
    assert_accessible(page, context="bundle apply: questions filled in from the guide (phone)")
    page.get_by_role("button", name="下一步").click()

    expect(page.get_by_text("第 2 步，共 5 步：填写表单")).to_be_visible()
    assert no_horizontal_scroll(page)
    _shot(page, "4-form")
    assert_accessible(page, context="bundle apply: merged form (phone)")
    fill_merged_form(page, checklist, applicant)
    page.get_by_role("button", name="下一步").click()

    expect(page.get_by_text("第 3 步，共 5 步：上传材料")).to_be_visible()
    uploads = [m for m in checklist.materials.merged if m.submitted and m.source_channel != ONLINE_FORM]
    assert uploads and "户外招牌设施设计平面图" not in [m.name for m in uploads]  # the answers shaped the list
    assert no_horizontal_scroll(page)
    _shot(page, "5-materials")
    assert_accessible(page, context="bundle apply: merged materials (phone)")
    document = tmp_path / "材料.pdf"
    document.write_bytes(PDF_BYTES)
    for entry in uploads:
        page.get_by_label(entry.name, exact=False).first.set_input_files(str(document))
    page.get_by_role("button", name="下一步").click()

    expect(page.get_by_text("第 4 步，共 5 步：领取方式")).to_be_visible()
    assert_accessible(page, context="bundle apply: delivery (phone)")
    page.get_by_label("全部办结后一并领取", exact=False).check()
    page.get_by_role("button", name="下一步").click()

    expect(page.get_by_text("第 5 步，共 5 步：核对提交")).to_be_visible()
    expect(page.locator("main")).to_contain_text("不需要")  # the answers are on the review page
    assert no_horizontal_scroll(page)
    _shot(page, "6-review")
    assert_accessible(page, context="bundle apply: review (phone)")
    page.get_by_role("button", name="提交申请").click()

    # 4. The bundle case page: every member of the checklist, filed.
    expect(page).to_have_url(re.compile(r"/bundles/cases/\d+/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("开办餐饮店")
    members = page.get_by_role("table")
    for member in checklist.members:
        expect(members).to_contain_text(member.name)
    expect(members).not_to_contain_text("户外招牌设施设置规范管理")
    # The case number (a long unbroken code) stays inside its box on a phone.
    assert page.evaluate("[...document.querySelectorAll('.keyfacts dd')].every(e => e.scrollWidth <= e.clientWidth)")
    assert no_horizontal_scroll(page)
    _shot(page, "7-case")
    assert_accessible(page, context="bundle case page (phone)")
