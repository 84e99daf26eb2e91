"""An administrator imports and enters 2027 in the real browser, with accessibility scans."""

import pytest

from conftest import login
from yiwang.accounts.tests.factories import PASSWORD, StaffFactory
from yiwang.orgs.tests.factories import RoleGrantFactory
from yiwang.workdays.services import calendar_seed_from_package
from yiwang.workdays.tests.factories import HOLIDAYS_2027, MAKEUP_2027


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_administrator_imports_then_enters_2027(page, assert_accessible):
    # Transactional tests flush every table afterwards, the migrated calendar too; put 2004–2026
    # back if an earlier one did. (serialized_rollback would clash with the content types that
    # the other transactional tests' flushes recreate.)
    calendar_seed_from_package(actor=None)
    admin = StaffFactory()
    RoleGrantFactory(user=admin, role="administrator")
    login(page, admin.username, PASSWORD)

    page.goto("/calendar/admin/")
    assert page.get_by_role("heading", name="工作日历", exact=True).is_visible()
    assert page.locator("tr", has_text="2027 年").get_by_text("暂定（未录入）").is_visible()
    assert_accessible(page, context="year list")

    # An import with a bad line: nothing is saved, every bad line is listed with its number.
    page.get_by_role("link", name="导入节假日文本").click()
    page.fill("#id_text", "year 2027\nholiday 2027-01-01 2027-01-03 元旦\nworkday 2027-03-08 调休\n")
    page.get_by_role("button", name="导入为正式日历").click()
    summary = page.locator(".error-summary")
    assert "第 3 行" in summary.inner_text() and "星期一" in summary.inner_text()
    assert_accessible(page, context="import with errors")

    # The form: one mistake first (a Monday as a make-up day), then fixed.
    page.goto("/calendar/admin/")
    page.get_by_role("link", name="录入 2027 年节假日").click()
    for i, holiday in enumerate(HOLIDAYS_2027):
        page.fill(f"#id_holidays-{i}-name", holiday.name)
        page.fill(f"#id_holidays-{i}-first_day", holiday.first_day.isoformat())
        page.fill(f"#id_holidays-{i}-last_day", holiday.last_day.isoformat())
    for i, makeup in enumerate(MAKEUP_2027):
        page.fill(f"#id_makeup_days-{i}-day", makeup.day.isoformat())
        page.fill(f"#id_makeup_days-{i}-name", makeup.name)
    page.fill("#id_makeup_days-3-day", "2027-03-08")
    assert_accessible(page, context="entry form")
    page.get_by_role("button", name="保存为正式日历").click()
    assert "第 4 个调休上班日" in page.locator(".error-summary").inner_text()
    assert_accessible(page, context="entry form with errors")

    page.fill("#id_makeup_days-3-day", "")
    page.get_by_role("button", name="保存为正式日历").click()
    page.wait_for_url("**/calendar/admin/2027/")
    assert page.get_by_role("heading", name="2027 年工作日历").is_visible()
    assert "已录入为正式日历" in page.locator(".messages").inner_text()
    assert page.get_by_role("cell", name="春节", exact=True).is_visible()
    assert_accessible(page, context="year page")

    # The trial calculator now uses the official 2027 (春节 02-06 … 02-13).
    page.goto("/calendar/admin/?start=2027-02-01&days=5&unit=working")
    result = page.locator("#calc-result").inner_text()
    assert "2027-02-15" in result and "暂定" not in result
