"""Working-day arithmetic against the State Council's 2025/2026 notices and a naive reference."""

from datetime import date, datetime, timedelta

import chinese_calendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from yiwang.core.errors import DomainError
from yiwang.workdays.constants import PROVISIONAL_HOLIDAYS
from yiwang.workdays.time_limits import (
    DueDate,
    add_working_days,
    due_date,
    due_dates_batch,
    is_provisional,
    is_working_day,
    next_working_day,
    official_years,
    working_days_between,
    working_days_in_year,
)

pytestmark = pytest.mark.django_db


def _span(first: date, last: date) -> set[date]:
    return {first + timedelta(days=i) for i in range((last - first).days + 1)}


# STANDARDS.md §2, copied from the notices (国办发明电〔2024〕12号, 〔2025〕7号).
HOLIDAYS = {
    2026: [(date(2026, 1, 1), date(2026, 1, 3)), (date(2026, 2, 15), date(2026, 2, 23)),
           (date(2026, 4, 4), date(2026, 4, 6)), (date(2026, 5, 1), date(2026, 5, 5)),
           (date(2026, 6, 19), date(2026, 6, 21)), (date(2026, 9, 25), date(2026, 9, 27)),
           (date(2026, 10, 1), date(2026, 10, 7))],
    2025: [(date(2025, 1, 1), date(2025, 1, 1)), (date(2025, 1, 28), date(2025, 2, 4)),
           (date(2025, 4, 4), date(2025, 4, 6)), (date(2025, 5, 1), date(2025, 5, 5)),
           (date(2025, 5, 31), date(2025, 6, 2)), (date(2025, 10, 1), date(2025, 10, 8))],
}
MAKEUP = {
    2026: [date(2026, 1, 4), date(2026, 2, 14), date(2026, 2, 28), date(2026, 5, 9), date(2026, 9, 20), date(2026, 10, 10)],
    2025: [date(2025, 1, 26), date(2025, 2, 8), date(2025, 4, 27), date(2025, 9, 28), date(2025, 10, 11)],
}


@pytest.mark.parametrize("year", [2025, 2026])
def test_every_day_of_2025_and_2026_matches_the_notice(year):
    holidays = set().union(*(_span(a, b) for a, b in HOLIDAYS[year]))
    makeups = set(MAKEUP[year])
    wrong = []
    for day in _span(date(year, 1, 1), date(year, 12, 31)):
        expected = day in makeups or (day.weekday() < 5 and day not in holidays)
        if is_working_day(day) != expected:
            wrong.append(day)
    assert wrong == []
    # 365 days − 104 weekend days − weekday holidays + make-up Saturdays/Sundays
    assert working_days_in_year(year) == sum(
        1 for d in _span(date(year, 1, 1), date(year, 12, 31)) if d in makeups or (d.weekday() < 5 and d not in holidays))


def test_seeded_years_are_2004_to_2026():
    assert official_years() == frozenset(range(2004, 2027))


@pytest.mark.parametrize(("start", "days", "expected"), [
    (date(2026, 9, 30), 1, date(2026, 10, 8)),     # over 国庆 10/1–10/7
    (date(2026, 10, 8), 2, date(2026, 10, 10)),    # 10/10 is a make-up Saturday
    (date(2026, 2, 13), 1, date(2026, 2, 14)),     # 2/14 is a make-up Saturday before 春节
    (date(2026, 2, 14), 1, date(2026, 2, 24)),     # 春节 2/15–2/23
    (date(2025, 9, 30), 1, date(2025, 10, 9)),     # 国庆+中秋 10/1–10/8
    (date(2025, 1, 24), 1, date(2025, 1, 26)),     # Friday → make-up Sunday 1/26
    (date(2026, 11, 20), 5, date(2026, 11, 27)),   # a plain week: start not counted
    (date(2026, 11, 21), 0, date(2026, 11, 21)),   # 即办: the same day, even a Saturday
    (date(2026, 1, 5), 20, date(2026, 2, 2)),      # 行政许可法 §42 twenty working days
])
def test_known_due_dates(start, days, expected):
    assert due_date(start, days) == DueDate(expected, False)


def test_natural_days_do_not_move_unless_rolled_forward():
    assert due_date(date(2026, 9, 30), 1, "natural") == DueDate(date(2026, 10, 1), False)
    assert due_date(date(2026, 9, 30), 1, "natural", roll_forward=True) == DueDate(date(2026, 10, 8), False)
    assert due_date(date(2026, 11, 16), 3, "natural", roll_forward=True) == DueDate(date(2026, 11, 19), False)
    # Rolling forward from a provisional year is provisional; without rolling it never is.
    assert due_date(date(2026, 12, 30), 2, "natural") == DueDate(date(2027, 1, 1), False)
    assert due_date(date(2026, 12, 30), 2, "natural", roll_forward=True) == DueDate(date(2027, 1, 4), True)


def test_working_days_between_counts_start_exclusive_end_inclusive():
    assert working_days_between(date(2026, 9, 30), date(2026, 10, 8)) == 1
    assert working_days_between(date(2026, 10, 8), date(2026, 9, 30)) == -1
    assert working_days_between(date(2026, 11, 20), date(2026, 11, 20)) == 0
    assert working_days_between(date(2025, 12, 31), date(2026, 12, 31)) == working_days_in_year(2026)


def test_add_working_days_backwards_gives_the_warning_day():
    assert add_working_days(date(2026, 10, 8), -1) == DueDate(date(2026, 9, 30), False)
    assert add_working_days(date(2026, 10, 4), -1) == DueDate(date(2026, 9, 30), False)  # from inside a holiday
    assert add_working_days(date(2026, 2, 24), -2) == DueDate(date(2026, 2, 13), False)
    assert add_working_days(date(2027, 1, 4), -1) == DueDate(date(2026, 12, 31), True)


