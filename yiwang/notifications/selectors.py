from django.db.models import QuerySet

from yiwang.notifications.models import Notification, NotificationChannel


def inbox_of(user, *, unread_only: bool = False) -> QuerySet[Notification]:
    """The person's in-app messages, newest first (only the unread ones if asked)."""
    qs = Notification.objects.filter(recipient=user, channel=NotificationChannel.IN_APP).order_by("-created_at", "-id")
    return qs.filter(read_at__isnull=True) if unread_only else qs


def unread_ids_of(user) -> list[int]:
    """Ids of the person's unread in-app messages ("mark all as read")."""
    return list(inbox_of(user, unread_only=True).values_list("pk", flat=True))


def inbox_message(user, notification_id: int) -> Notification | None:
    """One of the person's own in-app messages; None when it is missing or someone else's."""
    return inbox_of(user).filter(pk=notification_id).first()


def unread_count(user) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return inbox_of(user, unread_only=True).count()
