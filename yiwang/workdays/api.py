"""The public calendar API (no authentication): due dates and the holidays of a year."""

from datetime import date
from typing import Literal

from ninja import Router, Schema

from yiwang.core.inputs import StatedInt
from yiwang.workdays import selectors
from yiwang.workdays.time_limits import due_date

router = Router(tags=["calendar"])


class DueDateOut(Schema):
    start: date
    days: int
    unit: str
    due_date: date
    provisional: bool


class HolidayPeriodOut(Schema):
    first_day: date
    last_day: date
    name: str


class MakeupDayOut(Schema):
    day: date
    name: str


class YearOut(Schema):
    year: int
    status: Literal["official", "provisional"]
    provisional: bool
    source: str
    basis: str
    holidays: list[HolidayPeriodOut]
    makeup_days: list[MakeupDayOut]
    working_day_count: int


@router.get("/due-date", response=DueDateOut, summary="到期日：起算日之后第 N 个工作日（或自然日）")
def get_due_date(request, start: date, days: StatedInt(0, 3650), unit: Literal["working", "natural"] = "working"):
    """`start` is not counted; days=0 is the same day (即办). `provisional` is true when the result
    depends on a year whose holidays are not official yet; it is recomputed when that year is
    entered. A natural-day limit does not move when it falls on a holiday."""
    result = due_date(start, days, unit)
    return {"start": start, "days": days, "unit": unit, "due_date": result.due_date, "provisional": result.provisional}


@router.get("/{year}", response=YearOut, summary="某年的节假日与调休上班日")
def get_year(request, year: StatedInt(2000, 2100)):
    """status `official`: entered or seeded; `provisional`: not entered yet, counted with weekends
    and the fixed-date holidays (元旦, 劳动节 5/1–5/2, 国庆节 10/1–10/3) listed here."""
    detail = selectors.calendar_year_detail(year)
    return {
        "year": detail.year, "status": detail.status, "provisional": not detail.is_official,
        "source": detail.source, "basis": detail.basis,
        "holidays": [{"first_day": h.first_day, "last_day": h.last_day, "name": h.name} for h in detail.holidays],
        "makeup_days": [{"day": m.day, "name": m.name} for m in detail.makeup_days],
        "working_day_count": detail.working_day_count,
    }
