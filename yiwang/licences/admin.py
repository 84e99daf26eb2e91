"""Admin: reference data (types, mappings) is editable; licences, keys, verifications and profiles
are read here and changed only through the services (signatures, audit, notifications)."""

from django.contrib import admin

from yiwang.licences.models import IssuerKey, Licence, LicenceType, Profile, ResultMapping, Verification


@admin.register(LicenceType)
class LicenceTypeAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "catalog_code", "defining_authority", "issuing_agency", "validity_rule", "is_active")
    list_filter = ("is_active", "holder_kind", "validity_rule", "code_is_platform")
    search_fields = ("name", "code", "catalog_code")
    readonly_fields = ("code",)


@admin.register(ResultMapping)
class ResultMappingAdmin(admin.ModelAdmin):
    list_display = ("basic_code", "licence_type", "note")
    search_fields = ("basic_code",)


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(IssuerKey)
class IssuerKeyAdmin(ReadOnly):
    list_display = ("key_id", "agency", "status", "created_at", "retired_at")
    exclude = ("private_key",)  # never shown, not even encrypted


@admin.register(Licence)
class LicenceAdmin(ReadOnly):
    list_display = ("name", "identifier", "issuer_name", "issued_on", "status")
    list_filter = ("status", "source", "licence_type")
    search_fields = ("identifier",)
    exclude = ("holder_id", "number", "attributes_json", "holder_id_index", "number_index")


@admin.register(Verification)
class VerificationAdmin(ReadOnly):
    list_display = ("occurred_at", "identifier", "channel", "outcome", "verifier", "verifier_label")
    list_filter = ("channel", "outcome")


@admin.register(Profile)
class ProfileAdmin(ReadOnly):
    list_display = ("name", "kind", "residence_division", "district", "updated_at")
    list_filter = ("kind",)
    exclude = ("subject_id", "subject_id_index")
