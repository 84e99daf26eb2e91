"""Thin Celery tasks (beat entries in config/settings/base.py)."""

from celery import shared_task


@shared_task
def flag_overdue_rectifications(day: str | None = None) -> int:
    """Hourly: flag rectifications past their due date (idempotent)."""
    import datetime as dt

    from yiwang.ratings.services import rectifications_mark_overdue

    return rectifications_mark_overdue(today=dt.date.fromisoformat(day) if day else None)


@shared_task
def upload_to_province() -> dict:
    """Every five minutes: send the due records to the provincial system (idempotent, retried)."""
    from yiwang.ratings.services import provincial_upload_run

    report = provincial_upload_run()
    return {"sent": len(report.sent), "retrying": len(report.retrying), "failed": len(report.failed),
            "skipped": report.skipped}
