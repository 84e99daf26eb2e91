"""Resident ID numbers (GB 11643) and unified social credit codes (GB 32100).

The check-digit arithmetic comes from python-stdnum. The rest is ours, because stdnum's `cn.ric`
rejects valid numbers whose area code is missing from its table (STANDARDS §6): a person is only
refused for a bad length, character, birth date or check digit, never for an unknown area, and
every message says exactly what is wrong and, for a check digit, what it should be.
"""

from __future__ import annotations

import datetime as dt
import re

from stdnum.cn import ric as _ric
from stdnum.cn import uscc as _uscc

from yiwang.core.errors import FieldError

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_ID_RE = re.compile(r"^\d{17}[\dX]$")


def normalise_id_number(value: str) -> str:
    return (value or "").strip().replace(" ", "").upper()


def id_number_errors(value: str, *, field: str = "id_number", today: dt.date | None = None) -> list[FieldError]:
    """Problems with an 18-digit resident ID number; empty list if valid."""
    number = normalise_id_number(value)
    if not number:
        return [FieldError(field, "required", "请填写居民身份证号码。")]
    if len(number) != 18:
        return [FieldError(field, "id_length", f"身份证号应为 18 位，当前为 {len(number)} 位。")]
    if not _ID_RE.match(number):
        return [FieldError(field, "id_format", "身份证号前 17 位应为数字，最后一位为数字或 X。")]
    try:
        birth = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return [FieldError(field, "id_birth_date", f"身份证号中的出生日期 {number[6:14]} 不是有效日期。")]
    if birth < dt.date(1880, 1, 1) or birth > (today or dt.date.today()):
        return [FieldError(field, "id_birth_date", f"身份证号中的出生日期 {birth:%Y-%m-%d} 不在合理范围内。")]
    expected = _ric.calc_check_digit(number)
    if number[-1] != expected:
        return [FieldError(field, "id_check_digit", f"身份证号校验位错误，应为 {expected}。")]
    return []


def id_number_birth_date(number: str) -> dt.date:
    number = normalise_id_number(number)
    return dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))


def id_number_sex(number: str) -> str:
    """'M' or 'F' from the sequence digit (odd male, even female)."""
    return "M" if int(normalise_id_number(number)[16]) % 2 else "F"


def normalise_uscc(value: str) -> str:
    return (value or "").strip().replace(" ", "").upper()


def uscc_errors(value: str, *, field: str = "uscc") -> list[FieldError]:
    """Problems with an 18-character unified social credit code; empty list if valid."""
    code = normalise_uscc(value)
    if not code:
        return [FieldError(field, "required", "请填写统一社会信用代码。")]
    if len(code) != 18:
        return [FieldError(field, "uscc_length", f"统一社会信用代码应为 18 位，当前为 {len(code)} 位。")]
    bad = sorted({c for c in code if c not in USCC_ALPHABET})
    if bad:
        return [FieldError(field, "uscc_format",
                           f"统一社会信用代码含不允许的字符 {'、'.join(bad)}（不使用 I、O、Z、S、V）。")]
    if not code[2:8].isdigit():
        return [FieldError(field, "uscc_format", "统一社会信用代码第 3–8 位应为行政区划代码（数字）。")]
    expected = _uscc.calc_check_digit(code[:17])
    if code[-1] != expected:
        return [FieldError(field, "uscc_check_digit", f"统一社会信用代码校验位错误，应为 {expected}。")]
    return []


def with_uscc_check_digit(first17: str) -> str:
    """Complete a 17-character USCC body with its check character (for seed data and factories)."""
    return first17 + _uscc.calc_check_digit(first17)


def with_id_check_digit(first17: str) -> str:
    return first17 + _ric.calc_check_digit(first17 + "0")
