"""day_type: what opening hours need to know about a date, on the seeded 2025 calendar
(国办发明电〔2024〕12号: 国庆节 10/1–10/8 off, 9/28 Sunday and 10/11 Saturday worked)."""

from datetime import date

import pytest

from yiwang.workdays.constants import DayType
from yiwang.workdays.selectors import day_type

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("day,expected", [
    (date(2025, 9, 26), DayType.WORKDAY),  # Friday
    (date(2025, 9, 27), DayType.WEEKEND),  # an ordinary Saturday
    (date(2025, 9, 28), DayType.MAKEUP_WORKDAY),  # Sunday worked before 国庆
    (date(2025, 10, 1), DayType.HOLIDAY),  # Wednesday, 国庆节
    (date(2025, 10, 4), DayType.HOLIDAY),  # Saturday inside the holiday: not an ordinary weekend
    (date(2025, 10, 11), DayType.MAKEUP_WORKDAY),  # Saturday worked after 国庆
    (date(2025, 10, 12), DayType.WEEKEND),
])
def test_official_year(day, expected):
    assert day_type(day) == expected


def test_provisional_year_counts_fixed_date_holidays():
    # 2099 is not entered: weekends and the fixed-date holidays only.
    assert day_type(date(2099, 10, 1)) == DayType.HOLIDAY  # Thursday
    assert day_type(date(2099, 10, 3)) == DayType.HOLIDAY  # Saturday, fixed-date 国庆节
    assert day_type(date(2099, 10, 10)) == DayType.WEEKEND
    assert day_type(date(2099, 10, 12)) == DayType.WORKDAY
