"""Checking what an editor sends for a bundle version, before anything is written: types, lengths,
control characters, known keys. Every problem comes back at once, each naming its field
(`name`, `members[2].depends_on`, `questions[0].options[1].label`). References to rows (items,
stages, agencies) are resolved by services.py."""

from __future__ import annotations

import re
from typing import Any

from yiwang.bundles.constants import ErrorCode
from yiwang.core.errors import MAX_DB_ID, FieldError

TEXT_LIMITS = {"name": 100, "summary": 1000, "change_note": 2000, "source_reference": 300}
ID_FIELDS = ("stage", "lead_agency", "life_event")
DATA_KEYS = (*TEXT_LIMITS, *ID_FIELDS, "separate_elements")
MAX_MEMBERS = 60
MAX_QUESTIONS = 20
MAX_OPTIONS = 8
MAX_EFFECTS = 30
SLUG = re.compile(r"[a-z0-9][a-z0-9_-]{0,39}")
ELEMENT_KEY = re.compile(r"[a-z0-9_.]{1,100}")


def has_control_characters(text: str) -> bool:
    return any(not ch.isprintable() and ch not in "\n\r\t" for ch in text)


def _text(value: Any, field: str, limit: int, errors: list[FieldError], *, label: str, required: bool = False) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        errors.append(FieldError(field, ErrorCode.FIELD_INVALID, f"{label}应为文字。"))
        return ""
    value = value.strip()
    if has_control_characters(value):
        errors.append(FieldError(field, ErrorCode.FIELD_INVALID, f"{label}含有不可见的控制字符，请删除后重新输入。"))
    elif len(value) > limit:
        errors.append(FieldError(field, ErrorCode.FIELD_TOO_LONG, f"{label}最多 {limit} 个字，现有 {len(value)} 个字，请精简。"))
    elif required and not value:
        errors.append(FieldError(field, ErrorCode.FIELD_REQUIRED, f"请填写{label}。"))
    return value


def _id(value: Any, field: str, errors: list[FieldError], *, label: str, optional: bool = False) -> int | None:
    if value in (None, "") and optional:
        return None
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) < 20:
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_DB_ID:
        errors.append(FieldError(field, ErrorCode.FIELD_INVALID, f"{label}编号无效，请从列表中选择。"))
        return None
    return value


def _id_list(value: Any, field: str, errors: list[FieldError], *, label: str) -> list[int]:
    if value in (None, ""):
        return []
    if not isinstance(value, list) or len(value) > MAX_MEMBERS:
        errors.append(FieldError(field, ErrorCode.FIELD_INVALID, f"{label}应为不超过 {MAX_MEMBERS} 个事项编号的列表。"))
        return []
    ids = []
    for item in value:
        checked = _id(item, field, errors, label=label)
        if checked is not None and checked not in ids:
            ids.append(checked)
    return ids


def clean_data(data: dict) -> tuple[dict, list[FieldError]]:
    errors: list[FieldError] = []
    if not isinstance(data, dict):
        return {}, [FieldError("data", ErrorCode.FIELD_INVALID, "data 应为对象。")]
    cleaned: dict[str, Any] = {}
    labels = {"name": "名称", "summary": "简介", "change_note": "修改说明", "source_reference": "来源",
              "stage": "生命周期阶段", "lead_agency": "牵头部门", "life_event": "办事场景"}
    for key, value in data.items():
        if key not in DATA_KEYS:
            errors.append(FieldError(str(key)[:60], ErrorCode.FIELD_UNKNOWN, f"没有名为「{str(key)[:40]}」的要素，可修改：{'、'.join(DATA_KEYS)}。"))
        elif key in TEXT_LIMITS:
            cleaned[key] = _text(value, key, TEXT_LIMITS[key], errors, label=labels[key], required=key == "name")
        elif key in ID_FIELDS:
            cleaned[key] = _id(value, key, errors, label=labels[key], optional=True)  # required at submission (rules.py)
        else:  # separate_elements
            if not isinstance(value, list) or len(value) > 50 or not all(isinstance(v, str) and ELEMENT_KEY.fullmatch(v) for v in value):
                errors.append(FieldError(key, ErrorCode.FIELD_INVALID,
                                         "按事项分别填写的数据元应为数据元标识的列表（如 matter.description），最多 50 个。"))
            else:
                cleaned[key] = sorted(set(value))
    return cleaned, errors


