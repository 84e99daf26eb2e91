from celery import shared_task

from yiwang.core.audit import seal_events


@shared_task
def seal_audit_events() -> int:
    return len(seal_events())
