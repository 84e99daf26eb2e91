"""The rules of account fields: names, usernames, passwords, identifiers and their uniqueness.

Identifiers are validated by their check digits (yiwang.core.identifiers) and normalised. Every
problem with an input is reported at once, in Chinese, naming the field and the fix. Used by the
registration and staff services and by the admin forms (through them).
"""

from __future__ import annotations

import re

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError

from yiwang.accounts.constants import ID_NUMBER_PURPOSE, PHONE_PURPOSE, ErrorCode
from yiwang.accounts.models import User
from yiwang.accounts.phones import normalise_phone, phone_errors
from yiwang.core.crypto import blind_index
from yiwang.core.errors import FieldError
from yiwang.core.identifiers import id_number_errors, normalise_id_number, normalise_uscc, uscc_errors

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


def person_name_errors(value: str, *, field: str, label: str) -> list[FieldError]:
    name = (value or "").strip()
    if not name:
        return [FieldError(field, ErrorCode.REQUIRED, f"请填写{label}。")]
    if len(name) > 50:
        return [FieldError(field, ErrorCode.NAME_FORMAT, f"{label}最多 50 个字，当前为 {len(name)} 个字。")]
    if not _NAME_RE.match(name):
        return [FieldError(field, ErrorCode.NAME_FORMAT,
                           f"{label}只能包含汉字、字母、间隔号“·”和空格，请按身份证上的姓名填写。")]
    return []


def has_control_characters(value: str) -> bool:
    # Invisible characters make names unreadable, and PostgreSQL refuses NUL in text outright.
    return any(ord(ch) < 32 or ord(ch) == 127 for ch in value or "")


def org_name_errors(value: str) -> list[FieldError]:
    name = (value or "").strip()
    if not name:
        return [FieldError("org_name", ErrorCode.REQUIRED, "请填写企业名称（与营业执照一致）。")]
    if len(name) > 200:
        return [FieldError("org_name", ErrorCode.NAME_FORMAT, f"企业名称最多 200 个字，当前为 {len(name)} 个字。")]
    if has_control_characters(name):
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


def duplicate_id_number(number: str, exclude_pk: int | None) -> bool:
    qs = User.objects.filter(id_number_index=blind_index(number, purpose=ID_NUMBER_PURPOSE))
    return (qs.exclude(pk=exclude_pk) if exclude_pk else qs).exists()


def duplicate_phone(number: str, exclude_pk: int | None) -> bool:
    qs = User.objects.filter(phone_index=blind_index(number, purpose=PHONE_PURPOSE))
    return (qs.exclude(pk=exclude_pk) if exclude_pk else qs).exists()


def duplicate_uscc(code: str, exclude_pk: int | None) -> bool:
    qs = User.objects.filter(uscc=code)
    return (qs.exclude(pk=exclude_pk) if exclude_pk else qs).exists()


def id_number_field_errors(value: str, *, field: str, exclude_pk: int | None, unique: bool) -> list[FieldError]:
    errors = id_number_errors(value, field=field)
    if field == "legal_rep_id_number":
        # The shared validator names the number "身份证号"; say whose it is.
        errors = [FieldError(e.field, e.code, "请填写法定代表人的居民身份证号码。" if e.code == "required"
                             else e.message.replace("身份证号", "法定代表人身份证号", 1))
                  for e in errors]
    if not errors and unique and duplicate_id_number(normalise_id_number(value), exclude_pk):
        errors.append(FieldError(field, ErrorCode.DUPLICATE,
                                 "该身份证号已注册过账户。如果是您本人，请直接登录；忘记密码请到政务服务中心窗口办理。"))
    return errors


def phone_field_errors(value: str, *, exclude_pk: int | None) -> list[FieldError]:
    errors = phone_errors(value, field="phone")
    if not errors and duplicate_phone(normalise_phone(value), exclude_pk):
        errors.append(FieldError("phone", ErrorCode.DUPLICATE,
                                 "该手机号已被其他账户使用，请换一个手机号，或用该手机号直接登录。"))
    return errors


def uscc_field_errors(value: str, *, exclude_pk: int | None) -> list[FieldError]:
    errors = uscc_errors(value, field="uscc")
    if not errors and duplicate_uscc(normalise_uscc(value), exclude_pk):
        errors.append(FieldError("uscc", ErrorCode.DUPLICATE, "该统一社会信用代码已注册企业账户，请直接登录。"))
    return errors

