from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from yiwang.accounts.services import login_attempts_prune


@shared_task
def prune_login_attempts() -> int:
    days = int(getattr(settings, "YIWANG_LOGIN_RECORD_RETENTION_DAYS", 180))
    return login_attempts_prune(before=timezone.now() - timedelta(days=days))
