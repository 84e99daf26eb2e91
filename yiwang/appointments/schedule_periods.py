"""Opening periods of a schedule ("09:00-12:00") and the slot times inside them. Pure."""

from __future__ import annotations

import re
import unicodedata
from datetime import time

from yiwang.appointments.constants import ErrorCode
from yiwang.core.errors import FieldError

_PERIOD = re.compile(r"^\s*([01]?\d|2[0-3])[:：]([0-5]\d)\s*[-–—~～至到]\s*([01]?\d|2[0-3])[:：]([0-5]\d)\s*$")
EARLIEST = time(7, 0)
LATEST = time(22, 0)
MAX_PERIODS = 6


def _minutes(t: time) -> int:
    return t.hour * 60 + t.minute


def parse_periods(text: str | list, *, field: str) -> tuple[list[tuple[time, time]], list[FieldError]]:
    """"09:00-12:00, 13:00-17:00" (or a list of such strings) → sorted, non-overlapping periods
    within 07:00–22:00, with every problem reported at once."""
    if isinstance(text, list | tuple):
        parts = [unicodedata.normalize("NFKC", str(p)) for p in text]
    else:
        parts = [p for p in re.split(r"[,;、\n]+", unicodedata.normalize("NFKC", text or "").strip()) if p.strip()]
    periods, errors = [], []
    if len(parts) > MAX_PERIODS:
        errors.append(FieldError(field, ErrorCode.PERIODS_INVALID, f"时段最多 {MAX_PERIODS} 个，当前为 {len(parts)} 个。"))
        return [], errors
    for part in parts:
        m = _PERIOD.match(part)
        if not m:
            errors.append(FieldError(field, ErrorCode.PERIODS_INVALID,
                                     f"时段“{part.strip()[:20]}”格式不正确，应写作 09:00-12:00，多个时段用逗号分隔。"))
            continue
        start, end = time(int(m[1]), int(m[2])), time(int(m[3]), int(m[4]))
        if start >= end:
            errors.append(FieldError(field, ErrorCode.PERIODS_INVALID, f"时段 {part.strip()} 的结束时间应晚于开始时间。"))
        elif start < EARLIEST or end > LATEST:
            errors.append(FieldError(field, ErrorCode.PERIODS_INVALID, f"时段 {part.strip()} 应在 07:00 至 22:00 之间。"))
        else:
            periods.append((start, end))
    periods.sort()
    for (s1, e1), (s2, e2) in zip(periods, periods[1:], strict=False):
        if s2 < e1:
            errors.append(FieldError(field, ErrorCode.PERIODS_INVALID,
                                     f"时段 {s1:%H:%M}-{e1:%H:%M} 与 {s2:%H:%M}-{e2:%H:%M} 重叠，请分开填写。"))
    return periods, errors


def overlaps(a: list[tuple[time, time]], b: list[tuple[time, time]]) -> list[tuple[tuple[time, time], tuple[time, time]]]:
    return [(p, q) for p in a for q in b if p[0] < q[1] and q[0] < p[1]]


def format_periods(periods: list) -> str:
    return "，".join(f"{s}-{e}" if isinstance(s, str) else f"{s:%H:%M}-{e:%H:%M}" for s, e in periods)


def as_stored(periods: list[tuple[time, time]]) -> list[list[str]]:
    return [[f"{s:%H:%M}", f"{e:%H:%M}"] for s, e in periods]


def from_stored(rows: list) -> list[tuple[time, time]]:
    return [(time.fromisoformat(s), time.fromisoformat(e)) for s, e in rows or []]


def slot_times(periods: list[tuple[time, time]], slot_minutes: int) -> list[tuple[time, time]]:
    """Consecutive slots of `slot_minutes` inside each period; a remainder too short for a slot
    is left out (a 09:00-11:50 period in 30-minute slots ends with 11:00-11:30)."""
    out = []
    for start, end in periods:
        m, last = _minutes(start), _minutes(end)
        while m + slot_minutes <= last:
            out.append((time(m // 60, m % 60), time((m + slot_minutes) // 60, (m + slot_minutes) % 60)))
            m += slot_minutes
    return out
