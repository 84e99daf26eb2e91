"""Journeys in the real browser with the accessibility scan of every page visited: a citizen on a
phone reads the 开办餐饮店 guide of the Xi'an seed, answers the questions and gets the merged
checklist; catalog staff define a bundle, a second person reviews it, and it is published."""

import re

import pytest
from playwright.sync_api import expect

from conftest import login
from yiwang.bundles.models import Bundle
from yiwang.bundles.tests.factories import shop

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def no_horizontal_scroll(page):
    return page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


@pytest.fixture
def xian():
    from yiwang.catalog.seed.loader import load_xian

    load_xian()
    return Bundle.objects.get(code="XA-2024-1-03")


def test_citizen_answers_the_questions_and_gets_the_merged_checklist_on_a_phone(phone_page, xian, assert_accessible):
    page = phone_page
    page.goto("/bundles/")
    expect(page.get_by_role("heading", level=1)).to_have_text("一件事一次办")
    assert_accessible(page, context="bundles overview (phone)")
    page.get_by_role("link", name="开办餐饮店", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("开办餐饮店")
    expect(page.get_by_role("heading", name="需要提交的材料（11 份）")).to_be_visible()
    assert no_horizontal_scroll(page)
    assert_accessible(page, context="bundle guide, no answers (phone)")

    page.get_by_role("group", name="需要设置户外招牌吗？").get_by_label("不需要").check()
    page.get_by_role("group", name="消防安全检查选择告知承诺方式吗？").get_by_label("否，先检查后许可").check()
    page.get_by_role("group", name="由他人代为办理吗？").get_by_label("是，委托他人代办").check()
    page.get_by_role("button", name="生成我的材料清单").click()
    checklist = page.locator("#checklist")
    expect(checklist).to_contain_text("不需要办理的事项")
    expect(checklist).to_contain_text("户外招牌设施设置规范管理您的回答：需要设置户外招牌吗？——不需要")
    expect(checklist.get_by_role("heading", name="需要提交的材料（8 份）")).to_be_visible()
    expect(checklist).to_contain_text("授权委托书及受托人居民身份证")
    expect(checklist).to_contain_text("一件事联办申请表（多表合一）")
    expect(checklist).not_to_contain_text("户外招牌设施设计平面图")
    expect(checklist).to_contain_text("无需提交「告知承诺书」")
    expect(page).to_have_url(re.compile(r"q-signboard=no"))  # htmx pushed the answers into the address
    assert no_horizontal_scroll(page)
    assert_accessible(page, context="bundle guide with the checklist (phone)")

    page.reload()  # the address alone gives the same checklist
    expect(page.locator("#checklist").get_by_role("heading", name="需要提交的材料（8 份）")).to_be_visible()
    expect(page.get_by_label("不需要").first).to_be_checked()


def test_staff_define_review_and_publish_a_bundle(page, assert_accessible):
    s = shop()
    for user in (s.editor, s.reviewer):
        user.set_password("Test-2026-pass")
        user.save()
    login(page, "bundle_editor", "Test-2026-pass")
    page.goto("/bundles/editor/")
    assert_accessible(page, context="bundle editor list")
    page.get_by_role("link", name="新建一件事").click()
    page.get_by_label("名称").fill("开办餐饮店")
    page.get_by_role("button", name="新建草稿").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("编辑：开办餐饮店")
    for name in ("企业营业执照信息核验", "食品经营许可", "户外招牌设施设置规范管理"):
        page.get_by_label("添加成员事项").select_option(label=name)
        page.get_by_role("button", name="保存并继续编辑").click()
        expect(page.get_by_role("group", name=re.compile(name))).to_be_visible()
    page.get_by_label("生命周期阶段").select_option(label="法人（企业） · 准入准营")
    page.get_by_label("牵头部门").select_option(label="西安市市场监督管理局")
    page.get_by_role("group", name=re.compile("#1 企业营业执照信息核验")).get_by_label("牵头事项（★）").check()
    food = page.get_by_role("group", name=re.compile("#2 食品经营许可"))
    food.get_by_label("牵头事项（★）").check()
    food.get_by_label("#1 企业营业执照信息核验").check()
    page.get_by_label("情形问题（每个问题一段，段与段之间空一行）").fill(
        "问题 signboard：需要设置户外招牌吗？\n选项 yes：需要\n选项 no：不需要 ｜ 不办理 #3")
    assert_accessible(page, context="bundle edit page")
    page.get_by_role("button", name="保存并提交审核").click()
    expect(page.get_by_text("已提交审核")).to_be_visible()
    assert_accessible(page, context="bundle version page")
    page.get_by_role("button", name="退出").click()

    login(page, "bundle_reviewer", "Test-2026-pass")
    page.goto("/bundles/editor/")
    page.get_by_role("link", name="开办餐饮店").first.click()
    page.get_by_role("link", name="审核").click()
    assert_accessible(page, context="bundle review page")
    page.get_by_label("通过").check()
    page.get_by_role("button", name="提交审核结论").click()
    page.get_by_role("button", name="发布").click()
    expect(page.get_by_text("已发布：群众现在看到的是这个版本。")).to_be_visible()
    page.get_by_role("link", name="查看公开页面").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("开办餐饮店")
    expect(page.get_by_text("须先办结：企业营业执照信息核验")).to_be_visible()


def test_enterprise_applies_for_the_restaurant_bundle_on_a_phone(phone_page, xian, assert_accessible, tmp_path):
    """The 开办餐饮店 bundle end to end on a phone: questions → merged form → merged materials →
    delivery → review → submit → the bundle case page lists every member."""
    from yiwang.accounts.tests.factories import EnterpriseUserFactory
    from yiwang.bundles import selectors
    from yiwang.bundles.merge_materials import ONLINE_FORM
    from yiwang.bundles.tests.test_seed import _typed_value
    from yiwang.cases.tests.conftest import PDF_BYTES

    applicant = EnterpriseUserFactory(username="shop_owner")
    applicant.set_password("Test-2026-pass")
    applicant.save()
    # The shop holds its business licence in the e-licence library: not asked for (免提交).
    import datetime as dt

    from yiwang.licences.selectors import licence_type_for_code
    from yiwang.licences.services import Holder, licence_issue, licence_types_load

    licence_types_load(actor=None)
    business = licence_type_for_code("LIC-BUSINESS-LICENCE")
    licence = licence_issue(actor=None, licence_type=business, holder=Holder("enterprise", applicant.org_name, applicant.uscc),
                            issuer=business.issuing_agency, issued_on=dt.date(2024, 5, 6), source="demo", notify=False)
    answers = {"signboard": "yes", "assembly": "yes", "fire_commitment": "yes", "agent": "no"}
    checklist = selectors.bundle_checklist(selectors.published_bundle(xian.pk), answers, applicant=applicant)
    assert [h.identifier for h in checklist.held] == [licence.identifier]
    page = phone_page
    login(page, "shop_owner", "Test-2026-pass")
    page.goto(f"/bundles/{xian.pk}/")
    page.get_by_role("link", name="一次申请").click()
    expect(page.get_by_text("第 1 步，共 5 步：回答问题")).to_be_visible()
    assert_accessible(page, context="bundle apply: questions (phone)")
    page.get_by_role("button", name="下一步").click()  # nothing answered: named next to each question
    expect(page.locator("#question-agent-error")).to_contain_text("请回答「由他人代为办理吗？」")
    for label, option in (("需要设置户外招牌吗？", "需要"), ("经营场所属于公众聚集场所吗？", "属于"),
                          ("消防安全检查选择告知承诺方式吗？", "是，签署告知承诺书"), ("由他人代为办理吗？", "否，本人办理")):
        page.get_by_role("group", name=label).get_by_label(option, exact=True).check()
    page.get_by_role("button", name="下一步").click()

    expect(page.get_by_text("第 2 步，共 5 步：填写表单")).to_be_visible()
    assert no_horizontal_scroll(page)
    assert_accessible(page, context="bundle apply: merged form (phone)")
    for field in checklist.form.fields:
        value = _typed_value(field, applicant)
        inputs = page.locator(f'[name="{field.name}"]')
        kind = inputs.first.evaluate("e => e.tagName.toLowerCase() + ':' + (e.type || '')")
        if kind in ("input:radio", "input:checkbox"):
            for chosen in value if isinstance(value, list) else [value]:
                page.locator(f'[name="{field.name}"][value="{chosen}"]').check()
        elif kind.startswith("select"):
            inputs.first.select_option(value)
        else:
            inputs.first.fill(value)
    page.get_by_role("button", name="下一步").click()

    expect(page.get_by_text("第 3 步，共 5 步：上传材料")).to_be_visible()
    expect(page.locator(".held-materials")).to_contain_text("已从电子证照库调取「营业执照」")
    expect(page.locator(".held-materials")).to_contain_text(licence.identifier)
    assert no_horizontal_scroll(page)
    assert_accessible(page, context="bundle apply: merged materials (phone)")
    document = tmp_path / "材料.pdf"
    document.write_bytes(PDF_BYTES)
    uploads = [m for m in checklist.materials.merged if m.submitted and m.source_channel != ONLINE_FORM]
    for entry in uploads:
        page.get_by_label(entry.name, exact=False).first.set_input_files(str(document))
    page.get_by_role("button", name="下一步").click()

    expect(page.get_by_text("第 4 步，共 5 步：领取方式")).to_be_visible()
    assert_accessible(page, context="bundle apply: delivery (phone)")
    page.get_by_label("全部办结后一并领取", exact=False).check()
    page.get_by_role("button", name="下一步").click()

    expect(page.get_by_text("第 5 步，共 5 步：核对提交")).to_be_visible()
    assert no_horizontal_scroll(page)
    assert_accessible(page, context="bundle apply: review (phone)")
    page.get_by_role("button", name="提交申请").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("开办餐饮店")
    expect(page).to_have_url(re.compile(r"/bundles/cases/\d+/$"))
    members = page.get_by_role("table").first
    for member in checklist.members:
        expect(members).to_contain_text(member.name)
    expect(page.get_by_role("heading", name="已从电子证照库调取的材料")).to_be_visible()
    expect(page.get_by_text(licence.identifier).first).to_be_visible()
    assert no_horizontal_scroll(page)
    assert_accessible(page, context="bundle case page (phone)")
