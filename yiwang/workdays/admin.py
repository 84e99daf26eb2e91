"""Django admin: read-only listings. Changes go through the calendar pages (/calendar/admin/),
which validate and audit them; editing rows here would bypass both."""

from django.contrib import admin

from yiwang.core.admin import ReadOnlyAdmin
from yiwang.workdays.models import CalendarDay, CalendarRevision, CalendarYear


class CalendarDayInline(admin.TabularInline):
    model = CalendarDay
    fields = ("day", "kind", "name")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(CalendarYear)
class CalendarYearAdmin(ReadOnlyAdmin):
    list_display = ("year", "source", "basis", "entered_by", "correction_count", "updated_at")
    list_filter = ("source",)
    inlines = [CalendarDayInline]


@admin.register(CalendarDay)
class CalendarDayAdmin(ReadOnlyAdmin):
    list_display = ("day", "kind", "name", "calendar_year")
    list_filter = ("kind", "calendar_year__year")
    search_fields = ("name",)
    date_hierarchy = "day"


@admin.register(CalendarRevision)
class CalendarRevisionAdmin(ReadOnlyAdmin):
    list_display = ("number", "changed_at")
