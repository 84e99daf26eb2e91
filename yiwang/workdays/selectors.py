"""Reads of the calendar for pages and the API (due dates live in time_limits).

    calendar_year_detail(year) -> YearCalendar     holidays, make-up days, status of one year
    calendar_year_list(*, today=None) -> list[YearSummary]   official years + the next ones to enter
    calendar_year_history(year) -> list[AuditEvent]        entries and corrections of a year
    holiday_periods(days) -> list[HolidayPeriod]    consecutive holiday rows with one name, grouped
    next_year_to_enter() -> int
    day_type(d) -> DayType                        workday, weekend, statutory holiday or make-up workday
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.utils import timezone

from yiwang.core.audit import events_about
from yiwang.core.errors import NotFound
from yiwang.workdays.constants import MAX_YEAR, MIN_YEAR, PROVISIONAL_HOLIDAYS, DayKind, DayType, YearStatus
from yiwang.workdays.models import CalendarDay, CalendarYear
from yiwang.workdays.time_limits import is_working_day, official_years, working_days_in_year
from yiwang.workdays.year_entry import HolidayPeriod, MakeupDay


@dataclass(frozen=True)
class YearCalendar:
    year: int
    status: str
    holidays: list[HolidayPeriod]
    makeup_days: list[MakeupDay]
    working_day_count: int
    source: str = ""
    source_label: str = ""
    basis: str = ""
    entered_by: str = ""
    updated_at: datetime | None = None
    correction_count: int = 0
    holiday_day_count: int = field(default=0)

    @property
    def is_official(self) -> bool:
        return self.status == YearStatus.OFFICIAL

    @property
    def status_label(self) -> str:
        return YearStatus(self.status).label


@dataclass(frozen=True)
class YearSummary:
    year: int
    status: str
    source_label: str = ""
    holiday_day_count: int = 0
    makeup_day_count: int = 0
    working_day_count: int = 0
    updated_at: datetime | None = None
    correction_count: int = 0

    @property
    def is_official(self) -> bool:
        return self.status == YearStatus.OFFICIAL


def _check_year(year: int) -> None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise NotFound(f"year：工作日历只有 {MIN_YEAR} 至 {MAX_YEAR} 年，请改为这一范围内的年份。",
                       code="calendar_year_out_of_range", field="year")


def holiday_periods(days: Iterable) -> list[HolidayPeriod]:
    """Group holiday rows (anything with .day, .kind, .name) into periods of consecutive days
    with the same name, in date order."""
    periods: list[HolidayPeriod] = []
    for row in sorted((d for d in days if d.kind == DayKind.HOLIDAY), key=lambda d: d.day):
        last = periods[-1] if periods else None
        if last and last.name == row.name and last.last_day + timedelta(days=1) == row.day:
            periods[-1] = HolidayPeriod(first_day=last.first_day, last_day=row.day, name=last.name)
        else:
            periods.append(HolidayPeriod(first_day=row.day, last_day=row.day, name=row.name))
    return periods


@dataclass(frozen=True)
class _Row:
    day: date
    kind: str
    name: str


def provisional_holiday_periods(year: int) -> list[HolidayPeriod]:
    """The fixed-date holidays counted for a year not entered yet."""
    rows = [_Row(date(year, month, day), DayKind.HOLIDAY, name) for (month, day), name in PROVISIONAL_HOLIDAYS.items()]
    return holiday_periods(rows)


def calendar_year_detail(year: int) -> YearCalendar:
    _check_year(year)
    calendar_year = CalendarYear.objects.filter(year=year).select_related("entered_by").first()
    if calendar_year is None:
        return YearCalendar(year=year, status=YearStatus.PROVISIONAL, holidays=provisional_holiday_periods(year),
                            makeup_days=[], working_day_count=working_days_in_year(year))
    days = list(calendar_year.days.all())
    entered_by = calendar_year.entered_by
    return YearCalendar(
        year=year, status=YearStatus.OFFICIAL, holidays=holiday_periods(days),
        makeup_days=[MakeupDay(day=d.day, name=d.name) for d in sorted(days, key=lambda d: d.day)
                     if d.kind == DayKind.MAKEUP_WORKDAY],
        working_day_count=working_days_in_year(year), source=calendar_year.source,
        source_label=calendar_year.get_source_display(), basis=calendar_year.basis,
        entered_by=entered_by.display_name if entered_by else "", updated_at=calendar_year.updated_at,
        correction_count=calendar_year.correction_count,
        holiday_day_count=sum(1 for d in days if d.kind == DayKind.HOLIDAY),
    )


def next_year_to_enter() -> int:
    """The first year after the last official one (2027 while 2026 is the last)."""
    last = CalendarYear.objects.order_by("-year").values_list("year", flat=True).first()
    return min(MAX_YEAR, max(last + 1 if last else MIN_YEAR, MIN_YEAR))


def calendar_year_list(*, today: date | None = None) -> list[YearSummary]:
    """Every official year, newest first, with the years not entered yet up to next year (and
    any gap between official years) listed as provisional."""
    today = today or timezone.localdate()
    years = {y.year: y for y in CalendarYear.objects.all()}
    counts = Counter(CalendarDay.objects.values_list("calendar_year__year", "kind"))
    last = max([*years, min(today.year + 1, MAX_YEAR)])
    summaries = []
    for year in range(last, MIN_YEAR - 1, -1):
        row = years.get(year)
        if row is None:
            if year < min(years, default=MIN_YEAR):
                break
            summaries.append(YearSummary(year=year, status=YearStatus.PROVISIONAL,
                                         working_day_count=working_days_in_year(year)))
            continue
        summaries.append(YearSummary(
            year=year, status=YearStatus.OFFICIAL, source_label=row.get_source_display(),
            holiday_day_count=counts[(year, DayKind.HOLIDAY.value)],
            makeup_day_count=counts[(year, DayKind.MAKEUP_WORKDAY.value)],
            working_day_count=working_days_in_year(year), updated_at=row.updated_at,
            correction_count=row.correction_count,
        ))
    return summaries


def calendar_year_history(year: int) -> list:
    calendar_year = CalendarYear.objects.filter(year=year).first()
    if calendar_year is None:
        return []
    return events_about(object_type=CalendarYear._meta.label_lower, object_id=calendar_year.pk)


def day_type(d: date) -> DayType:
    """The kind of day `d` is on the calendar: opening hours differ between a weekday, an ordinary
    weekend, a statutory holiday (法定节假日除外: weekend services close too) and a make-up Saturday
    or Sunday (调休上班). Weekdays need no query (the working-day index says it all); a weekend day
    off is a holiday only inside a holiday period, which the calendar rows say (one indexed query),
    or — in a year not entered yet — the fixed-date holidays counted provisionally."""
    working = is_working_day(d)
    weekend = d.weekday() >= 5
    if working:
        return DayType.MAKEUP_WORKDAY if weekend else DayType.WORKDAY
    if not weekend:
        return DayType.HOLIDAY
    if d.year in official_years():
        inside = CalendarDay.objects.filter(day=d, kind=DayKind.HOLIDAY).exists()
    else:
        inside = (d.month, d.day) in PROVISIONAL_HOLIDAYS
    return DayType.HOLIDAY if inside else DayType.WEEKEND
