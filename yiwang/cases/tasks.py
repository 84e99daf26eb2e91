"""Thin Celery tasks: ids in, one service call."""

from celery import shared_task
from django.utils import timezone


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def notify_case_applicant(*, case_id: int, topic: str, title: str, body: str) -> int:
    from yiwang.cases.models import Case
    from yiwang.notifications.services import notify

    case = Case.objects.select_related("applicant").get(pk=case_id)
    return len(notify(recipient=case.applicant, topic=topic, title=title, body=body,
                      link=f"/cases/mine/{case.pk}/", obj=case))


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def notify_user(*, user_id: int, topic: str, title: str, body: str, object_type: str = "", object_id: int | str = "") -> int:
    from django.contrib.auth import get_user_model

    from yiwang.notifications.services import notify

    user = get_user_model().objects.get(pk=user_id)
    rows = notify(recipient=user, topic=topic, title=title, body=body)
    return len(rows)


@shared_task
def run_monitoring_task(day: str | None = None) -> dict:
    """Daily (Celery beat) — and on demand for a given day."""
    import datetime as dt

    from yiwang.cases.services.monitoring import run_monitoring

    report = run_monitoring(today=dt.date.fromisoformat(day) if day else timezone.localdate())
    return {"day": str(report.day), "deemed_accepted": len(report.deemed_accepted),
            "deferrals_lapsed": len(report.deferrals_lapsed), "colours_changed": report.colours_changed,
            "warnings_raised": len(report.warnings_raised)}
