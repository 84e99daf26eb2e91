from django.contrib import admin

from yiwang.supervision.models import CreditRecord


@admin.register(CreditRecord)
class CreditRecordAdmin(admin.ModelAdmin):
    list_display = ("subject", "kind", "effective_from", "effective_until", "source_case")
    list_filter = ("kind",)
    raw_id_fields = ("subject", "source_case", "recorded_by")
