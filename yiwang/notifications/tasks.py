import logging

from celery import shared_task

from yiwang.notifications.services import notification_send, pending_notification_ids

logger = logging.getLogger(__name__)


@shared_task
def send_pending_notifications() -> int:
    """The outbox sweeper (Celery beat): send whatever is still pending. A row that fails stays
    pending for the next sweep until its attempts run out."""
    sent = 0
    for pk in pending_notification_ids():
        try:
            notification_send(notification_id=pk)
            sent += 1
        except Exception:  # recorded on the row by notification_send; the next sweep retries
            logger.warning("notification %s not sent this sweep", pk, exc_info=True)
    return sent
