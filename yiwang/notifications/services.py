"""Notify a person on every channel they can be reached on; sending happens after commit."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from yiwang.notifications.backends import email_backend, sms_backend
from yiwang.notifications.models import DeliveryState, Notification, NotificationChannel


def notify(*, recipient, topic: str, title: str, body: str, link: str = "", obj=None) -> list[Notification]:
    """Create the in-app message and, where the recipient has a phone / e-mail, the SMS / e-mail
    copies; schedule their sending with Celery once the caller's transaction commits."""
    object_type = obj._meta.label_lower if obj is not None else ""
    object_id = str(obj.pk) if obj is not None else ""
    common = {"recipient": recipient, "topic": topic, "title": title, "body": body, "link": link,
                  "object_type": object_type, "object_id": object_id}
    rows = [Notification(channel=NotificationChannel.IN_APP, state=DeliveryState.SENT, sent_at=timezone.now(), **common)]
    if getattr(recipient, "phone", ""):
        rows.append(Notification(channel=NotificationChannel.SMS, **common))
    if getattr(recipient, "email", ""):
        rows.append(Notification(channel=NotificationChannel.EMAIL, **common))
    created = Notification.objects.bulk_create(rows)
    outbound = [n.pk for n in created if n.channel != NotificationChannel.IN_APP]
    if outbound:
        from yiwang.notifications.tasks import send_notifications

        transaction.on_commit(lambda: send_notifications.delay(outbound))
    return created


def notification_send(*, notification_id: int) -> Notification:
    """Send one SMS/e-mail copy. Idempotent: a row already sent is not sent again."""
    with transaction.atomic():
        n = Notification.objects.select_for_update().select_related("recipient").get(pk=notification_id)
        if n.state != DeliveryState.PENDING:
            return n
        n.attempts += 1
        try:
            if n.channel == NotificationChannel.SMS:
                sms_backend().send(phone=n.recipient.phone, text=f"【一网通办】{n.title}：{n.body}")
            elif n.channel == NotificationChannel.EMAIL:
                email_backend().send(address=n.recipient.email, subject=n.title, text=n.body)
            n.state, n.sent_at, n.error = DeliveryState.SENT, timezone.now(), ""
        except Exception as exc:  # a gateway failure must not lose the message: it stays pending for retry
            n.error = str(exc)[:300]
            if n.attempts >= 5:
                n.state = DeliveryState.FAILED
            n.save(update_fields=["attempts", "state", "error", "updated_at"])
            raise
        n.save(update_fields=["attempts", "state", "sent_at", "error", "updated_at"])
        return n


def notification_mark_read(*, recipient, notification_ids: list[int]) -> int:
    return Notification.objects.filter(recipient=recipient, pk__in=notification_ids, read_at__isnull=True).update(
        read_at=timezone.now())
