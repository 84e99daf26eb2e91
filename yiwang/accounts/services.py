"""Writes over accounts: registration, identity changes, password login with lockout, API tokens.

Identifiers are validated by their check digits (yiwang.core.identifiers), normalised, stored
SM4-encrypted with an HMAC-SM3 blind index, and never written in plaintext to logs, audit events
or login records. Every problem with an input is reported at once (ValidationFailed), in Chinese,
naming the field and the fix.
"""

from __future__ import annotations

import ipaddress
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from yiwang.accounts.constants import (
    DEFAULT_LOGIN_FAILURE_WINDOW_SECONDS,
    DEFAULT_LOGIN_LOCKOUT_SECONDS,
    DEFAULT_LOGIN_MAX_FAILURES,
    ID_NUMBER_PURPOSE,
    LOGIN_PURPOSE,
    PHONE_PURPOSE,
    ErrorCode,
    LoginOutcome,
    UserKind,
)
from yiwang.accounts.models import ApiToken, LoginAttempt, User
from yiwang.accounts.phones import normalise_phone, phone_errors
from yiwang.accounts.selectors import resolve_identifier
from yiwang.core.audit import record_event
from yiwang.core.crypto import blind_index, sm3_hex
from yiwang.core.errors import DomainError, FieldError, PermissionDenied, ValidationFailed
from yiwang.core.identifiers import id_number_errors, normalise_id_number, normalise_uscc, uscc_errors

# --- Field rules --------------------------------------------------------------------------------

# Han characters (incl. extension planes for rare given names), Latin letters for foreign names,
# the interpunct of minority names (买买提·艾力), spaces.
_NAME_RE = re.compile(r"^[\u3400-\u4dbf\u4e00-\u9fff\U00020000-\U0003134fA-Za-z·•．. ]+$")
_USERNAME_RE = re.compile(r"^[A-Za-z0-9_.\-@]+$")
_ID_LIKE_RE = re.compile(r"^\d{17}[\dXx]$")

# Django's own validator messages, in Chinese whatever language the request negotiated (and
# Django 5.2's zh_Hans catalogue misses the "too short" message since its msgid changed).
_PASSWORD_MESSAGES = {
    "password_too_short": "密码太短：至少需要 {min_length} 个字符。",
    "password_too_common": "这个密码太常见，容易被猜中，请换一个。",
    "password_entirely_numeric": "密码不能全是数字，请加入字母或符号。",
    "password_too_similar": "密码与您的姓名或账号太相似，请换一个。",
}


def _person_name_errors(value: str, *, field: str, label: str) -> list[FieldError]:
    name = (value or "").strip()
    if not name:
        return [FieldError(field, ErrorCode.REQUIRED, f"请填写{label}。")]
    if len(name) > 50:
        return [FieldError(field, ErrorCode.NAME_FORMAT, f"{label}最多 50 个字，当前为 {len(name)} 个字。")]
    if not _NAME_RE.match(name):
        return [FieldError(field, ErrorCode.NAME_FORMAT,
                           f"{label}只能包含汉字、字母、间隔号“·”和空格，请按身份证上的姓名填写。")]
    return []


def _has_control_characters(value: str) -> bool:
    # Invisible characters make names unreadable, and PostgreSQL refuses NUL in text outright.
    return any(ord(ch) < 32 or ord(ch) == 127 for ch in value or "")


def _org_name_errors(value: str) -> list[FieldError]:
    name = (value or "").strip()
    if not name:
        return [FieldError("org_name", ErrorCode.REQUIRED, "请填写企业名称（与营业执照一致）。")]
    if len(name) > 200:
        return [FieldError("org_name", ErrorCode.NAME_FORMAT, f"企业名称最多 200 个字，当前为 {len(name)} 个字。")]
    if _has_control_characters(name):
        return [FieldError("org_name", ErrorCode.NAME_FORMAT, "企业名称含有不可见的控制字符，请重新输入。")]
    return []


