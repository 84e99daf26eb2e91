"""The calendar admin pages through the Django test client."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from yiwang.core.models import AuditEvent
from yiwang.workdays.constants import YearSource
from yiwang.workdays.models import CalendarYear
from yiwang.workdays.tests.factories import HOLIDAYS_2027, MAKEUP_2027, TEXT_2027
from yiwang.workdays.time_limits import DueDate, due_date

pytestmark = pytest.mark.django_db

LIST = reverse("workdays:admin_calendar")
ENTER = reverse("workdays:admin_calendar_enter")
IMPORT = reverse("workdays:admin_calendar_import")


def entry_post(year=2027, holidays=HOLIDAYS_2027, makeups=MAKEUP_2027, rows=10, **extra):
    data = {"year": str(year), "basis": "国办发明电〔2026〕测试号",
            "holidays-TOTAL_FORMS": str(rows), "holidays-INITIAL_FORMS": "0",
            "makeup_days-TOTAL_FORMS": str(rows), "makeup_days-INITIAL_FORMS": "0", "save": "1"}
    for i, h in enumerate(holidays):
        data.update({f"holidays-{i}-name": h.name, f"holidays-{i}-first_day": h.first_day.isoformat(),
                     f"holidays-{i}-last_day": h.last_day.isoformat() if h.last_day != h.first_day else ""})
    for i, m in enumerate(makeups):
        data.update({f"makeup_days-{i}-day": m.day.isoformat(), f"makeup_days-{i}-name": m.name})
    data.update(extra)
    return data


@pytest.fixture
def admin_client(client, administrator):
    client.force_login(administrator)
    return client


@pytest.mark.parametrize("url", [LIST, ENTER, IMPORT, "/calendar/admin/2026/"])
def test_anonymous_people_are_sent_to_login(client, url):
    response = client.get(url)
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))


@pytest.mark.parametrize("url", [LIST, ENTER, IMPORT, "/calendar/admin/2026/"])
def test_staff_without_the_administrator_role_are_forbidden(client, clerk, url):
    client.force_login(clerk)
    response = client.get(url)
    assert response.status_code == 403
    assert "系统管理员" in response.content.decode()


def test_non_administrators_cannot_post_either(client, clerk):
    client.force_login(clerk)
    assert client.post(ENTER, entry_post()).status_code == 403
    assert client.post(IMPORT, {"text": TEXT_2027}).status_code == 403
    assert not CalendarYear.objects.filter(year=2027).exists()


def test_year_list_shows_official_years_and_2027_as_provisional(admin_client):
    html = admin_client.get(LIST).content.decode()
    assert "2026 年" in html and "2004 年" in html
    assert "暂定（未录入）" in html
    assert f"{ENTER}?year=2027" in html


def test_year_page_shows_holidays_and_makeup_days(admin_client):
    html = admin_client.get("/calendar/admin/2026/").content.decode()
    assert "2026-02-15" in html and "2026-02-23" in html and "春节" in html
    assert "2026-02-28" in html  # a make-up Saturday
    response = admin_client.get("/calendar/admin/2027/")
    assert response.status_code == 200 and "尚未录入" in response.content.decode()
    assert admin_client.get("/calendar/admin/1999/").status_code == 404


def test_administrator_enters_2027_through_the_form(admin_client, administrator):
    form = admin_client.get(f"{ENTER}?year=2027")
    assert form.status_code == 200 and 'value="2027"' in form.content.decode()

    response = admin_client.post(ENTER, entry_post())

    assert response.status_code == 302 and response.url == "/calendar/admin/2027/"
    calendar_year = CalendarYear.objects.get(year=2027)
    assert calendar_year.source == YearSource.FORM and calendar_year.entered_by == administrator
    assert due_date(date(2027, 2, 1), 5) == DueDate(date(2027, 2, 15), False)
    page = admin_client.get(response.url).content.decode()
    assert "已录入为正式日历" in page and "2027-02-13" in page and "正式" in page


def test_errors_are_shown_next_to_the_rows_and_in_a_summary_and_nothing_is_saved(admin_client):
    holidays = [*HOLIDAYS_2027, HOLIDAYS_2027[0]]  # 元旦 twice (row 8)
    makeups = [*MAKEUP_2027, MAKEUP_2027[0].__class__(date(2027, 3, 8), "周一")]  # a Monday (row 4)
    response = admin_client.post(ENTER, entry_post(holidays=holidays, makeups=makeups))
    assert response.status_code == 400
    html = response.content.decode()
    assert 'class="error-summary"' in html
    assert "有 2 处需要改正" in html
    assert 'href="#id_holidays-7-name"' in html and "第 8 个节假日" in html
    assert 'href="#id_makeup_days-3-day"' in html and "星期一" in html
    assert 'aria-describedby="holidays-7-error"' in html and 'id="holidays-7-error"' in html
    assert html.count("field-error") >= 2
    assert not CalendarYear.objects.filter(year=2027).exists()


def test_unparseable_input_is_reported_per_field(admin_client):
    data = entry_post(year="二〇二七", holidays=[], makeups=[])
    data.update({"holidays-0-name": "春节", "holidays-0-first_day": "2027-02-30",
                 "makeup_days-0-name": "调休"})
    html = admin_client.post(ENTER, data).content.decode()
    assert 'href="#id_year"' in html
    assert 'href="#id_holidays-0-first_day"' in html
    assert 'href="#id_makeup_days-0-day"' in html and "请填写调休上班的日期" in html


def test_an_official_year_needs_an_explicit_audited_correction(admin_client):
    data = entry_post(year=2026, holidays=[HOLIDAYS_2027[0].__class__(date(2026, 1, 1), date(2026, 1, 3), "元旦")],
                      makeups=[])
    html = admin_client.post(ENTER, data).content.decode()
    assert "2026 年已是正式日历" in html
    assert CalendarYear.objects.get(year=2026).source == YearSource.PACKAGE

    data.update(correction="on", reason="测试：更正 2026 年")
    response = admin_client.post(ENTER, data)
    assert response.status_code == 302
    assert CalendarYear.objects.get(year=2026).correction_count == 1
    assert AuditEvent.objects.filter(action="calendar.year_corrected").count() == 1
    assert "测试：更正 2026 年" in admin_client.get(response.url).content.decode()


def test_correction_form_is_prefilled_from_the_official_year(admin_client):
    html = admin_client.get(f"{ENTER}?year=2026").content.decode()
    assert "更正已发布年度" in html
    assert 'value="2026-02-15"' in html and 'value="2026-02-23"' in html and 'value="2026-02-14"' in html


def test_more_rows_without_javascript(admin_client):
    data = entry_post(rows=8, add_holiday_rows="1")
    del data["save"]
    response = admin_client.post(ENTER, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="holidays-10-name"' in html and 'value="春节"' in html
    assert not CalendarYear.objects.filter(year=2027).exists()


def test_import_by_pasting_text(admin_client):
    response = admin_client.post(IMPORT, {"text": TEXT_2027})
    assert response.status_code == 302 and response.url == "/calendar/admin/2027/"
    assert CalendarYear.objects.get(year=2027).source == YearSource.IMPORT


def test_import_by_uploading_a_file(admin_client):
    upload = SimpleUploadedFile("2027.txt", ("\ufeff" + TEXT_2027).encode("utf-8"), content_type="text/plain")
    response = admin_client.post(IMPORT, {"file": upload})
    assert response.status_code == 302
    assert CalendarYear.objects.filter(year=2027).exists()


def test_import_errors_list_every_line_and_keep_the_text(admin_client):
    text = "year 2027\nholiday 2027-01-01 2027-01-03 元旦\nworkday 2027-02-08\nholiday 2027-02-31 春节\n"
    response = admin_client.post(IMPORT, {"text": text})
    assert response.status_code == 400
    html = response.content.decode()
    assert "第 3 行" in html and "第 4 行" in html
    assert "holiday 2027-02-31 春节" in html  # the text is kept for fixing
    assert not CalendarYear.objects.filter(year=2027).exists()


def test_import_rejects_a_non_utf8_file_and_an_empty_form(admin_client):
    upload = SimpleUploadedFile("2027.txt", TEXT_2027.encode("gbk"), content_type="text/plain")
    assert "不是 UTF-8" in admin_client.post(IMPORT, {"file": upload}).content.decode()
    assert "请粘贴" in admin_client.post(IMPORT, {"text": ""}).content.decode()


def test_due_date_calculator(admin_client):
    html = admin_client.get(LIST, {"start": "2026-09-30", "days": "1", "unit": "working"}).content.decode()
    assert "2026-10-08" in html
    html = admin_client.get(LIST, {"start": "2026-12-30", "days": "5", "unit": "working"}).content.decode()
    assert "2027-01-07" in html and "暂定" in html
    html = admin_client.get(LIST, {"start": "1999-01-01", "days": "-1", "unit": "working"}).content.decode()
    assert "超出工作日历的范围" in html or "不能为负数" in html


def test_django_admin_lists_the_calendar_read_only(client):
    from yiwang.accounts.models import User

    superuser = User.objects.create_superuser("root-calendar", "root@example.com", "Xian-2026-test")
    client.force_login(superuser)
    response = client.get("/admin/workdays/calendaryear/")
    assert response.status_code == 200 and "2026" in response.content.decode()
    assert client.get("/admin/workdays/calendarday/?kind=makeup_workday").status_code == 200
    assert client.get("/admin/workdays/calendaryear/add/").status_code == 403
