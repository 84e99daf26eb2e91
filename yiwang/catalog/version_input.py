"""Checking what an editor sends for a version (API body, editor form, workbook row) against each
element's type and code set, before anything is written.

Types and choices come from the model fields, so a new element needs no second declaration here;
list-valued elements (JSON) have their shape declared in `LIST_ELEMENTS`. Every problem is a
FieldError named by the element (`promised_limit`, `materials[2].necessity`) with a Chinese message
that says what is expected. Nothing here writes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.files.base import File
from django.core.validators import URLValidator
from django.db import models

from yiwang.catalog import element_text
from yiwang.catalog.constants import ErrorCode, HandlingForm, OnlineDepth, ServiceObject, SpecialProcedureKind
from yiwang.catalog.models import (
    FAQ,
    DataElement,
    FeeItem,
    FormField,
    ImplementationVersion,
    Material,
    ServicePlace,
)
from yiwang.core.errors import FieldError

# Elements of a version an editor may set through version_update (everything else is managed by
# the lifecycle: status, number, reviewers, timestamps).
VERSION_ELEMENTS: tuple[str, ...] = (
    "name", "change_note", "legal_basis", "agency_nature", "co_agencies", "service_objects", "person_themes",
    "enterprise_themes",
    "statutory_limit", "statutory_limit_unit", "statutory_limit_note", "promised_limit", "promised_limit_unit",
    "promised_limit_note", "case_kind", "special_procedures",
    "acceptance_conditions", "process", "process_key", "intermediary_services", "quantity_limit", "handling_forms",
    "online_depth", "online_url", "visits", "visits_reason", "supports_appointment", "supports_online_payment",
    "supports_express_delivery", "supports_online_handling", "cross_region_scope",
    "result_name", "result_type", "result_sample", "result_licence_type_code",
    "fee_charged", "fee_basis", "consultation_phone", "complaint_phone",
    "commitment_eligible", "deferred_material_eligible", "high_frequency", "city_wide", "in_hall", "weekend_service",
    "no_materials_required",
)
READ_ONLY_ELEMENTS = frozenset({
    "id", "implementation", "number", "status", "created_by", "submitted_by", "submitted_at", "reviewed_by",
    "reviewed_at", "published_by", "published_at", "superseded_at", "created_at", "updated_at",
})

# Sanity bounds on counts (a limit of 3651 days is a typo, not a law).
INTEGER_BOUNDS: dict[str, tuple[int, int]] = {
    "statutory_limit": (0, 3650), "promised_limit": (0, 3650), "visits": (0, 20),
    "original_copies": (0, 99), "copy_copies": (0, 99),
}
SAMPLE_EXTENSIONS = (".pdf", ".ofd", ".jpg", ".jpeg", ".png", ".doc", ".docx", ".xls", ".xlsx", ".wps")


@dataclass(frozen=True)
class ListElement:
    kind: str  # "texts" | "codes" | "records"
    choices: type[models.TextChoices] | None = None
    required_keys: tuple[str, ...] = ()
    record_choices: dict[str, type[models.TextChoices]] = field(default_factory=dict)


LIST_ELEMENTS: dict[str, ListElement] = {
    "legal_basis": ListElement("records", required_keys=("name",)),
    "acceptance_conditions": ListElement("texts"),
    "process": ListElement("records", required_keys=("name",)),
    "special_procedures": ListElement("records", required_keys=("kind", "name"),
                                      record_choices={"kind": SpecialProcedureKind}),
    "service_objects": ListElement("codes", ServiceObject),
    "handling_forms": ListElement("codes", HandlingForm),
    "online_depth": ListElement("codes", OnlineDepth),
    "person_themes": ListElement("codes"),
    "enterprise_themes": ListElement("codes"),
}

CHILD_MODELS: dict[str, type[models.Model]] = {
    "materials": Material, "fee_items": FeeItem, "faqs": FAQ, "places": ServicePlace, "form_fields": FormField,
}
CHILD_ELEMENTS: dict[str, tuple[str, ...]] = {
    "materials": ("name", "issuing_body", "material_type", "medium", "original_copies", "copy_copies", "necessity",
                  "source_channel", "licence_type_code", "blank_form", "sample", "filling_notes",
                  "acceptance_standard", "legal_basis"),
    "fee_items": ("name", "standard", "reduction"),
    "faqs": ("question", "answer"),
    "places": ("name", "address", "hours", "phone", "outlet"),
    "form_fields": ("data_element", "section", "label", "required", "options", "validation", "help_text"),
}
CHILD_REQUIRED: dict[str, tuple[str, ...]] = {
    "materials": ("name",), "fee_items": ("name", "standard"), "faqs": ("question", "answer"),
    "places": ("name", "address", "hours"), "form_fields": ("data_element",),
}
CHILD_LABELS = {"materials": "申请材料", "fee_items": "收费项目", "faqs": "常见问题", "places": "办理地点",
                "form_fields": "表单字段"}
# Rows are matched to existing ones by id, and in the result carry `order` = position.
IGNORED_CHILD_KEYS = frozenset({"order", "version", "created_at", "updated_at"})

# Database ids are signed 64-bit: a larger number is not an id (and would overflow the query).
MAX_ID = 2**63 - 1
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

_TRUE = {"true", "1", "on", "yes", "y", "是", "t"}
_FALSE = {"false", "0", "off", "no", "n", "否", "f", ""}
_URL = URLValidator(schemes=["http", "https"])


def is_id(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_ID


def has_control_characters(value: Any) -> bool:
    """Invisible control characters (NUL above all: PostgreSQL refuses it) anywhere in a value."""
    if isinstance(value, str):
        return bool(_CONTROL.search(value))
    if isinstance(value, dict):
        return any(has_control_characters(k) or has_control_characters(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(has_control_characters(v) for v in value)
    return False


def element_label(model: type[models.Model], name: str) -> str:
    try:
        return str(model._meta.get_field(name).verbose_name)
    except Exception:  # noqa: BLE001 — an unknown name is shown as itself
        return name


def _clean_scalar(model_field: models.Field, value: Any, *, key: str, label: str) -> tuple[Any, FieldError | None]:
    """One non-list value against its model field: (cleaned, problem)."""
    def problem(code: str, message: str) -> tuple[Any, FieldError]:
        return None, FieldError(key, code, message)

    if isinstance(model_field, models.BooleanField):
        if isinstance(value, bool):
            return value, None
        text = str(value if value is not None else "").strip().lower()
        if text in _TRUE:
            return True, None
        if text in _FALSE:
            return False, None
        return problem(ErrorCode.FIELD_INVALID, f"{label}应为「是」或「否」，当前为「{value}」。")

    if isinstance(model_field, models.DecimalField):
        if value is None or (isinstance(value, str) and not value.strip()):
            if model_field.null:
                return None, None
            return problem(ErrorCode.FIELD_REQUIRED, f"请填写{label}（天数，可为 0.5 这样的半天）。")
        if isinstance(value, bool):
            return problem(ErrorCode.FIELD_INVALID, f"{label}应为数字。")
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            return problem(ErrorCode.FIELD_INVALID, f"{label}应为数字（如 10 或 0.5），当前为「{value}」。")
        if not number.is_finite():
            return problem(ErrorCode.FIELD_INVALID, f"{label}应为数字（如 10 或 0.5），当前为「{value}」。")
        low, high = INTEGER_BOUNDS.get(model_field.name, (0, 3650))
        if not low <= number <= high:
            return problem(ErrorCode.FIELD_OUT_OF_RANGE, f"{label}应在 {low} 到 {high} 之间，当前为 {value}。")
        if number != number.quantize(Decimal("0.1")):
            return problem(ErrorCode.FIELD_INVALID, f"{label}最多保留 1 位小数（如 0.5），当前为「{value}」。")
        return number.quantize(Decimal("0.1")), None

    if isinstance(model_field, models.IntegerField):
        if value is None or (isinstance(value, str) and not value.strip()):
            if model_field.null:
                return None, None
            return problem(ErrorCode.FIELD_REQUIRED, f"请填写{label}（整数）。")
        if isinstance(value, bool):
            return problem(ErrorCode.FIELD_INVALID, f"{label}应为整数。")
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, str) and re.fullmatch(r"\s*\d+\s*", value):
            value = int(value)
        if not isinstance(value, int):
            return problem(ErrorCode.FIELD_INVALID, f"{label}应为不小于 0 的整数，当前为「{value}」。")
        low, high = INTEGER_BOUNDS.get(model_field.name, (0, 32767))
        if not low <= value <= high:
            return problem(ErrorCode.FIELD_OUT_OF_RANGE, f"{label}应在 {low} 到 {high} 之间，当前为 {value}。")
        return value, None

    if isinstance(model_field, models.CharField | models.TextField):
        if value is None:
            value = ""
        if not isinstance(value, str | int):
            return problem(ErrorCode.FIELD_INVALID, f"{label}应为文本。")
        text = str(value).strip()
        if has_control_characters(text):
            return problem(ErrorCode.FIELD_INVALID, f"{label}含有不可见的控制字符，请删除后重新输入。")
        if model_field.choices:
            allowed = {str(v): lbl for v, lbl in model_field.flatchoices}
            if text == "" and model_field.blank:
                return "", None
            if text not in allowed:
                # People type the label they see (工作日); accept it for the code.
                by_label = {str(lbl): v for v, lbl in model_field.flatchoices}
                if text in by_label:
                    return by_label[text], None
                options = "、".join(f"{v}（{lbl}）" for v, lbl in allowed.items())
                return problem(ErrorCode.FIELD_INVALID_CHOICE, f"{label}的取值「{text}」无效，请从以下选择：{options}。")
            return text, None
        if model_field.max_length and len(text) > model_field.max_length:
            return problem(ErrorCode.FIELD_TOO_LONG,
                           f"{label}最多 {model_field.max_length} 个字，当前 {len(text)} 个，请精简。")
        if isinstance(model_field, models.URLField) and text:
            try:
                _URL(text)
            except DjangoValidationError:
                return problem(ErrorCode.FIELD_INVALID, f"{label}应为以 http:// 或 https:// 开头的网址。")
        return text, None

    if isinstance(model_field, models.FileField):
        if value in (None, ""):
            return "", None
        if not isinstance(value, File):
            return problem(ErrorCode.FIELD_INVALID, f"{label}应为上传的文件。")
        name = (getattr(value, "name", "") or "").lower()
        if not name.endswith(SAMPLE_EXTENSIONS):
            return problem(ErrorCode.FIELD_INVALID,
                           f"{label}的文件类型不支持，请上传 {'、'.join(e.lstrip('.') for e in SAMPLE_EXTENSIONS)} 文件。")
        return value, None

    return value, None  # pragma: no cover — every editable element is one of the kinds above


def _clean_list(name: str, spec: ListElement, value: Any, *, key: str, label: str) -> tuple[Any, list[FieldError]]:
    errors: list[FieldError] = []
    if value is None:
        return [], errors
    if has_control_characters(value):
        return None, [FieldError(key, ErrorCode.FIELD_INVALID, f"{label}含有不可见的控制字符，请删除后重新输入。")]
    if spec.kind == "texts":
        if isinstance(value, str):
            return element_text.parse_lines(value), errors
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            return None, [FieldError(key, ErrorCode.FIELD_INVALID, f"{label}应为文本列表（每条一行）。")]
        return [v.strip() for v in value if v.strip()], errors
    if spec.kind == "codes":
        codes = element_text.parse_codes(value) if isinstance(value, str | list | tuple) else None
        if codes is None:
            return None, [FieldError(key, ErrorCode.FIELD_INVALID, f"{label}应为代码列表，如 [\"1\", \"2\"]。")]
        if spec.choices is not None:
            by_label = {c.label: c.value for c in spec.choices}
            codes = [by_label.get(c, c) for c in codes]
            bad = [c for c in codes if c not in spec.choices.values]
            if bad:
                options = "、".join(f"{c.value}（{c.label}）" for c in spec.choices)
                return None, [FieldError(key, ErrorCode.FIELD_INVALID_CHOICE,
                                         f"{label}含无效代码「{'、'.join(bad)}」，请从以下选择：{options}。")]
        return list(dict.fromkeys(codes)), errors
    # records
    if isinstance(value, str):
        try:
            value = element_text.parse_records(name, value)
        except element_text.TextFormatError as exc:
            return None, [FieldError(key, ErrorCode.FIELD_INVALID, f"{label}：{exc}")]
    if not isinstance(value, list):
        return None, [FieldError(key, ErrorCode.FIELD_INVALID, f"{label}应为列表。{element_text.RECORD_HINTS[name]}。")]
    keys, int_keys = element_text.RECORD_KEYS[name]
    records = []
    for index, item in enumerate(value):
        if isinstance(item, str):
            item = {keys[0]: item}
        if not isinstance(item, dict):
            errors.append(FieldError(key, ErrorCode.FIELD_INVALID, f"{label}第 {index + 1} 条格式不正确。"))
            continue
        unknown = sorted(set(item) - set(keys))
        if unknown:
            errors.append(FieldError(key, ErrorCode.FIELD_UNKNOWN,
                                     f"{label}第 {index + 1} 条含未知项「{'、'.join(unknown)}」，可用：{'、'.join(keys)}。"))
            continue
        record = {}
        for k in keys:
            v = item.get(k)
            if k in int_keys:
                if v in (None, ""):
                    record[k] = None
                elif isinstance(v, int) and not isinstance(v, bool) and v >= 0:
                    record[k] = v
                elif isinstance(v, str) and v.strip().isdigit():
                    record[k] = int(v)
                else:
                    errors.append(FieldError(key, ErrorCode.FIELD_INVALID, f"{label}第 {index + 1} 条的「{k}」应为整数。"))
            else:
                record[k] = "" if v is None else str(v).strip()
        for k in spec.required_keys:
            if record.get(k) in (None, ""):
                errors.append(FieldError(key, ErrorCode.FIELD_REQUIRED,
                                         f"{label}第 {index + 1} 条缺少「{k}」，请补充。{element_text.RECORD_HINTS[name]}。"))
        for k, choices in spec.record_choices.items():
            if record.get(k) and record[k] not in choices.values:
                options = "、".join(f"{c.value}（{c.label}）" for c in choices)
                errors.append(FieldError(key, ErrorCode.FIELD_INVALID_CHOICE,
                                         f"{label}第 {index + 1} 条的类型「{record[k]}」无效，请从以下选择：{options}。"))
        records.append(record)
    return records, errors


def clean_version_data(data: dict) -> tuple[dict, list[FieldError]]:
    """Check the scalar and list elements of a version. Returns (cleaned, errors); `co_agencies`
    comes back as a list of organisation ids (their existence is checked by the caller)."""
    if not isinstance(data, dict):
        return {}, [FieldError("data", ErrorCode.FIELD_INVALID, "data 应为对象（元素名: 值）。")]
    cleaned: dict = {}
    errors: list[FieldError] = []
    for key, value in data.items():
        if key in READ_ONLY_ELEMENTS:
            errors.append(FieldError(key, ErrorCode.FIELD_READ_ONLY, f"「{key}」由审核流程管理，不能直接修改，请删除该项。"))
            continue
        if key not in VERSION_ELEMENTS:
            errors.append(FieldError(key, ErrorCode.FIELD_UNKNOWN, f"没有名为「{key}」的事项要素，请检查拼写。"))
            continue
        label = element_label(ImplementationVersion, key)
        if key == "co_agencies":
            ids, problem = _clean_ids(value, key=key, label=label)
            if problem:
                errors.append(problem)
            else:
                cleaned[key] = ids
            continue
        if key in LIST_ELEMENTS:
            result, problems = _clean_list(key, LIST_ELEMENTS[key], value, key=key, label=label)
            errors.extend(problems)
            if not problems:
                cleaned[key] = result
            continue
        result, problem = _clean_scalar(ImplementationVersion._meta.get_field(key), value, key=key, label=label)
        if problem:
            errors.append(problem)
        else:
            cleaned[key] = result
    if "name" in cleaned and not cleaned["name"]:
        errors.append(FieldError("name", ErrorCode.FIELD_REQUIRED, "事项名称不能为空，请填写。"))
    return cleaned, errors


def _clean_ids(value: Any, *, key: str, label: str) -> tuple[list[int], FieldError | None]:
    if value is None:
        return [], None
    if not isinstance(value, list | tuple):
        return [], FieldError(key, ErrorCode.FIELD_INVALID, f"{label}应为机构编号列表。")
    ids = []
    for v in value:
        if isinstance(v, str) and v.strip().isdigit() and len(v.strip()) < 20:
            v = int(v)
        elif hasattr(v, "pk"):
            v = v.pk
        if not is_id(v):
            return [], FieldError(key, ErrorCode.FIELD_INVALID, f"{label}含无效的机构编号「{v}」。")
        ids.append(v)
    return list(dict.fromkeys(ids)), None


@dataclass
class ChildRow:
    """One checked child row: `id` of the existing row it updates (None for a new row)."""

    id: int | None
    values: dict


def clean_child_rows(kind: str, rows: Any, *, existing_ids: set[int]) -> tuple[list[ChildRow], list[FieldError]]:
    """Check a full replacement list of one kind of child row (materials, fee_items, faqs, places,
    form_fields). A row with an `id` updates that existing row; rows left out are removed."""
    model = CHILD_MODELS[kind]
    allowed = CHILD_ELEMENTS[kind]
    label_kind = CHILD_LABELS[kind]
    if not isinstance(rows, list):
        return [], [FieldError(kind, ErrorCode.FIELD_INVALID, f"{label_kind}应为列表。")]
    result: list[ChildRow] = []
    errors: list[FieldError] = []
    seen_ids: set[int] = set()
    for index, row in enumerate(rows):
        prefix = f"{kind}[{index}]"
        which = f"第 {index + 1} 项{label_kind}"
        if not isinstance(row, dict):
            errors.append(FieldError(prefix, ErrorCode.FIELD_INVALID, f"{which}应为对象。"))
            continue
        row_id = row.get("id")
        if row_id not in (None, ""):
            try:
                row_id = int(row_id)
            except (TypeError, ValueError, OverflowError):
                row_id = -1
            if row_id not in existing_ids or row_id in seen_ids:
                errors.append(FieldError(f"{prefix}.id", ErrorCode.FIELD_INVALID,
                                         f"{which}的编号 {row.get('id')} 不属于本版本，请删除编号作为新增项。"))
                continue
            seen_ids.add(row_id)
        else:
            row_id = None
        values: dict = {}
        for key, value in row.items():
            if key == "id" or key in IGNORED_CHILD_KEYS:
                continue
            field_key = f"{prefix}.{key}"
            if key not in allowed:
                errors.append(FieldError(field_key, ErrorCode.FIELD_UNKNOWN,
                                         f"{which}没有名为「{key}」的项，可用：{'、'.join(allowed)}。"))
                continue
            label = f"{which}的{element_label(model, key)}"
            if kind == "form_fields" and key in ("data_element", "options", "validation"):
                cleaned, problem = _clean_form_field_value(key, value, key_name=field_key, label=label)
            elif kind == "places" and key == "outlet":
                ids, problem = _clean_ids([] if value in (None, "") else [value], key=field_key, label=label)
                cleaned = ids[0] if ids else None
            else:
                cleaned, problem = _clean_scalar(model._meta.get_field(key), value, key=field_key, label=label)
            if problem:
                errors.append(problem)
            else:
                values[key] = cleaned
        for key in CHILD_REQUIRED[kind]:
            if row_id is None and values.get(key) in (None, "") and not any(e.field == f"{prefix}.{key}" for e in errors):
                errors.append(FieldError(f"{prefix}.{key}", ErrorCode.FIELD_REQUIRED,
                                         f"请填写{which}的{element_label(model, key)}。"))
            elif row_id is not None and key in values and values[key] in (None, ""):
                errors.append(FieldError(f"{prefix}.{key}", ErrorCode.FIELD_REQUIRED,
                                         f"{which}的{element_label(model, key)}不能为空。"))
        result.append(ChildRow(row_id, values))
    if kind == "form_fields":
        keys = [r.values.get("data_element") for r in result if r.values.get("data_element") is not None]
        duplicates = sorted({str(k) for k in keys if keys.count(k) > 1})
        if duplicates:
            errors.append(FieldError(kind, ErrorCode.FIELD_INVALID,
                                     f"同一数据元只能在表单中出现一次，重复的：{'、'.join(duplicates)}，请删除重复字段。"))
    return result, errors


def _clean_form_field_value(key: str, value: Any, *, key_name: str, label: str) -> tuple[Any, FieldError | None]:
    if has_control_characters(value):
        return None, FieldError(key_name, ErrorCode.FIELD_INVALID, f"{label}含有不可见的控制字符，请删除后重新输入。")
    if key == "data_element":
        if isinstance(value, DataElement):
            return value.key, None
        if isinstance(value, str) and value.strip() and len(value) <= 100:
            return value.strip(), None
        if is_id(value):
            return value, None
        return None, FieldError(key_name, ErrorCode.FIELD_REQUIRED, f"请为{label}选择数据元（如 applicant.name）。")
    if key == "options":
        if value in (None, ""):
            return [], None
        if isinstance(value, str):
            try:
                value = element_text.parse_records("options", value)
            except element_text.TextFormatError as exc:
                return None, FieldError(key_name, ErrorCode.FIELD_INVALID, f"{label}：{exc}")
        if not isinstance(value, list):
            return None, FieldError(key_name, ErrorCode.FIELD_INVALID,
                                    f"{label}应为列表，每项含 value 和 label。{element_text.RECORD_HINTS['options']}。")
        options = []
        for item in value:
            if isinstance(item, str):
                item = {"value": item, "label": item}
            if not isinstance(item, dict) or not str(item.get("value", "")).strip():
                return None, FieldError(key_name, ErrorCode.FIELD_INVALID, f"{label}的每一项须有 value。")
            options.append({"value": str(item["value"]).strip(), "label": str(item.get("label") or item["value"]).strip()})
        return options, None
    # validation
    if value in (None, ""):
        return {}, None
    allowed = {"max_length", "min_length", "pattern", "min", "max"}
    if not isinstance(value, dict) or set(value) - allowed:
        return None, FieldError(key_name, ErrorCode.FIELD_INVALID,
                                f"{label}应为对象，可用的键：{'、'.join(sorted(allowed))}。")
    if "pattern" in value:
        try:
            re.compile(str(value["pattern"]))
        except re.error:
            return None, FieldError(key_name, ErrorCode.FIELD_INVALID, f"{label}中的正则表达式无效，请修正。")
    for bound in ("max_length", "min_length"):
        if bound in value and not (isinstance(value[bound], int) and value[bound] >= 0):
            return None, FieldError(key_name, ErrorCode.FIELD_INVALID, f"{label}中的 {bound} 应为非负整数。")
    for bound in ("min", "max"):
        if bound in value and not isinstance(value[bound], int | float | str):
            return None, FieldError(key_name, ErrorCode.FIELD_INVALID, f"{label}中的 {bound} 应为数值。")
    return dict(value), None
