from django.urls import path

from yiwang.notifications import views

app_name = "notifications"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("read/", views.mark_read, name="mark_read"),
    path("<int:notification_id>/open/", views.open_message, name="open"),
]
