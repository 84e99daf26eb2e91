"""The time rules of a booking. Pure (no database, no clock): every function takes `now`.

- No-shows (爽约): NO_SHOW_THRESHOLD no-shows within any NO_SHOW_WINDOW_DAYS bar booking for
  NO_SHOW_BAR_DAYS after the no-show that reached the threshold (3 in 90 days → 30 days by default;
  local practice, configurable). Stateless: a later no-show that again makes the threshold within
  the window bars again from its own date, so the bar only ever lengthens with more no-shows.
- Change and cancel until CHANGE_CUTOFF_MINUTES before the slot; check-in from
  CHECK_IN_EARLY_MINUTES before its start until CHECK_IN_LATE_MINUTES after it; a booking not
  checked in by then is a no-show.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from yiwang.appointments.constants import Rules


def barred_until(no_shows: Iterable[datetime], *, now: datetime, rules: Rules) -> datetime | None:
    """When the person may book again, or None if they may book now."""
    times = sorted(no_shows)
    window = timedelta(days=rules.NO_SHOW_WINDOW_DAYS)
    bar = timedelta(days=rules.NO_SHOW_BAR_DAYS)
    threshold = max(1, rules.NO_SHOW_THRESHOLD)
    until = None
    first = 0
    for i, t in enumerate(times):
        while times[first] <= t - window:
            first += 1
        if i - first + 1 >= threshold:
            until = t + bar
    return until if until is not None and until > now else None


def lookback_days(rules: Rules) -> int:
    """How far back no-shows can matter to a bar in force today."""
    return rules.NO_SHOW_WINDOW_DAYS + rules.NO_SHOW_BAR_DAYS


def can_still_book(*, starts_at: datetime, now: datetime, rules: Rules) -> bool:
    return now <= starts_at - timedelta(minutes=rules.BOOK_AHEAD_MINUTES)


def can_still_change(*, starts_at: datetime, now: datetime, rules: Rules) -> bool:
    return now <= starts_at - timedelta(minutes=rules.CHANGE_CUTOFF_MINUTES)


def check_in_opens(starts_at: datetime, rules: Rules) -> datetime:
    return starts_at - timedelta(minutes=rules.CHECK_IN_EARLY_MINUTES)


def check_in_closes(starts_at: datetime, rules: Rules) -> datetime:
    """Also the moment an unchecked booking becomes a no-show."""
    return starts_at + timedelta(minutes=rules.CHECK_IN_LATE_MINUTES)
