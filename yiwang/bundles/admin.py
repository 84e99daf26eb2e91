"""Django admin for bundles: a maintenance view, read-only. Bundles are defined, reviewed and
published on the editor pages (/bundles/editor/) through the services, never here."""

from django.contrib import admin

from yiwang.bundles.models import Bundle, BundleMember, BundleQuestion, BundleReview, BundleVersion


class ReadOnly:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class MemberInline(ReadOnly, admin.TabularInline):
    model = BundleMember
    fields = ("order", "implementation", "is_lead", "listed_as", "depends_on")
    readonly_fields = fields
    extra = 0


class QuestionInline(ReadOnly, admin.TabularInline):
    model = BundleQuestion
    fields = ("order", "key", "text", "options")
    readonly_fields = fields
    extra = 0


class ReviewInline(ReadOnly, admin.TabularInline):
    model = BundleReview
    fields = ("created_at", "reviewer", "decision", "comment")
    readonly_fields = fields
    extra = 0


@admin.register(Bundle)
class BundleAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ("code", "__str__", "steward", "current_version")
    search_fields = ("code", "versions__name")
    readonly_fields = ("code", "steward", "current_version")


@admin.register(BundleVersion)
class BundleVersionAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ("name", "bundle", "number", "status", "lead_agency", "published_at")
    list_filter = ("status", "stage")
    search_fields = ("name", "bundle__code")
    readonly_fields = ("bundle", "number", "status", "name", "summary", "stage", "life_event", "lead_agency", "separate_elements",
                       "source_reference", "change_note", "created_by", "submitted_by", "submitted_at", "reviewed_by", "reviewed_at",
                       "published_by", "published_at", "superseded_at")
    inlines = [MemberInline, QuestionInline, ReviewInline]
