"""Staff administration: new staff accounts, identity and status changes, passwords. Who may
change whom is accounts.access; roles are granted with orgs.services.role_grant."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction

from yiwang.accounts.access import can_change_account, can_manage_staff, require_system_or_superuser
from yiwang.accounts.constants import ErrorCode, UserKind
from yiwang.accounts.models import User
from yiwang.accounts.phones import normalise_phone
from yiwang.accounts.services.field_rules import (
    id_number_field_errors,
    org_name_errors,
    password_errors,
    person_name_errors,
    phone_field_errors,
    uscc_field_errors,
    username_errors,
)
from yiwang.accounts.services.registration import save_new_user
from yiwang.core.audit import record_event
from yiwang.core.errors import FieldError, PermissionDenied, ValidationFailed
from yiwang.core.identifiers import normalise_id_number, normalise_uscc


def _staff_candidate(*, username: str, real_name: str, id_number: str = "", phone: str = "", email: str = "") -> User:
    return User(kind=UserKind.STAFF, username=(username or "").strip(), real_name=(real_name or "").strip(),
                id_number=normalise_id_number(id_number), phone=normalise_phone(phone), email=(email or "").strip())


def staff_account_errors(*, username: str, real_name: str, password: str, id_number: str = "",
                         phone: str = "") -> list[FieldError]:
    """Every problem with a new staff account (ID number and phone are optional for staff)."""
    candidate = _staff_candidate(username=username, real_name=real_name, id_number=id_number, phone=phone)
    return [
        *username_errors(username),
        *person_name_errors(real_name, field="real_name", label="姓名"),
        *(id_number_field_errors(id_number, field="id_number", exclude_pk=None, unique=True) if id_number else []),
        *(phone_field_errors(phone, exclude_pk=None) if phone else []),
        *password_errors(password, user=candidate),
    ]


@transaction.atomic
def staff_account_create(*, actor, username: str, real_name: str, password: str, id_number: str = "",
                         phone: str = "", email: str = "") -> User:
    """Create a staff account (roles are then granted with orgs.services.role_grant)."""
    if not can_manage_staff(actor):
        raise PermissionDenied("无权新建工作人员账户：需要系统管理员角色。", code="not_administrator")
    errors = staff_account_errors(username=username, real_name=real_name, password=password, id_number=id_number,
                                  phone=phone)
    if errors:
        raise ValidationFailed(errors)
    candidate = _staff_candidate(username=username, real_name=real_name, id_number=id_number, phone=phone, email=email)
    user = save_new_user(candidate, password)
    record_event(actor=actor, action="accounts.staff_created", obj=user, details={"username": user.username})
    return user


# Fields user_update may change, and whether clearing them is allowed for each kind of account.
USER_UPDATABLE_FIELDS = ("username", "real_name", "id_number", "phone", "email", "org_name", "uscc",
                         "legal_rep_name", "legal_rep_id_number", "is_active", "is_staff", "is_superuser")
_PRIVILEGE_FIELDS = {"is_staff", "is_superuser"}
# Values the audit trail may record; for everything else (identifiers, names, e-mail) it records
# only that the field changed, because the trail is kept forever and cannot be edited.
_AUDITED_VALUES = {"username", "org_name", "uscc", "is_active", "is_staff", "is_superuser"}


def user_update_errors(*, user: User, changes: dict[str, Any]) -> list[FieldError]:
    """Every problem with the proposed changes (used by user_update and the admin form)."""
    errors: list[FieldError] = []
    pk = user.pk
    kind = user.kind
    for field, value in changes.items():
        if field == "username":
            errors += username_errors(value, exclude_pk=pk)
        elif field == "real_name":
            if value or kind == UserKind.CITIZEN:
                errors += person_name_errors(value, field="real_name", label="姓名")
        elif field == "id_number":
            if value or kind == UserKind.CITIZEN:
                errors += id_number_field_errors(value, field="id_number", exclude_pk=pk, unique=True)
        elif field == "phone":
            if value or kind != UserKind.STAFF:
                errors += phone_field_errors(value, exclude_pk=pk)
        elif field == "org_name":
            if value or kind == UserKind.ENTERPRISE:
                errors += org_name_errors(value)
        elif field == "uscc":
            if value or kind == UserKind.ENTERPRISE:
                errors += uscc_field_errors(value, exclude_pk=pk)
        elif field == "legal_rep_name":
            if value or kind == UserKind.ENTERPRISE:
                errors += person_name_errors(value, field="legal_rep_name", label="法定代表人姓名")
        elif field == "legal_rep_id_number":
            if value or kind == UserKind.ENTERPRISE:
                errors += id_number_field_errors(value, field="legal_rep_id_number", exclude_pk=pk, unique=False)
        elif field not in USER_UPDATABLE_FIELDS:
            errors.append(FieldError(field, "not_updatable", "该项不能在此修改。"))
    return errors


def _normalised(field: str, value: Any) -> Any:
    if field in ("id_number", "legal_rep_id_number"):
        return normalise_id_number(value)
    if field == "phone":
        return normalise_phone(value)
    if field == "uscc":
        return normalise_uscc(value)
    if isinstance(value, str):
        return value.strip()
    return value


@transaction.atomic
def user_update(*, actor, user: User, **changes: Any) -> User:
    """Change an account's identity or status. Identifiers are validated and normalised; their
    ciphertext and blind index are written together; the audit event names the changed fields
    but never their values."""
    if any(f in changes for f in _PRIVILEGE_FIELDS):
        require_system_or_superuser(actor, "修改后台登录或超级管理员权限")
    if not can_change_account(actor, user):
        raise PermissionDenied("无权修改该账户。", code="permission_denied")
    user = User.objects.select_for_update().get(pk=user.pk)
    errors = user_update_errors(user=user, changes=changes)
    if errors:
        raise ValidationFailed(errors)
    changed = []
    for field, value in changes.items():
        value = _normalised(field, value)
        if getattr(user, field) != value:
            setattr(user, field, value)
            changed.append(field)
    if not changed:
        return user
    if "phone" in changed:
        # A new number is not the one the owner confirmed: reset codes go only to a confirmed phone.
        user.phone_confirmed_at = None
        changed.append("phone_confirmed_at")
    try:
        with transaction.atomic():
            user.save(update_fields=changed)  # User.save adds the blind-index columns
    except IntegrityError as exc:
        raise ValidationFailed([FieldError(f, ErrorCode.DUPLICATE, "该号码已被其他账户使用。")
                                for f in changed if f in ("id_number", "phone", "uscc", "username")]) from exc
    record_event(actor=actor, action="accounts.user_updated", obj=user, details={
        "changed": sorted(f for f in changed if f != "phone_confirmed_at"),
        "values": {f: getattr(user, f) for f in changed if f in _AUDITED_VALUES},
    })
    return user


@transaction.atomic
def user_delete(*, actor, user: User) -> None:
    """Delete an account (the admin site offers it to superusers only); the audit event keeps its
    username, since the row is gone."""
    record_event(actor=actor, action="accounts.user_deleted", obj=user, details={"username": user.username})
    user.delete()


@transaction.atomic
def user_set_password(*, actor, user: User, password: str) -> User:
    if not can_change_account(actor, user):
        raise PermissionDenied("无权修改该账户的密码。", code="permission_denied")
    errors = password_errors(password, user=user)
    if errors:
        raise ValidationFailed(errors)
    user.set_password(password)
    user.save(update_fields=["password"])
    record_event(actor=actor, action="accounts.password_set", obj=user)
    return user

