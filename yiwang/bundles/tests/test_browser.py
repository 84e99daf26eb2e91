"""Journeys in the real browser with the accessibility scan of every page visited: a citizen on a
phone reads the 开办餐饮店 guide of the Xi'an seed, answers the questions and gets the merged
checklist; catalog staff define a bundle, a second person reviews it, and it is published."""

import re

import pytest
from playwright.sync_api import expect

from conftest import login, no_horizontal_scroll
from yiwang.bundles.models import Bundle
from yiwang.bundles.tests.factories import shop

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]



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
    from yiwang.bundles.tests.page_fill import fill_merged_form
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
    fill_merged_form(page, checklist, applicant)
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


def test_window_clerk_files_the_restaurant_bundle_for_the_applicant_at_the_counter(page, xian, assert_accessible, tmp_path):
    """The 一件事 window at desktop width: the clerk at 西安市政务服务中心 checks the enterprise by its
    USCC (a wrong check digit named first), picks 开办餐饮店, answers, fills the merged form, ticks
    the paper originals (one scan uploaded), submits, and accepts every member at once (综合受理)."""
    from yiwang.accounts.tests.factories import EnterpriseUserFactory, StaffFactory
    from yiwang.bundles import selectors
    from yiwang.bundles.models import BundleCase
    from yiwang.bundles.tests.page_fill import fill_merged_form
    from yiwang.cases.constants import Channel
    from yiwang.cases.tests.conftest import PDF_BYTES
    from yiwang.orgs.constants import Role
    from yiwang.orgs.models import RoleGrant
    from yiwang.orgs.selectors import organisation_by_name

    hall = organisation_by_name("西安市政务服务中心")
    clerk = StaffFactory(username="hall_clerk", real_name="李娜")
    clerk.set_password("Test-2026-pass")
    clerk.save()
    RoleGrant.objects.create(user=clerk, organisation=hall, role=Role.WINDOW_CLERK)
    applicant = EnterpriseUserFactory(username="shop_owner", org_name="西安示例餐饮管理有限公司")
    answers = {"signboard": "no", "assembly": "yes", "fire_commitment": "yes", "agent": "no"}
    checklist = selectors.bundle_checklist(selectors.published_bundle(xian.pk), answers)

    login(page, "hall_clerk", "Test-2026-pass")
    page.goto("/workbench/")
    page.get_by_role("link", name="一件事窗口受理").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("一件事窗口受理")
    assert_accessible(page, context="bundle window: home")
    wrong = applicant.uscc[:-1] + ("1" if applicant.uscc[-1] != "1" else "2")
    page.get_by_label("申请人证件号码").fill(wrong)
    page.get_by_role("button", name="核验").click()
    expect(page.locator("#error-summary")).to_contain_text(f"统一社会信用代码校验位错误，应为 {applicant.uscc[-1]}")
    assert_accessible(page, context="bundle window: identifier error")
    page.get_by_label("申请人证件号码").fill(applicant.uscc)
    page.get_by_role("button", name="核验").click()
    expect(page.get_by_test_id("applicant-name")).to_contain_text("西安示例餐饮管理有限公司")
    page.get_by_label("查找一件事").fill("餐饮")
    page.get_by_role("button", name="查找", exact=True).click()
    page.get_by_role("link", name=re.compile("代为申请.*开办餐饮店")).click()

    expect(page.get_by_role("heading", level=1)).to_have_text("开办餐饮店")
    assert_accessible(page, context="bundle window: questions")
    for label, option in (("需要设置户外招牌吗？", "不需要"), ("经营场所属于公众聚集场所吗？", "属于"),
                          ("消防安全检查选择告知承诺方式吗？", "是，签署告知承诺书"), ("由他人代为办理吗？", "否，本人办理")):
        page.get_by_role("group", name=label).get_by_label(option, exact=True).check()
    page.get_by_role("button", name="确定情形，填写申请").click()
    expect(page.get_by_role("heading", name=f"2. 办理的事项（{len(checklist.members)} 项）")).to_be_visible()
    expect(page.get_by_text("户外招牌设施设置规范管理：")).to_be_visible()  # left out, with the reason
    assert_accessible(page, context="bundle window: the whole intake form")

    fill_merged_form(page, checklist, applicant)
    ticks = page.get_by_label("已收取纸质原件")
    assert ticks.count() >= 3
    scan = tmp_path / "扫描件.pdf"
    scan.write_bytes(PDF_BYTES)
    page.get_by_label("或上传扫描件").first.set_input_files(str(scan))
    for i in range(1, ticks.count()):
        ticks.nth(i).check()
    page.get_by_label("全部办结后一并领取", exact=False).check()
    page.get_by_role("button", name="提交一件事申请").click()

    expect(page).to_have_url(re.compile(r"/bundles/cases/\d+/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("开办餐饮店")
    members = page.get_by_role("table")
    for member in checklist.members:
        expect(members).to_contain_text(member.name)
    expect(page.get_by_text("窗口代为申请 · 西安市政务服务中心")).to_be_visible()
    assert_accessible(page, context="bundle window: the bundle case just filed")
    bundle_case = BundleCase.objects.get()
    assert bundle_case.channel == Channel.WINDOW and bundle_case.outlet_id == hall.pk and bundle_case.members.count() == len(checklist.members)
    page.get_by_role("button", name="综合受理").click()
    expect(page.get_by_text(f"已综合受理 {bundle_case.number}")).to_be_visible()
    expect(page.get_by_role("button", name="综合受理")).to_have_count(0)
    assert_accessible(page, context="bundle window: accepted")
