"""Opening hours as rules over the working-day calendar. Pure: the caller says what kind of day a
date is (yiwang.workdays.selectors.day_type), so holidays and 调休 come from the one calendar.

Which hours apply on a date, first match wins:
1. an exception entered for that date (closed, or other hours) — works, a special opening day;
2. a statutory holiday (法定节假日, its weekend days included): the holiday slot only. Halls say
   "法定节假日除外", so weekend services close too; 24-hour areas and lockers keep their holiday
   hours;
3. a make-up working Saturday or Sunday (调休上班): the outlet's usual working-day hours (the
   Monday–Friday pattern most of its weekdays share), together with any hours that weekday has of
   its own (a hall with Saturday service keeps it);
4. otherwise the weekday's own hours: Monday–Friday, and Saturday/Sunday for 周末不打烊.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from yiwang.servicemap.constants import HOLIDAY_SLOT, MINUTES_PER_DAY, SLOT_LABELS
from yiwang.workdays.constants import DayType


@dataclass(frozen=True, order=True)
class Period:
    opens: int  # minutes since midnight, 0 … 1439
    closes: int  # 1 … 1440 (24:00)
    extended: bool = False  # 延时服务 (lunch-time or evening hours beyond the usual)

    def covers(self, minute: int) -> bool:
        return self.opens <= minute < self.closes

    @property
    def text(self) -> str:
        return f"{clock(self.opens)}—{clock(self.closes)}"


@dataclass(frozen=True)
class Schedule:
    """A weekly schedule: `slots[0..6]` Monday … Sunday, `slots[7]` statutory holidays; and the
    dated exceptions (an empty tuple of periods: closed that day)."""

    slots: tuple[tuple[Period, ...], ...] = ((),) * 8
    exceptions: dict[date, tuple[tuple[Period, ...], str]] = field(default_factory=dict)


@dataclass(frozen=True)
class DayHours:
    day: date
    day_type: str
    periods: tuple[Period, ...]
    rule: str  # "exception", "holiday", "makeup", "regular"
    note: str = ""  # the exception's reason

    @property
    def is_closed(self) -> bool:
        return not self.periods

    @property
    def all_day(self) -> bool:
        return len(self.periods) == 1 and self.periods[0].opens == 0 and self.periods[0].closes == MINUTES_PER_DAY

    @property
    def text(self) -> str:
        if self.is_closed:
            return "不开放"
        if self.all_day:
            return "24小时开放"
        return "、".join(p.text + ("（延时）" if p.extended else "") for p in self.periods)


def clock(minute: int) -> str:
    return f"{minute // 60}:{minute % 60:02d}"


def merge(periods: Iterable[Period]) -> tuple[Period, ...]:
    """Periods in order with overlapping or touching ones joined (extended only if all parts are)."""
    out: list[Period] = []
    for p in sorted(periods):
        if out and p.opens <= out[-1].closes:
            last = out[-1]
            out[-1] = Period(last.opens, max(last.closes, p.closes), last.extended and p.extended)
        else:
            out.append(p)
    return tuple(out)


def usual_workday_periods(schedule: Schedule) -> tuple[Period, ...]:
    """The hours most of Monday–Friday share (Monday's on a tie)."""
    counts = Counter(schedule.slots[i] for i in range(5))
    best = max(counts.values())
    return next(schedule.slots[i] for i in range(5) if counts[schedule.slots[i]] == best)


def hours_on(schedule: Schedule, day: date, day_type: str) -> DayHours:
    if day in schedule.exceptions:
        periods, reason = schedule.exceptions[day]
        return DayHours(day, day_type, merge(periods), "exception", reason)
    if day_type == DayType.HOLIDAY:
        return DayHours(day, day_type, schedule.slots[HOLIDAY_SLOT], "holiday")
    if day_type == DayType.MAKEUP_WORKDAY:
        periods = merge((*usual_workday_periods(schedule), *schedule.slots[day.weekday()]))
        return DayHours(day, day_type, periods, "makeup")
    return DayHours(day, day_type, schedule.slots[day.weekday()], "regular")


@dataclass(frozen=True)
class OpenState:
    """What a person needs to know at `at`: open or not, until when, or when it opens next."""

    is_open: bool
    today: DayHours
    closes_at: datetime | None = None  # when open: the end of the current period
    next_opens_at: datetime | None = None  # when closed: the start of the next period (≤ 14 days)

    @property
    def text(self) -> str:
        if self.is_open:
            if self.today.all_day or self.closes_at is None:
                return "正在开放"
            return f"正在开放，{clock(self.closes_at.hour * 60 + self.closes_at.minute)} 结束"
        if self.next_opens_at is None:
            return "暂停开放"
        when = self.next_opens_at
        days = (when.date() - self.today.day).days
        prefix = {0: "今天", 1: "明天", 2: "后天"}.get(days, f"{when.month}月{when.day}日（{SLOT_LABELS[when.weekday()]}）")
        return f"未开放，{prefix} {clock(when.hour * 60 + when.minute)} 开始"


def open_state(schedule: Schedule, at: datetime, day_type_of: Callable[[date], str], *, horizon_days: int = 14) -> OpenState:
    """Open or closed at `at` (a local, aware or naive, datetime), with the next change."""
    today = hours_on(schedule, at.date(), day_type_of(at.date()))
    minute = at.hour * 60 + at.minute
    midnight = at.replace(hour=0, minute=0, second=0, microsecond=0)
    for p in today.periods:
        if p.covers(minute):
            closes = midnight + timedelta(minutes=p.closes)
            # A period to 24:00 runs on into the next day's period from 0:00 (24-hour outlets).
            if p.closes == MINUTES_PER_DAY:
                nxt = hours_on(schedule, at.date() + timedelta(days=1), day_type_of(at.date() + timedelta(days=1)))
                if nxt.periods and nxt.periods[0].opens == 0:
                    closes = None
            return OpenState(True, today, closes_at=closes)
    for p in today.periods:
        if p.opens > minute:
            return OpenState(False, today, next_opens_at=midnight + timedelta(minutes=p.opens))
    for offset in range(1, horizon_days + 1):
        d = at.date() + timedelta(days=offset)
        hours = hours_on(schedule, d, day_type_of(d))
        if hours.periods:
            return OpenState(False, today, next_opens_at=midnight + timedelta(days=offset, minutes=hours.periods[0].opens))
    return OpenState(False, today)


def describe_week(schedule: Schedule) -> list[tuple[str, str]]:
    """The regular week as people read it: consecutive weekdays with the same hours grouped
    ("周一至周五", "9:00—12:00、13:00—17:00"), then the holidays."""
    rows: list[tuple[str, str]] = []
    i = 0
    while i < 7:
        j = i
        while j + 1 < 7 and schedule.slots[j + 1] == schedule.slots[i]:
            j += 1
        label = SLOT_LABELS[i] if i == j else f"{SLOT_LABELS[i]}至{SLOT_LABELS[j]}"
        rows.append((label, _periods_text(schedule.slots[i])))
        i = j + 1
    rows.append((SLOT_LABELS[HOLIDAY_SLOT], _periods_text(schedule.slots[HOLIDAY_SLOT]) if schedule.slots[HOLIDAY_SLOT]
                 else "休息"))
    return rows


def _periods_text(periods: tuple[Period, ...]) -> str:
    if not periods:
        return "休息"
    if len(periods) == 1 and periods[0].opens == 0 and periods[0].closes == MINUTES_PER_DAY:
        return "24小时"
    return "、".join(p.text + ("（延时服务）" if p.extended else "") for p in periods)


def parse_clock(text: str) -> int | None:
    """"9:00" / "09:30" / "24:00" → minutes; None when it is not a time of day."""
    text = (text or "").strip().replace("：", ":")
    hours, sep, minutes = text.partition(":")
    if not sep or not hours.isdigit() or not minutes.isdigit() or len(minutes) != 2 or len(hours) > 2:
        return None
    h, m = int(hours), int(minutes)
    if m >= 60 or h > 24 or (h == 24 and m):
        return None
    return h * 60 + m
