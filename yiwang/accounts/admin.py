"""Admin for accounts. Lists never show a full ID or phone number; the change form shows them
masked and takes a *new* value in a separate box, so an operator can correct a number without
ever seeing it. Every write goes through accounts.services / orgs.services, which validate, keep
ciphertext and blind index together and record audit events."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import ReadOnlyPasswordHashField
from django.db.models import Q
from django.forms.models import construct_instance

from yiwang.accounts import services
from yiwang.accounts.access import can_manage_user, users_visible_to
from yiwang.accounts.constants import ID_NUMBER_PURPOSE, PHONE_PURPOSE, UserKind
from yiwang.accounts.models import ApiToken, LoginAttempt, User
from yiwang.accounts.phones import normalise_phone
from yiwang.core.crypto import blind_index
from yiwang.core.errors import DomainError
from yiwang.core.identifiers import normalise_id_number
from yiwang.orgs import services as org_services
from yiwang.orgs.access import is_system_or_superuser
from yiwang.orgs.admin import RoleGrantInline, is_administrator
from yiwang.orgs.selectors import role_grant_by_id

# Form box for a new value -> the model field it replaces.
_NEW_VALUE_FIELDS = {"new_id_number": "id_number", "new_phone": "phone", "new_legal_rep_id_number": "legal_rep_id_number"}
_FIELD_FOR_ERROR = {v: k for k, v in _NEW_VALUE_FIELDS.items()}


def _apply_errors(form: forms.Form, errors) -> None:
    for error in errors:
        name = _FIELD_FOR_ERROR.get(error.field, error.field)
        name = name if name in form.fields else None
        if name is None or name not in form.errors:
            form.add_error(name, error.message)


class UserChangeAdminForm(forms.ModelForm):
    password = ReadOnlyPasswordHashField(label="密码", help_text="密码只保存 argon2 摘要，无法查看。可用上方“重置密码”修改。")
    new_id_number = forms.CharField(label="新身份证号", required=False, strip=True,
                                    help_text="留空表示不修改。保存时检查校验位与重复。")
    new_phone = forms.CharField(label="新手机号", required=False, strip=True, help_text="留空表示不修改。")
    new_legal_rep_id_number = forms.CharField(label="新法定代表人身份证号", required=False, strip=True,
                                              help_text="留空表示不修改。")

    class Meta:
        model = User
        fields = ("username", "real_name", "email", "org_name", "uscc", "legal_rep_name", "is_active", "is_staff",
                  "is_superuser", "groups", "user_permissions")

    def clean(self):
        cleaned = super().clean()
        errors = services.user_update_errors(user=self.instance, changes=self.service_changes())
        _apply_errors(self, errors)
        return cleaned

    def service_changes(self) -> dict:
        changes = {}
        for name in self.changed_data:
            if name in _NEW_VALUE_FIELDS:
                if self.cleaned_data.get(name):
                    changes[_NEW_VALUE_FIELDS[name]] = self.cleaned_data[name]
            elif name in services.USER_UPDATABLE_FIELDS and name in self.cleaned_data:
                changes[name] = self.cleaned_data[name]
        return changes

    def _post_clean(self):
        # The service validates (with messages naming the field and the fix); the model's own
        # unique checks would repeat them in other words.
        self.instance = construct_instance(self, self.instance, self._meta.fields, self._meta.exclude)


class StaffAddAdminForm(forms.ModelForm):
    """New accounts made in the admin are staff accounts; citizens and enterprises register."""

    password1 = forms.CharField(label="密码", strip=False, required=False, widget=forms.PasswordInput(
        attrs={"autocomplete": "new-password"}), help_text="至少 8 个字符，不能全是数字，不要用常见密码。")
    password2 = forms.CharField(label="再次输入密码", strip=False, required=False, widget=forms.PasswordInput(
        attrs={"autocomplete": "new-password"}))
    id_number = forms.CharField(label="居民身份证号码（选填）", required=False)
    phone = forms.CharField(label="手机号码（选填）", required=False)

    class Meta:
        model = User
        fields = ("username", "real_name", "email")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("password1") != cleaned.get("password2"):
            self.add_error("password2", "两次输入的密码不一致。")
        errors = services.staff_account_errors(
            username=cleaned.get("username", ""), real_name=cleaned.get("real_name", ""),
            password=cleaned.get("password1", ""), id_number=cleaned.get("id_number", ""),
            phone=cleaned.get("phone", ""))
        for error in errors:
            name = {"password": "password1"}.get(error.field, error.field)
            name = name if name in self.fields else None
            if name is None or name not in self.errors:
                self.add_error(name, error.message)
        return cleaned

    def _post_clean(self):
        self.instance = construct_instance(self, self.instance, self._meta.fields, self._meta.exclude)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = UserChangeAdminForm
    add_form = StaffAddAdminForm
    list_display = ("username", "display_name", "kind", "masked_id_number", "masked_phone", "uscc", "is_active",
                    "is_staff", "date_joined")
    list_filter = ("kind", "is_active", "is_staff", "is_superuser")
    search_fields = ("username", "real_name", "org_name", "uscc")
    ordering = ("-date_joined",)
    filter_horizontal = ("groups", "user_permissions")
    inlines = [RoleGrantInline]
    actions = ["clear_login_lock"]
    readonly_fields = ("kind", "masked_id_number", "masked_phone", "masked_legal_rep_id_number", "lock_status",
                       "last_login", "date_joined")
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "real_name", "password1", "password2", "id_number",
                                                 "phone", "email")}),
    )

    @admin.display(description="身份证号")
    def masked_id_number(self, obj):
        return obj.masked_id_number or "—"

    @admin.display(description="手机号")
    def masked_phone(self, obj):
        return obj.masked_phone or "—"

    @admin.display(description="法定代表人身份证号")
    def masked_legal_rep_id_number(self, obj):
        return obj.masked_legal_rep_id_number or "—"

    @admin.display(description="登录锁定")
    def lock_status(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        state = services.lockout_state(user=obj)
        if state.locked_until:
            return f"已锁定，至 {state.locked_until.astimezone():%Y-%m-%d %H:%M}（可用“解除登录锁定”操作）"
        return f"未锁定（当前连续失败 {state.failures} 次）"

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return self.add_fieldsets
        fieldsets = [
            ("账户", {"fields": ("username", "password", "kind", "is_active", "lock_status")}),
            ("个人身份", {"fields": ("real_name", "masked_id_number", "new_id_number", "masked_phone", "new_phone",
                                 "email")}),
        ]
        if obj.kind == UserKind.ENTERPRISE:
            fieldsets.append(("企业", {"fields": ("org_name", "uscc", "legal_rep_name", "masked_legal_rep_id_number",
                                                "new_legal_rep_id_number")}))
        if request.user.is_superuser:
            fieldsets.append(("后台权限", {"fields": ("is_staff", "is_superuser", "groups", "user_permissions")}))
        fieldsets.append(("时间", {"fields": ("last_login", "date_joined")}))
        return fieldsets

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None and obj.kind == UserKind.STAFF else []

    # --- who may see and change whom ---------------------------------------------------------

    def get_queryset(self, request):
        return users_visible_to(request.user, super().get_queryset(request))

    def has_module_permission(self, request):
        return is_administrator(request.user)

    def has_view_permission(self, request, obj=None):
        return is_administrator(request.user) and (obj is None or can_manage_user(request.user, obj))

    def has_add_permission(self, request):
        return is_administrator(request.user)

    def has_change_permission(self, request, obj=None):
        return is_administrator(request.user) and (obj is None or can_manage_user(request.user, obj))

    def has_delete_permission(self, request, obj=None):
        return is_system_or_superuser(request.user) and request.user.is_authenticated

    def get_search_results(self, request, queryset, search_term):
        """Also find people by full ID or phone number, through the blind indexes."""
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        term = search_term.strip()
        exact = Q()
        number = normalise_id_number(term)
        if len(number) == 18:
            index = blind_index(number, purpose=ID_NUMBER_PURPOSE)
            exact |= Q(id_number_index=index) | Q(legal_rep_id_number_index=index)
        phone = normalise_phone(term)
        if phone.isdigit() and len(phone) == 11:
            exact |= Q(phone_index=blind_index(phone, purpose=PHONE_PURPOSE))
        if exact:
            results = results | queryset.filter(exact)
        return results, may_have_duplicates

    # --- writes through the services ---------------------------------------------------------

    def save_model(self, request, obj, form, change):
        if not change:
            data = form.cleaned_data
            created = services.staff_account_create(
                actor=request.user, username=data["username"], real_name=data["real_name"], password=data["password1"],
                id_number=data.get("id_number", ""), phone=data.get("phone", ""), email=data.get("email", ""))
            obj.pk, obj.password, obj.kind = created.pk, created.password, created.kind
            obj._state.adding = False
            return
        changes = form.service_changes()
        original = User.objects.get(pk=obj.pk)
        if changes:
            updated = services.user_update(actor=request.user, user=original, **changes)
            for field in changes:
                setattr(obj, field, getattr(updated, field))

    def save_formset(self, request, form, formset, change):
        if formset.model is not RoleGrantInline.model:
            return super().save_formset(request, form, formset, change)
        user = form.instance
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for inline_form in formset.deleted_forms:
            if inline_form.instance.pk:
                grant = role_grant_by_id(inline_form.instance.pk)
                org_services.role_revoke(actor=request.user, grant=grant)
                formset.deleted_objects.append(grant)
        for inline_form in formset.forms:
            if inline_form in formset.deleted_forms or not inline_form.has_changed():
                continue
            if inline_form.instance.pk:
                org_services.role_revoke(actor=request.user, grant=role_grant_by_id(inline_form.instance.pk))
            grant = org_services.role_grant(actor=request.user, user=user,
                                            organisation=inline_form.cleaned_data["organisation"],
                                            role=inline_form.cleaned_data["role"])
            if inline_form.instance.pk:
                formset.changed_objects.append((grant, inline_form.changed_data))
            else:
                formset.new_objects.append(grant)

    def delete_model(self, request, obj):
        services.user_delete(actor=request.user, user=obj)

    @admin.action(description="解除登录锁定")
    def clear_login_lock(self, request, queryset):
        done = 0
        for user in queryset:
            try:
                services.login_lock_clear(actor=request.user, user=user)
                done += 1
            except DomainError as exc:
                messages.error(request, f"{user.username}：{exc.message}")
        if done:
            messages.success(request, f"已解除 {done} 个账户的登录锁定。")


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are created with `manage.py create_api_token` (shown once) and revoked here."""

    list_display = ("name", "user", "prefix", "created_at", "last_used_at", "revoked_at")
    list_filter = ("revoked_at",)
    search_fields = ("name", "prefix", "user__username")
    actions = ["revoke"]

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description="吊销所选令牌")
    def revoke(self, request, queryset):
        for token in queryset:
            services.api_token_revoke(actor=request.user, token=token)
        messages.success(request, f"已吊销 {queryset.count()} 个令牌。")


@admin.register(LoginAttempt)
class LoginAttemptAdmin(admin.ModelAdmin):
    """Read-only login records: blind index and IP only, never the typed identifier."""

    list_display = ("occurred_at", "outcome", "identifier_kind", "user", "ip", "short_index")
    list_filter = ("outcome", "identifier_kind")
    search_fields = ("user__username", "ip")
    date_hierarchy = "occurred_at"
    list_select_related = ("user",)

    @admin.display(description="标识盲索引")
    def short_index(self, obj):
        return f"{obj.identifier_index[:12]}…" if obj.identifier_index else "—"

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
