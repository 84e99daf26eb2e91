"""Admin for divisions and the organisation tree. Writes go through orgs.services (validation,
scope check, audit event); non-superuser administrators see and change only their own subtree."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.forms.models import BaseInlineFormSet
from django.utils.html import format_html

from yiwang.core.audit import record_event
from yiwang.orgs import services
from yiwang.orgs.access import can_administer, is_system_or_superuser
from yiwang.orgs.constants import Role
from yiwang.orgs.models import Division, Organisation, RoleGrant
from yiwang.orgs.selectors import has_role, scope_filter


def is_administrator(user) -> bool:
    return bool(user.is_active and (user.is_superuser or has_role(user, Role.ADMINISTRATOR)))


class RoleGrantFormSet(BaseInlineFormSet):
    actor = None  # set per request by RoleGrantInline.get_formset

    def clean(self):
        super().clean()
        for form in self.forms:
            if not hasattr(form, "cleaned_data"):
                continue
            organisations = []
            if form in self.deleted_forms or (form.instance.pk and form.has_changed()):
                organisations.append(RoleGrant.objects.get(pk=form.instance.pk).organisation
                                     if form.instance.pk else None)
            if form not in self.deleted_forms and form.has_changed():
                organisations.append(form.cleaned_data.get("organisation"))
            for organisation in organisations:
                if organisation is not None and not can_administer(self.actor, organisation):
                    form.add_error("organisation" if "organisation" in form.fields else None,
                                   f"无权在“{organisation.name}”授予或撤销角色：需要该机构或其上级机构的“系统管理员”角色。")


class RoleGrantInline(admin.TabularInline):
    """Role grants on the staff account page (accounts.admin.UserAdmin); writes go through
    orgs.services.role_grant / role_revoke there."""

    model = RoleGrant
    fk_name = "user"
    formset = RoleGrantFormSet
    fields = ("organisation", "role", "granted_by", "created_at")
    readonly_fields = ("granted_by", "created_at")
    autocomplete_fields = ("organisation",)
    extra = 0
    verbose_name = "角色授权"
    verbose_name_plural = "角色授权（数据范围为该机构及其下级机构）"

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        return type(formset.__name__, (formset,), {"actor": request.user})

    def has_view_permission(self, request, obj=None):
        return is_administrator(request.user)

    def has_add_permission(self, request, obj=None):
        return is_administrator(request.user)

    def has_change_permission(self, request, obj=None):
        return is_administrator(request.user)

    def has_delete_permission(self, request, obj=None):
        return is_administrator(request.user)


class RoleScopedAdmin(admin.ModelAdmin):
    """Superusers, and holders of the administrator role, may use these pages (the role, not
    Django's per-model permissions, is what the platform grants)."""

    def has_module_permission(self, request):
        return is_administrator(request.user)

    def has_view_permission(self, request, obj=None):
        return is_administrator(request.user)

    def has_add_permission(self, request):
        return is_administrator(request.user)

    def has_change_permission(self, request, obj=None):
        return is_administrator(request.user)

    def has_delete_permission(self, request, obj=None):
        return False  # organisations and divisions are referenced by cases and catalog entries


@admin.register(Division)
class DivisionAdmin(RoleScopedAdmin):
    list_display = ("code", "name", "level", "parent", "is_national_code", "is_demo")
    list_filter = ("level", "is_national_code", "is_demo")
    search_fields = ("code", "name")
    autocomplete_fields = ("parent",)

    def has_add_permission(self, request):
        return is_system_or_superuser(request.user)

    def has_change_permission(self, request, obj=None):
        # Division codes are national data (GB/T 2260) shared by every subtree.
        return is_system_or_superuser(request.user)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        record_event(actor=request.user, action="orgs.division_changed" if change else "orgs.division_created",
                     obj=obj, details={"code": obj.code, "name": obj.name, "fields": sorted(form.changed_data)})


class OrganisationForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ("name", "short_name", "kind", "level", "division", "parent", "uscc", "phone", "address", "is_demo")
        help_texts = {"uscc": "18 位，校验位按 GB 32100 检查。", "parent": "上级机构；在上级机构授予的角色覆盖本机构。"}

    actor = None  # set per request by OrganisationAdmin.get_form

    def clean(self):
        cleaned = super().clean()
        parent = cleaned.get("parent")
        moving = not self.instance.pk or (parent.pk if parent else None) != self.instance.parent_id
        if moving and not can_administer(self.actor, parent):
            self.add_error("parent", "请选择您有“系统管理员”角色的机构（或其下级机构）作为上级机构。")
        errors = services.organisation_errors(
            name=cleaned.get("name", ""), kind=cleaned.get("kind", ""), level=cleaned.get("level", ""),
            division=cleaned.get("division"), uscc=cleaned.get("uscc", ""), short_name=cleaned.get("short_name", ""),
            parent=cleaned.get("parent"), instance=self.instance if self.instance.pk else None,
        )
        if self.instance.pk and parent is not None and parent.path.startswith(self.instance.path):
            self.add_error("parent", "不能把机构移到它自己或它的下级机构之下。")
        for error in errors:
            field = error.field if error.field in self.fields else None
            if field is None or field not in self.errors:
                self.add_error(field, error.message)
        return cleaned

    def _post_clean(self):
        # Skip the model's own validate_unique/full_clean (the service checks sibling names with a
        # message that names the parent); keep the instance construction.
        from django.forms.models import construct_instance

        self.instance = construct_instance(self, self.instance, self._meta.fields, self._meta.exclude)


@admin.register(Organisation)
class OrganisationAdmin(RoleScopedAdmin):
    form = OrganisationForm
    list_display = ("tree_name", "short_name", "kind", "level", "division", "parent", "uscc", "path")
    list_filter = ("kind", "level", "is_demo")
    search_fields = ("name", "short_name", "uscc")
    list_select_related = ("division", "parent")
    autocomplete_fields = ("division", "parent")
    readonly_fields = ("path",)
    ordering = ("path",)
    list_per_page = 100

    @admin.display(description="名称（按层级）", ordering="path")
    def tree_name(self, obj):
        depth = max(obj.path.count("/") - 2, 0)
        return format_html('<span style="padding-left:{}em">{}{}</span>', depth * 1.2, "└ " if depth else "", obj.name)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"actor": request.user})

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if is_system_or_superuser(request.user):
            return queryset
        return queryset.filter(scope_filter(request.user, Role.ADMINISTRATOR))

    def has_change_permission(self, request, obj=None):
        return is_administrator(request.user) and (obj is None or can_administer(request.user, obj))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "parent" and not is_system_or_superuser(request.user):
            kwargs["queryset"] = Organisation.objects.filter(scope_filter(request.user, Role.ADMINISTRATOR))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        data = {f: form.cleaned_data.get(f) for f in ("name", "short_name", "kind", "level", "division", "uscc",
                                                      "phone", "address", "is_demo")}
        # The form ran the same checks, so a DomainError here is a lost race and is let through.
        if not change:
            created = services.organisation_create(actor=request.user, parent=form.cleaned_data.get("parent"), **data)
            obj.pk, obj.path = created.pk, created.path
            obj._state.adding = False
            return
        original = Organisation.objects.get(pk=obj.pk)
        changes = {f: v for f, v in data.items() if getattr(original, f) != v}
        if changes:
            services.organisation_update(actor=request.user, organisation=original, **changes)
        new_parent = form.cleaned_data.get("parent")
        if (new_parent.pk if new_parent else None) != original.parent_id:
            moved = services.organisation_move(actor=request.user, organisation=original, new_parent=new_parent)
            obj.path = moved.path
