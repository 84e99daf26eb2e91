"""What an administrator enters for one year, and the rules it must satisfy (pure: no database).

Each entry carries the `field` it came from, so one error names the place the person can fix:
`line 3` for the text import, `holidays-0` / `makeup_days-1` for the rows of the admin form,
`holidays[0]` for Python callers. Every rule is checked and every error reported at once
(一次性告知), never one at a time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from yiwang.core.errors import FieldError
from yiwang.workdays.constants import (
    MAX_BASIS_LENGTH,
    MAX_HOLIDAY_PERIOD_DAYS,
    MAX_NAME_LENGTH,
    MAX_REASON_LENGTH,
    MAX_YEAR,
    MIN_YEAR,
)

WEEKDAY_NAMES = "一二三四五六日"


@dataclass(frozen=True)
class HolidayPeriod:
    """Consecutive days off with one name, e.g. 春节 2027-02-06 … 2027-02-13 (weekends included)."""

    first_day: date
    last_day: date
    name: str
    field: str = ""

    @property
    def days(self) -> list[date]:
        return [self.first_day + timedelta(days=i) for i in range((self.last_day - self.first_day).days + 1)]

    @property
    def length(self) -> int:
        return (self.last_day - self.first_day).days + 1


@dataclass(frozen=True)
class MakeupDay:
    """A Saturday or Sunday worked to make up for a holiday (调休上班)."""

    day: date
    name: str = ""
    field: str = ""


def weekday_name(day: date) -> str:
    return f"星期{WEEKDAY_NAMES[day.weekday()]}"


def place(field: str) -> str:
    """The Chinese name of where an entry came from, to start its error message with ("" for the
    fields of the year itself, whose errors are shown next to that field)."""
    if m := re.fullmatch(r"line (\d+)", field):
        return f"第 {m[1]} 行"
    if m := re.fullmatch(r"holidays(?:-(\d+)|\[(\d+)\])", field):
        return f"第 {int(m[1] or m[2]) + 1} 个节假日"
    if m := re.fullmatch(r"makeup_days(?:-(\d+)|\[(\d+)\])", field):
        return f"第 {int(m[1] or m[2]) + 1} 个调休上班日"
    return ""


def _year_valid(year) -> bool:
    return isinstance(year, int) and not isinstance(year, bool) and MIN_YEAR <= year <= MAX_YEAR


def year_entry_errors(
    *, year, holidays: list[HolidayPeriod], makeup_days: list[MakeupDay], already_official: bool,
    correction: bool, reason: str = "", basis: str = "",
) -> list[FieldError]:
    """Every problem with entering (or correcting) `year` with these days; [] when it may be saved."""
    errors: list[FieldError] = []

    def add(field: str, code: str, message: str) -> None:
        where = place(field)
        errors.append(FieldError(field=field, code=code, message=f"{where}：{message}" if where else message))

    year_ok = _year_valid(year)
    if not year_ok:
        add("year", "calendar_year_out_of_range",
            f"年度“{year}”无效，请填写 {MIN_YEAR} 至 {MAX_YEAR} 之间的四位年份，例如 2027。")
    elif already_official and not correction:
        add("year", "calendar_year_already_official",
            f"{year} 年已是正式日历，不能直接覆盖。如确需更正，请勾选“更正已正式发布的年度”并填写更正理由；"
            "更正会记入审计日志。")
    elif correction and not already_official:
        add("correction", "calendar_year_not_official",
            f"{year} 年尚未录入，无需更正，请取消勾选“更正已正式发布的年度”。")
    if correction and not (reason or "").strip():
        add("reason", "calendar_reason_required", "更正正式日历必须填写更正理由（例如国务院补充通知的文号）。")
    if len(reason or "") > MAX_REASON_LENGTH:
        add("reason", "calendar_reason_too_long", f"更正理由最多 {MAX_REASON_LENGTH} 字，请精简。")
    if len(basis or "") > MAX_BASIS_LENGTH:
        add("basis", "calendar_basis_too_long", f"依据最多 {MAX_BASIS_LENGTH} 字，请只填通知文号。")
    if not holidays:
        add("holidays", "calendar_holidays_missing",
            "至少要有一个节假日。请按国务院办公厅的放假通知录入每个假期的起止日期和名称。")

    def outside(day: date) -> bool:
        return year_ok and day.year != year

    taken: dict[date, HolidayPeriod] = {}
    for period in holidays:
        if not (period.name or "").strip():
            add(period.field, "calendar_name_missing", "请填写假期名称，例如“春节”。")
        elif len(period.name) > MAX_NAME_LENGTH:
            add(period.field, "calendar_name_too_long", f"假期名称最多 {MAX_NAME_LENGTH} 字。")
        if period.last_day < period.first_day:
            add(period.field, "calendar_period_reversed",
                f"结束日期 {period.last_day} 早于开始日期 {period.first_day}，请对调或改正。")
            continue
        if outside(period.first_day) or outside(period.last_day):
            add(period.field, "calendar_date_outside_year",
                f"假期 {period.first_day} 至 {period.last_day} 不全在 {year} 年内；只能录入 {year} 年的日期，"
                "跨年的部分请录入到它所在的年度。")
            continue
        if period.length > MAX_HOLIDAY_PERIOD_DAYS:
            add(period.field, "calendar_period_too_long",
                f"假期 {period.first_day} 至 {period.last_day} 长达 {period.length} 天，超过 {MAX_HOLIDAY_PERIOD_DAYS} 天，"
                "请核对结束日期。")
            continue
        clashes = sorted({taken[d].field for d in period.days if d in taken})
        if clashes:
            days = [d for d in period.days if d in taken]
            other = taken[days[0]]
            add(period.field, "calendar_holiday_duplicate",
                f"{days[0]}{f' 等 {len(days)} 天' if len(days) > 1 else ''}已在{place(other.field)}的“{other.name}”中，"
                "同一天不能算两次假，请删除重复的一项或改正日期。")
        for day in period.days:
            taken.setdefault(day, period)

    seen: dict[date, MakeupDay] = {}
    for makeup in makeup_days:
        day = makeup.day
        if len(makeup.name or "") > MAX_NAME_LENGTH:
            add(makeup.field, "calendar_name_too_long", f"名称最多 {MAX_NAME_LENGTH} 字。")
        if outside(day):
            add(makeup.field, "calendar_date_outside_year",
                f"调休上班日 {day} 不在 {year} 年内，请改为 {year} 年的日期或录入到 {day.year} 年。")
            continue
        if day.weekday() < 5:
            add(makeup.field, "calendar_makeup_not_weekend",
                f"{day} 是{weekday_name(day)}，本来就上班；调休上班日必须是星期六或星期日，请核对日期。")
        if day in taken:
            add(makeup.field, "calendar_makeup_is_holiday",
                f"{day} 已在{place(taken[day].field)}的假期“{taken[day].name}”中，不能同时是调休上班日，请改正其中一项。")
        if day in seen:
            add(makeup.field, "calendar_makeup_duplicate",
                f"调休上班日 {day} 与{place(seen[day].field)}重复，请删除其中一项。")
        seen.setdefault(day, makeup)
    return errors
