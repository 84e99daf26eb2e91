"""Input checks every service of this app shares: text with a maximum length and no control
characters, named fields, every problem at once."""

from __future__ import annotations

from yiwang.appointments.constants import ErrorCode
from yiwang.core.errors import FieldError


def has_control_characters(value: str) -> bool:
    return any((ord(ch) < 32 and ch not in "\n\r\t") or ord(ch) == 127 for ch in value)


def clean_text(value, *, field: str, label: str, max_length: int, errors: list[FieldError],
               required: bool = False, multiline: bool = False) -> str:
    text = "" if value is None else str(value)
    text = text.strip()
    if not multiline:
        text = " ".join(text.split())
    if has_control_characters(text) or "\x00" in text:
        errors.append(FieldError(field, ErrorCode.FIELD_CONTROL_CHARACTERS, f"{label}含有不可见的控制字符，请重新输入。"))
        return ""
    if required and not text:
        errors.append(FieldError(field, ErrorCode.FIELD_REQUIRED, f"请填写{label}。"))
    elif len(text) > max_length:
        errors.append(FieldError(field, ErrorCode.FIELD_TOO_LONG, f"{label}最多 {max_length} 个字，当前为 {len(text)} 个字。"))
    return text


def choice(value, *, field: str, label: str, choices, errors: list[FieldError], required: bool = True) -> str:
    text = str(value or "")
    if not text and not required:
        return ""
    if text not in choices.values:
        allowed = "、".join(f"{v}（{lbl}）" for v, lbl in choices.choices)
        errors.append(FieldError(field, ErrorCode.FIELD_INVALID, f"请选择{label}：{allowed}。"))
        return ""
    return text
