"""Plain-text forms of the list-valued guide elements, shared by the editor pages and the workbook
(Excel) so staff type one format everywhere.

- a list of texts (受理条件): one per line;
- a list of records (设定依据, 办理流程, 特别程序, 收费项目, 可选值): one per line, parts separated by
  "｜" (a plain "|" is accepted too), trailing parts optional;
- a list of codes (服务对象 1,2): separated by commas (",", "，", "、" or spaces).
"""

from __future__ import annotations

import re

SEPARATOR = "｜"
_SPLIT_PARTS = re.compile(r"\s*[｜|]\s*")
_SPLIT_CODES = re.compile(r"[\s,，、;；]+")

# (element, keys of one record, keys that hold whole numbers)
RECORD_KEYS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "legal_basis": (("name", "articles"), ()),
    "process": (("name", "description", "limit"), ()),
    "special_procedures": (("kind", "name", "max_days", "note"), ("max_days",)),
    "fee_items": (("name", "standard", "reduction"), ()),
    "options": (("value", "label"), ()),
}


class TextFormatError(ValueError):
    """A line that cannot be read; the message names the line and the fix."""


def _lines(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").replace("\r\n", "\n").split("\n") if line.strip()]


def parse_lines(text: str | None) -> list[str]:
    return _lines(text)


def format_lines(values: list | None) -> str:
    return "\n".join(str(v) for v in (values or []) if str(v).strip())


def parse_codes(text: str | None) -> list[str]:
    if isinstance(text, list | tuple):
        return [str(v).strip() for v in text if str(v).strip()]
    return [part for part in _SPLIT_CODES.split(str(text or "").strip()) if part]


def format_codes(values: list | None) -> str:
    return ",".join(str(v) for v in (values or []))


def parse_records(element: str, text: str | None) -> list[dict]:
    """Read one record per line; raises TextFormatError naming the first bad line."""
    keys, int_keys = RECORD_KEYS[element]
    records = []
    for number, line in enumerate(_lines(text), start=1):
        parts = _SPLIT_PARTS.split(line)
        if len(parts) > len(keys):
            raise TextFormatError(
                f"第 {number} 行有 {len(parts)} 段，最多 {len(keys)} 段（{SEPARATOR.join(_KEY_LABELS[k] for k in keys)}），"
                f"请删去多余的分隔符「{SEPARATOR}」。")
        record: dict = {}
        for key, part in zip(keys, parts + [""] * (len(keys) - len(parts)), strict=True):
            if key in int_keys:
                if part == "":
                    record[key] = None
                elif part.isdigit():
                    record[key] = int(part)
                else:
                    raise TextFormatError(f"第 {number} 行的「{_KEY_LABELS[key]}」应为整数，当前为「{part}」。")
            else:
                record[key] = part
        records.append(record)
    return records


def format_records(element: str, records: list | None) -> str:
    keys, _ = RECORD_KEYS[element]
    lines = []
    for record in records or []:
        if isinstance(record, str):  # tolerate a plain string where a record was expected
            lines.append(record)
            continue
        parts = ["" if record.get(k) is None else str(record.get(k)) for k in keys]
        while len(parts) > 1 and parts[-1] == "":
            parts.pop()
        lines.append(SEPARATOR.join(parts))
    return "\n".join(lines)


_KEY_LABELS = {
    "name": "名称", "articles": "条款", "description": "说明", "limit": "时限", "kind": "类型代码",
    "max_days": "最长天数", "note": "说明", "standard": "收费标准", "reduction": "减免政策", "value": "值",
    "label": "显示文字",
}

# How each record element is described to people (editor hints, workbook notes).
RECORD_HINTS = {
    element: f"每行一条，格式：{SEPARATOR.join(_KEY_LABELS[k] for k in keys)}"
    for element, (keys, _) in RECORD_KEYS.items()
}
