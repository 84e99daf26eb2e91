"""An accessibility scan (axe) of the case pages the journeys do not pass through, each in the state
that shows most: errors beside inputs, open panels, the correction form, the withdrawal
confirmation, the warnings list. Lean: one test, one browser page, staff switched by cookies."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from conftest import login
from yiwang.accounts.tests.factories import PASSWORD
from yiwang.cases.services import case_request_corrections, run_monitoring
from yiwang.cases.tests.page_helpers import accept, file_case, today

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_remaining_pages_are_accessible(page, world, submit, assert_accessible):
    to_correct = file_case(submit)
    case_request_corrections(actor=world.clerk, case=to_correct, items=[
        {"target": f"materials/{world.required_material.pk}", "problem": "申请书未签字", "fix": "签字后重新上传"},
        {"target": "form/enterprise.address", "problem": "经营场所不详", "fix": "写明门牌号"}])
    running = accept(world, file_case(submit))
    waiting = file_case(submit)

    login(page, world.citizen.username, PASSWORD)
    page.goto(f"/cases/mine/{to_correct.pk}/")
    page.fill("#f-enterprise-address", "")
    page.get_by_role("button", name="提交补正").click()
    expect(page.locator(".error-summary")).to_contain_text("请填写「经营场所」。")
    assert_accessible(page, context="补正（有错误）")
    page.goto(f"/cases/mine/{running.pk}/withdraw/")
    assert_accessible(page, context="撤回确认")

    page.context.clear_cookies()
    login(page, "clerk", PASSWORD)
    page.goto(f"/cases/window/cases/{waiting.pk}/")
    page.get_by_text("容缺受理（次要材料后补）").click()
    page.get_by_role("button", name="容缺受理并出具通知书").click()
    expect(page.locator(".error-summary")).to_contain_text("请选择容缺后补的材料。")
    page.get_by_text("告知承诺受理", exact=True).click()
    page.get_by_text("不予受理", exact=True).click()
    assert_accessible(page, context="受理审查（各决定展开、有错误）")

    page.context.clear_cookies()
    login(page, "reviewer", PASSWORD)
    page.goto(f"/cases/work/cases/{running.pk}/")
    page.get_by_text("启动特别程序（暂停计时）").click()
    page.get_by_role("button", name="启动特别程序").click()
    expect(page.locator(".error-summary")).to_contain_text("请填写启动特别程序的理由")
    assert_accessible(page, context="办件（特别程序有错误）")

    run_monitoring(today=today() + dt.timedelta(days=60))
    page.context.clear_cookies()
    login(page, "supervisor", PASSWORD)
    page.goto("/cases/monitoring/")
    expect(page.locator("main")).to_contain_text(running.number)
    assert_accessible(page, context="电子监察")
