"""Signals of the working-day calendar.

`calendar_year_published(sender=CalendarYear, year=int, correction=bool)` is sent after the
transaction that entered or corrected a year has committed (never for a write that rolled back).
Receivers run in the web request that saved the year, so they must be quick: schedule work, do
not do it. Heavy recomputation belongs in a recomputer registered with
yiwang.workdays.provisional.register_provisional_recomputer, which runs in a Celery task.
"""

from django.dispatch import Signal

calendar_year_published = Signal()
