"""Admin for the dispatch catalogue (items, rules, service levels, templates, escalation rules) and
read-mostly views of tickets and visits. Tickets change only through the services (pages, API):
the ticket admin is read-only, and the caller's identity is not listed."""

from django.contrib import admin

from yiwang.hotline.models import (
    CatalogueItem,
    Classification,
    EmergencyReferral,
    EnterpriseAppeal,
    EscalationRule,
    ReplyTemplate,
    RoutingRule,
    ServiceLevel,
    Ticket,
    VisitTarget,
)


@admin.register(Classification)
class ClassificationAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "level", "parent")
    search_fields = ("code", "name")


class RuleInline(admin.TabularInline):
    model = RoutingRule
    extra = 0
    autocomplete_fields = ("primary_unit",)
    raw_id_fields = ("district", "street")
    filter_horizontal = ("co_units",)


class LevelInline(admin.TabularInline):
    model = ServiceLevel
    extra = 0


class TemplateInline(admin.StackedInline):
    model = ReplyTemplate
    extra = 0


@admin.register(CatalogueItem)
class CatalogueItemAdmin(admin.ModelAdmin):
    list_display = ("service_code", "name", "classification", "primary_unit", "functional", "active")
    list_filter = ("functional", "active")
    search_fields = ("service_code", "name", "keywords")
    autocomplete_fields = ("primary_unit",)
    filter_horizontal = ("co_units",)
    inlines = [RuleInline, LevelInline, TemplateInline]


@admin.register(EscalationRule)
class EscalationRuleAdmin(admin.ModelAdmin):
    list_display = ("milestone", "days_over", "kind", "active")


@admin.register(Ticket)
class TicketAdmin(admin.ModelAdmin):
    list_display = ("number", "title", "status", "ticket_type", "urgency", "primary_unit", "received_at", "due_on")
    list_filter = ("status", "ticket_type", "urgency", "channel")
    search_fields = ("number", "title")
    exclude = ("caller_name", "caller_phone", "caller_phone_index", "lookup_code")

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(EmergencyReferral)
class EmergencyReferralAdmin(admin.ModelAdmin):
    list_display = ("created_at", "line", "summary", "agent")

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(VisitTarget)
class VisitTargetAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "district", "leader", "department")
    list_filter = ("kind",)
    search_fields = ("name", "uscc")
    raw_id_fields = ("leader", "liaison", "district", "department")


@admin.register(EnterpriseAppeal)
class EnterpriseAppealAdmin(admin.ModelAdmin):
    list_display = ("ticket", "target", "category", "difficulty", "mode", "stars")
    list_filter = ("category", "mode")

    def has_change_permission(self, request, obj=None):
        return False
