"""Validity periods of licence types. Pure."""

from __future__ import annotations

import datetime as dt

from yiwang.licences.constants import ValidityRule


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later, or the month's last day when it has no such day."""
    import calendar

    total = day.month - 1 + months
    year, month = day.year + total // 12, total % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def valid_until(*, rule: str, months: int | None, valid_from: dt.date, birth_date: dt.date | None = None) -> dt.date | None:
    """The last day of validity, None for long term. A fixed term of N months ends the day before
    the same date N months on (from 2026-03-01 for 60 months: valid to 2031-02-28)."""
    if rule == ValidityRule.LONG_TERM:
        return None
    if rule == ValidityRule.FIXED_TERM:
        if not months:
            return None
        return add_months(valid_from, months) - dt.timedelta(days=1)
    if rule == ValidityRule.RESIDENT_ID_CARD:
        # 居民身份证法 §5: <16 → 5 years, 16–25 → 10, 26–45 → 20, 46 and older → long term.
        if birth_date is None:
            return add_years(valid_from, 10)
        age = valid_from.year - birth_date.year - ((valid_from.month, valid_from.day) < (birth_date.month, birth_date.day))
        if age >= 46:
            return None
        span = 5 if age < 16 else 10 if age <= 25 else 20
        # A card reads "2026.03.01-2046.03.01": the period ends on the anniversary itself.
        return add_years(valid_from, span)
    raise ValueError(f"unknown validity rule {rule}")


def is_within(*, valid_from: dt.date, valid_until: dt.date | None, on: dt.date) -> bool:
    return valid_from <= on and (valid_until is None or on <= valid_until)
