"""The catalog staff journey in the real browser: an editor starts a draft from the published guide,
edits it, meets a rule failure, fixes it and submits; a second person reviews it against the
published version and approves; the editor publishes. Every page visited is scanned with axe."""

import re

import pytest
from playwright.sync_api import expect

from conftest import login
from yiwang.accounts.tests.factories import PASSWORD
from yiwang.catalog.constants import VersionStatus
from yiwang.catalog.models import ImplementationVersion
from yiwang.catalog.tests.catalog_team import make_team

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def logout(page):
    page.get_by_role("button", name="退出").click()
    page.wait_for_load_state()


def test_draft_submit_review_publish(page, assert_accessible):
    team = make_team()
    implementation = team.published.implementation

    login(page, "editor", PASSWORD)
    page.goto("/editor/")
    expect(page.get_by_role("heading", level=1)).to_have_text("事项管理")
    assert_accessible(page, context="editor list")
    page.get_by_role("searchbox", name="事项名称、编码或部门").fill("食品")
    page.get_by_role("button", name="查找").click()
    page.get_by_role("link", name=implementation.implementation_code).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("版本历史")
    assert_accessible(page, context="history")

    page.get_by_role("button", name="新建草稿（复制当前发布版本）").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("编辑：食品经营许可（新办）")
    assert_accessible(page, context="edit")

    # A promise longer than the law allows is refused at submission, with a link to the field.
    page.get_by_label("承诺办结时限", exact=True).fill("30")
    page.get_by_label("修改说明").fill("调整承诺时限和投诉电话")
    page.get_by_role("button", name="保存并提交审核").click()
    summary = page.locator(".error-summary")
    expect(summary).to_contain_text("承诺办结时限（30 个工作日）不得超过法定办结时限（20 个工作日）")
    assert_accessible(page, context="submit refused")
    summary.get_by_role("link", name=re.compile("承诺办结时限")).click()
    expect(page.locator("#id_promised_limit-error")).to_be_visible()
    page.get_by_label("承诺办结时限", exact=True).fill("8")
    page.get_by_role("button", name="保存并提交审核").click()
    expect(page.locator(".messages")).to_contain_text("已提交审核")
    draft = ImplementationVersion.objects.get(implementation=implementation, number=2)
    assert draft.status == VersionStatus.SUBMITTED
    logout(page)

    login(page, "reviewer", PASSWORD)
    page.goto("/editor/")
    expect(page.get_by_role("heading", name=re.compile("待审核（1）"))).to_be_visible()
    page.get_by_role("table", name="已提交、等待审核的版本").get_by_role("link", name="食品经营许可（新办）").click()
    page.get_by_role("link", name="审核", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("审核：")
    diff = page.get_by_role("table", name=re.compile("变化"))
    expect(diff.locator(".diff-old").first).to_be_visible()
    expect(diff).to_contain_text("承诺办结时限")
    assert_accessible(page, context="review")
    page.get_by_label("通过", exact=True).check()
    page.get_by_label("审核意见").fill("时限符合规定，同意。")
    page.get_by_role("button", name="提交审核结论").click()
    expect(page.locator(".messages")).to_contain_text("审核通过")
    assert_accessible(page, context="version approved")
    logout(page)

    login(page, "editor", PASSWORD)
    page.goto(f"/editor/versions/{draft.pk}/")
    page.get_by_role("button", name="发布", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("已发布")
    draft.refresh_from_db()
    team.published.refresh_from_db()
    assert draft.status == VersionStatus.PUBLISHED and team.published.status == VersionStatus.SUPERSEDED
    page.get_by_role("link", name="查看变化").click()
    expect(page.locator("ins.diff-new").first).to_be_visible()
    assert_accessible(page, context="diff")
    page.goto(f"/items/{implementation.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("食品经营许可（新办）")
