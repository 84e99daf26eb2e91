"""The citizen-facing view of a guide (办事指南): a published version turned into labelled,
plain-language sections. The guide page and its printable PDF both render this one model, so the
screen and the paper never disagree.

Pure functions over already-fetched objects: no queries here (selectors.implementation_detail
loads everything a guide shows).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from yiwang.catalog.constants import (
    CATALOG_FLAGS,
    AgencyNature,
    CaseKind,
    CrossRegionScope,
    HandlingForm,
    HandlingItemKind,
    ItemType,
    LimitUnit,
    MaterialMedium,
    MaterialNecessity,
    MaterialSource,
    MaterialType,
    OnlineDepth,
    ResultType,
    ServiceObject,
    SpecialProcedureKind,
)
from yiwang.catalog.models import ImplementationVersion, Material
from yiwang.catalog.rules import limit_number
from yiwang.orgs.constants import ExerciseLevel

NO_SUBMISSION_HINT = "免提交（由部门调取）"
EXEMPT_HINT = "信息免交"


def _label(choices, value: str) -> str:
    """The Chinese label of a code; an unknown code is shown as it is rather than hidden."""
    try:
        return choices(value).label
    except ValueError:
        return str(value)


def _text(entry) -> str:
    """Entries of JSON lists are strings, or dicts from imports ({"text"|"name"|"description": …})."""
    if isinstance(entry, dict):
        for key in ("text", "name", "description", "content", "value"):
            if entry.get(key):
                return str(entry[key])
        return "；".join(str(v) for v in entry.values() if v)
    return str(entry)


def _file_url(f) -> str:
    return f.url if f else ""


# ---- one-line labels, also used by result rows (search, departments, events) ----

def is_immediate(version: ImplementationVersion) -> bool:
    """即办: decided on the spot (STANDARDS §1: promised "即办" ⇔ 即办件)."""
    return (version.case_kind == CaseKind.IMMEDIATE or version.promised_limit_unit == LimitUnit.IMMEDIATE
            or not version.promised_limit)


def promised_limit_label(version: ImplementationVersion) -> str:
    """"承诺 10 个工作日" or "即办"."""
    if is_immediate(version):
        return "即办"
    unit = _label(LimitUnit, version.promised_limit_unit or LimitUnit.WORKING_DAY)
    return f"承诺 {limit_number(version.promised_limit)} 个{unit}"


def statutory_limit_label(version: ImplementationVersion) -> str:
    if version.statutory_limit_unit == LimitUnit.IMMEDIATE:
        return "即办"
    if version.statutory_limit is None:
        return "法律法规未规定办结时限"
    unit = _label(LimitUnit, version.statutory_limit_unit or LimitUnit.WORKING_DAY)
    return f"{limit_number(version.statutory_limit)} 个{unit}"


def visits_label(version: ImplementationVersion) -> str:
    """"零跑动" (0 visits), "最多跑一次" (1), else the number."""
    if version.visits == 0:
        return "零跑动"
    if version.visits == 1:
        return "最多跑一次"
    return f"到现场 {version.visits} 次"


def is_fully_online(version: ImplementationVersion) -> bool:
    """全程网办: every online depth 1–7 and no visit (STANDARDS §1)."""
    return version.visits == 0 and set(map(str, version.online_depth)) >= set(OnlineDepth.values)


@dataclass(frozen=True)
class Tag:
    label: str
    tone: str  # a yiwang.css tag modifier: green | blue | yellow | ""


# Lists shown as tags, in display order, with their colour.
_TAG_TONES = (("high_frequency", "blue"), ("commitment_eligible", "green"), ("deferred_material_eligible", "green"),
              ("city_wide", "blue"), ("weekend_service", "yellow"))


def list_tags(version: ImplementationVersion) -> list[Tag]:
    """The lists (清单) the item is on, its cross-region scope and 全程网办, as tags."""
    tags = [Tag(CATALOG_FLAGS[key], tone) for key, tone in _TAG_TONES if getattr(version, key)]
    scope = version.cross_region_scope
    if scope and not (scope == CrossRegionScope.CITY_WIDE and version.city_wide):
        tags.append(Tag(_label(CrossRegionScope, scope), "blue"))
    if is_fully_online(version):
        tags.append(Tag("全程网办", "green"))
    return tags


# ---- the guide ----

@dataclass(frozen=True)
class MaterialRow:
    order: int
    name: str
    issuing_body: str
    material_type: str
    copies: str
    medium: str
    necessity: str
    necessity_key: str
    source: str
    no_submission_hint: str  # "" when the applicant must bring it
    blank_form_url: str
    sample_url: str
    filling_notes: str
    acceptance_standard: str
    legal_basis: str


@dataclass(frozen=True)
class FeeRow:
    name: str
    standard: str
    reduction: str


@dataclass(frozen=True)
class Step:
    name: str
    description: str
    limit: str


@dataclass(frozen=True)
class SpecialProcedureRow:
    kind: str
    name: str
    max_days: str
    note: str


@dataclass(frozen=True)
class Place:
    name: str
    address: str
    hours: str
    phone: str


@dataclass(frozen=True)
class Faq:
    question: str
    answer: str


@dataclass(frozen=True)
class Support:
    label: str
    supported: bool


@dataclass(frozen=True)
class Section:
    anchor: str
    title: str


@dataclass(frozen=True)
class Guide:
    implementation_id: int
    implementation_code: str
    basic_code: str
    name: str
    item_type: str
    handling_item_kind: str
    exercise_level: str
    agency: str
    agency_id: int
    agency_nature: str
    co_agencies: list[str]
    service_objects: list[str]
    acceptance_conditions: list[str]
    materials: list[MaterialRow]
    fee_charged: bool
    fee_items: list[FeeRow]
    fee_basis: str
    statutory_limit: str
    statutory_limit_note: str
    promised_limit: str
    promised_limit_note: str
    is_immediate: bool
    case_kind: str
    process: list[Step]
    special_procedures: list[SpecialProcedureRow]
    places: list[Place]
    consultation_phone: str
    complaint_phone: str
    visits: int
    visits_label: str
    visits_reason: str
    handling_forms: list[str]
    online_depth: list[str]
    online_url: str
    fully_online: bool
    supports: list[Support]
    in_hall: bool
    cross_region_scope: str
    intermediary_services: str
    quantity_limit: str
    result_name: str
    result_type: str
    result_sample_url: str
    legal_basis: list[str]
    faqs: list[Faq]
    tags: list[Tag]
    version_number: int
    published_at: datetime | None
    is_demo: bool
    online_handling: bool
    sections: list[Section]

    @property
    def no_submission_count(self) -> int:
        return sum(1 for m in self.materials if m.no_submission_hint)

    def summary_rows(self) -> list[tuple[str, str]]:
        """基本信息 as label/value pairs (page summary list and the PDF's first table)."""
        rows = [
            ("事项类型", self.item_type),
            ("办理项类型", self.handling_item_kind),
            ("实施主体", self.agency),
            ("实施主体性质", self.agency_nature),
            ("行使层级", self.exercise_level),
        ]
        if self.co_agencies:
            rows.append(("联办机构", "、".join(self.co_agencies)))
        rows += [
            ("服务对象", "、".join(self.service_objects) or "—"),
            ("办件类型", self.case_kind),
            ("承诺办结时限", self.promised_limit),
            ("到办事现场次数", f"{self.visits} 次（{self.visits_label}）"),
            ("是否收费", "收费" if self.fee_charged else "不收费"),
            ("实施编码", self.implementation_code),
        ]
        if self.basic_code:
            rows.append(("基本编码", self.basic_code))
        return rows


def _copies(material: Material) -> str:
    if material.material_type == MaterialType.COPY:
        return f"复印件 {material.copy_copies} 份"
    if material.material_type == MaterialType.ORIGINAL:
        return f"原件 {material.original_copies} 份"
    if material.material_type == MaterialType.ORIGINAL_OR_COPY:
        return f"原件 {material.original_copies} 份或复印件 {material.copy_copies} 份"
    return f"原件 {material.original_copies} 份，复印件 {material.copy_copies} 份"


def _material_row(order: int, material: Material) -> MaterialRow:
    if material.is_government_issued:
        hint = NO_SUBMISSION_HINT
    elif material.necessity == MaterialNecessity.EXEMPT:
        hint = EXEMPT_HINT
    else:
        hint = ""
    return MaterialRow(
        order=order, name=material.name, issuing_body=material.issuing_body,
        material_type=_label(MaterialType, material.material_type), copies=_copies(material),
        medium=_label(MaterialMedium, material.medium), necessity=_label(MaterialNecessity, material.necessity),
        necessity_key=material.necessity, source=_label(MaterialSource, material.source_channel),
        no_submission_hint=hint, blank_form_url=_file_url(material.blank_form), sample_url=_file_url(material.sample),
        filling_notes=material.filling_notes, acceptance_standard=material.acceptance_standard,
        legal_basis=material.legal_basis,
    )


def _legal_basis(entries) -> list[str]:
    out = []
    for entry in entries or []:
        if isinstance(entry, dict) and entry.get("name"):
            name = entry["name"] if entry["name"].startswith("《") else f"《{entry['name']}》"
            out.append(f"{name}{entry.get('articles', '')}")
        elif entry:
            out.append(_text(entry))
    return out


def _step(entry) -> Step:
    if isinstance(entry, dict):
        return Step(str(entry.get("name", "")), str(entry.get("description", "")), str(entry.get("limit", "")))
    return Step(str(entry), "", "")


def _special(entry) -> SpecialProcedureRow:
    if not isinstance(entry, dict):
        return SpecialProcedureRow("", str(entry), "", "")
    days = entry.get("max_days")
    return SpecialProcedureRow(
        kind=_label(SpecialProcedureKind, str(entry.get("kind", ""))) if entry.get("kind") else "",
        name=str(entry.get("name", "")), max_days=f"{days} 个工作日" if days not in (None, "") else "",
        note=str(entry.get("note", "")))


def build_guide(version: ImplementationVersion) -> Guide:
    """The guide of one version, as loaded by selectors.implementation_detail (implementation,
    agency and base item joined; materials, fees, FAQs, places and co-agencies prefetched)."""
    implementation = version.implementation
    base = implementation.base_item
    materials = [_material_row(i, m) for i, m in enumerate(version.materials.all(), start=1)]
    support = [
        Support("网上办理", version.supports_online_handling),
        Support("预约办理", version.supports_appointment),
        Support("物流快递（结果寄递）", version.supports_express_delivery),
        Support("网上支付", version.supports_online_payment),
    ]
    special_procedures = [_special(s) for s in version.special_procedures if s]
    faqs = [Faq(f.question, f.answer) for f in version.faqs.all()]
    sections = [Section("basic", "基本信息"), Section("conditions", "受理条件"), Section("materials", "申请材料"),
                Section("limits", "办理时限"), Section("fees", "收费标准"), Section("process", "办理流程")]
    if special_procedures:
        sections.append(Section("special", "特别程序"))
    sections += [Section("where", "办理地点、时间和方式"), Section("result", "办理结果"), Section("basis", "设定依据")]
    if faqs:
        sections.append(Section("faq", "常见问题"))
    sections.append(Section("contact", "咨询和投诉"))
    return Guide(
        implementation_id=implementation.pk,
        implementation_code=implementation.implementation_code,
        basic_code=base.basic_code,
        name=version.name,
        item_type=_label(ItemType, base.item_type),
        handling_item_kind=_label(HandlingItemKind, implementation.handling_item_kind),
        exercise_level=_label(ExerciseLevel, implementation.exercise_level),
        agency=implementation.agency.name,
        agency_id=implementation.agency_id,
        agency_nature=_label(AgencyNature, version.agency_nature),
        co_agencies=[org.name for org in version.co_agencies.all()],
        service_objects=[_label(ServiceObject, str(code)) for code in version.service_objects],
        acceptance_conditions=[_text(c) for c in version.acceptance_conditions if c],
        materials=materials,
        fee_charged=version.fee_charged,
        fee_items=[FeeRow(f.name, f.standard, f.reduction) for f in version.fee_items.all()],
        fee_basis=version.fee_basis,
        statutory_limit=statutory_limit_label(version),
        statutory_limit_note=version.statutory_limit_note,
        promised_limit=promised_limit_label(version),
        promised_limit_note=version.promised_limit_note,
        is_immediate=is_immediate(version),
        case_kind=_label(CaseKind, version.case_kind),
        process=[_step(p) for p in version.process if p],
        special_procedures=special_procedures,
        places=[Place(p.name, p.address, p.hours, p.phone) for p in version.places.all()],
        consultation_phone=version.consultation_phone,
        complaint_phone=version.complaint_phone,
        visits=version.visits,
        visits_label=visits_label(version),
        visits_reason=version.visits_reason,
        handling_forms=[_label(HandlingForm, str(code)) for code in version.handling_forms],
        online_depth=[_label(OnlineDepth, str(code)) for code in sorted(map(str, version.online_depth))],
        online_url=version.online_url,
        fully_online=is_fully_online(version),
        supports=support,
        in_hall=version.in_hall,
        cross_region_scope=_label(CrossRegionScope, version.cross_region_scope) if version.cross_region_scope else "",
        intermediary_services=version.intermediary_services,
        quantity_limit=version.quantity_limit,
        result_name=version.result_name,
        result_type=_label(ResultType, version.result_type),
        result_sample_url=_file_url(version.result_sample),
        legal_basis=_legal_basis(version.legal_basis) or _legal_basis(base.legal_basis),
        faqs=faqs,
        tags=list_tags(version),
        version_number=version.number,
        published_at=timezone.localtime(version.published_at) if version.published_at else None,
        is_demo=implementation.is_demo,
        online_handling=version.supports_online_handling,
        sections=sections,
    )
