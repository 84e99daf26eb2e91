"""Django admin for the catalog: a maintenance tool, not the editor (that is /editor/). The status
of a version and its review trail are read-only here — they change only through the services —
and a published or superseded version is read-only altogether, with its children."""

from django.contrib import admin
from django.db import models

from yiwang.catalog.models import (
    FAQ,
    BaseItem,
    DataElement,
    FeeItem,
    FormField,
    ImplementationVersion,
    ItemImplementation,
    LifeEvent,
    LifeStage,
    LifeTheme,
    Material,
    ServicePlace,
    VersionReview,
)

_TRAIL = ("status", "created_by", "submitted_by", "submitted_at", "reviewed_by", "reviewed_at", "published_by",
          "published_at", "superseded_at")


@admin.register(BaseItem)
class BaseItemAdmin(admin.ModelAdmin):
    list_display = ("basic_code", "name", "item_type", "parent", "is_demo")
    list_filter = ("item_type", "is_demo")
    search_fields = ("basic_code", "name")
    raw_id_fields = ("parent",)


class VersionInline(admin.TabularInline):
    model = ImplementationVersion
    fields = ("number", "name", "status", "published_at", "superseded_at", "provenance_note")
    readonly_fields = fields
    extra = 0
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ItemImplementation)
class ItemImplementationAdmin(admin.ModelAdmin):
    list_display = ("implementation_code", "__str__", "agency", "exercise_level", "handling_item_kind", "current_version")
    list_filter = ("exercise_level", "handling_item_kind", "is_demo")
    search_fields = ("implementation_code", "base_item__name", "base_item__basic_code", "agency__name")
    raw_id_fields = ("base_item", "agency")
    readonly_fields = ("current_version",)
    inlines = [VersionInline]


class _FrozenWithVersion:
    """Inline rows are read-only when their version is published or superseded."""

    extra = 0

    def _frozen(self, obj) -> bool:
        return obj is not None and obj.is_frozen

    def has_add_permission(self, request, obj=None):
        return not self._frozen(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not self._frozen(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._frozen(obj) and super().has_delete_permission(request, obj)


class MaterialInline(_FrozenWithVersion, admin.StackedInline):
    model = Material


class FeeItemInline(_FrozenWithVersion, admin.TabularInline):
    model = FeeItem


class FAQInline(_FrozenWithVersion, admin.StackedInline):
    model = FAQ


class ServicePlaceInline(_FrozenWithVersion, admin.TabularInline):
    model = ServicePlace
    raw_id_fields = ("outlet",)


class FormFieldInline(_FrozenWithVersion, admin.TabularInline):
    model = FormField
    raw_id_fields = ("data_element",)


class VersionReviewInline(admin.TabularInline):
    model = VersionReview
    fields = ("created_at", "reviewer", "decision", "comment")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ImplementationVersion)
class ImplementationVersionAdmin(admin.ModelAdmin):
    list_display = ("name", "implementation", "number", "status", "published_at")
    list_filter = ("status", "high_frequency", "commitment_eligible", "deferred_material_eligible", "city_wide")
    search_fields = ("name", "implementation__implementation_code")
    raw_id_fields = ("implementation",)
    filter_horizontal = ("co_agencies",)
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    inlines = [MaterialInline, FeeItemInline, FAQInline, ServicePlaceInline, FormFieldInline, VersionReviewInline]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.is_frozen:
            return [f.name for f in obj._meta.get_fields() if getattr(f, "concrete", False) and not f.auto_created] \
                + ["co_agencies"]
        return [*_TRAIL, "implementation", "number"] if obj is not None else list(_TRAIL)

    def has_delete_permission(self, request, obj=None):
        return (obj is None or not obj.is_frozen) and super().has_delete_permission(request, obj)


@admin.register(VersionReview)
class VersionReviewAdmin(admin.ModelAdmin):
    list_display = ("version", "reviewer", "decision", "created_at")
    list_filter = ("decision",)
    readonly_fields = ("version", "reviewer", "decision", "comment", "created_at")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(DataElement)
class DataElementAdmin(admin.ModelAdmin):
    list_display = ("key", "name", "data_type", "is_personal", "profile_source")
    list_filter = ("data_type", "is_personal")
    search_fields = ("key", "name")


class LifeThemeInline(admin.TabularInline):
    model = LifeTheme
    extra = 0


@admin.register(LifeStage)
class LifeStageAdmin(admin.ModelAdmin):
    list_display = ("subject", "name", "order")
    list_filter = ("subject",)
    inlines = [LifeThemeInline]


@admin.register(LifeTheme)
class LifeThemeAdmin(admin.ModelAdmin):
    list_display = ("name", "stage", "code", "order")
    list_filter = ("stage__subject",)
    search_fields = ("name", "code")


@admin.register(LifeEvent)
class LifeEventAdmin(admin.ModelAdmin):
    list_display = ("name", "theme", "order")
    search_fields = ("name",)
    filter_horizontal = ("implementations",)
