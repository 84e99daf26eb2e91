"""Checks of free text every writer of this app applies: a maximum length and no control
characters (a NUL would fail on PostgreSQL as a server error), each error naming the field."""

from __future__ import annotations

import re

from yiwang.core.errors import FieldError

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

COMMENT_MAX = 500  # what a rater writes (a bad rating's account, a good one's words, the fix's rating)
NOTE_MAX = 2000  # what staff write (verification, result, follow-up, appeal, decision)


def clean_text(value, *, field: str, label: str, max_length: int, required: bool = False,
               errors: list[FieldError]) -> str:
    """The text stripped, or "" with an error appended to `errors`."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        errors.append(FieldError(field, "invalid", f"「{label}」应为文字。"))
        return ""
    if _CONTROL.search(value):
        errors.append(FieldError(field, "control_characters", f"「{label}」含有无法识别的控制字符，请删除后重新输入。"))
        return ""
    text = value.strip()
    if len(text) > max_length:
        errors.append(FieldError(field, "too_long", f"「{label}」最多 {max_length} 个字，现有 {len(text)} 个字，请精简。"))
        return ""
    if required and not text:
        errors.append(FieldError(field, "required", f"请填写「{label}」。"))
    return text
