"""Entering and correcting a year: rules, audit, nothing half-written, the index follows."""

from datetime import date

import pytest

from yiwang.core.errors import PermissionDenied, ValidationFailed
from yiwang.core.models import AuditEvent
from yiwang.workdays.constants import DayKind, YearSource
from yiwang.workdays.models import CalendarDay, CalendarRevision, CalendarYear
from yiwang.workdays.services import calendar_year_enter
from yiwang.workdays.tests.factories import HOLIDAYS_2027, MAKEUP_2027, enter_2027
from yiwang.workdays.time_limits import DueDate, due_date, is_working_day
from yiwang.workdays.year_entry import HolidayPeriod, MakeupDay

pytestmark = pytest.mark.django_db


def _state():
    return (CalendarYear.objects.count(), CalendarDay.objects.count(), CalendarRevision.objects.get(pk=1).number,
            AuditEvent.objects.count())


def test_entering_2027_makes_it_official_audited_and_used_at_once(administrator):
    assert due_date(date(2027, 2, 1), 5) == DueDate(date(2027, 2, 8), True)
    revision = CalendarRevision.objects.get(pk=1).number

    calendar_year = enter_2027(administrator)

    assert calendar_year.source == YearSource.FORM and calendar_year.entered_by == administrator
    days = CalendarDay.objects.filter(calendar_year=calendar_year)
    assert days.filter(kind=DayKind.HOLIDAY).count() == sum(h.length for h in HOLIDAYS_2027)
    assert set(days.filter(kind=DayKind.MAKEUP_WORKDAY).values_list("day", flat=True)) == {m.day for m in MAKEUP_2027}
    assert CalendarRevision.objects.get(pk=1).number == revision + 1
    event = AuditEvent.objects.get(action="calendar.year_entered")
    assert event.actor_id == administrator.pk and event.details["year"] == 2027
    assert ["2027-02-06", "2027-02-13", "春节"] in event.details["holidays"]
    # The same process sees the new year immediately (before commit, in the same transaction).
    assert due_date(date(2027, 2, 1), 5) == DueDate(date(2027, 2, 15), False)
    assert is_working_day(date(2027, 2, 20)) and not is_working_day(date(2027, 2, 8))


def test_every_problem_is_reported_at_once_and_nothing_is_saved(administrator):
    before = _state()
    with pytest.raises(ValidationFailed) as exc:
        calendar_year_enter(actor=administrator, year=2027, holidays=[
            HolidayPeriod(date(2027, 1, 1), date(2027, 1, 3), "元旦"),
            HolidayPeriod(date(2027, 1, 3), date(2027, 1, 4), "元旦补"),       # 1/3 counted twice
            HolidayPeriod(date(2027, 3, 10), date(2027, 3, 8), "倒序"),         # end before start
            HolidayPeriod(date(2027, 12, 31), date(2028, 1, 2), "跨年"),        # outside the year
            HolidayPeriod(date(2027, 5, 1), date(2027, 5, 5), ""),             # no name
            HolidayPeriod(date(2027, 7, 1), date(2027, 8, 30), "暑假"),         # implausibly long
        ], makeup_days=[
            MakeupDay(date(2027, 2, 8), "周一"),        # a Monday
            MakeupDay(date(2027, 1, 2), "元旦"),        # a holiday
            MakeupDay(date(2027, 2, 20)),
            MakeupDay(date(2027, 2, 20)),              # twice
            MakeupDay(date(2026, 12, 26)),             # outside the year
        ])
    codes = {(e.field, e.code) for e in exc.value.errors}
    assert codes == {
        ("holidays[1]", "calendar_holiday_duplicate"),
        ("holidays[2]", "calendar_period_reversed"),
        ("holidays[3]", "calendar_date_outside_year"),
        ("holidays[4]", "calendar_name_missing"),
        ("holidays[5]", "calendar_period_too_long"),
        ("makeup_days[0]", "calendar_makeup_not_weekend"),
        ("makeup_days[1]", "calendar_makeup_is_holiday"),
        ("makeup_days[3]", "calendar_makeup_duplicate"),
        ("makeup_days[4]", "calendar_date_outside_year"),
    }
    messages = {e.field: e.message for e in exc.value.errors}
    assert messages["makeup_days[0]"].startswith("第 1 个调休上班日：2027-02-08 是星期一")
    assert "第 1 个节假日" in messages["holidays[1]"] and "不能算两次" in messages["holidays[1]"]
    assert _state() == before


