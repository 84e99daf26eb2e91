"""The application form of a version: its schema for rendering and the check of submitted data.

Each form field is a data element (数据元) with a type; the field may narrow the element's options
and validation. `validate_form_data` is on the intake hot path (cases), so it takes fields that are
already loaded — with their data elements (`select_related("data_element")` or the prefetch of
selectors.implementation_detail) — and runs no query. Keys in and out are data-element keys
(`applicant.name`), so forms of several items merge as sets (多表合一).

Cleaned values are JSON-ready: strings, ints, booleans, lists; decimals as normalised strings
("12.5"), dates as "YYYY-MM-DD", ID numbers and USCCs upper-cased without spaces. Keys that are not
fields of the form are dropped (a merged bundle form sends the union of its members' keys).
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from django.utils import timezone

from yiwang.catalog.constants import DataType, ErrorCode
from yiwang.core.errors import FieldError
from yiwang.core.identifiers import (
    id_number_birth_date,
    id_number_errors,
    id_number_sex,
    normalise_id_number,
    normalise_uscc,
    uscc_errors,
)

_PHONE = re.compile(r"^1[3-9]\d{9}$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_DIVISION = re.compile(r"^[0-9A-Za-z]{6,20}$")
_INTEGER = re.compile(r"^[+-]?\d{1,18}$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_CHOSEN = (DataType.CHOICE, DataType.MULTI_CHOICE, DataType.BOOLEAN, DataType.DIVISION)
_TRUE = {"true", "1", "on", "yes", "是"}
_FALSE = {"false", "0", "off", "no", "否"}
# The largest decimal a form accepts: 15 integer digits, 6 decimals (a money amount in fen of any
# real application fits; so does an area in square metres to the micron).
DECIMAL_MAX_INTEGER_DIGITS = 15
DECIMAL_MAX_FRACTION = 6
# A text without an explicit limit still has one: a form is not a file store.
DEFAULT_MAX_LENGTH = {DataType.STRING: 200, DataType.ADDRESS: 300, DataType.TEXT: 5000}


@lru_cache(maxsize=512)
def _pattern(pattern: str) -> re.Pattern:
    return re.compile(pattern)


def field_key(field) -> str:
    return field.data_element.key


def field_label(field) -> str:
    return field.label or field.data_element.name


def field_options(field) -> list[dict]:
    return list(field.options or field.data_element.options or [])


def field_validation(field) -> dict:
    return {**(field.data_element.validation or {}), **(field.validation or {})}


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or (isinstance(value, list | tuple) and not value)


def validate_form_data(fields: list, data: dict) -> tuple[dict, list[FieldError]]:
    """Check `data` (data-element key -> value) against a version's form fields. Returns
    (cleaned, errors): every problem at once, each FieldError named by the data-element key with
    a Chinese message naming the field and the fix."""
    cleaned: dict[str, Any] = {}
    errors: list[FieldError] = []
    if not isinstance(data, dict):
        return cleaned, [FieldError("form", ErrorCode.FORM_INVALID, "表单数据格式不正确，应为“字段: 值”的对象。")]
    for field in fields:
        element = field.data_element
        key = element.key
        label = field.label or element.name
        value = data.get(key)
        if _empty(value):
            if field.required:
                # Options are chosen, not written: the message says the action the page asks for.
                verb = "请选择" if element.data_type in _CHOSEN else "请填写"
                errors.append(FieldError(key, ErrorCode.FORM_REQUIRED, f"{verb}「{label}」。"))
            continue
        result, problem = _clean_value(element.data_type, value, key=key, label=label, field=field)
        if problem is not None:
            errors.append(problem)
        else:
            cleaned[key] = result
    labels = {f.data_element.key: f.label or f.data_element.name for f in fields}
    types = {f.data_element.key: f.data_element.data_type for f in fields}
    errors.extend(_cross_field_problems(cleaned, labels, types))
    return cleaned, errors


_BIRTH_SUFFIX, _SEX_SUFFIX, _ID_SUFFIX = "birth_date", "sex", "id_number"
_SEX_OF_ID = {"M": "男", "F": "女"}


def _cross_field_problems(cleaned: dict, labels: dict, types: dict) -> list[FieldError]:
    """What single fields cannot tell: a birth date in the future, or a birth date or sex that the
    same person's ID number contradicts (`child.id_number` vs `child.birth_date`, `child.sex`).
    The date or sex is named as wrong, since the ID number was typed from a document and checked
    digit by digit; the message quotes both, so either can be corrected."""
    problems: list[FieldError] = []
    today = timezone.localdate()
    for key, value in cleaned.items():
        if key.endswith("." + _BIRTH_SUFFIX) and types[key] == DataType.DATE and dt.date.fromisoformat(value) > today:
            problems.append(FieldError(key, ErrorCode.FORM_OUT_OF_RANGE,
                                       f"「{labels[key]}」{value} 晚于今天，请核对出生日期。"))
    for key, number in cleaned.items():
        if not key.endswith("." + _ID_SUFFIX) or types[key] != DataType.ID_NUMBER:
            continue
        person = key[: -len(_ID_SUFFIX)]
        birth_key, sex_key = person + _BIRTH_SUFFIX, person + _SEX_SUFFIX
        id_birth = id_number_birth_date(number).isoformat()
        already_wrong = any(p.field == birth_key for p in problems)
        if types.get(birth_key) == DataType.DATE and cleaned.get(birth_key, id_birth) != id_birth and not already_wrong:
            problems.append(FieldError(
                birth_key, ErrorCode.FORM_INCONSISTENT,
                f"「{labels[birth_key]}」{cleaned[birth_key]} 与「{labels[key]}」中的出生日期 {id_birth} 不一致，请核对。"))
        id_sex = _SEX_OF_ID[id_number_sex(number)]
        if cleaned.get(sex_key) in _SEX_OF_ID.values() and cleaned[sex_key] != id_sex:
            problems.append(FieldError(
                sex_key, ErrorCode.FORM_INCONSISTENT,
                f"「{labels[sex_key]}」为“{cleaned[sex_key]}”，但「{labels[key]}」表明性别为“{id_sex}”，请核对。"))
    return problems


def _clean_value(data_type: str, value: Any, *, key: str, label: str, field) -> tuple[Any, FieldError | None]:
    def bad(code: str, message: str) -> tuple[None, FieldError]:
        return None, FieldError(key, code, message)

    rules = field_validation(field)

    if data_type in (DataType.STRING, DataType.TEXT, DataType.ADDRESS, DataType.EMAIL):
        if not isinstance(value, str | int):
            return bad(ErrorCode.FORM_INVALID, f"「{label}」应为文本。")
        text = str(value).strip()
        if _CONTROL.search(text):
            return bad(ErrorCode.FORM_INVALID, f"「{label}」含有不可见的控制字符，请删除后重新输入。")
        max_length = rules.get("max_length") or DEFAULT_MAX_LENGTH.get(data_type, 200)
        if len(text) > max_length:
            return bad(ErrorCode.FORM_TOO_LONG, f"「{label}」最多 {max_length} 个字，当前 {len(text)} 个，请精简。")
        min_length = rules.get("min_length")
        if min_length and len(text) < min_length:
            return bad(ErrorCode.FORM_TOO_LONG, f"「{label}」至少 {min_length} 个字，当前 {len(text)} 个，请补充。")
        if data_type == DataType.EMAIL and not _EMAIL.match(text):
            return bad(ErrorCode.FORM_INVALID, f"「{label}」不是有效的电子邮箱地址，请检查（如 name@example.com）。")
        if rules.get("pattern") and not _pattern(str(rules["pattern"])).fullmatch(text):
            hint = rules.get("pattern_message") or "格式不符合要求"
            return bad(ErrorCode.FORM_PATTERN, f"「{label}」{hint}，请按填写提示修改。")
        return text, None

    if data_type == DataType.INTEGER:
        if isinstance(value, bool) or not (isinstance(value, int) or (isinstance(value, str) and _INTEGER.match(value.strip()))):
            return bad(ErrorCode.FORM_INVALID, f"「{label}」应为整数，当前为「{value}」。")
        number = int(value)
        return _within(number, number, rules, label=label, key=key)

    if data_type == DataType.DECIMAL:
        if isinstance(value, bool):
            return bad(ErrorCode.FORM_INVALID, f"「{label}」应为数值。")
        text = str(value).strip()
        if len(text) > 40:
            return bad(ErrorCode.FORM_INVALID, f"「{label}」应为数值（如 12.5），当前内容过长。")
        try:
            number = Decimal(text)
        except InvalidOperation:
            return bad(ErrorCode.FORM_INVALID, f"「{label}」应为数值（如 12.5），当前为「{value}」。")
        if not number.is_finite():
            return bad(ErrorCode.FORM_INVALID, f"「{label}」应为有限的数值。")
        # "1e5000" is a valid Decimal whose plain form has 5,000 digits (and "1e999999999" would
        # not fit in memory): amounts, areas and counts of a form never need more than this.
        # The magnitude is checked first: normalising "1E999999999" would itself overflow.
        if number and not (-DECIMAL_MAX_FRACTION <= number.adjusted() < DECIMAL_MAX_INTEGER_DIGITS
                           and number.normalize().as_tuple().exponent >= -DECIMAL_MAX_FRACTION):
            return bad(ErrorCode.FORM_OUT_OF_RANGE,
                       f"「{label}」应为整数部分不超过 {DECIMAL_MAX_INTEGER_DIGITS} 位、小数不超过 "
                       f"{DECIMAL_MAX_FRACTION} 位的数值，当前为「{text}」。")
        text = format(number.normalize(), "f") if number != number.to_integral_value() else str(int(number))
        return _within(number, text, rules, label=label, key=key)

    if data_type == DataType.DATE:
        text = value.isoformat() if isinstance(value, dt.date) else str(value).strip()
        if not _DATE.match(text):
            # Said in words people read: "YYYY-MM-DD" is a programmer's placeholder, not Chinese.
            return bad(ErrorCode.FORM_DATE, f"「{label}」应写成“年-月-日”（如 2026-03-01），当前为「{value}」。")
        try:
            dt.date.fromisoformat(text)
        except ValueError:
            return bad(ErrorCode.FORM_DATE, f"「{label}」的日期 {text} 不存在，请检查月份和日期。")
        return text, None

    if data_type == DataType.BOOLEAN:
        if isinstance(value, bool):
            return value, None
        text = str(value).strip().lower()
        if text in _TRUE:
            return True, None
        if text in _FALSE:
            return False, None
        return bad(ErrorCode.FORM_INVALID, f"「{label}」应选择「是」或「否」。")

    if data_type in (DataType.CHOICE, DataType.MULTI_CHOICE):
        allowed = {str(o.get("value")): o.get("label", o.get("value")) for o in field_options(field)}
        values = value if isinstance(value, list | tuple) else [value]
        if data_type == DataType.CHOICE and len(values) != 1:
            return bad(ErrorCode.FORM_INVALID_CHOICE, f"「{label}」只能选择一项。")
        chosen = [str(v).strip() for v in values]
        wrong = [v for v in chosen if v not in allowed]
        if wrong:
            options = "、".join(str(lbl) for lbl in allowed.values()) or "（无可选项）"
            return bad(ErrorCode.FORM_INVALID_CHOICE, f"「{label}」的选项「{'、'.join(wrong)}」无效，请从以下选择：{options}。")
        return (chosen[0] if data_type == DataType.CHOICE else list(dict.fromkeys(chosen))), None

    if data_type == DataType.ID_NUMBER:
        problems = id_number_errors(str(value), field=key)
        if problems:
            return None, FieldError(key, problems[0].code, f"「{label}」：{problems[0].message}")
        return normalise_id_number(str(value)), None

    if data_type == DataType.USCC:
        problems = uscc_errors(str(value), field=key)
        if problems:
            return None, FieldError(key, problems[0].code, f"「{label}」：{problems[0].message}")
        return normalise_uscc(str(value)), None

    if data_type == DataType.PHONE:
        text = re.sub(r"[\s-]", "", str(value))
        if not _PHONE.match(text):
            return bad(ErrorCode.FORM_PHONE, f"「{label}」应为 11 位手机号码（1 开头，如 13912345678），当前为「{value}」。")
        return text, None

    if data_type == DataType.DIVISION:
        text = str(value).strip()
        if not _DIVISION.match(text):
            return bad(ErrorCode.FORM_INVALID, f"「{label}」应为行政区划代码（如 610113），当前为「{value}」。")
        return text, None

    return bad(ErrorCode.FORM_INVALID, f"「{label}」的数据类型 {data_type} 无法校验，请联系管理员。")


def _within(number, result, rules: dict, *, label: str, key: str) -> tuple[Any, FieldError | None]:
    low, high = rules.get("min"), rules.get("max")
    try:
        if low is not None and number < Decimal(str(low)):
            return None, FieldError(key, ErrorCode.FORM_OUT_OF_RANGE, f"「{label}」不能小于 {low}，当前为 {result}。")
        if high is not None and number > Decimal(str(high)):
            return None, FieldError(key, ErrorCode.FORM_OUT_OF_RANGE, f"「{label}」不能大于 {high}，当前为 {result}。")
    except InvalidOperation:  # a malformed bound in the dictionary is not the applicant's fault
        pass
    return result, None


def form_schema(version) -> list[dict]:
    """The fields of a version's form for rendering and the API, in order: key, label, type,
    required, options, help, section, validation, personal (sensitive data), profile_source (where
    a value may be prefilled from). Uses prefetched form fields when present."""
    fields = sorted(version.form_fields.all(), key=lambda f: (f.order, f.pk or 0))
    return [field_schema(f) for f in fields]


def field_schema(field) -> dict:
    element = field.data_element
    return {
        "key": element.key,
        "label": field.label or element.name,
        "type": element.data_type,
        "required": field.required,
        "options": field_options(field),
        "help": field.help_text or element.description,
        "section": field.section,
        "validation": field_validation(field),
        "personal": element.is_personal,
        "profile_source": element.profile_source,
    }
