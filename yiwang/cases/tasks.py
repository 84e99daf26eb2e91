"""Thin Celery tasks: ids in, one service call."""

import datetime as dt

from celery import shared_task
from django.utils import timezone

from yiwang.cases.services.lockers import lockers_return_uncollected
from yiwang.cases.services.monitoring import run_monitoring


@shared_task
def run_monitoring_task(day: str | None = None) -> dict:
    """Daily (Celery beat) — and on demand for a given day."""
    report = run_monitoring(today=dt.date.fromisoformat(day) if day else timezone.localdate())
    return {"day": str(report.day), "deemed_accepted": len(report.deemed_accepted),
            "deferrals_lapsed": len(report.deferrals_lapsed), "colours_changed": report.colours_changed,
            "warnings_raised": len(report.warnings_raised)}


@shared_task
def lockers_return_uncollected_task() -> dict:
    """Hourly (Celery beat): results left in a locker past YIWANG_LOCKER_RETURN_DAYS go back to the hall."""
    return {"returned": len(lockers_return_uncollected())}
