from celery import shared_task

from yiwang.notifications.services import notification_send


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def send_notifications(notification_ids: list[int]) -> int:
    for pk in notification_ids:
        notification_send(notification_id=pk)
    return len(notification_ids)
