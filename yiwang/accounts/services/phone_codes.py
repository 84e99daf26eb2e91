"""SMS verification codes: resetting a forgotten password, confirming the phone (issue 8 §5), and
changing it (the code goes to the new number, the old number is told afterwards).

A code is 6 random digits, stored only as a keyed HMAC-SM3 (`PhoneCode`), good for one use, for
10 minutes and for 5 wrong tries. The SMS itself is the notifications app's job: accounts sits
below it, so it calls the hook `accounts.send_code(user=, code=, purpose=)`, which notifications
registers in its AppConfig.ready() (outbox row, sent after the commit).

Password reset never says whether an account exists: an unknown account, a disabled one, one
without a confirmed phone and one that has had its share of codes this hour all get the same
answer as a real send ("如该账号存在，验证码已发送至登记手机"), and checking a code for any of them
fails with the same `code_invalid`. Limits that answer "too many" — per typed identifier and per
client address — count the same way whether the account exists or not.
"""

from __future__ import annotations

import hmac
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from yiwang.accounts.constants import (
    DEFAULT_SMS_CODE_MAX_TRIES,
    DEFAULT_SMS_CODE_PER_ACCOUNT_PER_HOUR,
    DEFAULT_SMS_CODE_PER_IP_PER_HOUR,
    DEFAULT_SMS_CODE_RESEND_SECONDS,
    DEFAULT_SMS_CODE_TTL_SECONDS,
    PHONE_PURPOSE,
    SMS_CODE_PURPOSE,
    CodePurpose,
    ErrorCode,
    LoginOutcome,
)
from yiwang.accounts.models import LoginAttempt, PhoneCode, User
from yiwang.accounts.selectors import resolve_identifier
from yiwang.accounts.services.field_rules import (
    duplicate_phone,
    has_control_characters,
    normalise_phone,
    password_errors,
    phone_field_errors,
)
from yiwang.accounts.services.lockout import login_identifier_index
from yiwang.core import hooks, throttle
from yiwang.core.audit import record_event
from yiwang.core.crypto import blind_index, mask_phone
from yiwang.core.errors import DomainError, FieldError, ValidationFailed

SEND_HOOK = "accounts.send_code"
# After a phone change: notifications tells the old number (and the inbox), so a person whose
# session was taken over learns of it on the phone they still hold.
PHONE_CHANGED_HOOK = "accounts.phone_changed"
RESET_SENT_MESSAGE = "如该账号存在，验证码已发送至登记手机，10 分钟内有效。"
_HOUR = 3600


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def _code_hash(salt: str, code: str) -> str:
    return blind_index(f"{salt}:{code}", purpose=SMS_CODE_PURPOSE)


def _too_many() -> DomainError:
    return DomainError("获取验证码过于频繁，请 1 小时后再试。", code=ErrorCode.TOO_MANY_REQUESTS)


def _ip_allowed(ip: str | None) -> bool:
    """Count one send request from this address; False once it has had its share this hour."""
    if not ip:
        return True
    count = throttle.record_failure("sms_code_ip", ip, window_seconds=_HOUR)
    return count <= _setting("YIWANG_SMS_CODE_PER_IP_PER_HOUR", DEFAULT_SMS_CODE_PER_IP_PER_HOUR)


def _account_allowed(user: User, now: datetime) -> bool:
    """At most N codes an hour to one account (whatever identifier was typed), and a pause between
    two. Counted from the code rows, so every web process sees the same count."""
    recent = PhoneCode.objects.filter(user=user, created_at__gt=now - timedelta(seconds=_HOUR))
    if recent.count() >= _setting("YIWANG_SMS_CODE_PER_ACCOUNT_PER_HOUR", DEFAULT_SMS_CODE_PER_ACCOUNT_PER_HOUR):
        return False
    pause = timedelta(seconds=_setting("YIWANG_SMS_CODE_RESEND_SECONDS", DEFAULT_SMS_CODE_RESEND_SECONDS))
    return not recent.filter(created_at__gt=now - pause).exists()


