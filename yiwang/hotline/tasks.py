"""Thin Celery tasks of the hotline."""

from celery import shared_task


@shared_task(name="yiwang.hotline.tasks.run_escalation_task")
def run_escalation_task() -> int:
    """Hourly and idempotent: the rule-driven reminders, supervision and bulletins of the day."""
    from yiwang.hotline.services import run_escalation

    return run_escalation()