def username_errors(value: str, *, exclude_pk: int | None = None) -> list[FieldError]:
    """Usernames are plaintext (they appear in audit trails), so they may not be a resident ID,
    USCC or phone number — which would also shadow that number's real owner at login."""
    name = (value or "").strip()
    if not name:
        return [FieldError("username", ErrorCode.REQUIRED, "请填写用户名。")]
    if len(name) > 150 or not _USERNAME_RE.match(name):
        return [FieldError("username", ErrorCode.USERNAME_FORMAT,
                           "用户名只能包含字母、数字和 _ . - @，最多 150 个字符。")]
    phone = normalise_phone(name)
    if _ID_LIKE_RE.match(name) or not uscc_errors(name) or (phone.isdigit() and len(phone) == 11):
        return [FieldError("username", ErrorCode.USERNAME_FORMAT,
                           "用户名不能是身份证号、统一社会信用代码或手机号，请换一个。")]
    taken = User.objects.filter(username=name)
    if exclude_pk:
        taken = taken.exclude(pk=exclude_pk)
    if taken.exists():
        return [FieldError("username", ErrorCode.DUPLICATE, f"用户名“{name}”已被使用，请换一个。")]
    return []


def password_errors(password: str, *, user: User | None = None, field: str = "password") -> list[FieldError]:
    """Django's password validators (settings.AUTH_PASSWORD_VALIDATORS), messages in Chinese."""
    if not password:
        return [FieldError(field, ErrorCode.REQUIRED, "请设置密码。")]
    try:
        validate_password(password, user=user)
    except DjangoValidationError as exc:
        errors = []
        for item in exc.error_list:
            template = _PASSWORD_MESSAGES.get(item.code or "")
            params = item.params or {}
            text = template.format(**params) if template else (item.message % params if params else item.message)
            errors.append(FieldError(field, ErrorCode.PASSWORD_INVALID, str(text)))
        return errors
    return []


def _duplicate_id_number(number: str, exclude_pk: int | None) -> bool:
    qs = User.objects.filter(id_number_index=blind_index(number, purpose=ID_NUMBER_PURPOSE))
    return (qs.exclude(pk=exclude_pk) if exclude_pk else qs).exists()


def _duplicate_phone(number: str, exclude_pk: int | None) -> bool:
    qs = User.objects.filter(phone_index=blind_index(number, purpose=PHONE_PURPOSE))
    return (qs.exclude(pk=exclude_pk) if exclude_pk else qs).exists()


def _duplicate_uscc(code: str, exclude_pk: int | None) -> bool:
    qs = User.objects.filter(uscc=code)
    return (qs.exclude(pk=exclude_pk) if exclude_pk else qs).exists()


def _id_number_field_errors(value: str, *, field: str, exclude_pk: int | None, unique: bool) -> list[FieldError]:
    errors = id_number_errors(value, field=field)
    if field == "legal_rep_id_number":
        # The shared validator names the number "身份证号"; say whose it is.
        errors = [FieldError(e.field, e.code, "请填写法定代表人的居民身份证号码。" if e.code == "required"
                             else e.message.replace("身份证号", "法定代表人身份证号", 1))
                  for e in errors]
    if not errors and unique and _duplicate_id_number(normalise_id_number(value), exclude_pk):
        errors.append(FieldError(field, ErrorCode.DUPLICATE,
                                 "该身份证号已注册过账户。如果是您本人，请直接登录；忘记密码请到政务服务中心窗口办理。"))
    return errors


def _phone_field_errors(value: str, *, exclude_pk: int | None) -> list[FieldError]:
    errors = phone_errors(value, field="phone")
    if not errors and _duplicate_phone(normalise_phone(value), exclude_pk):
        errors.append(FieldError("phone", ErrorCode.DUPLICATE,
                                 "该手机号已被其他账户使用，请换一个手机号，或用该手机号直接登录。"))
    return errors


