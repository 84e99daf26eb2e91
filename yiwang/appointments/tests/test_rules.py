"""Pure rules: the no-show bar (hypothesis), opening periods and slot times."""

import datetime as dt
from datetime import time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from yiwang.appointments.booking_rules import barred_until
from yiwang.appointments.constants import Rules
from yiwang.appointments.schedule_periods import parse_periods, slot_times

BASE = dt.datetime(2026, 1, 1, 9, 0, tzinfo=dt.UTC)
RULES = Rules()
times = st.lists(st.integers(0, 400), max_size=12).map(lambda days: [BASE + dt.timedelta(days=d) for d in days])
nows = st.integers(0, 500).map(lambda d: BASE + dt.timedelta(days=d))


def test_three_in_ninety_days_bar_thirty_days_from_the_third():
    no_shows = [BASE, BASE + dt.timedelta(days=40), BASE + dt.timedelta(days=89)]
    assert barred_until(no_shows, now=BASE + dt.timedelta(days=89), rules=RULES) == BASE + dt.timedelta(days=119)
    assert barred_until(no_shows, now=BASE + dt.timedelta(days=119), rules=RULES) is None
    # Spread over more than 90 days: no bar.
    spread = [BASE, BASE + dt.timedelta(days=45), BASE + dt.timedelta(days=90)]
    assert barred_until(spread, now=BASE + dt.timedelta(days=90), rules=RULES) is None
    # The thresholds are configuration.
    strict = Rules(NO_SHOW_THRESHOLD=2, NO_SHOW_BAR_DAYS=7)
    assert barred_until(no_shows[:2], now=BASE + dt.timedelta(days=41), rules=strict) == BASE + dt.timedelta(days=47)


@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(times, nows)
def test_fewer_no_shows_than_the_threshold_never_bar(no_shows, now):
    if len(no_shows) < RULES.NO_SHOW_THRESHOLD:
        assert barred_until(no_shows, now=now, rules=RULES) is None


@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(times, nows)
def test_a_bar_ends_within_the_bar_days_of_the_latest_no_show(no_shows, now):
    until = barred_until(no_shows, now=now, rules=RULES)
    if until is not None:
        assert now < until <= max(no_shows) + dt.timedelta(days=RULES.NO_SHOW_BAR_DAYS)
        # Some window of NO_SHOW_WINDOW_DAYS ending at (until - bar) holds the threshold.
        trigger = until - dt.timedelta(days=RULES.NO_SHOW_BAR_DAYS)
        window = [t for t in no_shows if trigger - dt.timedelta(days=RULES.NO_SHOW_WINDOW_DAYS) < t <= trigger]
        assert len(window) >= RULES.NO_SHOW_THRESHOLD


@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(times, st.integers(0, 400), nows)
def test_one_more_no_show_never_shortens_a_bar(no_shows, extra, now):
    before = barred_until(no_shows, now=now, rules=RULES)
    after = barred_until([*no_shows, BASE + dt.timedelta(days=extra)], now=now, rules=RULES)
    if before is not None:
        assert after is not None and after >= before


def test_periods_are_parsed_with_every_problem_at_once():
    periods, errors = parse_periods("09:00-12:00，13:00－17:00; 14:00-15:00, 8:00-7:00, 晚上", field="workday_periods")
    messages = " ".join(e.message for e in errors)
    assert "格式不正确" in messages and "晚于开始时间" in messages and "重叠" in messages
    assert all(e.field == "workday_periods" for e in errors)
    ok, none = parse_periods("09:00-12:00, 13:00-17:00", field="x")
    assert ok == [(time(9), time(12)), (time(13), time(17))] and not none
    _, late = parse_periods("20:00-23:00", field="x")
    assert late and "07:00 至 22:00" in late[0].message


def test_slot_times_leave_out_a_short_remainder():
    assert slot_times([(time(9), time(11, 50))], 30) == [
        (time(9), time(9, 30)), (time(9, 30), time(10)), (time(10), time(10, 30)), (time(10, 30), time(11)),
        (time(11), time(11, 30))]
    assert slot_times([(time(9), time(9, 20))], 30) == []
