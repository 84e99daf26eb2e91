"""The seed catalog as data: item specs expanded into complete guides, without a database.

An item spec (yiwang/catalog/seed/items_*.py) says what is particular to one implementation; the
rest comes from templates here, written once and derived from the spec's own facts so a guide never
contradicts itself: the FAQ about time limits quotes the limits, the one about visits quotes the
visits and their reason, the process names the special procedure, the online depth follows the
handling forms. Every spec is checked on expansion (labels, agencies, codes), so a mistake in the
data fails `load_xian` with a message naming the item.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from functools import cache
from pathlib import Path

from yiwang.catalog.constants import CaseKind, HandlingItemKind, ItemType, LimitUnit, ResultType
from yiwang.catalog.seed import standard as st
from yiwang.catalog.seed.data_elements import element_keys
from yiwang.core.crypto import sm3_hex
from yiwang.orgs.seed import xian_organisations as og
from yiwang.orgs.seed.loader import organisation_specs

SEED_DIR = Path(__file__).resolve().parent
COMPLAINT_PHONE = "029-12345"  # 西安 12345 市民服务热线: supervision and complaints for every item
ONLINE_PORTAL = "西安市一网通办平台（网页端或“i西安”APP）"

# guides.json confidence values we treat as too weak to call the guide "real" (stays demo).
LOW_CONFIDENCE = {"low", "low-medium", "medium-low"}

AGENCY_NATURE = {"法定机关": "1", "授权组织": "2", "受委托组织": "3", "其他": "9"}
# Agencies that act by authorisation of a law or regulation rather than as an organ of government.
DEFAULT_NATURE = {"住房公积金管理中心": "授权组织", "西安市养老保险经办处": "授权组织", "市残联": "授权组织"}
HANDLING_KINDS = {label: code for code, label in HandlingItemKind.choices}


def load_json(name: str):
    return json.loads((SEED_DIR / name).read_text(encoding="utf-8"))


@cache
def guides() -> dict[str, dict]:
    """The guides.json items by their `item` name."""
    return {g["item"]: g for g in load_json("guides.json")["items"]}


@cache
def bundles() -> list[dict]:
    """The bundle data (our checked copy of the seed tables, members with `item_key`)."""
    return load_json("xian_bundles.json")["bundles"]


@cache
def theme_codes() -> dict[str, dict[str, str]]:
    """National theme taxonomies from guides.json: {"person"|"enterprise": {name: code}}."""
    data = load_json("guides.json")
    return {
        "person": {t["name"]: t["code"] for t in data["person_themes"]},
        "enterprise": {t["name"]: t["code"] for t in data["enterprise_themes"]},
    }


def normalise_name(text: str) -> str:
    """Names as printed compare equal however the PDF extraction spaced or bracketed them."""
    text = re.sub(r"\s+", "", text or "")
    return text.replace("(", "（").replace(")", "）")


def platform_basic_code(key: str) -> str:
    """A 12-character basic code for an item without a known national/provincial code.

    "XA" (Xi'an platform) + "6101" + 6 digits from the SM3 hash of the item key: stable across runs
    and data edits, and clearly not a national code (national codes are digits). Collisions are
    checked when the specs are expanded."""
    return f"XA6101{int(sm3_hex(key.encode('utf-8'))[:12], 16) % 1_000_000:06d}"


@cache
def organisations() -> dict[str, object]:
    """Organisation specs of the orgs seed by short name (USCC, level, hall …)."""
    return {spec.short_name: spec for spec in organisation_specs()}


# The item files, in display order; each holds ITEMS (raw specs) and stays small enough to review.
ITEM_MODULES = ("items_enterprise", "items_business", "items_permits", "items_person", "items_person_life", "items_mobility",
                "items_checks", "items_yanta", "items_policy_funds")


def _raw_specs() -> list[dict]:
    from importlib import import_module

    return [raw for name in ITEM_MODULES for raw in import_module(f"yiwang.catalog.seed.{name}").ITEMS]


def implementation_code(uscc: str, level: str, basic_code: str, handling_suffix: str = "") -> str:
    """USCC (18) + exercise level (1) + basic code (12) = 31 characters (STANDARDS §1); a handling
    item of a base item with several seeded handling items adds its 2-digit suffix (33)."""
    return f"{uscc}{level}{basic_code}{handling_suffix}"


def _limit(value, *, field: str, key: str):
    """(number, unit, public note, provenance): the optional fourth element says where the figure
    comes from; it goes to the internal provenance note, never to the guide."""
    if value is None:
        return None, "", "", ""
    number, unit, *rest = value
    note = rest[0] if rest else ""
    source = rest[1] if len(rest) > 1 else ""
    if unit not in st.LIMIT_UNITS:
        raise ValueError(f"{key}: {field} 的单位「{unit}」无效")
    if st.LIMIT_UNITS[unit] == LimitUnit.IMMEDIATE:
        return Decimal("0"), LimitUnit.IMMEDIATE, note, source
    return Decimal(str(number)), st.LIMIT_UNITS[unit], note, source


def _limit_words(number: Decimal | None, unit: str) -> str:
    if unit == LimitUnit.IMMEDIATE:
        return "即办"
    text = str(int(number)) if number == number.to_integral_value() else format(number.normalize(), "f")
    return f"{text}个{'工作日' if unit == LimitUnit.WORKING_DAY else '自然日'}"


def _default_process(spec: dict) -> list[dict]:
    immediate = spec["promised_limit_unit"] == LimitUnit.IMMEDIATE
    promised = _limit_words(spec["promised_limit"], spec["promised_limit_unit"])
    how = "网上或窗口" if spec["supports_online_handling"] else "窗口"
    steps = [{"name": "申请", "description": f"申请人通过{how}提交申请及材料。", "limit": ""}]
    if immediate:
        steps += [
            {"name": "受理", "description": "材料齐全、符合法定形式的，当场受理；不齐全的，一次性告知需要补正的全部内容。",
             "limit": "当场"},
            {"name": "办结", "description": f"当场办结，出具{spec['result_name']}。", "limit": "当场"},
        ]
        return steps
    steps.append({"name": "受理", "description": "材料齐全、符合法定形式的予以受理并出具受理通知书；不齐全的，"
                  "当场或5个工作日内一次性告知需要补正的全部内容。", "limit": "1个工作日内"})
    for procedure in spec["special_procedures"]:
        if procedure["kind"] == "1":  # 延长审批 extends the clock; it is not a pause
            limit = f"可延长{procedure['max_days']}个工作日" if procedure.get("max_days") else ""
        else:
            limit = f"{procedure['max_days']}个工作日内（不计入办结时限）" if procedure.get("max_days") else "不计入办结时限"
        steps.append({"name": procedure["name"], "description": procedure["note"] or f"依法组织{procedure['name']}。",
                      "limit": limit})
    if spec["item_type"] == ItemType.LICENSING:
        decide = {"name": "决定", "description": f"作出决定：准予的出具{spec['result_name']}；不予的书面说明理由并告知申请复议、提起诉讼的权利。",
                  "limit": f"受理后{promised}内"}
    else:
        decide = {"name": "办结", "description": f"审核办结，出具{spec['result_name']}；不予办理的，说明理由。", "limit": f"受理后{promised}内"}
    if spec["supports_express_delivery"]:
        deliver = "结果可窗口领取或者免费邮寄，电子结果同步推送到申请人的个人（法人）空间。"
    elif spec["in_hall"] or spec["visits"]:
        deliver = "结果在窗口领取，电子结果同步推送到申请人的个人（法人）空间。"
    else:
        deliver = "电子结果推送到申请人的个人（法人）空间，可在线查看、下载。"
    steps += [{"name": "审查", "description": "对申请材料进行审查，必要时核实有关情况。", "limit": ""}, decide,
              {"name": "送达", "description": deliver, "limit": ""}]
    return steps


def _template_faqs(spec: dict) -> list[tuple[str, str]]:
    faqs = []
    statutory, s_unit = spec["statutory_limit"], spec["statutory_limit_unit"]
    promised, p_unit = spec["promised_limit"], spec["promised_limit_unit"]
    if p_unit == LimitUnit.IMMEDIATE:
        answer = "材料齐全、符合法定形式的，当场办结。"
    else:
        answer = f"本市承诺自受理之日起{_limit_words(promised, p_unit)}内办结"
        answer += f"（法定办结时限为{_limit_words(statutory, s_unit)}）。" if statutory is not None else "。"
    pauses = [p["name"] for p in spec["special_procedures"] if p["kind"] != "1"]
    if pauses:
        answer += f"{'、'.join(pauses)}所需时间不计入办结时限，工作人员会书面告知所需时间。"
    extension = next((p for p in spec["special_procedures"] if p["kind"] == "1"), None)
    if extension:
        answer += f"情形复杂的，经批准可延长{extension.get('max_days') or ''}个工作日，并书面告知延长理由。"
    faqs.append(("办理这个事项需要多长时间？", answer))
    if spec["visits"] == 0:
        answer = f"可以全程网上办理，不需要到现场。登录{ONLINE_PORTAL}，搜索“{spec['name'][:30]}”即可在线申请。"
        if spec["supports_express_delivery"]:
            answer += "纸质结果可选择免费邮寄送达。"
    else:
        answer = f"需要到现场{spec['visits']}次：{spec['visits_reason']}"
        if spec["supports_online_handling"]:
            answer += f"其余环节可在{ONLINE_PORTAL}办理，可先在线预约、预审材料。"
    faqs.append(("可以网上办理吗？需要跑几次？", answer))
    if spec["fee_charged"]:
        items = "；".join(f"{name}：{standard}" for name, standard, _ in spec["fee_items"])
        faqs.append(("办理要收费吗？", f"收费。{items}。收费依据：{spec['fee_basis']}"))
    elif len(spec["faqs"]) < 2:
        faqs.append(("办理要收费吗？", "不收费。"))
    return faqs


def _form(spec: dict) -> list[dict]:
    """Form fields: the applicant's basics by service object, then the item's own fields."""
    if spec.get("form"):
        return [_field(entry, section="申请信息") for entry in spec["form"]]
    objects = set(spec["service_objects"])
    person = "1" in objects
    unit = bool(objects - {"1"})
    fields: list[dict] = []
    if person:
        section = "申请人信息"
        fields += [_field("applicant.name", section=section), _field("applicant.id_number", section=section),
                   _field("applicant.phone", section=section)]
    if unit:
        section = "申请单位信息"
        optional = person  # items for persons and units: the unit block is filled when a unit applies
        hint = "以单位名义申请时填写" if optional else ""
        fields += [
            _field(("enterprise.name", "单位名称", not optional, hint), section=section),
            _field(("enterprise.uscc", "统一社会信用代码", not optional, hint), section=section),
        ]
        if "2" in objects:
            fields.append(_field(("enterprise.legal_rep_name", "法定代表人（负责人）", not optional, hint), section=section))
        if not person:
            fields += [_field(("agent.name", "经办人姓名", True, ""), section="经办人信息"),
                       _field(("agent.phone", "经办人联系电话", True, ""), section="经办人信息")]
    seen = {f["key"] for f in fields}
    for entry in spec["fields"]:
        field = _field(entry, section="办理信息")
        if field["key"] not in seen:
            fields.append(field)
            seen.add(field["key"])
    return fields


def _field(entry, *, section: str) -> dict:
    """A form field entry: "key" or (key, label, required, help_text[, options])."""
    if isinstance(entry, str):
        return {"key": entry, "label": "", "required": True, "help_text": "", "options": [], "section": section}
    key, label, required, help_text, *rest = entry
    return {"key": key, "label": label, "required": required, "help_text": help_text,
            "options": rest[0] if rest else [], "section": section}


_GOVERNMENT_SOURCES = {"government_issued", "licence_library"}


def _complete_material(material: dict, basis: list) -> dict:
    """Fill the elements a spec leaves to the usual wording (filling notes, acceptance standard,
    legal basis), so every material of every guide states all of them."""
    source, kind = material["source_channel"], material["material_type"]
    if not material["filling_notes"]:
        if source == "online_form":
            material["filling_notes"] = "在线填写，系统自动带出已有信息，核对无误后提交；窗口办理的由工作人员协助录入。"
        elif source in _GOVERNMENT_SOURCES:
            material["filling_notes"] = "由发证机关出具；网上办理上传清晰的扫描件或照片，窗口办理出示原件。"
        else:
            material["filling_notes"] = "网上办理上传原件扫描件或照片（PDF、JPG 格式）；窗口办理提交纸质材料。"
    if not material["acceptance_standard"]:
        if source in _GOVERNMENT_SOURCES:
            standard = "证件（文书）真实、有效，在有效期内，记载信息与申请人一致。"
        elif source == "online_form":
            standard = "按表单要求如实填写，必填项完整，由申请人（法定代表人）签名或者电子签章。"
        else:
            standard = "内容真实、完整、清晰，需签字（盖章）处已签字（盖章）。"
        if kind in ("copy", "original_and_copy"):
            standard += "复印件与原件一致。"
        material["acceptance_standard"] = standard
    if not material["legal_basis"] and basis:
        name, articles = basis[0]
        material["legal_basis"] = f"《{name}》{articles}".strip() if not name.startswith("《") else f"{name}{articles}"
    return material


def _expand(raw: dict) -> dict:
    key = raw["key"]
    orgs = organisations()
    if raw["agency"] not in orgs:
        raise ValueError(f"{key}: 实施主体「{raw['agency']}」不在组织机构种子数据中")
    for co in raw.get("co", []):
        if co not in orgs:
            raise ValueError(f"{key}: 联办机构「{co}」不在组织机构种子数据中")
    agency = orgs[raw["agency"]]
    name = normalise_name(raw["name"])
    guide = guides().get(raw["guide"]) if raw.get("guide") else None
    if raw.get("guide") and guide is None:
        raise ValueError(f"{key}: guides.json 中没有「{raw['guide']}」")
    demo = raw.get("demo")
    if demo is None:
        demo = guide is None or guide.get("confidence") in LOW_CONFIDENCE

    statutory, s_unit, s_note, s_source = _limit(raw.get("statutory"), field="statutory", key=key)
    promised, p_unit, p_note, p_source = _limit(raw["promised"], field="promised", key=key)
    # Where the seed's figures come from: for catalog staff (admin, editor), never public text.
    provenance = [f"法定办结时限：{s_source}" if s_source else "", f"承诺办结时限：{p_source}" if p_source else "",
                  *(f"{p['name']}：{p['provenance']}" for p in raw.get("special", []) if p.get("provenance")),
                  raw.get("provenance", "")]
    online = raw.get("online", True)
    visits = raw.get("visits", 0 if online else 1)
    in_hall = raw.get("in_hall", True)
    express = raw.get("express", True)
    result_name, result_type, result_lic = raw["result"]
    if result_type not in st.RESULT_TYPES:
        raise ValueError(f"{key}: 结果类型「{result_type}」无效")
    if result_lic and result_lic not in st.LICENCE_TYPES:
        raise ValueError(f"{key}: 电子证照类型代码「{result_lic}」未在 standard.LICENCE_TYPES 中定义")
    fee = raw.get("fee")
    objects = [st.SERVICE_OBJECTS[o] for o in raw["objects"]]
    spec = {
        "key": key,
        "name": name,
        "aliases": [normalise_name(a) for a in raw.get("aliases", [])],
        "agency": raw["agency"],
        "co_agencies": list(raw.get("co", [])),
        "item_type": st.ITEM_TYPES[raw["type"]],
        "base_name": normalise_name(raw.get("base_name", raw["name"])),
        "basic_code": raw.get("basic") or platform_basic_code(key),
        # "XA…" codes are platform codes written into a spec so several handling items share a base item.
        "basic_code_is_platform": not raw.get("basic") or raw["basic"].startswith("XA"),
        "parent_basic": raw.get("parent_basic"),  # (code, name, type label) of the main item
        "handling_item_code": (raw.get("handling") or ("", ""))[0],
        "handling_suffix": (raw.get("handling") or ("", ""))[1],
        "handling_item_kind": HANDLING_KINDS[raw.get("kind", "新设")],
        "exercise_level": agency.level,
        "agency_nature": AGENCY_NATURE[raw.get("nature", DEFAULT_NATURE.get(raw["agency"], "法定机关"))],
        "legal_basis": [{"name": n, "articles": a} for n, a in raw["basis"]],
        "service_objects": objects,
        "person_themes": [theme_codes()["person"][t] for t in raw.get("pthemes", [])],
        "enterprise_themes": [theme_codes()["enterprise"][t] for t in raw.get("ethemes", [])],
        "statutory_limit": statutory, "statutory_limit_unit": s_unit, "statutory_limit_note": s_note,
        "promised_limit": promised, "promised_limit_unit": p_unit, "promised_limit_note": p_note,
        "case_kind": CaseKind.IMMEDIATE if p_unit == LimitUnit.IMMEDIATE else CaseKind.PROMISED,
        "special_procedures": [
            {"kind": p.get("kind", "2"), "name": p["name"], "max_days": p.get("max_days"), "note": p.get("note", "")}
            for p in raw.get("special", [])
        ],
        "acceptance_conditions": list(raw["conditions"]),
        "intermediary_services": raw.get("intermediary", "无"),
        "quantity_limit": raw.get("quantity", "无数量限制"),
        "supports_online_handling": online,
        "visits": visits,
        "visits_reason": raw.get("visits_reason", ""),
        "supports_appointment": raw.get("appointment", in_hall),
        "supports_express_delivery": express,
        "supports_online_payment": bool(fee) and raw.get("payment", False),
        "cross_region_scope": raw.get("cross", ""),
        "result_name": result_name,
        "result_type": st.RESULT_TYPES[result_type],
        "result_licence_type_code": result_lic,
        "fee_charged": bool(fee),
        "fee_basis": fee[0] if fee else "",
        "fee_items": [tuple(item) for item in fee[1]] if fee else [],
        "consultation_phone": agency.phone,
        "complaint_phone": COMPLAINT_PHONE,
        "commitment_eligible": raw.get("commit", False),
        "deferred_material_eligible": raw.get("deferred", False),
        "high_frequency": raw.get("hf", guide is not None),
        "city_wide": raw.get("city_wide", False),
        "in_hall": in_hall,
        "weekend_service": raw.get("weekend", False),
        "materials": [_complete_material(st.expand_material(m), raw["basis"]) for m in raw.get("materials", [])],
        "no_materials_required": bool(raw.get("no_materials")),
        "places": list(raw.get("places", [])),
        "faqs": [tuple(f) for f in raw.get("faqs", [])],
        "fields": list(raw.get("fields", [])),
        "form": list(raw.get("form", [])),
        "guide": raw.get("guide", ""),
        "is_demo": demo,
        "note": raw.get("note", ""),
        "provenance_note": "\n".join(p for p in provenance if p),
    }
    if spec["cross_region_scope"] == "" and spec["city_wide"]:
        spec["cross_region_scope"] = "city_wide"
    handling_forms = ["1"] if in_hall or visits else []
    if online:
        handling_forms += ["2", "3"]
    if express:
        handling_forms.append("4")
    spec["handling_forms"] = handling_forms
    if online and visits == 0:
        depth = ["1", "2", "3", "4", "5", "6"] + (["7"] if result_lic else [])
    elif online:
        depth = ["1", "2", "3", "4", "6"]
    else:
        depth = ["1"]
    spec["online_depth"] = depth
    spec["process"] = ([{"name": n, "description": d, "limit": limit} for n, d, limit in raw["process"]]
                       if raw.get("process") else _default_process(spec))
    spec["faqs"] = spec["faqs"] + _template_faqs(spec)[: max(0, 3 - len(spec["faqs"]))]
    spec["form_fields"] = _form(spec)
    spec["place_kind"] = "hall" if in_hall else "agency"
    if visits and not spec["visits_reason"]:
        raise ValueError(f"{key}: 到现场 {visits} 次，须写明原因（visits_reason）")
    if spec["result_type"] == ResultType.NONE:
        raise ValueError(f"{key}: 每个事项都应有办理结果（及样本）")
    if not spec["form"] and len({_field(f, section="")["key"] for f in spec["fields"]}) < 2:
        raise ValueError(f"{key}: 表单应有 2–6 个本事项特有的字段（fields）")
    keys = {f["key"] for f in spec["form_fields"]}
    unknown = keys - element_keys()
    if unknown:
        raise ValueError(f"{key}: 表单字段使用了未定义的数据元：{'、'.join(sorted(unknown))}（见 data_elements.py）")
    for place in spec["places"]:
        if place not in orgs:
            raise ValueError(f"{key}: 办理地点「{place}」不在组织机构种子数据中")
    if bool(spec["materials"]) == spec["no_materials_required"]:
        raise ValueError(f"{key}: 须列出申请材料，或写明 no_materials（确实无需材料）")
    return spec


@cache
def item_specs() -> dict[str, dict]:
    """Every implementation spec, expanded, by key (in data order)."""
    specs: dict[str, dict] = {}
    codes: dict[str, str] = {}
    for raw in _raw_specs():
        spec = _expand(raw)
        if spec["key"] in specs:
            raise ValueError(f"事项键重复：{spec['key']}")
        agency = organisations()[spec["agency"]]
        spec["implementation_code"] = implementation_code(agency.uscc, spec["exercise_level"], spec["basic_code"],
                                                          spec["handling_suffix"])
        if spec["implementation_code"] in codes:
            raise ValueError(f"实施编码重复：{spec['key']} 与 {codes[spec['implementation_code']]}")
        codes[spec["implementation_code"]] = spec["key"]
        specs[spec["key"]] = spec
    # Codes derived from item keys must not collide with each other or with a code written in a spec.
    derived = [s["basic_code"] for s in specs.values() if s["basic_code_is_platform"] and s["basic_code"] == platform_basic_code(s["key"])]
    written = {s["basic_code"] for s in specs.values() if s["basic_code"] != platform_basic_code(s["key"])}
    if len(derived) != len(set(derived)) or set(derived) & written:
        raise ValueError("平台基本编码发生碰撞：请给其中一个事项指定 basic 编码")
    return specs


def implementation_code_for(key: str) -> str:
    return item_specs()[key]["implementation_code"]


@cache
def _alias_index() -> dict[tuple[str, str], str]:
    index = {}
    for spec in item_specs().values():
        for name in (spec["name"], *spec["aliases"]):
            index[(name, spec["agency"])] = spec["key"]
    return index


def resolve_item_key(item: str, agency: str) -> str | None:
    """The item implementing a bundle member named `item` of `agency` (None if there is none)."""
    return _alias_index().get((normalise_name(item), agency))


def hall_for(agency_short_name: str) -> str:
    """Short name of the hall where an agency's items are handled: the city hall for city-level
    agencies, the district's hall for district departments."""
    spec = organisations()[agency_short_name]
    if spec.division.startswith("6101") and spec.division[4:6] not in ("00",) and spec.division[:6] != "610100":
        district = spec.short_name
        for suffix in ("行政审批服务局", "市场监管局", "人社局", "民政局", "司法局"):
            district = district.removesuffix(suffix)
        return f"{district}政务服务中心"
    return og.CITY_HALL