def _uscc_field_errors(value: str, *, exclude_pk: int | None) -> list[FieldError]:
    errors = uscc_errors(value, field="uscc")
    if not errors and _duplicate_uscc(normalise_uscc(value), exclude_pk):
        errors.append(FieldError("uscc", ErrorCode.DUPLICATE, "该统一社会信用代码已注册企业账户，请直接登录。"))
    return errors


def _new_username(prefix: str) -> str:
    # Self-registered people log in with their ID, USCC or phone; the username is an opaque handle
    # that can safely appear in audit trails and admin lists.
    while True:
        candidate = f"{prefix}{secrets.token_hex(4)}"
        if not User.objects.filter(username=candidate).exists():
            return candidate


def _save_new_user(user: User, password: str) -> User:
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as exc:
        # Two registrations of the same number raced past the checks; the unique constraints held.
        errors = []
        if user.id_number and _duplicate_id_number(user.id_number, None):
            errors.append(FieldError("id_number", ErrorCode.DUPLICATE, "该身份证号已注册过账户，请直接登录。"))
        if user.phone and _duplicate_phone(user.phone, None):
            errors.append(FieldError("phone", ErrorCode.DUPLICATE, "该手机号已被其他账户使用，请换一个手机号。"))
        if user.uscc and _duplicate_uscc(user.uscc, None):
            errors.append(FieldError("uscc", ErrorCode.DUPLICATE, "该统一社会信用代码已注册企业账户，请直接登录。"))
        raise ValidationFailed(errors or [FieldError("username", ErrorCode.DUPLICATE, "账户已存在，请直接登录。")]) from exc
    return user


# --- Registration ---------------------------------------------------------------------------------


def _citizen_candidate(*, real_name: str, id_number: str, phone: str, email: str = "") -> User:
    return User(kind=UserKind.CITIZEN, real_name=(real_name or "").strip(), id_number=normalise_id_number(id_number),
                phone=normalise_phone(phone), email=(email or "").strip())


def citizen_registration_errors(*, real_name: str, id_number: str, phone: str, password: str,
                                username: str | None = None) -> list[FieldError]:
    """Every problem with a citizen registration, without registering (pages check first)."""
    candidate = _citizen_candidate(real_name=real_name, id_number=id_number, phone=phone)
    return [
        *_person_name_errors(real_name, field="real_name", label="姓名"),
        *_id_number_field_errors(id_number, field="id_number", exclude_pk=None, unique=True),
        *_phone_field_errors(phone, exclude_pk=None),
        *(username_errors(username) if username is not None else []),
        *password_errors(password, user=candidate),
    ]


@transaction.atomic
def citizen_register(*, real_name: str, id_number: str, phone: str, password: str, email: str = "",
                     username: str | None = None) -> User:
    """Register a person with real name + resident ID + mobile number + password."""
    errors = citizen_registration_errors(real_name=real_name, id_number=id_number, phone=phone, password=password,
                                         username=username)
    if errors:
        raise ValidationFailed(errors)
    candidate = _citizen_candidate(real_name=real_name, id_number=id_number, phone=phone, email=email)
    candidate.username = username or _new_username("p")
    user = _save_new_user(candidate, password)
    record_event(actor=user, action="accounts.citizen_registered", obj=user, details={"kind": user.kind})
    return user


def _enterprise_candidate(*, org_name: str, uscc: str, legal_rep_name: str, legal_rep_id_number: str, phone: str,
                          email: str = "") -> User:
    return User(
        kind=UserKind.ENTERPRISE, org_name=(org_name or "").strip(), uscc=normalise_uscc(uscc),
        legal_rep_name=(legal_rep_name or "").strip(), legal_rep_id_number=normalise_id_number(legal_rep_id_number),
        phone=normalise_phone(phone), email=(email or "").strip(),
    )


