"""Consistency rules for a guide (STANDARDS §1, the checks provincial quality checkers run), plus
basic completeness. Checked when a version is submitted; seed loaders run them too.

`version_problems(version)` reads a saved version and its children; `guide_problems(...)` is the
pure core over objects already in memory (unsaved model instances work), so the rules can be
property-tested without a database. Each problem is a FieldError whose `field` is the element's
name in the editor form (`promised_limit`, `materials[2].name` — indexes count from 0 in the order
of the version's materials) and whose message names the element and the fix, in Chinese.

Decisions (documented in docs/catalog.md):
- Time limits in different units. A promise in natural days is compared with a statutory limit in
  working days number for number: N natural days never contain more than N working days, so
  "N ≤ W" guarantees the promise ends no later than the law's deadline, while "N > W" might not
  (a Spring Festival week holds no working day at all). A promise in working days against a statutory
  limit in natural days cannot be guaranteed without a calendar (weekends and holidays stretch
  it), so the promise must then be stated in natural days.
- Phone numbers: a landline with its area code (029-86786666, also with an extension
  029-86786666-801 or 029-86786666转801), the 12345 hotline with its area code (029-12345), or a
  national 400/800 number. A bare 7–8 digit number is refused with a hint to add 029. Several
  numbers may be listed, separated by "、", "," or ";".
- Materials: a guide lists at least one material unless it says explicitly (无需提交材料) that the
  item needs none; saying so while listing materials is a contradiction.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal

from yiwang.catalog.constants import (
    AgencyNature,
    CaseKind,
    CrossRegionScope,
    ErrorCode,
    HandlingForm,
    ItemType,
    LimitUnit,
    MaterialMedium,
    MaterialNecessity,
    MaterialSource,
    MaterialType,
    OnlineDepth,
    ResultType,
    ServiceObject,
)
from yiwang.core.errors import FieldError

_LANDLINE = re.compile(r"^0\d{2,3}-(?:\d{7,8}|12345)(?:(?:-|转)\d{1,6})?$")
_NATIONAL = re.compile(r"^[48]00-?\d{3}-?\d{4}$")
_BARE_LOCAL = re.compile(r"^\d{7,8}$|^12345$")
_PHONE_SPLIT = re.compile(r"\s*[、,，;；/]\s*")

_UNIT_LABEL = {LimitUnit.WORKING_DAY: "个工作日", LimitUnit.NATURAL_DAY: "个自然日"}


def limit_number(value) -> str:
    """10, 0.5 — a limit as people write it (stored as a decimal with one place)."""
    if value is None:
        return ""
    number = Decimal(str(value))
    return str(int(number)) if number == number.to_integral_value() else format(number.normalize(), "f")


def _limit_text(value, unit: str) -> str:
    if unit == LimitUnit.IMMEDIATE:
        return "即办"
    return f"{limit_number(value)} {_UNIT_LABEL.get(unit, '（单位未选）')}"


def phone_problem(value: str, *, field: str, label: str) -> FieldError | None:
    """The problem with one phone element (one or more numbers), or None."""
    text = (value or "").strip()
    if not text:
        return FieldError(field, ErrorCode.RULE_PHONE_MISSING,
                          f"请填写{label}，带区号，如 029-86786666。")
    for number in _PHONE_SPLIT.split(text):
        compact = number.replace(" ", "").replace("（", "(").replace("）", ")")
        compact = re.sub(r"^\((0\d{2,3})\)", r"\1-", compact)  # (029)86786666 -> 029-86786666
        if _LANDLINE.match(compact) or _NATIONAL.match(compact):
            continue
        if _BARE_LOCAL.match(compact):
            return FieldError(field, ErrorCode.RULE_PHONE_AREA_CODE,
                              f"{label}「{number}」缺少区号，请加上区号 029，写成 029-{compact}。")
        return FieldError(field, ErrorCode.RULE_PHONE_AREA_CODE,
                          f"{label}「{number}」格式不正确，请写成「区号-号码」（如 029-86786666）或 400/800 号码。")
    return None


def _phone_digits(value: str) -> str:
    return re.sub(r"\D", "", value or "")


def limit_comparison(*, promised, promised_unit: str, statutory, statutory_unit: str) -> str:
    """How a promised limit compares with the statutory one: "ok", "exceeds", "incomparable"
    (promise in working days against natural days) or "unknown" (no statutory limit, or a unit
    missing)."""
    if statutory_unit == LimitUnit.IMMEDIATE:
        return "ok" if promised_unit == LimitUnit.IMMEDIATE else "exceeds"
    if statutory is None or not statutory_unit or not promised_unit:
        return "unknown"
    if promised_unit == LimitUnit.IMMEDIATE:
        return "ok"
    if promised_unit == statutory_unit or (promised_unit == LimitUnit.NATURAL_DAY
                                           and statutory_unit == LimitUnit.WORKING_DAY):
        return "exceeds" if promised > statutory else "ok"
    return "incomparable"


def _choice_problem(value, choices, *, field: str, label: str) -> FieldError | None:
    if value in choices.values:
        return None
    allowed = "、".join(f"{c.value}（{c.label}）" for c in choices)
    return FieldError(field, ErrorCode.RULE_CODE_INVALID, f"{label}的取值「{value}」无效，请从以下选择：{allowed}。")


def _codes_problem(values, choices, *, field: str, label: str) -> FieldError | None:
    if not isinstance(values, list):
        return FieldError(field, ErrorCode.RULE_CODE_INVALID, f"{label}应为代码列表，请重新选择。")
    bad = [str(v) for v in values if v not in choices.values]
    if bad:
        allowed = "、".join(f"{c.value}（{c.label}）" for c in choices)
        return FieldError(field, ErrorCode.RULE_CODE_INVALID,
                          f"{label}含无效代码「{'、'.join(bad)}」，请从以下选择：{allowed}。")
    return None


def version_problems(version) -> list[FieldError]:
    """Every consistency and completeness problem of a saved version; empty when it may be
    submitted. Uses prefetched children when present."""
    return guide_problems(
        version,
        item_type=version.implementation.base_item.item_type,
        materials=list(version.materials.all()),
        fee_items=list(version.fee_items.all()),
        faqs=list(version.faqs.all()),
    )


def guide_problems(version, *, item_type: str, materials: Sequence, fee_items: Sequence, faqs: Sequence) -> list[FieldError]:
    """The pure core of `version_problems`: `version` is any object with the version's attributes,
    the children are given as lists."""
    problems: list[FieldError] = []
    add = problems.append
    licensing = item_type == ItemType.LICENSING

    # Identity and legal frame
    if not (version.name or "").strip():
        add(FieldError("name", ErrorCode.RULE_NAME_MISSING, "请填写事项名称。"))
    basis = version.legal_basis or []
    if licensing and not basis:
        add(FieldError("legal_basis", ErrorCode.RULE_LEGAL_BASIS_MISSING,
                       "行政许可事项必须填写设定依据（法律法规名称及条款），请补充。"))
    for index, entry in enumerate(basis):
        name = entry.get("name") if isinstance(entry, dict) else entry
        if not str(name or "").strip():
            add(FieldError("legal_basis", ErrorCode.RULE_LEGAL_BASIS_MISSING,
                           f"第 {index + 1} 条设定依据缺少法律法规名称，请补充或删除该条。"))
    for value, choices, field, label in (
        (version.agency_nature, AgencyNature, "agency_nature", "实施主体性质"),
        (version.case_kind, CaseKind, "case_kind", "办件类型"),
        (version.result_type, ResultType, "result_type", "审批结果类型"),
    ):
        if problem := _choice_problem(value, choices, field=field, label=label):
            add(problem)
    if version.cross_region_scope and (problem := _choice_problem(
            version.cross_region_scope, CrossRegionScope, field="cross_region_scope", label="通办范围")):
        add(problem)
    if not version.service_objects:
        add(FieldError("service_objects", ErrorCode.RULE_CODE_INVALID, "请至少选择一类服务对象（自然人、企业法人等）。"))
    for values, choices, field, label in (
        (version.service_objects, ServiceObject, "service_objects", "服务对象"),
        (version.handling_forms, HandlingForm, "handling_forms", "办理形式"),
        (version.online_depth, OnlineDepth, "online_depth", "网上办理深度"),
    ):
        if problem := _codes_problem(values or [], choices, field=field, label=label):
            add(problem)

    # Acceptance conditions
    if not [c for c in (version.acceptance_conditions or []) if str(c).strip()]:
        add(FieldError("acceptance_conditions", ErrorCode.RULE_ACCEPTANCE_CONDITIONS_MISSING,
                       "请至少填写一条受理条件。"))

    # Time limits (行政许可法 §42, §82)
    _limit_problems(version, add)

    # Visits and delivery
    if version.visits and not (version.visits_reason or "").strip():
        add(FieldError("visits_reason", ErrorCode.RULE_VISITS_REASON,
                       f"到办事现场次数为 {version.visits} 次，请填写必须到现场办理的原因。"))
    if version.visits == 0 and not version.supports_online_handling and not version.supports_express_delivery:
        add(FieldError("supports_express_delivery", ErrorCode.RULE_ZERO_VISITS_DELIVERY,
                       "到办事现场次数为 0 次且不支持网上办理时，材料和结果只能快递递送：请勾选「支持物流快递」，"
                       "或勾选「支持网上办理」。"))

    # Fees
    if version.fee_charged:
        if not (version.fee_basis or "").strip():
            add(FieldError("fee_basis", ErrorCode.RULE_FEE_DETAILS, "收费事项须填写收费依据（文件名称及文号），请补充。"))
        if not fee_items:
            add(FieldError("fee_items", ErrorCode.RULE_FEE_DETAILS, "收费事项须至少列出一个收费项目及其收费标准，请补充。"))
    else:
        if fee_items:
            add(FieldError("fee_items", ErrorCode.RULE_FEE_ITEMS_WITHOUT_FEE,
                           f"「是否收费」为否，但列有 {len(fee_items)} 个收费项目：请勾选「是否收费」，或删除收费项目。"))
        if version.supports_online_payment:
            add(FieldError("supports_online_payment", ErrorCode.RULE_FEE_ONLINE_PAYMENT,
                           "不收费的事项不应声明「支持网上支付」，请取消勾选（或勾选「是否收费」并填写收费项目）。"))

    # Contact
    consultation = phone_problem(version.consultation_phone, field="consultation_phone", label="咨询电话")
    complaint = phone_problem(version.complaint_phone, field="complaint_phone", label="监督投诉电话")
    problems.extend(p for p in (consultation, complaint) if p)
    if not consultation and not complaint and \
            _phone_digits(version.consultation_phone) == _phone_digits(version.complaint_phone):
        add(FieldError("complaint_phone", ErrorCode.RULE_PHONES_DIFFERENT,
                       f"监督投诉电话（{version.complaint_phone}）与咨询电话相同，请填写不同的投诉电话，"
                       "如 029-12345 或上级部门的监督电话。"))

    # Result
    has_result = bool((version.result_name or "").strip()) or version.result_type != ResultType.NONE
    if has_result and not version.result_sample:
        result = f"「{version.result_name}」" if (version.result_name or "").strip() else ""
        add(FieldError("result_sample", ErrorCode.RULE_RESULT_SAMPLE,
                       f"有审批结果{result}的事项须上传审批结果样本，请上传样本文件（或将结果类型设为「无」并清空结果名称）。"))

    # Materials
    if not materials and not version.no_materials_required:
        add(FieldError("materials", ErrorCode.RULE_MATERIALS_MISSING,
                       "请至少列出一项申请材料；确实无需提交材料的，请勾选「无需提交材料」。"))
    if materials and version.no_materials_required:
        add(FieldError("no_materials_required", ErrorCode.RULE_NO_MATERIALS_CONFLICT,
                       f"已勾选「无需提交材料」，但列有 {len(materials)} 项材料：请取消勾选，或删除材料。"))
    for index, material in enumerate(materials):
        _material_problems(index, material, version, add)

    # FAQ
    if licensing and not faqs:
        add(FieldError("faqs", ErrorCode.RULE_LICENSING_FAQ, "行政许可事项须至少有一条常见问题解答，请补充。"))
    return problems


def _limit_problems(version, add) -> None:
    statutory, s_unit = version.statutory_limit, version.statutory_limit_unit or ""
    promised, p_unit = version.promised_limit or 0, version.promised_limit_unit or ""
    if s_unit and s_unit not in LimitUnit.values:
        add(_choice_problem(s_unit, LimitUnit, field="statutory_limit_unit", label="法定时限单位"))
        return
    if p_unit and p_unit not in LimitUnit.values:
        add(_choice_problem(p_unit, LimitUnit, field="promised_limit_unit", label="承诺时限单位"))
        return
    if statutory is not None and not s_unit:
        add(FieldError("statutory_limit_unit", ErrorCode.RULE_LIMIT_UNIT_MISSING,
                       f"法定办结时限已填 {limit_number(statutory)}，请选择单位（工作日或自然日）。"))
    if statutory is None and s_unit in (LimitUnit.WORKING_DAY, LimitUnit.NATURAL_DAY):
        add(FieldError("statutory_limit", ErrorCode.RULE_LIMIT_UNIT_MISSING,
                       f"已选择法定时限单位「{LimitUnit(s_unit).label}」，请填写法定办结时限；法律未规定时限的，请清空单位。"))
    if not p_unit:
        add(FieldError("promised_limit_unit", ErrorCode.RULE_LIMIT_UNIT_MISSING,
                       "请选择承诺办结时限的单位（工作日、自然日或即办）。"))
    elif p_unit != LimitUnit.IMMEDIATE and promised <= 0:
        add(FieldError("promised_limit", ErrorCode.RULE_PROMISED_LIMIT_MISSING,
                       "承诺办结时限须大于 0；当场办结的，请将承诺时限单位选为「即办」。"))

    comparison = limit_comparison(promised=promised, promised_unit=p_unit, statutory=statutory, statutory_unit=s_unit)
    if comparison == "exceeds":
        if p_unit == LimitUnit.NATURAL_DAY and s_unit == LimitUnit.WORKING_DAY:
            add(FieldError("promised_limit", ErrorCode.RULE_PROMISED_EXCEEDS_STATUTORY,
                           f"承诺办结时限（{_limit_text(promised, p_unit)}）可能超过"
                           f"法定办结时限（{_limit_text(statutory, s_unit)}）："
                           "以自然日计的承诺时限不得多于法定工作日数，"
                           f"请调整为不超过 {limit_number(statutory)} 个自然日，或改以工作日计。"))
        else:
            add(FieldError("promised_limit", ErrorCode.RULE_PROMISED_EXCEEDS_STATUTORY,
                           f"承诺办结时限（{_limit_text(promised, p_unit)}）不得超过法定办结时限"
                           f"（{_limit_text(statutory, s_unit)}），请调整承诺时限。"))
    elif comparison == "incomparable":
        add(FieldError("promised_limit_unit", ErrorCode.RULE_LIMIT_UNIT_MISMATCH,
                       f"法定办结时限以自然日计（{_limit_text(statutory, s_unit)}），以工作日计的承诺时限无法保证不超过它"
                       f"（周末和节假日会拉长工作日），请将承诺时限改以自然日计，且不超过 {limit_number(statutory)} 个自然日。"))

    immediate_promise = p_unit == LimitUnit.IMMEDIATE
    immediate_kind = version.case_kind == CaseKind.IMMEDIATE
    if immediate_promise and not immediate_kind:
        add(FieldError("case_kind", ErrorCode.RULE_IMMEDIATE_MISMATCH,
                       "承诺时限为「即办」，办件类型应为「即办件」：请修改办件类型，或修改承诺时限。"))
    elif immediate_kind and not immediate_promise and p_unit:
        add(FieldError("case_kind", ErrorCode.RULE_IMMEDIATE_MISMATCH,
                       f"办件类型为「即办件」，承诺时限却为 {_limit_text(promised, p_unit)}：请将承诺时限单位选为「即办」，"
                       "或将办件类型改为「承诺件」。"))


def _material_problems(index: int, material, version, add) -> None:
    prefix = f"materials[{index}]"
    name = (material.name or "").strip()
    which = f"第 {index + 1} 项材料" + (f"「{name}」" if name else "")
    if not name:
        add(FieldError(f"{prefix}.name", ErrorCode.RULE_MATERIAL_INVALID, f"{which}缺少材料名称，请填写。"))
    for attr, choices, label in (
        ("material_type", MaterialType, "材料类型"),
        ("medium", MaterialMedium, "材料形式"),
        ("necessity", MaterialNecessity, "必要性"),
        ("source_channel", MaterialSource, "来源渠道"),
    ):
        value = getattr(material, attr)
        if value not in choices.values:
            allowed = "、".join(c.label for c in choices)
            add(FieldError(f"{prefix}.{attr}", ErrorCode.RULE_MATERIAL_INVALID,
                           f"{which}的{label}「{value}」无效，请从以下选择：{allowed}。"))
    if material.necessity == MaterialNecessity.DEFERRABLE and not version.deferred_material_eligible:
        add(FieldError(f"{prefix}.necessity", ErrorCode.RULE_DEFERRABLE_NOT_ELIGIBLE,
                       f"{which}为「容缺后补」，但本事项未列入容缺受理清单：请勾选「容缺受理」，或改为其他必要性。"))
    if material.source_channel == MaterialSource.LICENCE_LIBRARY and not (material.licence_type_code or "").strip():
        add(FieldError(f"{prefix}.licence_type_code", ErrorCode.RULE_LICENCE_TYPE_MISSING,
                       f"{which}来源为「电子证照库调取」，请填写可调取的电子证照类型代码。"))