def _issue(*, user: User, purpose: str, now: datetime, new_phone: str = "") -> PhoneCode:
    """Retire the account's live code of this purpose, store a new one, hand it to the SMS hook
    (addressed to `new_phone` for a phone change, to the account's phone otherwise)."""
    PhoneCode.objects.filter(user=user, purpose=purpose, used_at__isnull=True).update(used_at=now)
    code = f"{secrets.randbelow(10**6):06d}"
    salt = secrets.token_hex(16)
    row = PhoneCode.objects.create(
        user=user, purpose=purpose, salt=salt, code_hash=_code_hash(salt, code),
        phone_index=blind_index(new_phone or user.phone, purpose=PHONE_PURPOSE), new_phone=new_phone, created_at=now,
        expires_at=now + timedelta(seconds=_setting("YIWANG_SMS_CODE_TTL_SECONDS", DEFAULT_SMS_CODE_TTL_SECONDS)))
    hooks.call(SEND_HOOK, user=user, code=code, purpose=purpose, **({"phone": new_phone} if new_phone else {}))
    signed_in = purpose in (CodePurpose.PHONE_CONFIRM, CodePurpose.PHONE_CHANGE)
    record_event(actor=user if signed_in else "anonymous", action="accounts.code_sent",
                 obj=user, details={"purpose": purpose})
    return row


def _code_field_errors(code: str) -> list[FieldError]:
    code = (code or "").strip()
    if not code:
        return [FieldError("code", ErrorCode.REQUIRED, "请填写短信验证码。")]
    if not (code.isdigit() and len(code) == 6):
        return [FieldError("code", ErrorCode.CODE_FORMAT, "短信验证码为 6 位数字。")]
    return []


def _invalid_code() -> ValidationFailed:
    return ValidationFailed([FieldError("code", ErrorCode.CODE_INVALID,
                                        "短信验证码错误或已失效，请核对，或重新获取验证码。")])


def _check_code(*, user: User | None, purpose: str, code: str, now: datetime) -> PhoneCode | None:
    """The live code row if `code` matches it (not yet marked used); counts a wrong try.

    Runs in its own transaction that commits before the caller raises, so a wrong try stays
    counted. The row is locked, so two guesses at once cannot both use the last try."""
    if user is None:
        return None
    with transaction.atomic():
        row = (PhoneCode.objects.select_for_update()
               .filter(user=user, purpose=purpose, used_at__isnull=True, expires_at__gt=now)
               .order_by("-created_at", "-id").first())
        if row is None or row.failed_tries >= _setting("YIWANG_SMS_CODE_MAX_TRIES", DEFAULT_SMS_CODE_MAX_TRIES):
            return None
        target = row.new_phone if purpose == CodePurpose.PHONE_CHANGE else user.phone
        if not target or row.phone_index != blind_index(target, purpose=PHONE_PURPOSE):
            return None  # the phone changed since: the code was for another number
        if hmac.compare_digest(row.code_hash, _code_hash(row.salt, code.strip())):
            return row
        row.failed_tries += 1
        row.save(update_fields=["failed_tries"])
        record_event(actor="anonymous", action="accounts.code_wrong", obj=user,
                     details={"purpose": purpose, "failed_tries": row.failed_tries})
        return None


def _identifier_errors(identifier: str) -> list[FieldError]:
    if not identifier:
        return [FieldError("identifier", ErrorCode.REQUIRED, "请填写身份证号、统一社会信用代码、手机号或用户名。")]
    if has_control_characters(identifier) or len(identifier) > 150:
        return [FieldError("identifier", "identifier_format", "账号含有不可见字符或过长，请重新输入。")]
    return []


# --- 忘记密码 ---------------------------------------------------------------------------------

def password_reset_request(*, identifier: str, ip: str | None = None, now: datetime | None = None) -> str:
    """Send a reset code to the account's confirmed phone, if there is such an account.

    Returns the message to show, the same whether or not anything was sent. Raises
    ValidationFailed for an empty box and DomainError `too_many_requests` when the typed
    identifier or the client address has asked too often this hour (counted for unknown accounts
    alike, so the limit tells nothing either)."""
    identifier = (identifier or "").strip()
    errors = _identifier_errors(identifier)
    if errors:
        raise ValidationFailed(errors)
    now = now or timezone.now()
    per_identifier = throttle.record_failure("sms_code_identifier", login_identifier_index(identifier),
                                             window_seconds=_HOUR)
    if per_identifier > _setting("YIWANG_SMS_CODE_PER_ACCOUNT_PER_HOUR", DEFAULT_SMS_CODE_PER_ACCOUNT_PER_HOUR):
        raise _too_many()
    if not _ip_allowed(ip):
        raise _too_many()
    user, _kind = resolve_identifier(identifier)
    with transaction.atomic():
        if user is not None:
            user = User.objects.select_for_update().get(pk=user.pk)
        if (user is not None and user.is_active and user.phone and user.phone_confirmed_at
                and _account_allowed(user, now)):
            _issue(user=user, purpose=CodePurpose.PASSWORD_RESET, now=now)
        else:
            record_event(actor="anonymous", action="accounts.password_reset_requested", object_type="accounts.login",
                         details={"identifier_index": login_identifier_index(identifier), "ip": ip, "sent": False})
    return RESET_SENT_MESSAGE


