"""The official years taken from the `chinesecalendar` package (import name `chinese_calendar`).

Used by the data migration 0002, so it must stay a pure function of the package's data. The range
is fixed (2004–2026) rather than "whatever the installed version knows": a migration must give
every fresh database the same rows, and a year the package adds later (2027 is published each
November) is entered by an administrator or by a new migration, never silently by an upgrade.
"""

from __future__ import annotations

from datetime import date

from yiwang.workdays.constants import DayKind

SEED_FIRST_YEAR = 2004
SEED_LAST_YEAR = 2026


def _chinese_name(english: str) -> str:
    from chinese_calendar.constants import Holiday

    try:
        return Holiday(english).chinese
    except ValueError:
        return english


def package_days() -> dict[int, list[tuple[date, str, str]]]:
    """{year: [(day, kind, name), ...]} for SEED_FIRST_YEAR..SEED_LAST_YEAR, days sorted."""
    from chinese_calendar.constants import holidays, workdays

    years: dict[int, list[tuple[date, str, str]]] = {y: [] for y in range(SEED_FIRST_YEAR, SEED_LAST_YEAR + 1)}
    for day, english in holidays.items():
        if day.year in years:
            years[day.year].append((day, DayKind.HOLIDAY.value, _chinese_name(english)))
    for day, english in workdays.items():
        if day.year in years:
            years[day.year].append((day, DayKind.MAKEUP_WORKDAY.value, f"{_chinese_name(english)}调休"))
    for rows in years.values():
        rows.sort()
    return years