def clean_members(rows: Any) -> tuple[list[dict], list[FieldError]]:
    errors: list[FieldError] = []
    if not isinstance(rows, list) or len(rows) > MAX_MEMBERS:
        return [], [FieldError("members", ErrorCode.FIELD_INVALID, f"成员应为不超过 {MAX_MEMBERS} 项的列表。")]
    cleaned, seen = [], set()
    for index, row in enumerate(rows):
        where = f"members[{index}]"
        if not isinstance(row, dict):
            errors.append(FieldError(where, ErrorCode.FIELD_INVALID, f"第 {index + 1} 个成员格式不正确。"))
            continue
        unknown = set(row) - {"implementation", "is_lead", "listed_as", "depends_on"}
        if unknown:
            names = "、".join(sorted(map(str, unknown)))[:100]
            errors.append(FieldError(where, ErrorCode.FIELD_UNKNOWN, f"第 {index + 1} 个成员有无法识别的要素：{names}。"))
        implementation = _id(row.get("implementation"), f"{where}.implementation", errors, label="成员事项")
        if implementation is not None and implementation in seen:
            errors.append(FieldError(f"{where}.implementation", ErrorCode.DUPLICATE_MEMBER, f"第 {index + 1} 个成员与前面的成员重复，请删除。"))
        seen.add(implementation)
        is_lead = row.get("is_lead", False)
        if not isinstance(is_lead, bool):
            errors.append(FieldError(f"{where}.is_lead", ErrorCode.FIELD_INVALID, "牵头（★）应为是或否。"))
        cleaned.append({
            "implementation": implementation, "is_lead": bool(is_lead) if isinstance(is_lead, bool) else False,
            "listed_as": _text(row.get("listed_as"), f"{where}.listed_as", 300, errors, label="清单中的名称"),
            "depends_on": _id_list(row.get("depends_on"), f"{where}.depends_on", errors, label="须先办结的成员"),
        })
    return cleaned, errors


def _effects(option: dict, at: str, errors: list[FieldError]) -> dict:
    drops, adds = [], []
    for key in ("drops", "adds"):
        value = option.get(key) or []
        if not isinstance(value, list) or len(value) > MAX_EFFECTS:
            errors.append(FieldError(f"{at}.{key}", ErrorCode.FIELD_INVALID, f"{key} 应为不超过 {MAX_EFFECTS} 项的列表。"))
            continue
        for i, effect in enumerate(value):
            where = f"{at}.{key}[{i}]"
            if not isinstance(effect, dict):
                errors.append(FieldError(where, ErrorCode.FIELD_INVALID, "格式不正确。"))
                continue
            member = _id(effect.get("member"), f"{where}.member", errors, label="所属成员")
            if key == "drops":
                material = _text(effect.get("material"), f"{where}.material", 300, errors, label="免交的材料名称", required=True)
                drops.append({"member": member, "material": material})
            else:
                name = _text(effect.get("name"), f"{where}.name", 300, errors, label="增加的材料名称", required=True)
                notes = _text(effect.get("notes"), f"{where}.notes", 500, errors, label="材料说明")
                adds.append({"member": member, "name": name, "notes": notes})
    return {"excludes": _id_list(option.get("excludes"), f"{at}.excludes", errors, label="不再办理的成员"), "drops": drops, "adds": adds}


def clean_questions(rows: Any) -> tuple[list[dict], list[FieldError]]:
    errors: list[FieldError] = []
    if not isinstance(rows, list) or len(rows) > MAX_QUESTIONS:
        return [], [FieldError("questions", ErrorCode.FIELD_INVALID, f"情形问题应为不超过 {MAX_QUESTIONS} 项的列表。")]
    cleaned = []
    for qi, row in enumerate(rows):
        where = f"questions[{qi}]"
        if not isinstance(row, dict):
            errors.append(FieldError(where, ErrorCode.FIELD_INVALID, f"第 {qi + 1} 个情形问题格式不正确。"))
            continue
        key = row.get("key") or f"q{qi + 1}"
        if not isinstance(key, str) or not SLUG.fullmatch(key):
            errors.append(FieldError(f"{where}.key", ErrorCode.FIELD_INVALID, "问题编号只能用小写字母、数字、- 和 _，最多 40 位（如 signboard）。"))
            key = f"q{qi + 1}"
        options_in = row.get("options") or []
        if not isinstance(options_in, list) or len(options_in) > MAX_OPTIONS:
            errors.append(FieldError(f"{where}.options", ErrorCode.FIELD_INVALID, f"选项应为不超过 {MAX_OPTIONS} 项的列表。"))
            options_in = []
        options = []
        for oi, option in enumerate(options_in):
            at = f"{where}.options[{oi}]"
            if not isinstance(option, dict):
                errors.append(FieldError(at, ErrorCode.FIELD_INVALID, "选项格式不正确。"))
                continue
            value = option.get("value") or f"o{oi + 1}"
            if not isinstance(value, str) or not SLUG.fullmatch(value):
                errors.append(FieldError(f"{at}.value", ErrorCode.FIELD_INVALID, "选项值只能用小写字母、数字、- 和 _，最多 40 位（如 yes）。"))
                value = f"o{oi + 1}"
            options.append({"value": value, "label": _text(option.get("label"), f"{at}.label", 100, errors, label="选项文字", required=True),
                             **_effects(option, at, errors)})
        cleaned.append({"key": key, "text": _text(row.get("text"), f"{where}.text", 200, errors, label="问题", required=True),
                        "help_text": _text(row.get("help_text"), f"{where}.help_text", 300, errors, label="问题说明"),
                        "options": options})
    return cleaned, errors
