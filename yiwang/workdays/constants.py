"""Code sets and limits of the working-day calendar."""

from datetime import date

from django.db import models


class DayKind(models.TextChoices):
    """What a calendar day row says about a date; every other date follows the weekday rule."""

    HOLIDAY = "holiday", "节假日"  # a day off inside a statutory holiday period (weekends included)
    MAKEUP_WORKDAY = "makeup_workday", "调休上班"  # a Saturday or Sunday worked to make up for a holiday


class DayType(models.TextChoices):
    """What kind of day a date is for people who keep opening hours (selectors.day_type)."""

    WORKDAY = "workday", "工作日"  # Monday to Friday, not a holiday
    WEEKEND = "weekend", "周末"  # Saturday or Sunday outside any holiday period
    HOLIDAY = "holiday", "法定节假日"  # a day off of a statutory holiday period (its weekends included)
    MAKEUP_WORKDAY = "makeup_workday", "调休上班日"  # a Saturday or Sunday worked to make up for a holiday


class YearSource(models.TextChoices):
    """Where an official year came from."""

    PACKAGE = "package", "chinesecalendar 程序包"  # seeded by migration 0002 for 2004–2026
    FORM = "form", "管理员录入"  # entered on the admin page
    IMPORT = "import", "文件导入"  # imported from the text format of docs/calendar.md


class TimeLimitUnit(models.TextChoices):
    """Unit of a time limit as the API and the functions take it (the catalog's LimitUnit
    `working_day` / `natural_day` maps onto these; `immediate` is days=0)."""

    WORKING = "working", "工作日"
    NATURAL = "natural", "自然日"


class YearStatus(models.TextChoices):
    OFFICIAL = "official", "正式"  # holidays known: seeded or entered by an administrator
    PROVISIONAL = "provisional", "暂定"  # not entered yet: weekends and fixed-date holidays only


# The first year the `chinesecalendar` package knows; earlier dates are refused, not guessed.
MIN_YEAR = 2004
# The last year a start date may lie in. Far enough for any case; a limit keeps the index small.
MAX_YEAR = 2100
# The index also covers the years after MAX_YEAR that a due date can reach: 3650 working days are
# at most ~15 years of weekdays, so 20 years is enough.
INDEX_LAST_YEAR = MAX_YEAR + 20
INDEX_FIRST_DAY = date(MIN_YEAR, 1, 1)
INDEX_LAST_DAY = date(INDEX_LAST_YEAR, 12, 31)
# No statutory or promised limit comes near ten years; a larger number is a typing mistake.
MAX_DAYS = 3650

# A year nobody has entered yet is counted with weekends plus the holidays whose Gregorian date
# is fixed by 全国年节及纪念日放假办法 (2024 revision, in force 2025): 元旦 1/1, 劳动节 5/1–5/2,
# 国庆节 10/1–10/3. 春节, 清明, 端午 and 中秋 move with the lunar calendar or the solar terms, and
# the State Council's yearly notice adds bridge days and make-up Saturdays, so the result is only
# an estimate: flagged provisional and recomputed when the year is entered.
PROVISIONAL_HOLIDAYS: dict[tuple[int, int], str] = {
    (1, 1): "元旦",
    (5, 1): "劳动节",
    (5, 2): "劳动节",
    (10, 1): "国庆节",
    (10, 2): "国庆节",
    (10, 3): "国庆节",
}

# Sanity limits on what an administrator enters: the longest holiday so far is 9 days
# (春节 2026), so a longer period is almost surely a mistyped end date.
MAX_HOLIDAY_PERIOD_DAYS = 20
MAX_NAME_LENGTH = 50
MAX_REASON_LENGTH = 500
MAX_BASIS_LENGTH = 200
MAX_IMPORT_BYTES = 64 * 1024
MAX_IMPORT_LINES = 500
