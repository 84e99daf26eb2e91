from django.urls import path

from yiwang.notifications.pages import inbox

app_name = "notifications"
urlpatterns = [
    path("", inbox.inbox, name="inbox"),
    path("read/", inbox.mark_read, name="mark_read"),
    path("<int:notification_id>/open/", inbox.open_message, name="open"),
]