def password_reset_confirm(*, identifier: str, code: str, new: str, confirm: str, ip: str | None = None,
                           now: datetime | None = None) -> User:
    """Set a new password with the code sent by `password_reset_request`.

    The password is checked first (Django's validators, without the account), so a mistake there
    does not use up the code. Then the code: wrong, expired, used, out of tries or for an unknown
    account all raise the same `code_invalid` on `code`. The checks against the account's own
    attributes (too similar to the username or name) come only after the code matched, so they
    tell a stranger nothing. On success the code is used, the password set (which ends every
    session of the account: their session hash no longer matches), the login lockout cleared, and
    the reset audited."""
    identifier = (identifier or "").strip()
    now = now or timezone.now()
    user, _kind = resolve_identifier(identifier) if not _identifier_errors(identifier) else (None, "")
    errors = _identifier_errors(identifier) + _code_field_errors(code)
    # Without the account first: "too similar to your name" before the code is proven would tell a
    # stranger that the account exists (and whose it is).
    errors += password_errors(new, user=None, field="new_password")
    if new and confirm != new:
        errors.append(FieldError("confirm_password", "password_mismatch", "两次输入的新密码不一致。"))
    if errors:
        raise ValidationFailed(errors)
    row = _check_code(user=user, purpose=CodePurpose.PASSWORD_RESET, code=code, now=now)
    if row is None:
        raise _invalid_code()
    similar = password_errors(new, user=user, field="new_password")
    if similar:
        raise ValidationFailed(similar)  # the code stays good: only its owner got this far
    with transaction.atomic():
        # Use the code under a lock: of two requests with the same right code, one wins.
        if PhoneCode.objects.filter(pk=row.pk, used_at__isnull=True).update(used_at=now) != 1:
            raise _invalid_code()
        user.set_password(new)
        user.save(update_fields=["password"])
        LoginAttempt.objects.create(identifier_index="", identifier_kind="", user=user, ip=ip,
                                    outcome=LoginOutcome.UNLOCKED, occurred_at=now)
        record_event(actor=user, action="accounts.password_reset", obj=user, details={"ip": ip, "by": "sms_code"})
    return user


# --- 确认手机号 ---------------------------------------------------------------------------------

def phone_confirmation_send(*, user: User, ip: str | None = None, now: datetime | None = None) -> PhoneCode:
    """Send a confirmation code to the signed-in (or just registered) person's phone."""
    now = now or timezone.now()
    if not user.phone:
        raise DomainError("账户未登记手机号，无法发送验证码。", code=ErrorCode.NO_PHONE)
    if user.phone_confirmed_at:
        raise DomainError("手机号已确认，无需再次验证。", code=ErrorCode.PHONE_ALREADY_CONFIRMED)
    if not _ip_allowed(ip):
        raise _too_many()
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        if not _account_allowed(user, now):
            raise DomainError("获取验证码过于频繁，请稍后再试（每分钟最多 1 次，每小时最多 "
                              f"{_setting('YIWANG_SMS_CODE_PER_ACCOUNT_PER_HOUR', DEFAULT_SMS_CODE_PER_ACCOUNT_PER_HOUR)} 次）。",
                              code=ErrorCode.TOO_MANY_REQUESTS)
        return _issue(user=user, purpose=CodePurpose.PHONE_CONFIRM, now=now)


def phone_confirm(*, user: User, code: str, now: datetime | None = None) -> User:
    """Confirm the account's phone with the code sent to it."""
    now = now or timezone.now()
    if user.phone_confirmed_at:
        return user
    errors = _code_field_errors(code)
    if errors:
        raise ValidationFailed(errors)
    row = _check_code(user=user, purpose=CodePurpose.PHONE_CONFIRM, code=code, now=now)
    if row is None:
        raise _invalid_code()
    with transaction.atomic():
        if PhoneCode.objects.filter(pk=row.pk, used_at__isnull=True).update(used_at=now) != 1:
            raise _invalid_code()
        user.phone_confirmed_at = now
        user.save(update_fields=["phone_confirmed_at"])
        record_event(actor=user, action="accounts.phone_confirmed", obj=user)
    return user


