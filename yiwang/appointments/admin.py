"""Admin: read-mostly views for administrators. Changes that have rules (capacity, closing a slot,
bookings, tickets) go through the staff pages and services, so the admin shows those tables read-only."""

from django.contrib import admin

from yiwang.appointments.models import (
    AssistanceRequest,
    Booking,
    Hall,
    KeyProject,
    QueueTicket,
    Slot,
    SlotSchedule,
    Window,
    WindowGroup,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Hall)
class HallAdmin(admin.ModelAdmin):
    list_display = ("organisation", "code", "horizon_days", "is_active")
    list_filter = ("is_active",)
    fields = ("code", "horizon_days", "is_active", "notice")
    search_fields = ("code", "organisation__name")

    def has_add_permission(self, request):
        return False  # opened through the hall manager's page (services.hall_open)


@admin.register(WindowGroup)
class WindowGroupAdmin(ReadOnlyAdmin):
    list_display = ("name", "organisation", "kind", "ticket_prefix", "is_active")
    list_filter = ("kind",)


@admin.register(Window)
class WindowAdmin(ReadOnlyAdmin):
    list_display = ("name", "organisation", "is_active")


@admin.register(SlotSchedule)
class SlotScheduleAdmin(ReadOnlyAdmin):
    list_display = ("name", "organisation", "window_group", "capacity", "slot_minutes", "valid_from", "is_active")


@admin.register(Slot)
class SlotAdmin(ReadOnlyAdmin):
    list_display = ("starts_at", "organisation", "window_group", "kind", "booked", "capacity", "is_open")
    list_filter = ("kind", "is_open")
    date_hierarchy = "service_date"


@admin.register(Booking)
class BookingAdmin(ReadOnlyAdmin):
    list_display = ("pk", "item_name", "organisation", "status", "channel", "created_at")
    list_filter = ("status", "channel")
    exclude = ("code", "code_index")  # the check-in code is its owner's


@admin.register(QueueTicket)
class QueueTicketAdmin(ReadOnlyAdmin):
    list_display = ("number", "service_date", "organisation", "window_group", "status", "priority_reason",
                    "wait_to_service_seconds")
    list_filter = ("status", "priority_reason")
    date_hierarchy = "service_date"


@admin.register(AssistanceRequest)
class AssistanceRequestAdmin(ReadOnlyAdmin):
    list_display = ("pk", "kind", "ground", "organisation", "status", "assignee", "rating", "created_at")
    list_filter = ("kind", "status", "rating")
    exclude = ("contact_phone", "address")


@admin.register(KeyProject)
class KeyProjectAdmin(ReadOnlyAdmin):
    list_display = ("name", "level", "enterprise_name", "coordinator", "stage", "next_follow_up_on")
    list_filter = ("level", "stage")
    exclude = ("contact_phone",)
