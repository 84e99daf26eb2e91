from django.contrib import admin

from yiwang.core.models import AuditBlock, AuditEvent


class ReadOnlyAdmin(admin.ModelAdmin):
    """Append-only records: visible to administrators, never editable through the admin."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ("id", "occurred_at", "actor_label", "action", "object_type", "object_id", "block")
    list_filter = ("action", "object_type")
    search_fields = ("action", "object_type", "object_id", "actor_label")
    date_hierarchy = "occurred_at"


@admin.register(AuditBlock)
class AuditBlockAdmin(ReadOnlyAdmin):
    list_display = ("sequence", "sealed_at", "event_count", "first_event_id", "last_event_id", "block_hash")