def enterprise_registration_errors(*, org_name: str, uscc: str, legal_rep_name: str, legal_rep_id_number: str,
                                   phone: str, password: str, username: str | None = None) -> list[FieldError]:
    """Every problem with an enterprise registration, without registering."""
    candidate = _enterprise_candidate(org_name=org_name, uscc=uscc, legal_rep_name=legal_rep_name,
                                      legal_rep_id_number=legal_rep_id_number, phone=phone)
    return [
        *_org_name_errors(org_name),
        *_uscc_field_errors(uscc, exclude_pk=None),
        *_person_name_errors(legal_rep_name, field="legal_rep_name", label="法定代表人姓名"),
        *_id_number_field_errors(legal_rep_id_number, field="legal_rep_id_number", exclude_pk=None, unique=False),
        *_phone_field_errors(phone, exclude_pk=None),
        *(username_errors(username) if username is not None else []),
        *password_errors(password, user=candidate),
    ]


@transaction.atomic
def enterprise_register(*, org_name: str, uscc: str, legal_rep_name: str, legal_rep_id_number: str, phone: str,
                        password: str, email: str = "", username: str | None = None) -> User:
    """Register an enterprise with USCC + name + legal representative (name, ID) + mobile + password."""
    errors = enterprise_registration_errors(org_name=org_name, uscc=uscc, legal_rep_name=legal_rep_name,
                                            legal_rep_id_number=legal_rep_id_number, phone=phone, password=password,
                                            username=username)
    if errors:
        raise ValidationFailed(errors)
    candidate = _enterprise_candidate(org_name=org_name, uscc=uscc, legal_rep_name=legal_rep_name,
                                      legal_rep_id_number=legal_rep_id_number, phone=phone, email=email)
    candidate.username = username or _new_username("e")
    user = _save_new_user(candidate, password)
    record_event(actor=user, action="accounts.enterprise_registered", obj=user, details={"kind": user.kind,
                                                                                       "uscc": user.uscc})
    return user


def _require_system_or_superuser(actor, doing: str) -> None:
    if actor is None or (getattr(actor, "is_superuser", False) and getattr(actor, "is_active", False)):
        return
    raise PermissionDenied(f"无权{doing}：需要超级管理员。", code="not_superuser")


def _can_manage_staff(actor) -> bool:
    from yiwang.orgs.constants import Role
    from yiwang.orgs.selectors import has_role

    if actor is None or (getattr(actor, "is_superuser", False) and getattr(actor, "is_active", False)):
        return True
    return bool(getattr(actor, "is_active", False) and has_role(actor, Role.ADMINISTRATOR))


def can_manage_user(actor, user: User) -> bool:
    """Superusers and the system manage every account; an administrator manages staff accounts
    whose every role lies inside the administrator's scope (a new staff account has none yet);
    citizens and enterprises are changed by themselves or a superuser."""
    from yiwang.orgs.access import can_administer, is_system_or_superuser
    from yiwang.orgs.models import RoleGrant

    if is_system_or_superuser(actor):
        return True
    if not getattr(actor, "is_active", False) or user.kind != UserKind.STAFF or user.is_superuser:
        return False
    if not _can_manage_staff(actor):
        return False
    grants = RoleGrant.objects.filter(user=user).select_related("organisation")
    return all(can_administer(actor, g.organisation) for g in grants)


def _staff_candidate(*, username: str, real_name: str, id_number: str = "", phone: str = "", email: str = "") -> User:
    return User(kind=UserKind.STAFF, username=(username or "").strip(), real_name=(real_name or "").strip(),
                id_number=normalise_id_number(id_number), phone=normalise_phone(phone), email=(email or "").strip())


def staff_account_errors(*, username: str, real_name: str, password: str, id_number: str = "",
                         phone: str = "") -> list[FieldError]:
    """Every problem with a new staff account (ID number and phone are optional for staff)."""
    candidate = _staff_candidate(username=username, real_name=real_name, id_number=id_number, phone=phone)
    return [
        *username_errors(username),
        *_person_name_errors(real_name, field="real_name", label="姓名"),
        *(_id_number_field_errors(id_number, field="id_number", exclude_pk=None, unique=True) if id_number else []),
        *(_phone_field_errors(phone, exclude_pk=None) if phone else []),
        *password_errors(password, user=candidate),
    ]


