from django.contrib import admin

from yiwang.notifications.models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("created_at", "recipient", "channel", "topic", "title", "state", "read_at")
    list_filter = ("channel", "state", "topic")
    raw_id_fields = ("recipient",)
