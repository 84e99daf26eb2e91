from django.contrib import admin

from yiwang.policies.models import Entitlement, Policy, PolicyMatch


@admin.register(Policy)
class PolicyAdmin(admin.ModelAdmin):
    list_display = ("code", "title", "subject_kind", "kind", "category", "status", "version", "is_demo")
    list_filter = ("status", "subject_kind", "kind", "category", "is_demo")
    search_fields = ("code", "title")
    readonly_fields = ("version", "published_at", "matched_at")


@admin.register(PolicyMatch)
class PolicyMatchAdmin(admin.ModelAdmin):
    list_display = ("policy", "subject_name", "eligible", "policy_version", "matched_at", "notified_at")
    list_filter = ("eligible",)
    search_fields = ("subject_name", "policy__code")
    raw_id_fields = ("policy", "user")


@admin.register(Entitlement)
class EntitlementAdmin(admin.ModelAdmin):
    list_display = ("policy", "subject_name", "amount", "status", "offered_at", "decided_at")
    list_filter = ("status",)
    search_fields = ("subject_name", "policy__code")
    raw_id_fields = ("policy", "user")
