"""Opening hours: the rules of opening_hours.py, and the same rules on the real calendar of 2025
(国庆 10/1–10/8 off; Sunday 9/28 and Saturday 10/11 worked) through the selectors."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from yiwang.servicemap import selectors, services
from yiwang.servicemap.opening_hours import (
    Period,
    Schedule,
    describe_week,
    hours_on,
    merge,
    open_state,
    parse_clock,
    usual_workday_periods,
)
from yiwang.workdays.constants import DayType

TZ = ZoneInfo("Asia/Shanghai")
WEEK = (Period(540, 720), Period(780, 1020))  # 9:00–12:00, 13:00–17:00
SATURDAY = (Period(540, 1020, True),)  # 周末不打烊, 延时
HALL = Schedule(slots=(WEEK, WEEK, WEEK, WEEK, WEEK, SATURDAY, (), ()))


def kinds(mapping):
    return lambda d: mapping.get(d, DayType.WEEKEND if d.weekday() >= 5 else DayType.WORKDAY)


class TestRules:
    def test_weekday_and_weekend(self):
        assert hours_on(HALL, date(2025, 9, 26), DayType.WORKDAY).periods == WEEK
        assert hours_on(HALL, date(2025, 9, 27), DayType.WEEKEND).periods == SATURDAY
        assert hours_on(HALL, date(2025, 9, 28), DayType.WEEKEND).is_closed  # Sunday: no hours

    def test_holiday_closes_even_the_weekend_service(self):
        hours = hours_on(HALL, date(2025, 10, 4), DayType.HOLIDAY)  # a Saturday inside 国庆
        assert hours.is_closed and hours.rule == "holiday"

    def test_makeup_sunday_keeps_working_day_hours(self):
        hours = hours_on(HALL, date(2025, 9, 28), DayType.MAKEUP_WORKDAY)
        assert hours.periods == WEEK and hours.rule == "makeup"

    def test_makeup_saturday_joins_its_own_weekend_hours(self):
        # Saturday 9:00–17:00 service and working-day hours: 9:00–17:00 in one piece.
        hours = hours_on(HALL, date(2025, 10, 11), DayType.MAKEUP_WORKDAY)
        assert [(p.opens, p.closes) for p in hours.periods] == [(540, 1020)]

    def test_exception_beats_everything(self):
        schedule = Schedule(slots=HALL.slots, exceptions={date(2025, 10, 1): ((Period(600, 900),), "国庆值班")})
        hours = hours_on(schedule, date(2025, 10, 1), DayType.HOLIDAY)
        assert hours.periods == (Period(600, 900),) and hours.note == "国庆值班" and hours.rule == "exception"
        closed = Schedule(slots=HALL.slots, exceptions={date(2025, 9, 26): ((), "设备检修")})
        assert hours_on(closed, date(2025, 9, 26), DayType.WORKDAY).is_closed

    def test_usual_workday_hours_are_the_most_common(self):
        odd = Schedule(slots=((Period(600, 700),), WEEK, WEEK, WEEK, (Period(480, 600),), (), (), ()))
        assert usual_workday_periods(odd) == WEEK

    def test_open_state_texts(self):
        at = datetime(2025, 9, 26, 10, 30, tzinfo=TZ)  # Friday morning
        state = open_state(HALL, at, kinds({}))
        assert state.is_open and state.text == "正在开放，12:00 结束"
        lunch = open_state(HALL, at.replace(hour=12, minute=30), kinds({}))
        assert not lunch.is_open and lunch.text == "未开放，今天 13:00 开始"
        evening = open_state(HALL, at.replace(hour=18), kinds({}))
        assert evening.text == "未开放，明天 9:00 开始"  # Saturday service
        # Friday 30 Sept 2025 evening: the holiday starts; next opening after 国庆 is 10/9.
        holiday = {date(2025, 10, d): DayType.HOLIDAY for d in range(1, 9)}
        before = open_state(HALL, datetime(2025, 9, 30, 18, 0, tzinfo=TZ), kinds(holiday))
        assert before.next_opens_at == datetime(2025, 10, 9, 9, 0, tzinfo=TZ)
        assert before.text == "未开放，10月9日（周四） 9:00 开始"

    def test_all_day_outlet_never_closes(self):
        always = Schedule(slots=tuple((Period(0, 1440),) for _ in range(8)))
        state = open_state(always, datetime(2025, 10, 1, 23, 59, tzinfo=TZ), kinds({date(2025, 10, 1): DayType.HOLIDAY}))
        assert state.is_open and state.closes_at is None and state.text == "正在开放"

    def test_week_description_groups_days(self):
        assert describe_week(HALL) == [
            ("周一至周五", "9:00—12:00、13:00—17:00"), ("周六", "9:00—17:00（延时服务）"), ("周日", "休息"),
            ("法定节假日", "休息")]

    def test_parse_clock(self):
        assert parse_clock("9:00") == 540 and parse_clock("24:00") == 1440 and parse_clock("07：30") == 450
        assert parse_clock("24:01") is None and parse_clock("9") is None and parse_clock("9:5") is None


@given(st.lists(st.tuples(st.integers(0, 1439), st.integers(1, 1440)).filter(lambda t: t[0] < t[1]), max_size=6))
def test_merge_keeps_every_minute_and_nothing_else(pairs):
    periods = [Period(a, b) for a, b in pairs]
    merged = merge(periods)
    for minute in range(0, 1440, 7):
        assert any(p.covers(minute) for p in periods) == any(p.covers(minute) for p in merged)
    assert all(a.closes < b.opens for a, b in zip(merged, merged[1:], strict=False))


@pytest.mark.django_db
class TestOnTheCalendar:
    """The same hall through the selectors: the calendar of the database decides the day."""

    @pytest.fixture
    def hall(self, smap):
        services.outlet_set_schedule(actor=None, outlet=smap.yanta_hall,
                                     slots={**{d: list(WEEK) for d in range(5)}, 5: list(SATURDAY)})
        return smap.yanta_hall

    def detail(self, hall, when):
        return selectors.outlet_detail(hall.pk, now=datetime(*when, tzinfo=TZ))

    def test_weekend_service_on_an_ordinary_saturday(self, hall):
        d = self.detail(hall, (2025, 9, 27, 10, 0))
        assert d.state.is_open and d.state.today.day_type == DayType.WEEKEND and d.weekend_hours

    def test_closed_on_a_holiday_saturday(self, hall):
        d = self.detail(hall, (2025, 10, 4, 10, 0))
        assert not d.state.is_open and d.state.today.day_type == DayType.HOLIDAY
        assert d.state.next_opens_at == datetime(2025, 10, 9, 9, 0, tzinfo=TZ)

    def test_open_on_the_makeup_sunday(self, hall):
        d = self.detail(hall, (2025, 9, 28, 14, 0))  # a Sunday, worked before 国庆
        assert d.state.is_open and d.state.today.day_type == DayType.MAKEUP_WORKDAY
        assert [p.text for p in d.state.today.periods] == ["9:00—12:00", "13:00—17:00"]

    def test_nearest_shows_todays_hours_of_a_holiday(self, smap, hall):
        result = selectors.outlets_nearest(lat=34.2120, lng=108.9500, limit=3, now=datetime(2025, 10, 1, 10, tzinfo=TZ))
        by_id = {r.record.id: r for r in result.results}
        assert by_id[hall.pk].hours.is_closed and not by_id[hall.pk].state.is_open
        assert by_id[smap.locker.pk].state.is_open  # the locker keeps its holiday hours
