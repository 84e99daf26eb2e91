from django.db.models import QuerySet

from yiwang.notifications.models import Notification, NotificationChannel


def inbox_of(user) -> QuerySet[Notification]:
    """The person's in-app messages, newest first."""
    return Notification.objects.filter(recipient=user, channel=NotificationChannel.IN_APP).order_by("-created_at", "-id")


def unread_count(user) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return inbox_of(user).filter(read_at__isnull=True).count()