# --- 更换手机号 ---------------------------------------------------------------------------------

def _as_field(errors: list[FieldError], field: str) -> list[FieldError]:
    return [FieldError(field, e.code, e.message) for e in errors]


def phone_change_pending(*, user: User, now: datetime | None = None) -> PhoneCode | None:
    """The live phone-change code of the account (the number it went to is `new_phone`)."""
    now = now or timezone.now()
    return (PhoneCode.objects.filter(user=user, purpose=CodePurpose.PHONE_CHANGE, used_at__isnull=True,
                                     expires_at__gt=now).order_by("-created_at", "-id").first())


def phone_change_request(*, user: User, current_password: str, new_phone: str, ip: str | None = None,
                         now: datetime | None = None) -> PhoneCode:
    """Send a code to the number the signed-in person wants instead of the current one.

    The current password is required, as for a password change: the phone is a login identifier
    and the way a forgotten password comes back, so an open session on a shared computer must not
    be enough to move it. The new number is checked like at registration (format, not another
    account's). Nothing changes until the code sent to the new number is typed back."""
    now = now or timezone.now()
    errors: list[FieldError] = []
    if not current_password:
        errors.append(FieldError("current_password", ErrorCode.REQUIRED, "请输入当前密码。"))
    elif not user.check_password(current_password):
        errors.append(FieldError("current_password", "password_wrong", "当前密码不正确。"))
    phone_errors = _as_field(phone_field_errors((new_phone or "").strip(), exclude_pk=user.pk), "new_phone")
    if not phone_errors and user.phone and normalise_phone(new_phone) == user.phone:
        phone_errors.append(FieldError("new_phone", "phone_unchanged", "新手机号与当前登记的手机号相同，无需更换。"))
    errors += phone_errors
    if errors:
        raise ValidationFailed(errors)
    if not _ip_allowed(ip):
        raise _too_many()
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        if not _account_allowed(user, now):
            raise DomainError("获取验证码过于频繁，请稍后再试（每分钟最多 1 次，每小时最多 "
                              f"{_setting('YIWANG_SMS_CODE_PER_ACCOUNT_PER_HOUR', DEFAULT_SMS_CODE_PER_ACCOUNT_PER_HOUR)} 次）。",
                              code=ErrorCode.TOO_MANY_REQUESTS)
        return _issue(user=user, purpose=CodePurpose.PHONE_CHANGE, now=now, new_phone=normalise_phone(new_phone))


def phone_change_confirm(*, user: User, code: str, ip: str | None = None, now: datetime | None = None) -> User:
    """Move the account to the new number with the code sent there: the number is confirmed by
    that, the old number and the inbox are told (hook `accounts.phone_changed`), and the change is
    audited with both numbers masked."""
    now = now or timezone.now()
    errors = _code_field_errors(code)
    if errors:
        raise ValidationFailed(errors)
    row = _check_code(user=user, purpose=CodePurpose.PHONE_CHANGE, code=code, now=now)
    if row is None:
        raise _invalid_code()
    taken = ValidationFailed([FieldError("code", ErrorCode.DUPLICATE,
                                         "该手机号刚被其他账户登记，无法更换。请换一个手机号重新获取验证码。")])
    if duplicate_phone(row.new_phone, user.pk):
        # Taken by another account since the code was sent (a registration in between): the code
        # is spent, so the next attempt starts again with another number.
        PhoneCode.objects.filter(pk=row.pk).update(used_at=now)
        raise taken
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        if PhoneCode.objects.filter(pk=row.pk, used_at__isnull=True).update(used_at=now) != 1:
            raise _invalid_code()
        old_phone = user.phone
        user.phone, user.phone_confirmed_at = row.new_phone, now
        try:
            with transaction.atomic():  # the unique index settles a registration racing this one
                user.save(update_fields=["phone", "phone_confirmed_at"])
        except IntegrityError:
            raise taken from None
        record_event(actor=user, action="accounts.phone_changed", obj=user,
                     details={"from": mask_phone(old_phone) if old_phone else "", "to": mask_phone(user.phone),
                              "ip": ip})
        hooks.call(PHONE_CHANGED_HOOK, user=user, old_phone=old_phone)
    return user