def test_a_year_without_holidays_or_out_of_range_is_refused(administrator):
    with pytest.raises(ValidationFailed) as exc:
        calendar_year_enter(actor=administrator, year=2027, holidays=[], makeup_days=[])
    assert [(e.field, e.code) for e in exc.value.errors] == [("holidays", "calendar_holidays_missing")]
    with pytest.raises(ValidationFailed) as exc:
        calendar_year_enter(actor=administrator, year=1999, holidays=HOLIDAYS_2027, makeup_days=[])
    assert ("year", "calendar_year_out_of_range") in {(e.field, e.code) for e in exc.value.errors}


def test_an_official_year_is_not_silently_overwritten(administrator):
    before = _state()
    with pytest.raises(ValidationFailed) as exc:
        calendar_year_enter(actor=administrator, year=2026, holidays=[HolidayPeriod(date(2026, 1, 1), date(2026, 1, 1), "元旦")],
                            makeup_days=[])
    assert [(e.field, e.code) for e in exc.value.errors] == [("year", "calendar_year_already_official")]
    assert _state() == before


def test_correcting_an_official_year_needs_a_reason_and_is_audited_with_the_previous_days(administrator):
    enter_2027(administrator)
    with pytest.raises(ValidationFailed) as exc:
        enter_2027(administrator, correction=True)
    assert [(e.field, e.code) for e in exc.value.errors] == [("reason", "calendar_reason_required")]

    corrected = calendar_year_enter(
        actor=administrator, year=2027, correction=True, reason="国务院补充通知：春节延长一天",
        holidays=[*HOLIDAYS_2027[:1], HolidayPeriod(date(2027, 2, 6), date(2027, 2, 14), "春节"), *HOLIDAYS_2027[2:]],
        makeup_days=MAKEUP_2027)

    assert corrected.correction_count == 1
    assert not is_working_day(date(2027, 2, 14))
    assert CalendarDay.objects.filter(day__year=2027, kind=DayKind.HOLIDAY).count() == sum(h.length for h in HOLIDAYS_2027) + 1
    event = AuditEvent.objects.get(action="calendar.year_corrected")
    assert event.details["reason"] == "国务院补充通知：春节延长一天"
    assert ["2027-02-06", "2027-02-13", "春节"] in event.details["previous"]["holidays"]
    assert ["2027-02-06", "2027-02-14", "春节"] in event.details["holidays"]


def test_correcting_a_seeded_year_is_allowed_as_an_explicit_correction(administrator):
    calendar_year_enter(actor=administrator, year=2026, correction=True, reason="测试更正",
                        holidays=[HolidayPeriod(date(2026, 1, 1), date(2026, 1, 3), "元旦")], makeup_days=[])
    assert CalendarYear.objects.get(year=2026).source == YearSource.FORM
    assert is_working_day(date(2026, 2, 16))  # 春节 was removed by this (test) correction
    assert AuditEvent.objects.get(action="calendar.year_corrected").details["previous"]["source"] == "package"


def test_correction_of_a_year_not_entered_is_refused(administrator):
    with pytest.raises(ValidationFailed) as exc:
        enter_2027(administrator, correction=True, reason="x")
    assert [(e.field, e.code) for e in exc.value.errors] == [("correction", "calendar_year_not_official")]


def test_only_administrators_may_enter_a_year(clerk):
    before = _state()
    with pytest.raises(PermissionDenied):
        enter_2027(clerk)
    assert _state() == before


def test_a_system_actor_may_enter_a_year():
    calendar_year = enter_2027("calendar_import command")
    assert calendar_year.entered_by is None
    assert AuditEvent.objects.get(action="calendar.year_entered").actor_label == "calendar_import command"


def test_seeding_from_the_package_restores_missing_years_only(capsys):
    from django.core.management import call_command

    from yiwang.workdays.package_seed import package_days
    from yiwang.workdays.services import calendar_seed_from_package

    days_2026 = CalendarDay.objects.filter(day__year=2026).count()
    CalendarYear.objects.filter(year__in=[2025, 2026]).delete()
    assert calendar_seed_from_package(actor=None) == [2025, 2026]
    assert calendar_seed_from_package(actor=None) == []
    assert CalendarDay.objects.filter(day__year=2026).count() == days_2026 == len(package_days()[2026])
    assert not is_working_day(date(2026, 10, 1)) and is_working_day(date(2026, 10, 10))
    assert AuditEvent.objects.get(action="calendar.seeded").details["years"] == [2025, 2026]
    call_command("calendar_seed")
    assert "无需补齐" in capsys.readouterr().out
