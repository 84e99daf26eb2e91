from django.utils.functional import SimpleLazyObject

from yiwang.notifications.selectors import unread_count


def unread_messages(request):
    """The header's "我的消息 (n)"; lazy, so pages that don't show it don't query."""
    return {"unread_message_count": SimpleLazyObject(lambda: unread_count(getattr(request, "user", None)))}