def test_next_working_day():
    assert next_working_day(date(2026, 9, 30)) == date(2026, 10, 8)
    assert next_working_day(date(2026, 9, 30), inclusive=True) == date(2026, 9, 30)
    assert next_working_day(date(2026, 10, 3), inclusive=True) == date(2026, 10, 8)


def test_dates_in_a_year_not_entered_are_provisional():
    # 2027 is not in chinesecalendar 1.11: weekends and 1/1 count, the result is flagged.
    assert due_date(date(2026, 12, 30), 5) == DueDate(date(2027, 1, 7), True)
    assert due_date(date(2026, 12, 1), 5) == DueDate(date(2026, 12, 8), False)
    assert due_date(date(2027, 3, 1), 0) == DueDate(date(2027, 3, 1), True)
    assert due_date(date(2027, 9, 30), 1) == DueDate(date(2027, 10, 4), True)  # 10/1 Fri fixed holiday, weekend
    assert is_provisional(date(2027, 1, 1)) and not is_provisional(date(2026, 12, 31))
    assert is_provisional(date(2026, 12, 1), date(2027, 1, 1))


@pytest.mark.parametrize(("call", "code"), [
    (lambda: due_date(date(2026, 1, 1), -1), "calendar_days_negative"),
    (lambda: due_date(date(2026, 1, 1), 3651), "calendar_days_too_large"),
    (lambda: due_date(date(2003, 12, 31), 1), "calendar_date_out_of_range"),
    (lambda: due_date(date(2101, 1, 1), 1), "calendar_date_out_of_range"),
    (lambda: due_date(date(2026, 1, 1), 1, "hours"), "calendar_unit_invalid"),
    (lambda: due_dates_batch([(date(2026, 1, 1), 1), (date(2026, 1, 1), -5)]), "calendar_days_negative"),
    (lambda: add_working_days(date(2004, 1, 2), -10), "calendar_date_out_of_range"),
])
def test_bad_arguments_raise_domain_errors_with_codes(call, code):
    with pytest.raises(DomainError) as exc:
        call()
    assert exc.value.code == code
    assert exc.value.field in {"start", "days", "unit", "date"}


def test_datetimes_are_refused_so_utc_days_are_not_used_by_mistake():
    with pytest.raises(TypeError):
        due_date(datetime(2026, 1, 5, 1, 0), 1)
    with pytest.raises(TypeError):
        due_date(date(2026, 1, 5), 1.0)


def test_the_largest_limit_from_the_last_start_date_stays_in_the_index():
    result = due_date(date(2100, 12, 31), 3650)
    assert result.provisional and result.due_date.year < 2121
    assert due_date(date(2100, 12, 31), 3650, "natural").due_date == date(2100, 12, 31) + timedelta(days=3650)


# --- properties ----------------------------------------------------------------------------

def reference_is_working(day: date) -> bool:
    """Independent of our tables: the package for its years, the provisional rule after."""
    if day.year <= 2026:
        return chinese_calendar.is_workday(day)
    return day.weekday() < 5 and (day.month, day.day) not in PROVISIONAL_HOLIDAYS


def reference_due_date(start: date, days: int) -> date:
    day, left = start, days
    while left:
        day += timedelta(days=1)
        if reference_is_working(day):
            left -= 1
    return day


starts = st.dates(min_value=date(2004, 1, 1), max_value=date(2027, 12, 31))
# No per-example deadline: the first example of a test may rebuild the index (~50 ms, more on a
# loaded machine), and a deadline would turn that into a flaky failure.
thorough = settings(deadline=None, max_examples=300)
limits = st.integers(min_value=0, max_value=120)


@thorough
@given(start=starts, days=limits)
def test_due_date_agrees_with_day_by_day_reference(start, days):
    result = due_date(start, days)
    assert result.due_date == reference_due_date(start, days)
    assert result.provisional == (result.due_date.year >= 2027)


@thorough
@given(start=starts, days=st.integers(min_value=1, max_value=400))
def test_due_date_is_a_working_day_after_start_with_exactly_n_working_days_between(start, days):
    due, _ = due_date(start, days)
    assert due > start
    assert is_working_day(due)
    assert working_days_between(start, due) == days
    assert working_days_between(start, due - timedelta(days=1)) == days - 1


@thorough
@given(start=starts, days=st.integers(min_value=0, max_value=399))
def test_due_date_is_strictly_increasing_in_days(start, days):
    assert due_date(start, days).due_date < due_date(start, days + 1).due_date


@thorough
@given(start=starts, days=st.integers(min_value=0, max_value=400))
def test_going_back_the_same_number_of_working_days_returns_to_the_start(start, days):
    start = next_working_day(start, inclusive=True)
    assert add_working_days(add_working_days(start, days).due_date, -days).due_date == start


@thorough
@given(pairs=st.lists(st.tuples(starts, limits), max_size=30), unit=st.sampled_from(["working", "natural"]))
def test_batch_equals_one_by_one(pairs, unit):
    assert due_dates_batch(pairs, unit) == [due_date(s, n, unit) for s, n in pairs]


@thorough
@given(start=starts, days=st.integers(min_value=0, max_value=400))
def test_natural_days_are_plain_date_arithmetic(start, days):
    assert due_date(start, days, "natural") == DueDate(start + timedelta(days=days), False)
    rolled = due_date(start, days, "natural", roll_forward=True).due_date
    assert rolled == next_working_day(start + timedelta(days=days), inclusive=True)
