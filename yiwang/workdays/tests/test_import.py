"""The text import: format, every bad line reported with its number, then the same rules."""

from datetime import date

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from yiwang.core.errors import ValidationFailed
from yiwang.workdays.constants import YearSource
from yiwang.workdays.import_format import parse_calendar_text
from yiwang.workdays.models import CalendarYear
from yiwang.workdays.services import calendar_year_import
from yiwang.workdays.tests.factories import HOLIDAYS_2027, MAKEUP_2027, TEXT_2027
from yiwang.workdays.time_limits import DueDate, due_date
from yiwang.workdays.year_entry import HolidayPeriod, MakeupDay


def _fields(exc) -> dict[str, str]:
    return {e.field: e.code for e in exc.value.errors}


def test_parse_the_documented_format():
    parsed = parse_calendar_text(TEXT_2027)
    assert parsed.errors == []
    assert parsed.year == 2027 and parsed.basis == "国办发明电〔2026〕测试号"
    assert [(h.first_day, h.last_day, h.name) for h in parsed.holidays] == [
        (h.first_day, h.last_day, h.name) for h in HOLIDAYS_2027]
    assert sorted(m.day for m in parsed.makeup_days) == sorted(m.day for m in MAKEUP_2027)
    assert parsed.holidays[0].field == "line 4"


def test_single_day_holidays_aliases_comments_and_inferred_year():
    parsed = parse_calendar_text("\ufeff  # 注释\n放假 2027-4-5 清明节\r\nHOLIDAY 2027-10-01 2027-10-03 国庆节 # 尾注\n上班\t2027-09-26\n")
    assert parsed.errors == []
    assert parsed.year == 2027
    assert parsed.holidays == [HolidayPeriod(date(2027, 4, 5), date(2027, 4, 5), "清明节", "line 2"),
                               HolidayPeriod(date(2027, 10, 1), date(2027, 10, 3), "国庆节", "line 3")]
    assert parsed.makeup_days == [MakeupDay(date(2027, 9, 26), "", "line 4")]


def test_every_bad_line_is_reported_with_its_number():
    parsed = parse_calendar_text(
        "year 2027\n"
        "holiday 2027-01-01 2027-01-03 元旦\n"
        "vacation 2027-02-06 春节\n"          # 3: unknown keyword
        "holiday 2027-02-30 春节\n"           # 4: no such date
        "holiday 2027-05-01 2027-05-05\n"     # 5: no name
        "workday 27/02/20\n"                  # 6: bad date
        "year 2028\n"                         # 7: second year
    )
    assert {e.field: e.code for e in parsed.errors} == {
        "line 3": "calendar_import_unknown_keyword",
        "line 4": "calendar_import_bad_date",
        "line 5": "calendar_name_missing",
        "line 6": "calendar_import_bad_date",
        "line 7": "calendar_import_year_repeated",
    }
    assert all(e.message.startswith(f"第 {e.field.split()[1]} 行：") for e in parsed.errors)


@pytest.mark.django_db
def test_import_enters_the_year(administrator):
    calendar_year = calendar_year_import(actor=administrator, text=TEXT_2027)
    assert calendar_year.year == 2027 and calendar_year.source == YearSource.IMPORT
    assert due_date(date(2027, 2, 1), 5) == DueDate(date(2027, 2, 15), False)


@pytest.mark.django_db
def test_syntax_and_rule_errors_are_reported_together_in_line_order(administrator):
    text = (
        "year 2027\n"
        "holiday 2027-01-01 2027-01-03 元旦\n"
        "holiday 2027-01-03 2027-01-04 元旦\n"   # 3: 1/3 counted twice
        "workday 2027-02-08 春节调休\n"           # 4: a Monday
        "holiday 2027-13-01 春节\n"              # 5: no such month
        "workday 2027-01-02\n"                   # 6: inside 元旦
        "holiday 2026-10-01 国庆节\n"            # 7: not in 2027
    )
    with pytest.raises(ValidationFailed) as exc:
        calendar_year_import(actor=administrator, text=text)
    assert [e.field for e in exc.value.errors] == ["line 3", "line 4", "line 5", "line 6", "line 7"]
    assert _fields(exc) == {
        "line 3": "calendar_holiday_duplicate",
        "line 4": "calendar_makeup_not_weekend",
        "line 5": "calendar_import_bad_date",
        "line 6": "calendar_makeup_is_holiday",
        "line 7": "calendar_date_outside_year",
    }
    assert "第 2 行" in exc.value.errors[0].message  # names the line it clashes with
    assert "星期六或星期日" in exc.value.errors[1].message
    assert not CalendarYear.objects.filter(year=2027).exists()


@pytest.mark.django_db
def test_importing_an_official_year_points_at_the_year_line(administrator):
    with pytest.raises(ValidationFailed) as exc:
        calendar_year_import(actor=administrator, text="year 2026\nholiday 2026-01-01 元旦\n")
    assert _fields(exc) == {"line 1": "calendar_year_already_official"}
    assert exc.value.errors[0].message.startswith("第 1 行：2026 年已是正式日历")


@pytest.mark.django_db
def test_empty_text_is_refused(administrator):
    with pytest.raises(ValidationFailed) as exc:
        calendar_year_import(actor=administrator, text="# 只有注释\n\n")
    assert _fields(exc) == {"text": "calendar_import_empty"}


@pytest.mark.django_db
def test_management_command_imports_and_reports_lines(tmp_path):
    good = tmp_path / "2027.txt"
    good.write_text(TEXT_2027, encoding="utf-8")
    call_command("calendar_import", str(good))
    assert CalendarYear.objects.get(year=2027).source == YearSource.IMPORT

    bad = tmp_path / "bad.txt"
    bad.write_text("year 2028\nholiday 2028-01-01 元旦\nworkday 2028-01-03\n", encoding="utf-8")
    with pytest.raises(CommandError, match="第 3 行"):
        call_command("calendar_import", str(bad))
