"""Admin of the service map: a read view over outlets, their hours, windows and items, with the
maintenance page one click away. Changes go through the staff pages (services.py: validation,
scope, audit, index refresh); the only admin actions — opening and closing outlets to the public
— call the same service."""

from __future__ import annotations

from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html

from yiwang.core.errors import DomainError
from yiwang.orgs.admin import is_administrator
from yiwang.servicemap import access, services
from yiwang.servicemap.models import OpeningException, OpeningPeriod, Outlet, OutletItem, OutletWindow, PopulationPoint


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class PeriodInline(ReadOnlyInline):
    model = OpeningPeriod
    fields = ("slot", "opens_minute", "closes_minute", "is_extended")


class ExceptionInline(ReadOnlyInline):
    model = OpeningException
    fields = ("day", "opens_minute", "closes_minute", "reason")


class WindowInline(ReadOnlyInline):
    model = OutletWindow
    fields = ("kind", "count", "note")


class ItemInline(ReadOnlyInline):
    model = OutletItem
    fields = ("implementation", "mode", "note")
    raw_id_fields = ("implementation",)


@admin.register(Outlet)
class OutletAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "district_code", "operator", "is_active", "is_demo", "maintain")
    list_filter = ("kind", "district_code", "is_active", "is_demo")
    search_fields = ("name", "address")
    list_select_related = ("operator",)
    inlines = [PeriodInline, ExceptionInline, WindowInline, ItemInline]
    actions = ["open_to_public", "close_to_public"]
    readonly_fields = [f.name for f in Outlet._meta.fields]

    def has_module_permission(self, request):
        return is_administrator(request.user) or access.is_outlet_manager(request.user)

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return access.outlets_in_scope(request.user)

    @admin.display(description="维护")
    def maintain(self, obj):
        return format_html('<a href="{}">维护页面</a>', reverse("servicemap:staff_outlet_edit", args=[obj.pk]))

    def _set_active(self, request, queryset, value: bool):
        done = 0
        for outlet in queryset:
            try:
                services.outlet_update(actor=request.user, outlet=outlet, is_active=value)
                done += 1
            except DomainError as failed:
                self.message_user(request, f"{outlet.name}：{failed.message}", messages.ERROR)
        self.message_user(request, f"已更新 {done} 个网点。")

    @admin.action(description="设为对外开放")
    def open_to_public(self, request, queryset):
        self._set_active(request, queryset, True)

    @admin.action(description="停止对外开放")
    def close_to_public(self, request, queryset):
        self._set_active(request, queryset, False)

    def get_actions(self, request):
        # Actions work on change permission; ours check the scope themselves through the service.
        actions = super().get_actions(request)
        return actions if self.has_module_permission(request) else {}


@admin.register(PopulationPoint)
class PopulationPointAdmin(admin.ModelAdmin):
    list_display = ("district_code", "lat", "lng", "population", "is_demo")
    list_filter = ("district_code", "is_demo")
    readonly_fields = ("district_code", "lat", "lng", "population", "is_demo", "source")

    def has_module_permission(self, request):
        return is_administrator(request.user)

    def has_view_permission(self, request, obj=None):
        return is_administrator(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
