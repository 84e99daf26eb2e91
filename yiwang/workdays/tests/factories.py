"""Test data for the calendar: a plausible 2027 (the real one is published in November 2026).

2027-02-06 is 春节 (Saturday); the holidays below are a guess with the shape of a State Council
notice, which is all the tests need.
"""

from datetime import date

from yiwang.workdays.year_entry import HolidayPeriod, MakeupDay

HOLIDAYS_2027 = [
    HolidayPeriod(date(2027, 1, 1), date(2027, 1, 3), "元旦"),
    HolidayPeriod(date(2027, 2, 6), date(2027, 2, 13), "春节"),
    HolidayPeriod(date(2027, 4, 3), date(2027, 4, 5), "清明节"),
    HolidayPeriod(date(2027, 5, 1), date(2027, 5, 5), "劳动节"),
    HolidayPeriod(date(2027, 6, 9), date(2027, 6, 11), "端午节"),
    HolidayPeriod(date(2027, 9, 15), date(2027, 9, 17), "中秋节"),
    HolidayPeriod(date(2027, 10, 1), date(2027, 10, 7), "国庆节"),
]
MAKEUP_2027 = [
    MakeupDay(date(2027, 2, 20), "春节调休"),
    MakeupDay(date(2027, 4, 25), "劳动节调休"),
    MakeupDay(date(2027, 10, 9), "国庆节调休"),
]

TEXT_2027 = """# 2027 年节假日安排（测试用）
year 2027
basis 国办发明电〔2026〕测试号
holiday 2027-01-01 2027-01-03 元旦
holiday 2027-02-06 2027-02-13 春节
workday 2027-02-20 春节调休
holiday 2027-04-03 2027-04-05 清明节   # 含周末
holiday 2027-05-01 2027-05-05 劳动节
workday 2027-04-25 劳动节调休
holiday 2027-06-09 2027-06-11 端午节
holiday 2027-09-15 2027-09-17 中秋节
holiday 2027-10-01 2027-10-07 国庆节
workday 2027-10-09
"""


def enter_2027(actor, **kwargs):
    from yiwang.workdays.services import calendar_year_enter

    return calendar_year_enter(actor=actor, year=2027, holidays=HOLIDAYS_2027, makeup_days=MAKEUP_2027,
                               basis="国办发明电〔2026〕测试号", **kwargs)
