"""Who is called next: the order of a hall's waiting tickets. Pure (no database, no clock).

Three tiers (constants.QueueTier):
0. 绿色通道: the elderly, disabled, pregnant, soldiers, firefighters, medical staff and key projects
   (seed 001 §11, §25, §27), first come first served among themselves;
1. checked-in bookings from their booked time, and ordinary tickets that have waited
   `promote_after` (so nobody drifts towards the 1-hour limit of seed 002 behind a stream of
   priority tickets), each from the moment it earned the tier;
2. ordinary tickets (and bookings that arrived before their time), first come first served.
Ties keep the ticket sequence, so two tickets never compare equal.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import NamedTuple

from yiwang.appointments.constants import QueueTier


class OrderKey(NamedTuple):
    tier: int
    since: datetime  # when the ticket earned its tier
    sequence: int


def order_key(*, priority_reason: str, taken_at: datetime, sequence: int, now: datetime,
              promote_after: timedelta, booked_start: datetime | None = None) -> OrderKey:
    if priority_reason:
        return OrderKey(QueueTier.GREEN_CHANNEL, taken_at, sequence)
    candidates = []
    if booked_start is not None and now >= booked_start:
        candidates.append(max(booked_start, taken_at))
    if now >= taken_at + promote_after:
        candidates.append(taken_at + promote_after)
    if candidates:
        return OrderKey(QueueTier.APPOINTMENT, min(candidates), sequence)
    return OrderKey(QueueTier.ORDINARY, taken_at, sequence)