@transaction.atomic
def staff_account_create(*, actor, username: str, real_name: str, password: str, id_number: str = "",
                         phone: str = "", email: str = "") -> User:
    """Create a staff account (roles are then granted with orgs.services.role_grant)."""
    if not _can_manage_staff(actor):
        raise PermissionDenied("无权新建工作人员账户：需要系统管理员角色。", code="not_administrator")
    errors = staff_account_errors(username=username, real_name=real_name, password=password, id_number=id_number,
                                  phone=phone)
    if errors:
        raise ValidationFailed(errors)
    candidate = _staff_candidate(username=username, real_name=real_name, id_number=id_number, phone=phone, email=email)
    user = _save_new_user(candidate, password)
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
                errors += _person_name_errors(value, field="real_name", label="姓名")
        elif field == "id_number":
            if value or kind == UserKind.CITIZEN:
                errors += _id_number_field_errors(value, field="id_number", exclude_pk=pk, unique=True)
        elif field == "phone":
            if value or kind != UserKind.STAFF:
                errors += _phone_field_errors(value, exclude_pk=pk)
        elif field == "org_name":
            if value or kind == UserKind.ENTERPRISE:
                errors += _org_name_errors(value)
        elif field == "uscc":
            if value or kind == UserKind.ENTERPRISE:
                errors += _uscc_field_errors(value, exclude_pk=pk)
        elif field == "legal_rep_name":
            if value or kind == UserKind.ENTERPRISE:
                errors += _person_name_errors(value, field="legal_rep_name", label="法定代表人姓名")
        elif field == "legal_rep_id_number":
            if value or kind == UserKind.ENTERPRISE:
                errors += _id_number_field_errors(value, field="legal_rep_id_number", exclude_pk=pk, unique=False)
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
        _require_system_or_superuser(actor, "修改后台登录或超级管理员权限")
    if not (can_manage_user(actor, user) or (actor is not None and getattr(actor, "pk", None) == user.pk)):
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
    try:
        with transaction.atomic():
            user.save(update_fields=changed)  # User.save adds the blind-index columns
    except IntegrityError as exc:
        raise ValidationFailed([FieldError(f, ErrorCode.DUPLICATE, "该号码已被其他账户使用。")
                                for f in changed if f in ("id_number", "phone", "uscc", "username")]) from exc
    record_event(actor=actor, action="accounts.user_updated", obj=user, details={
        "changed": sorted(changed),
        "values": {f: getattr(user, f) for f in changed if f in _AUDITED_VALUES},
    })
    return user


@transaction.atomic
def user_set_password(*, actor, user: User, password: str) -> User:
    if not (can_manage_user(actor, user) or (actor is not None and getattr(actor, "pk", None) == user.pk)):
        raise PermissionDenied("无权修改该账户的密码。", code="permission_denied")
    errors = password_errors(password, user=user)
    if errors:
        raise ValidationFailed(errors)
    user.set_password(password)
    user.save(update_fields=["password"])
    record_event(actor=actor, action="accounts.password_set", obj=user)
    return user


# --- Login and lockout ----------------------------------------------------------------------------


@dataclass(frozen=True)
class LockoutPolicy:
    max_failures: int
    window: timedelta
    lockout: timedelta


def lockout_policy() -> LockoutPolicy:
    """5 failures within 15 minutes lock for 15 minutes, unless settings say otherwise."""
    return LockoutPolicy(
        max_failures=int(getattr(settings, "YIWANG_LOGIN_MAX_FAILURES", DEFAULT_LOGIN_MAX_FAILURES)),
        window=timedelta(seconds=int(getattr(settings, "YIWANG_LOGIN_FAILURE_WINDOW_SECONDS",
                                             DEFAULT_LOGIN_FAILURE_WINDOW_SECONDS))),
        lockout=timedelta(seconds=int(getattr(settings, "YIWANG_LOGIN_LOCKOUT_SECONDS", DEFAULT_LOGIN_LOCKOUT_SECONDS))),
    )


