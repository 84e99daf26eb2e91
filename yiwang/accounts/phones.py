"""Mainland mobile numbers: the one phone format accounts accept (it receives SMS codes)."""

from __future__ import annotations

import re

from yiwang.core.errors import FieldError

_MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
_SEPARATORS = re.compile(r"[\s\-()（）]")


def normalise_phone(value: str) -> str:
    """Digits only, without the +86 / 0086 country prefix people often type."""
    number = _SEPARATORS.sub("", value or "")
    for prefix in ("+86", "0086"):
        if number.startswith(prefix):
            number = number[len(prefix):]
    if len(number) == 13 and number.startswith("86"):
        number = number[2:]
    return number


def phone_errors(value: str, *, field: str = "phone") -> list[FieldError]:
    number = normalise_phone(value)
    if not number:
        return [FieldError(field, "required", "请填写手机号码。")]
    if not number.isdigit():
        return [FieldError(field, "phone_format", "手机号码只能包含数字。")]
    if not _MOBILE_RE.match(number):
        return [FieldError(field, "phone_format",
                           f"手机号码应为 11 位、以 1 开头的数字（第二位为 3–9），当前为 {len(number)} 位。")]
    return []
