"""Time limits on the working-day calendar (reads): due dates, working-day counts, provisional dates.

Public API — every date is a `datetime.date` (a `datetime` is refused: convert with
`timezone.localdate(value)` first, so a case accepted at 01:00 Beijing time is not counted from
the UTC day before):

    due_date(start, days, unit="working", *, roll_forward=False) -> DueDate
        The time limit's last day. unit="working": the `days`-th working day after `start`
        (行政许可法 §82; the start day is not counted; days=0 is `start` itself, 即办).
        unit="natural": `start + days`; it does not move when it falls on a holiday unless
        `roll_forward=True`, which moves it to the next working day (民法典 §203: a period whose
        last day is a statutory holiday ends on the day after the holiday). 0 <= days <= 3650.
    add_working_days(start, days) -> DueDate
        Like due_date(unit="working") but `days` may be negative: the |days|-th working day
        before `start` (the yellow warning N working days before the due date).
    working_days_between(a, b) -> int
        Working days in (a, b]: the start day is not counted, the end day is. Negative when
        b < a (minus the working days in (b, a]). Remaining days when the clock pauses:
        working_days_between(pause_day, due); on resume: add_working_days(resume_day, remaining).
    is_working_day(d) -> bool
    next_working_day(d, *, inclusive=False) -> date
        The first working day after d (or d itself when inclusive and d is a working day).
    is_provisional(a, b=None) -> bool
        True if a day in [a, b] (or a's day) lies in a year whose holidays are not official yet.
    working_days_in_year(year) -> int
    official_years() -> frozenset[int]           years whose holidays are official
    due_dates_batch(pairs, unit="working") -> list[DueDate]
        due_date over many (start, days) pairs with one freshness check (recomputations, reports).
    DueDate(due_date: date, provisional: bool)   a NamedTuple; `due, provisional = due_date(...)`
    invalidate_calendar_index()                  check the revision on the next call (services call it)

These read the database (the first call, then at most once a second): call them from sync code
(in async views wrap them with sync_to_async).

Errors: dates before 2004-01-01 or start dates after 2100-12-31 raise DomainError
`calendar_date_out_of_range`; a negative or too large `days` raises `calendar_days_negative` /
`calendar_days_too_large`; an unknown unit `calendar_unit_invalid` — each names the field.

Provisional dates. A year nobody has entered (2027 until an administrator enters it) is counted
with weekends and the fixed-date holidays (constants.PROVISIONAL_HOLIDAYS); any result that
depends on such a year has `provisional=True`. Intake is never blocked: the consumer stores the
flag and recomputes when the year is published (yiwang.workdays.provisional).

How it is O(1). The index covers every day from 2004-01-01 to 2120-12-31 (~42,700 days) in
lists built once per calendar revision:
    cum[i]              working days in [2004-01-01, day i]          (i = day offset)
    workday_dates[k]    the date of the (k+1)-th working day since 2004-01-01
    next_unofficial[i]  offset of the first day >= i in a non-official year
    limit[i]            working days before next_unofficial[i]
so the N-th working day after `start` is workday_dates[cum[s] + N - 1], it is provisional iff
limit[s] <= cum[s] + N - 1, and working_days_between(a, b) is cum[b] - cum[a]. The DueDate results
for every working day are prebuilt too (one official, one provisional list), so a call allocates
nothing: a few list lookups, ~1 µs in CPython. The lists take ~8 MB per process and ~50 ms to build.

Freshness. Every process keeps its index in memory with the revision (number, changed_at) of
the `CalendarRevision` row it was built from, and compares that with the database at most once
per `settings.WORKDAYS_REVISION_CHECK_SECONDS` (default 1 s) — one indexed single-row query per
second per process, never one per call. We check the database rather than a cache key because
the default cache is per-process memory (LocMem) in the demo and in tests, so a cache key would
not reach the other gunicorn workers or the Celery worker; the database is shared by all. A
calendar write (a few times a year) also invalidates the writer's own process at once and again
when it commits, so the administrator's next page already uses the new year; other processes
follow within a second. An index built inside the transaction that wrote the calendar (before
commit) is marked tentative and revalidated on every call until that transaction ends, so a
rolled-back entry is never kept (this is also what isolates tests, which roll back).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import NamedTuple

from django.conf import settings
from django.db import transaction

from yiwang.core.errors import DomainError
from yiwang.workdays.constants import (
    INDEX_FIRST_DAY,
    INDEX_LAST_DAY,
    INDEX_LAST_YEAR,
    MAX_DAYS,
    MAX_YEAR,
    MIN_YEAR,
    PROVISIONAL_HOLIDAYS,
    DayKind,
)


class DueDate(NamedTuple):
    due_date: date
    provisional: bool


_BASE = INDEX_FIRST_DAY.toordinal()
_LAST_OFFSET = INDEX_LAST_DAY.toordinal() - _BASE
_MAX_START_OFFSET = date(MAX_YEAR, 12, 31).toordinal() - _BASE
_NEVER = 1 << 62  # "no non-official day ahead"
_new_due = tuple.__new__  # builds a DueDate without the Python-level NamedTuple.__new__ (hot path)
_monotonic = time.monotonic
_WORKING = "working"
_NATURAL = "natural"

# Attribute on the database connection naming the outermost atomic block that wrote the calendar
# and has not committed yet (see _has_uncommitted_calendar_write).
_UNCOMMITTED_MARK = "workdays_uncommitted_in"


class _CalendarIndex:
    __slots__ = ("revision", "tentative", "cum", "workday_dates", "next_unofficial", "limit", "unofficial",
                 "working", "official_years", "due_official", "due_provisional")

    def __init__(self, *, revision, tentative, official_years: frozenset[int], exceptions: dict[date, str]):
        self.revision = revision
        self.tentative = tentative
        self.official_years = official_years
        size = _LAST_OFFSET + 1
        working = [False] * size
        unofficial = [False] * size
        first_weekday = INDEX_FIRST_DAY.weekday()
        for year in range(MIN_YEAR, INDEX_LAST_YEAR + 1):
            first = date(year, 1, 1).toordinal() - _BASE
            stop = date(year + 1, 1, 1).toordinal() - _BASE
            official = year in official_years
            for offset in range(first, stop):
                working[offset] = (first_weekday + offset) % 7 < 5
                if not official:
                    unofficial[offset] = True
            if not official:
                for month, day in PROVISIONAL_HOLIDAYS:
                    working[date(year, month, day).toordinal() - _BASE] = False
        for day, kind in exceptions.items():
            offset = day.toordinal() - _BASE
            if 0 <= offset <= _LAST_OFFSET and day.year in official_years:
                working[offset] = kind == DayKind.MAKEUP_WORKDAY

        cum = [0] * size
        workday_dates = []
        count = 0
        fromordinal = date.fromordinal
        for offset in range(size):
            if working[offset]:
                count += 1
                workday_dates.append(fromordinal(_BASE + offset))
            cum[offset] = count

        next_unofficial = [_NEVER] * size
        limit = [_NEVER] * size
        ahead, ahead_limit = _NEVER, _NEVER
        for offset in range(size - 1, -1, -1):
            if unofficial[offset]:
                ahead = offset
                ahead_limit = cum[offset] - working[offset]  # working days strictly before it
            next_unofficial[offset] = ahead
            limit[offset] = ahead_limit

        self.working = working
        self.unofficial = unofficial
        self.cum = cum
        self.workday_dates = workday_dates
        self.next_unofficial = next_unofficial
        self.limit = limit
        # The results themselves, built once: allocating a NamedTuple costs more than the whole
        # lookup, so the hot path returns one of these instead of creating it.
        self.due_official = [DueDate(d, False) for d in workday_dates]
        self.due_provisional = [DueDate(d, True) for d in workday_dates]


_index: _CalendarIndex | None = None
_next_check = 0.0
_lock = threading.Lock()


def invalidate_calendar_index() -> None:
    """Make the next call compare the index with the database (and rebuild it if it changed)."""
    global _next_check
    _next_check = 0.0


def mark_uncommitted_calendar_write() -> None:
    """Called by the services inside the transaction that changes the calendar."""
    connection = transaction.get_connection()
    if connection.atomic_blocks:
        setattr(connection, _UNCOMMITTED_MARK, connection.atomic_blocks[0])
    invalidate_calendar_index()


def _has_uncommitted_calendar_write() -> bool:
    connection = transaction.get_connection()
    block = getattr(connection, _UNCOMMITTED_MARK, None)
    if block is None:
        return False
    if connection.atomic_blocks and connection.atomic_blocks[0] is block:
        return True
    setattr(connection, _UNCOMMITTED_MARK, None)  # that transaction has committed or rolled back
    return False


def _stored_revision() -> tuple[int, datetime | None]:
    from yiwang.workdays.models import CalendarRevision

    row = CalendarRevision.objects.filter(pk=1).values_list("number", "changed_at").first()
    return row or (0, None)


def _load_index(revision, tentative: bool) -> _CalendarIndex:
    from yiwang.workdays.models import CalendarDay, CalendarYear

    official_years = frozenset(CalendarYear.objects.values_list("year", flat=True))
    exceptions = dict(CalendarDay.objects.values_list("day", "kind"))
    return _CalendarIndex(revision=revision, tentative=tentative, official_years=official_years, exceptions=exceptions)


def _fresh_index() -> _CalendarIndex:
    global _index, _next_check
    with _lock:
        tentative = _has_uncommitted_calendar_write()
        revision = _stored_revision()
        index = _index
        if index is None or index.revision != revision or index.tentative != tentative:
            index = _index = _load_index(revision, tentative)
        interval = float(getattr(settings, "WORKDAYS_REVISION_CHECK_SECONDS", 1.0))
        _next_check = 0.0 if tentative else _monotonic() + interval
        return index


def _current_index() -> _CalendarIndex:
    index = _index
    if index is None or _monotonic() >= _next_check:
        index = _fresh_index()
    return index


# ---------------------------------------------------------------------------------------------
# Argument checks: the hot paths test the common case inline and call these only when it fails.

def _range_text() -> str:
    return f"{MIN_YEAR}-01-01 至 {MAX_YEAR}-12-31"


def _as_date(value, field: str) -> date:
    if isinstance(value, datetime) or not isinstance(value, date):
        raise TypeError(f"{field} must be a datetime.date (convert datetimes with timezone.localdate), "
                        f"got {type(value).__name__}")
    return value


def _offset(value, field: str, *, last: int = _MAX_START_OFFSET) -> int:
    value = _as_date(value, field)
    offset = value.toordinal() - _BASE
    if not 0 <= offset <= last:
        raise DomainError(
            f"{field}：日期 {value.isoformat()} 超出工作日历的范围（{_range_text()}），请核对日期。",
            code="calendar_date_out_of_range", field=field,
        )
    return offset


def _check_days(days, field: str = "days", *, allow_negative: bool = False) -> int:
    if isinstance(days, bool) or not isinstance(days, int):
        raise TypeError(f"{field} must be an int, got {type(days).__name__}")
    if days < 0 and not allow_negative:
        raise DomainError(f"{field}：时限天数不能为负数（{days}），请填写 0（即办）或正整数。",
                          code="calendar_days_negative", field=field)
    if abs(days) > MAX_DAYS:
        raise DomainError(f"{field}：时限天数 {days} 过大，最多 {MAX_DAYS} 天，请核对。",
                          code="calendar_days_too_large", field=field)
    return days


def _check_unit(unit) -> str:
    if unit in (_WORKING, _NATURAL):
        return str(unit)
    raise DomainError(f"unit：时限单位“{unit}”无效，请填写 working（工作日）或 natural（自然日）。",
                      code="calendar_unit_invalid", field="unit")


def _beyond_index(field: str) -> DomainError:
    return DomainError(f"{field}：结果超出工作日历的范围（至 {INDEX_LAST_DAY.isoformat()}），请核对日期与天数。",
                       code="calendar_date_out_of_range", field=field)


# ---------------------------------------------------------------------------------------------
# Public reads

def due_date(start: date, days: int, unit: str = _WORKING, *, roll_forward: bool = False) -> DueDate:
    """The last day of a time limit of `days` `unit`s counted from `start` (start not counted)."""
    index = _index
    if index is None or _monotonic() >= _next_check:
        index = _fresh_index()
    if start.__class__ is not date:
        _as_date(start, "start")
    if days.__class__ is not int or not 0 <= days <= MAX_DAYS:
        _check_days(days)
    s = start.toordinal() - _BASE
    if not 0 <= s <= _MAX_START_OFFSET:
        _offset(start, "start")
    if unit == _WORKING:
        if days:
            k = index.cum[s] + days - 1
            return (index.due_provisional if index.limit[s] <= k else index.due_official)[k]
        return _new_due(DueDate, (start, index.unofficial[s]))
    if unit == _NATURAL:
        end = s + days
        if not roll_forward:
            # A natural-day limit does not depend on the holidays, so it is never provisional.
            return _new_due(DueDate, (start + timedelta(days=days), False))
        if index.working[end]:
            return _new_due(DueDate, (start + timedelta(days=days), index.unofficial[end]))
        k = index.cum[end]  # the next working day after `end` is the (cum+1)-th one
        return _new_due(DueDate, (index.workday_dates[k], index.limit[end] <= k))
    _check_unit(unit)
    raise AssertionError("unreachable")


def add_working_days(start: date, days: int) -> DueDate:
    """The `days`-th working day after `start` (before it when `days` < 0); `start` if 0."""
    index = _current_index()
    s = _offset(start, "start")
    _check_days(days, allow_negative=True)
    if days > 0:
        k = index.cum[s] + days - 1
        return DueDate(index.workday_dates[k], index.limit[s] <= k)
    if days == 0:
        return DueDate(start, index.unofficial[s])
    k = index.cum[s] - index.working[s] + days  # working days strictly before start, minus |days|
    if k < 0:
        raise _beyond_index("days")
    due = index.workday_dates[k]
    return DueDate(due, index.next_unofficial[due.toordinal() - _BASE] <= s)


def working_days_between(a: date, b: date) -> int:
    """Working days in (a, b]; negative (minus those in (b, a]) when b < a."""
    index = _current_index()
    return index.cum[_offset(b, "b", last=_LAST_OFFSET)] - index.cum[_offset(a, "a", last=_LAST_OFFSET)]


def is_working_day(d: date) -> bool:
    index = _current_index()
    return index.working[_offset(d, "date", last=_LAST_OFFSET)]


def next_working_day(d: date, *, inclusive: bool = False) -> date:
    """The first working day after `d`; `d` itself if `inclusive` and it is a working day."""
    index = _current_index()
    offset = _offset(d, "date", last=_LAST_OFFSET)
    if inclusive and index.working[offset]:
        return d
    k = index.cum[offset]
    if k >= len(index.workday_dates):
        raise _beyond_index("date")
    return index.workday_dates[k]


def is_provisional(a: date, b: date | None = None) -> bool:
    """True if a day in [a, b] (just `a` when b is None) lies in a year not entered yet."""
    index = _current_index()
    first = _offset(a, "a", last=_LAST_OFFSET)
    last = first if b is None else _offset(b, "b", last=_LAST_OFFSET)
    if last < first:
        first, last = last, first
    return index.next_unofficial[first] <= last


def official_years() -> frozenset[int]:
    """The years whose holidays are official (from the in-memory index)."""
    return _current_index().official_years


def due_dates_batch(pairs: Iterable[tuple[date, int]], unit: str = _WORKING) -> list[DueDate]:
    """due_date(start, days, unit) for every pair, in order, with one freshness check."""
    index = _current_index()
    unit = _check_unit(unit)
    cum, limit, unofficial = index.cum, index.limit, index.unofficial
    due_official, due_provisional = index.due_official, index.due_provisional
    new, cls, base, last_start, max_days, date_cls = _new_due, DueDate, _BASE, _MAX_START_OFFSET, MAX_DAYS, date
    out = []
    append = out.append
    if unit == _NATURAL:
        for start, days in pairs:
            if start.__class__ is not date_cls:
                _as_date(start, "start")
            if days.__class__ is not int or not 0 <= days <= max_days:
                _check_days(days)
            if not 0 <= start.toordinal() - base <= last_start:
                _offset(start, "start")
            append(new(cls, (start + timedelta(days=days), False)))
        return out
    for start, days in pairs:
        if start.__class__ is not date_cls:
            _as_date(start, "start")
        if days.__class__ is not int or not 0 <= days <= max_days:
            _check_days(days)
        s = start.toordinal() - base
        if not 0 <= s <= last_start:
            _offset(start, "start")
        if days:
            k = cum[s] + days - 1
            append((due_provisional if limit[s] <= k else due_official)[k])
        else:
            append(new(cls, (start, unofficial[s])))
    return out


def working_days_in_year(year: int) -> int:
    """How many working days `year` has (provisional for a year not entered yet)."""
    if not MIN_YEAR <= year <= INDEX_LAST_YEAR:
        raise DomainError(f"year：年度 {year} 超出工作日历的范围（{MIN_YEAR}–{MAX_YEAR}）。",
                          code="calendar_year_out_of_range", field="year")
    index = _current_index()
    last = date(year, 12, 31).toordinal() - _BASE
    first = date(year, 1, 1).toordinal() - _BASE
    return index.cum[last] - (index.cum[first - 1] if first else 0)
