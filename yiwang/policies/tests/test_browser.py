"""我的政策 on a phone in the real browser under the strict CSP (the fixtures fail on a violation),
with the accessibility scan (axe) of every page visited: see the reasons, open why one qualifies,
confirm a 免申即享 benefit, open a policy's page."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from conftest import login, no_horizontal_scroll
from yiwang.accounts.tests.factories import PASSWORD
from yiwang.policies.models import Entitlement
from yiwang.policies.tests.conftest import make_policy, person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]



def test_my_policies_on_a_phone(phone_page, pw, assert_accessible):
    page = phone_page
    subject = person(pw, birth="19580315", employment_status="retired")
    policy = make_policy(pw, code="senior-60", title="老年人生活补贴")
    make_policy(pw, code="senior-80", title="高龄津贴", rules={"all": [{"attr": "age", "op": ">=", "value": 80}]})
    login(page, subject.user.username, PASSWORD)
    page.goto("/policies/mine/")
    expect(page.get_by_role("heading", level=1)).to_have_text("我的政策")
    expect(page.locator(".ineligible-list")).to_contain_text("年龄不少于 80 周岁（您的情况：68 周岁）")
    page.locator(".eligible-list summary").first.click()
    expect(page.locator(".eligible-list details").first).to_contain_text("年龄不少于 60 周岁")
    assert_accessible(page, context="我的政策")
    assert no_horizontal_scroll(page)
    page.get_by_role("button", name="确认领取").click()
    expect(page.get_by_text("已确认领取“老年人生活补贴”")).to_be_visible()
    expect(page.get_by_role("button", name="确认领取")).to_have_count(0)
    assert Entitlement.objects.get(policy=policy, profile_id=subject.pk).status == "confirmed"
    assert_accessible(page, context="我的政策：已确认")
    page.get_by_role("link", name="高龄津贴").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("高龄津贴")
    expect(page.locator("body")).to_contain_text("不符合")
    assert_accessible(page, context="政策详情")
    assert no_horizontal_scroll(page)


def test_confirm_a_free_benefit_case_on_a_phone(phone_page, paying, assert_accessible):
    """免申即享 with its case: 我的政策 shows the case the platform filed; 确认领取 on a 390 px phone
    submits it; the case page in 我的办件 then shows it submitted, with no confirmation left."""
    from yiwang.cases.models import Case

    page = phone_page
    subject = person(paying, birth="19580315", employment_status="retired")
    policy = make_policy(paying, code="senior-60", title="老年人生活补贴", implementation=paying.item)
    entitlement = Entitlement.objects.get(policy=policy, profile_id=subject.pk)
    case = Case.objects.get(pk=entitlement.case_id)
    login(page, subject.user.username, PASSWORD)
    page.goto("/policies/mine/")
    offers = page.locator(".offer-list")
    expect(offers).to_contain_text(case.number)
    expect(offers).to_contain_text("待确认领取")
    assert_accessible(page, context="我的政策：待确认的办件")
    assert no_horizontal_scroll(page)
    page.goto(f"/cases/mine/{case.pk}/")  # 我的办件: the same case, awaiting confirmation, no clock
    expect(page.locator("#awaiting-confirmation")).to_contain_text("待您确认领取")
    expect(page.get_by_test_id("due-on")).to_contain_text("确认领取并受理后开始计时")
    expect(page.get_by_test_id("case-policy")).to_contain_text("老年人生活补贴")
    assert_accessible(page, context="我的办件：待确认领取")
    assert no_horizontal_scroll(page)
    page.goto("/policies/mine/")
    page.get_by_label("收款说明（选填）").fill("社保卡金融账户")
    page.get_by_role("button", name="确认领取").click()
    expect(page.get_by_text("办件已提交")).to_be_visible()
    expect(page.get_by_role("button", name="确认领取")).to_have_count(0)
    case.refresh_from_db()
    assert case.status == "submitted"
    page.get_by_role("link", name=case.number).click()
    expect(page.get_by_test_id("case-number")).to_have_text(case.number)
    expect(page.locator("body")).to_contain_text("已提交待受理")
    assert_accessible(page, context="我的办件：已确认的免申即享办件")
    assert no_horizontal_scroll(page)