def login_identifier_index(identifier: str) -> str:
    return blind_index((identifier or "").replace(" ", ""), purpose=LOGIN_PURPOSE)


def _attempts_of(*, user: User | None, identifier_index: str):
    if user is not None:
        return LoginAttempt.objects.filter(user=user)
    return LoginAttempt.objects.filter(user__isnull=True, identifier_index=identifier_index)


@dataclass(frozen=True)
class LockoutState:
    locked_until: datetime | None
    failures: int  # failures counting towards the next lockout


_RESETS = (LoginOutcome.SUCCESS, LoginOutcome.UNLOCKED, LoginOutcome.LOCKED_OUT)


def lockout_state(*, user: User | None = None, identifier_index: str = "", now: datetime | None = None) -> LockoutState:
    """Whether an account (or, for identifiers naming no account, the identifier) is locked.

    Failures count in a sliding window and only since the last reset — a success, an
    administrator's unlock or the start of the previous lockout — so a lockout that has run out
    gives a fresh set of attempts. Two indexed queries, whatever the number of attempts."""
    now = now or timezone.now()
    policy = lockout_policy()
    attempts = _attempts_of(user=user, identifier_index=identifier_index).filter(occurred_at__lte=now)
    last_reset = attempts.filter(outcome__in=_RESETS).order_by("-occurred_at", "-id").first()
    if last_reset and last_reset.outcome == LoginOutcome.LOCKED_OUT and last_reset.occurred_at + policy.lockout > now:
        return LockoutState(locked_until=last_reset.occurred_at + policy.lockout, failures=0)
    since = now - policy.window
    if last_reset and last_reset.occurred_at > since:
        since = last_reset.occurred_at
    failures = attempts.filter(outcome=LoginOutcome.FAILURE, occurred_at__gt=since).count()
    return LockoutState(locked_until=None, failures=failures)


def _valid_ip(ip: str | None) -> str | None:
    try:
        return str(ipaddress.ip_address((ip or "").strip())) if ip else None
    except ValueError:
        return None


def _locked_error(locked_until: datetime) -> DomainError:
    local = timezone.localtime(locked_until)
    return DomainError(
        f"登录失败次数过多，该账号已被暂时锁定，请于 {local:%Y年%m月%d日 %H:%M} 后再试。"
        "如忘记密码，请携带身份证件到政务服务中心窗口办理，或拨打 12345 咨询。",
        code=ErrorCode.ACCOUNT_LOCKED, detail={"locked_until": local.isoformat()},
    )


_ANONYMOUS = "anonymous"


@dataclass(frozen=True)
class _Verdict:
    outcome: str
    user: User | None
    locked_until: datetime | None = None
    remaining: int = 0


@transaction.atomic
def _login_verdict(*, identifier: str, password: str, ip: str | None, now: datetime) -> _Verdict:
    user, kind = resolve_identifier(identifier)
    index = login_identifier_index(identifier)
    policy = lockout_policy()
    if user is not None:
        # Serialise concurrent attempts on one account (PostgreSQL; SQLite serialises writers).
        user = User.objects.select_for_update().get(pk=user.pk)
    state = lockout_state(user=user, identifier_index=index, now=now)

    def log(outcome: str) -> None:
        LoginAttempt.objects.create(identifier_index=index, identifier_kind=kind, user=user, ip=ip,
                                    outcome=outcome, occurred_at=now)

    audit = {"identifier_index": index, "identifier_kind": kind, "ip": ip}

    def event(action: str, actor: Any = _ANONYMOUS, **extra: Any) -> None:
        # The person typing is not known to be the account's owner until the password matches.
        record_event(actor=actor, action=action, obj=user, object_type="" if user else "accounts.login",
                     details={**audit, **extra})

    if state.locked_until:
        log(LoginOutcome.BLOCKED)
        return _Verdict(LoginOutcome.BLOCKED, user, locked_until=state.locked_until)
    if state.failures >= policy.max_failures:
        # Concurrent failures overtook the counter without starting a lockout: start it now.
        log(LoginOutcome.LOCKED_OUT)
        event("auth.account_locked", failures=state.failures)
        return _Verdict(LoginOutcome.LOCKED_OUT, user, locked_until=now + policy.lockout)

    if user is None:
        # Hash anyway, so response time does not tell which identifiers have accounts.
        User().set_password(password)
        ok = False
    else:
        ok = user.check_password(password)
    if ok and not user.is_active:
        log(LoginOutcome.INACTIVE)
        event("auth.login_refused_inactive", actor=user)
        return _Verdict(LoginOutcome.INACTIVE, user)
    if ok:
        log(LoginOutcome.SUCCESS)
        event("auth.login_succeeded", actor=user)
        return _Verdict(LoginOutcome.SUCCESS, user)

    failures = state.failures + 1
    if failures >= policy.max_failures:
        log(LoginOutcome.LOCKED_OUT)
        event("auth.account_locked", failures=failures)
        return _Verdict(LoginOutcome.LOCKED_OUT, user, locked_until=now + policy.lockout)
    log(LoginOutcome.FAILURE)
    event("auth.login_failed", failures=failures)
    return _Verdict(LoginOutcome.FAILURE, user, remaining=policy.max_failures - failures)


