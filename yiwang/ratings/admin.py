"""The admin shows ratings and their loop read-only: nobody — not an administrator — enters,
changes or deletes a citizen's rating here (STANDARDS §4). Steps of the loop happen on the
ratings pages through the services; the only admin action is re-sending a failed provincial
upload, which goes through its service."""

from django.contrib import admin, messages

from yiwang.core.errors import DomainError
from yiwang.ratings.models import (
    ChannelSystem,
    ProvincialUpload,
    Rating,
    RatingAppeal,
    RatingInvitation,
    Rectification,
    RectificationEvent,
)
from yiwang.ratings.services import provincial_upload_retry


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Rating)
class RatingAdmin(ReadOnly):
    list_display = ("case_number", "stage", "level", "channel", "agency", "rated_at", "counts_in_statistics")
    list_filter = ("level", "channel", "stage", "counts_in_statistics")
    search_fields = ("case_number", "item_name")
    date_hierarchy = "rated_at"
    # The rater's identity stays out of the list (rater identity is protected).
    exclude = ("rater",)


class EventInline(admin.TabularInline):
    model = RectificationEvent
    extra = 0
    can_delete = False
    fields = ("occurred_at", "action", "from_status", "to_status", "actor_label", "note")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Rectification)
class RectificationAdmin(ReadOnly):
    list_display = ("id", "unit", "status", "opened_on", "due_on", "result_on", "overdue_on")
    list_filter = ("status",)
    inlines = [EventInline]


@admin.register(RatingAppeal)
class RatingAppealAdmin(ReadOnly):
    list_display = ("id", "unit", "ground", "status", "filed_on", "decided_at")
    list_filter = ("status", "ground")


@admin.register(RatingInvitation)
class RatingInvitationAdmin(ReadOnly):
    list_display = ("case", "delivered_on", "created_at")


@admin.register(ChannelSystem)
class ChannelSystemAdmin(ReadOnly):
    list_display = ("name", "channel", "outlet", "account", "is_active")


@admin.action(description="重新上报所选的失败记录")
def retry_uploads(modeladmin, request, queryset):
    for upload in queryset:
        try:
            provincial_upload_retry(actor=request.user, upload=upload)
        except DomainError as exc:
            messages.error(request, f"#{upload.pk}：{exc.message}")


@admin.register(ProvincialUpload)
class ProvincialUploadAdmin(ReadOnly):
    list_display = ("rating", "state", "revision", "sent_revision", "attempts", "next_attempt_at", "last_error")
    list_filter = ("state",)
    actions = [retry_uploads]
