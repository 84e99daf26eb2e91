"""Notify a person on every channel they can be reached on.

A transactional outbox: `notify()` writes the messages in the caller's transaction, so a status
change and the news of it commit (or roll back) together — the in-app copy is there at once, and
no SMS is lost if the process dies right after the commit. The SMS/e-mail copies are sent by
Celery: `send_pending_notifications` runs every few seconds (beat), and where
YIWANG_NOTIFY_KICK_ON_COMMIT is on, each notifying transaction also kicks a send right after it
commits (immediate SMS, at the price of one broker message per transaction).
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from yiwang.core.background import enqueue_on_commit
from yiwang.core.crypto import mask_phone
from yiwang.notifications.backends import SmsRejected, email_backend, sms_backend
from yiwang.notifications.models import DeliveryState, Notification, NotificationChannel


def build_notifications(*, recipient, topic: str, title: str, body: str, link: str = "", obj=None) -> list[Notification]:
    """The in-app copy and, where the recipient has a phone / e-mail, the SMS / e-mail copies —
    not yet saved (for writers that insert rows in bulk; then call `after_outbound_saved()`)."""
    object_type = obj._meta.label_lower if obj is not None else ""
    object_id = str(obj.pk) if obj is not None else ""
    common = {"recipient": recipient, "topic": topic, "title": title, "body": body, "link": link,
              "object_type": object_type, "object_id": object_id}
    rows = [Notification(channel=NotificationChannel.IN_APP, state=DeliveryState.SENT, sent_at=timezone.now(), **common)]
    if getattr(recipient, "phone", ""):
        rows.append(Notification(channel=NotificationChannel.SMS, **common))
    if getattr(recipient, "email", ""):
        rows.append(Notification(channel=NotificationChannel.EMAIL, **common))
    return rows


def after_outbound_saved(rows: list[Notification]) -> None:
    """Kick the sender once the transaction commits (if configured; else the sweeper sends)."""
    if any(n.channel != NotificationChannel.IN_APP for n in rows) and getattr(settings, "YIWANG_NOTIFY_KICK_ON_COMMIT", True):
        enqueue_on_commit("yiwang.notifications.tasks.send_pending_notifications")


def save_notifications(rows: list[Notification]) -> list[Notification]:
    """Write built messages in the caller's transaction; SMS/e-mail copies go out after commit."""
    created = Notification.objects.bulk_create(rows)
    after_outbound_saved(created)
    return created


def notify(*, recipient, topic: str, title: str, body: str, link: str = "", obj=None) -> list[Notification]:
    return save_notifications(build_notifications(recipient=recipient, topic=topic, title=title, body=body, link=link,
                                                  obj=obj))


_CODE_TEXT = {
    "password_reset": "您正在找回一网通办账户密码，验证码 {code}，10 分钟内有效。如非本人操作，请忽略并勿将验证码告诉他人。",
    "phone_confirm": "您正在确认一网通办账户的手机号，验证码 {code}，10 分钟内有效。请勿将验证码告诉他人。",
    "phone_change": "您正在将一网通办账户的手机号更换为本号码，验证码 {code}，10 分钟内有效。如非本人操作，请忽略。",
}


def verification_code_send(*, user, code: str, purpose: str, phone: str = "") -> Notification | None:
    """The `accounts.send_code` hook: one SMS (no in-app or e-mail copy) with the code, through the
    outbox, so it leaves after the code row commits and is retried if the gateway is busy. The body
    is encrypted at rest like every notification body. `phone` addresses a number that is not yet
    the account's (a phone change)."""
    if not (phone or getattr(user, "phone", "")):
        return None
    row = Notification(recipient=user, channel=NotificationChannel.SMS, topic=f"accounts.{purpose}",
                       title="验证码", body=_CODE_TEXT.get(purpose, "验证码 {code}，10 分钟内有效。").format(code=code),
                       object_type="accounts.user", object_id=str(user.pk), address=phone)
    return save_notifications([row])[0]


def phone_changed_notify(*, user, old_phone: str) -> list[Notification]:
    """The `accounts.phone_changed` hook: the inbox and the old number learn that the account's
    phone was changed, with the new one masked, and what to do if it was not them."""
    body = (f"您的一网通办账户手机号已于 {timezone.localtime():%Y-%m-%d %H:%M} 更换为 {mask_phone(user.phone)}。"
            "如非本人操作，请立即拨打 12345 或到政务服务中心窗口处理。")
    rows = [Notification(recipient=user, channel=NotificationChannel.IN_APP, topic="accounts.phone_changed",
                         title="手机号已更换", body=body, object_type="accounts.user", object_id=str(user.pk))]
    if old_phone:
        rows.append(Notification(recipient=user, channel=NotificationChannel.SMS, topic="accounts.phone_changed",
                                 title="手机号已更换", body=body, object_type="accounts.user", object_id=str(user.pk),
                                 address=old_phone))
    return save_notifications(rows)


def pending_notification_ids(*, limit: int = 500) -> list[int]:
    """Outbound messages still to send (the sweeper's work list), oldest first."""
    return list(Notification.objects.filter(state=DeliveryState.PENDING).exclude(channel=NotificationChannel.IN_APP)
                .order_by("id").values_list("pk", flat=True)[:limit])


def notification_send(*, notification_id: int) -> Notification:
    """Send one SMS/e-mail copy. Idempotent: a row already sent is not sent again, and the gateway
    gets the row's stable message id, so if this process dies after the gateway accepted and
    before the commit, the retry is recognised by the gateway and not delivered twice.

    The row is `sent` only when a delivering backend accepted it; a log-only backend (demo,
    development) leaves it `logged`. A temporary gateway error is recorded on the row (it stays
    pending until its attempts run out) and re-raised; a permanent refusal fails it at once."""
    failure = None
    with transaction.atomic():
        n = Notification.objects.select_for_update().select_related("recipient").get(pk=notification_id)
        if n.state != DeliveryState.PENDING:
            return n
        n.attempts += 1
        try:
            if n.channel == NotificationChannel.SMS:
                backend = sms_backend()
                backend.send(message_id=n.message_id, phone=n.address or n.recipient.phone,
                             text=f"【一网通办】{n.title}：{n.body}")
            else:
                backend = email_backend()
                backend.send(address=n.recipient.email, subject=n.title, text=n.body)
            delivered = getattr(backend, "delivers", False) and not (
                n.channel == NotificationChannel.EMAIL and email_is_log_only())
            n.state = DeliveryState.SENT if delivered else DeliveryState.LOGGED
            n.sent_at, n.error = timezone.now(), ""
        except SmsRejected as exc:
            n.state, n.error = DeliveryState.FAILED, str(exc)[:300]
        except Exception as exc:  # the gateway is outside the project: record, keep, retry later
            failure = exc
            n.error = str(exc)[:300]
            if n.attempts >= 5:
                n.state = DeliveryState.FAILED
        n.save(update_fields=["attempts", "state", "sent_at", "error", "updated_at"])
    if failure is not None:
        raise failure
    return n


def email_is_log_only() -> bool:
    """Django's console/dummy e-mail backends deliver nothing."""
    return settings.EMAIL_BACKEND.rsplit(".", 2)[-2:][0] in {"console", "dummy"}


def notification_mark_read(*, recipient, notification_ids: list[int]) -> int:
    return Notification.objects.filter(recipient=recipient, pk__in=notification_ids, read_at__isnull=True).update(
        read_at=timezone.now())