def login_attempt(*, identifier: str, password: str, ip: str | None = None, now: datetime | None = None) -> User:
    """Check a password login (username, resident ID, USCC or phone) against the lockout policy.

    Returns the user on success. Raises DomainError with code `account_locked` (message names the
    unlock time; `detail.locked_until`), `invalid_credentials` (message says how many tries are
    left), `account_inactive`, or ValidationFailed when a box is empty. Every attempt is recorded
    (LoginAttempt + audit event) with the identifier's blind index only. `now` lets tests and
    batch tools evaluate the policy at a given time.

    Not wrapped in one transaction on purpose: the attempt must stay recorded when the error is
    raised, so the recording happens in an inner transaction that commits first.
    """
    identifier = (identifier or "").strip()
    errors = []
    if not identifier:
        errors.append(FieldError("identifier", ErrorCode.REQUIRED, "请填写身份证号、统一社会信用代码、手机号或用户名。"))
    elif _has_control_characters(identifier) or len(identifier) > 150:
        errors.append(FieldError("identifier", "identifier_format", "账号含有不可见字符或过长，请重新输入。"))
    if not password:
        errors.append(FieldError("password", ErrorCode.REQUIRED, "请填写密码。"))
    if errors:
        raise ValidationFailed(errors)
    verdict = _login_verdict(identifier=identifier, password=password, ip=_valid_ip(ip), now=now or timezone.now())
    if verdict.outcome == LoginOutcome.SUCCESS:
        return verdict.user
    if verdict.outcome in (LoginOutcome.BLOCKED, LoginOutcome.LOCKED_OUT):
        raise _locked_error(verdict.locked_until)
    if verdict.outcome == LoginOutcome.INACTIVE:
        raise DomainError("该账户已停用。如有疑问，请联系政务服务中心。", code=ErrorCode.ACCOUNT_INACTIVE)
    minutes = int(lockout_policy().lockout.total_seconds() // 60)
    raise DomainError(
        "账号或密码错误。请核对身份证号（或统一社会信用代码、手机号、用户名）和密码；"
        f"再错 {verdict.remaining} 次，该账号将被锁定 {minutes} 分钟。",
        code=ErrorCode.INVALID_CREDENTIALS, detail={"remaining_attempts": verdict.remaining},
    )


@transaction.atomic
def login_lock_clear(*, actor, user: User, now: datetime | None = None) -> None:
    """An administrator ends a lockout (and resets the failure count) after checking who asks."""
    if not can_manage_user(actor, user):
        raise PermissionDenied("无权解除该账户的登录锁定。", code="permission_denied")
    LoginAttempt.objects.create(identifier_index="", identifier_kind="", user=user, ip=None,
                                outcome=LoginOutcome.UNLOCKED, occurred_at=now or timezone.now())
    record_event(actor=actor, action="auth.lock_cleared", obj=user)


@transaction.atomic
def login_attempts_prune(*, before: datetime) -> int:
    """Delete login records older than `before` (they only matter to the lockout for minutes and
    to the owner's history for months). Returns how many were deleted."""
    deleted, _ = LoginAttempt.objects.filter(occurred_at__lt=before).delete()
    if deleted:
        record_event(actor="retention", action="auth.login_records_pruned", object_type="accounts.loginattempt",
                     details={"before": before.isoformat(), "deleted": deleted})
    return deleted


def identifiers_reindex(*, batch: int = 500) -> int:
    """Recompute every blind index from the decrypted values — after the blind-index key has been
    rotated (docs/accounts.md). Returns the number of accounts rewritten."""
    done = 0
    last = 0
    while True:
        users = list(User.objects.filter(pk__gt=last).order_by("pk")[:batch])
        if not users:
            return done
        with transaction.atomic():
            for user in users:
                # User.save derives the three *_index columns from the plaintext it decrypted.
                user.save(update_fields=["id_number", "phone", "legal_rep_id_number"])
        done += len(users)
        last = users[-1].pk


# --- API tokens -------------------------------------------------------------------------------------

API_TOKEN_PREFIX = "yw_"  # noqa: S105 (marks our tokens in logs and secret scanners)
# Writing last_used_at on every request would turn every API read into a write.
_LAST_USED_RESOLUTION = timedelta(minutes=1)


def api_token_hash(token: str) -> str:
    # Tokens carry 256 random bits, so an unsalted hash is as good as a slow one here.
    return sm3_hex(token.encode("utf-8"))


@transaction.atomic
def api_token_create(*, actor, user: User, name: str) -> tuple[ApiToken, str]:
    """Create a token for `user`; returns (record, token). The token is not stored: show it once."""
    if not (actor is None or getattr(actor, "is_superuser", False) or getattr(actor, "pk", None) == user.pk):
        raise PermissionDenied("无权为该账户创建接口令牌。", code="permission_denied")
    name = (name or "").strip()
    errors = []
    if not name:
        errors.append(FieldError("name", ErrorCode.REQUIRED, "请填写令牌名称（用途），例如“12345 热线对接”。"))
    elif len(name) > 100:
        errors.append(FieldError("name", "too_long", "令牌名称最多 100 个字。"))
    if not user.is_active:
        errors.append(FieldError("user", ErrorCode.ACCOUNT_INACTIVE, f"账户“{user.username}”已停用，不能创建令牌。"))
    if errors:
        raise ValidationFailed(errors)
    token = API_TOKEN_PREFIX + secrets.token_urlsafe(32)
    record = ApiToken.objects.create(user=user, name=name, token_hash=api_token_hash(token), prefix=token[:10])
    record_event(actor=actor, action="accounts.api_token_created", obj=record,
                 details={"user_id": user.pk, "name": name, "prefix": record.prefix})
    return record, token


@transaction.atomic
def api_token_revoke(*, actor, token: ApiToken) -> ApiToken:
    if not (actor is None or getattr(actor, "is_superuser", False) or getattr(actor, "pk", None) == token.user_id):
        raise PermissionDenied("无权吊销该接口令牌。", code="permission_denied")
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        record_event(actor=actor, action="accounts.api_token_revoked", obj=token,
                     details={"user_id": token.user_id, "name": token.name, "prefix": token.prefix})
    return token


def api_token_use(*, token: str, now: datetime | None = None) -> User | None:
    """The active user a presented token acts for, or None (unknown, revoked, inactive owner)."""
    if not token or not token.startswith(API_TOKEN_PREFIX) or len(token) > 200:
        return None
    record = ApiToken.objects.select_related("user").filter(token_hash=api_token_hash(token)).first()
    if record is None or record.revoked_at is not None or not record.user.is_active:
        return None
    now = now or timezone.now()
    if record.last_used_at is None or now - record.last_used_at > _LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=record.pk).update(last_used_at=now)
    return record.user
