"""The catalog workbook: implementations and their materials as an Excel file (.xlsx).

Sheets: 事项 (one row per implementation), 材料 (one row per material, linked by 实施编码) and 说明
(the columns and code sets, for people; ignored on import). Headers are Chinese; code columns
hold the standard's codes where it has numeric ones (事项类型 01, 行使层级 3, 办件类型 1, 服务对象
1,2 …) and the Chinese label otherwise (工作日, 原件, 申请人自备 …). Import accepts either the code
or the label in every code column. List elements use element_text's line formats.

Import is all or nothing: every row is checked through the same services the editor uses (new
implementation -> draft v1; existing -> its open draft if editable, otherwise a new draft), and
if any cell is wrong nothing is kept and every problem is reported as (sheet, row, column,
message). When the 材料 sheet is present it replaces the materials of every implementation in the
事项 sheet (an implementation without material rows ends with none); without it, materials are
left as they are. Co-agencies, FAQs, places, form fields and files are not in the workbook: a new
draft keeps the published version's.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any, BinaryIO

from django.db import transaction
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from yiwang.catalog import element_text, services
from yiwang.catalog.constants import (
    EDITABLE_STATUSES,
    AgencyNature,
    CaseKind,
    CrossRegionScope,
    ErrorCode,
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
    VersionStatus,
)
from yiwang.catalog.models import BaseItem, ImplementationVersion, ItemImplementation
from yiwang.catalog.rules import limit_number
from yiwang.core.audit import record_event
from yiwang.core.errors import FieldError, ValidationFailed
from yiwang.core.file_safety import zip_bomb_problem
from yiwang.orgs.constants import ExerciseLevel
from yiwang.orgs.selectors import organisations_by_uscc_or_name

if TYPE_CHECKING:
    from yiwang.orgs.models import Organisation

ITEMS_SHEET = "事项"
MATERIALS_SHEET = "材料"
NOTES_SHEET = "说明"
MAX_ROWS = 5000
MAX_MATERIAL_ROWS = 50000


@dataclass(frozen=True)
class Column:
    header: str
    key: str    # a version element, or "impl:<attr>" / "base:<attr>" / "agency:<attr>" / "meta:<attr>"
    kind: str   # text | number | bool | code | label | codes | lines | records
    width: int = 16
    choices: type | None = None


ITEM_COLUMNS: tuple[Column, ...] = (
    Column("实施编码", "impl:implementation_code", "text", 34),
    Column("基本编码", "base:basic_code", "text", 16),
    Column("事项类型", "base:item_type", "code", 10, ItemType),
    Column("事项名称", "name", "text", 30),
    Column("业务办理项编码", "impl:handling_item_code", "text", 20),
    Column("办理项类型", "impl:handling_item_kind", "label", 10, HandlingItemKind),
    Column("实施主体", "agency:name", "text", 24),
    Column("实施主体统一社会信用代码", "agency:uscc", "text", 22),
    Column("行使层级", "impl:exercise_level", "code", 10, ExerciseLevel),
    Column("实施主体性质", "agency_nature", "code", 10, AgencyNature),
    Column("设定依据", "legal_basis", "records", 40),
    Column("服务对象", "service_objects", "codes", 12, ServiceObject),
    Column("自然人主题", "person_themes", "codes", 12),
    Column("法人主题", "enterprise_themes", "codes", 12),
    Column("法定办结时限", "statutory_limit", "number", 10),
    Column("法定时限单位", "statutory_limit_unit", "label", 10, LimitUnit),
    Column("法定时限说明", "statutory_limit_note", "text", 24),
    Column("承诺办结时限", "promised_limit", "number", 10),
    Column("承诺时限单位", "promised_limit_unit", "label", 10, LimitUnit),
    Column("承诺时限说明", "promised_limit_note", "text", 24),
    Column("办件类型", "case_kind", "code", 10, CaseKind),
    Column("特别程序", "special_procedures", "records", 24),
    Column("受理条件", "acceptance_conditions", "lines", 40),
    Column("办理流程", "process", "records", 40),
    Column("后台流程", "process_key", "text", 12),
    Column("中介服务", "intermediary_services", "text", 16),
    Column("数量限制", "quantity_limit", "text", 16),
    Column("办理形式", "handling_forms", "codes", 12, HandlingForm),
    Column("网上办理深度", "online_depth", "codes", 14, OnlineDepth),
    Column("网上办理地址", "online_url", "text", 30),
    Column("到办事现场次数", "visits", "number", 10),
    Column("必须现场办理原因", "visits_reason", "text", 24),
    Column("支持预约办理", "supports_appointment", "bool", 8),
    Column("支持网上支付", "supports_online_payment", "bool", 8),
    Column("支持物流快递", "supports_express_delivery", "bool", 8),
    Column("支持网上办理", "supports_online_handling", "bool", 8),
    Column("通办范围", "cross_region_scope", "label", 10, CrossRegionScope),
    Column("审批结果名称", "result_name", "text", 20),
    Column("审批结果类型", "result_type", "label", 12, ResultType),
    Column("电子证照类型代码", "result_licence_type_code", "text", 20),
    Column("是否收费", "fee_charged", "bool", 8),
    Column("收费依据", "fee_basis", "text", 24),
    Column("收费项目", "fee_items", "records", 30),
    Column("咨询电话", "consultation_phone", "text", 16),
    Column("监督投诉电话", "complaint_phone", "text", 16),
    Column("告知承诺制", "commitment_eligible", "bool", 8),
    Column("容缺受理", "deferred_material_eligible", "bool", 8),
    Column("高频事项", "high_frequency", "bool", 8),
    Column("全市通办", "city_wide", "bool", 8),
    Column("进驻大厅", "in_hall", "bool", 8),
    Column("周末可办", "weekend_service", "bool", 8),
    Column("无需提交材料", "no_materials_required", "bool", 8),
    Column("修改说明", "change_note", "text", 20),
    Column("版本号", "meta:number", "number", 8),
    Column("版本状态", "meta:status", "label", 10, VersionStatus),
)

MATERIAL_COLUMNS: tuple[Column, ...] = (
    Column("实施编码", "impl:implementation_code", "text", 34),
    Column("序号", "meta:order", "number", 6),
    Column("材料名称", "name", "text", 36),
    Column("出具单位", "issuing_body", "text", 20),
    Column("材料类型", "material_type", "label", 12, MaterialType),
    Column("材料形式", "medium", "label", 10, MaterialMedium),
    Column("原件份数", "original_copies", "number", 8),
    Column("复印件份数", "copy_copies", "number", 8),
    Column("必要性", "necessity", "label", 10, MaterialNecessity),
    Column("来源渠道", "source_channel", "label", 14, MaterialSource),
    Column("电子证照类型代码", "licence_type_code", "text", 20),
    Column("填报须知", "filling_notes", "text", 30),
    Column("受理标准", "acceptance_standard", "text", 30),
    Column("要求提供材料的依据", "legal_basis", "text", 30),
)
_ITEM_BY_KEY = {c.key: c for c in ITEM_COLUMNS}
_MATERIAL_BY_KEY = {c.key: c for c in MATERIAL_COLUMNS}
# Version elements that are columns of 事项 (what an import sends to version_update as data).
_IMPORTED_ELEMENTS = [c for c in ITEM_COLUMNS if ":" not in c.key and c.key != "fee_items"]


@dataclass(frozen=True)
class ImportProblem:
    sheet: str
    row: int        # the Excel row number (1 = header)
    column: str     # the header, or "" for the whole row
    message: str

    def as_dict(self) -> dict:
        return {"sheet": self.sheet, "row": self.row, "column": self.column, "message": self.message}


class WorkbookImportFailed(ValidationFailed):
    """Nothing was imported; `problems` lists every bad cell."""

    code = ErrorCode.IMPORT_FAILED

    def __init__(self, problems: list[ImportProblem]):
        self.problems = problems
        errors = [FieldError(f"{p.sheet}!{p.row}:{p.column}", ErrorCode.IMPORT_FAILED, p.message) for p in problems]
        super().__init__(errors, message=f"导入未完成：共有 {len(problems)} 处错误，所有内容均未导入。请修改后重新导入。")
        self.detail = [p.as_dict() for p in problems]


@dataclass
class ImportResult:
    created: list[str] = field(default_factory=list)   # implementation codes of new implementations
    updated: list[str] = field(default_factory=list)   # codes of existing ones given a draft
    versions: list[ImplementationVersion] = field(default_factory=list)


# --- Export ------------------------------------------------------------------------------------


def _cell_value(column: Column, value: Any) -> Any:
    if column.kind == "bool":
        return "是" if value else "否"
    if column.kind == "number":
        if value is None or value == "":
            return None
        if isinstance(value, Decimal):
            text = limit_number(value)
            return int(text) if text.isdigit() else float(text)
        return value
    if column.kind == "label":
        if not value:
            return ""
        return str(dict(column.choices.choices).get(value, value))
    if column.kind == "codes":
        return element_text.format_codes(value)
    if column.kind == "lines":
        return element_text.format_lines(value)
    if column.kind == "records":
        return element_text.format_records(column.key, value)
    return "" if value is None else str(value)


def _item_value(column: Column, version: ImplementationVersion) -> Any:
    implementation = version.implementation
    source, _, attr = column.key.rpartition(":")
    if source == "impl":
        return getattr(implementation, attr)
    if source == "base":
        return getattr(implementation.base_item, attr)
    if source == "agency":
        return getattr(implementation.agency, attr)
    if source == "meta":
        return getattr(version, attr)
    if column.key == "fee_items":
        return [{"name": f.name, "standard": f.standard, "reduction": f.reduction} for f in version.fee_items.all()]
    return getattr(version, column.key)


def _write_sheet(sheet, columns: tuple[Column, ...], rows: Iterable[list]) -> None:
    header_font = Font(bold=True)
    header_fill = PatternFill("solid", fgColor="DDE7F3")
    for index, column in enumerate(columns, start=1):
        cell = sheet.cell(row=1, column=index, value=column.header)
        cell.font = header_font
        cell.fill = header_fill
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    for row_number, values in enumerate(rows, start=2):
        for index, (column, value) in enumerate(zip(columns, values, strict=True), start=1):
            cell = sheet.cell(row=row_number, column=index, value=value)
            if column.kind != "number":
                cell.number_format = "@"  # keep long codes as text (Excel would turn them into numbers)
            if column.kind in ("lines", "records"):
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "B2"


def export_workbook(versions: Iterable[ImplementationVersion], stream: BinaryIO | None = None) -> bytes:
    """Write the versions (normally the published catalog: selectors.published_versions()) as a
    workbook; returns the bytes (and writes them to `stream` when given)."""
    versions = list(versions)
    book = Workbook()
    items = book.active
    items.title = ITEMS_SHEET
    _write_sheet(items, ITEM_COLUMNS,
                 ([_cell_value(c, _item_value(c, v)) for c in ITEM_COLUMNS] for v in versions))
    materials = book.create_sheet(MATERIALS_SHEET)
    material_rows = []
    for version in versions:
        code = version.implementation.implementation_code
        for number, material in enumerate(version.materials.all(), start=1):
            material_rows.append([code if c.key == "impl:implementation_code" else number if c.key == "meta:order"
                                  else _cell_value(c, getattr(material, c.key)) for c in MATERIAL_COLUMNS])
    _write_sheet(materials, MATERIAL_COLUMNS, material_rows)
    _write_notes(book.create_sheet(NOTES_SHEET))
    buffer = io.BytesIO()
    book.save(buffer)
    data = buffer.getvalue()
    if stream is not None:
        stream.write(data)
    return data


def _write_notes(sheet) -> None:
    sheet.append(["工作表", "列", "填写说明"])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for sheet_name, columns in ((ITEMS_SHEET, ITEM_COLUMNS), (MATERIALS_SHEET, MATERIAL_COLUMNS)):
        for column in columns:
            sheet.append([sheet_name, column.header, _column_hint(column)])
    sheet.column_dimensions["A"].width = 8
    sheet.column_dimensions["B"].width = 24
    sheet.column_dimensions["C"].width = 100


def _column_hint(column: Column) -> str:
    if column.key.startswith("meta:") and column.key != "meta:order":
        return "仅导出，导入时忽略。"
    if column.kind == "bool":
        return "是 / 否"
    if column.kind in ("code", "label", "codes") and column.choices is not None:
        options = "；".join(f"{c.value}={c.label}" for c in column.choices)
        many = "多个用英文逗号分隔。" if column.kind == "codes" else ""
        return f"填代码或名称：{options}。{many}"
    if column.kind == "codes":
        return "代码，多个用英文逗号分隔。"
    if column.kind == "lines":
        return "每行一条（单元格内换行）。"
    if column.kind == "records":
        return element_text.RECORD_HINTS[column.key] + "（单元格内换行）。"
    if column.kind == "number":
        return "数字。"
    return "文本。"


# --- Import ------------------------------------------------------------------------------------


@dataclass
class _Row:
    number: int
    values: dict[str, Any]  # column key -> raw cell value (only the columns present)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _read_sheet(sheet, columns: tuple[Column, ...], sheet_name: str, required: tuple[str, ...],
                problems: list[ImportProblem], limit: int) -> tuple[list[_Row], set[str]]:
    by_header = {c.header: c for c in columns}
    rows_iter = sheet.iter_rows(values_only=True)
    header = next(rows_iter, None) or ()
    positions: dict[int, Column] = {}
    for index, title in enumerate(header):
        title = _text(title)
        if not title:
            continue
        if title not in by_header:
            problems.append(ImportProblem(sheet_name, 1, title, f"未知的列「{title}」，请删除该列或改为模板中的列名。"))
            continue
        positions[index] = by_header[title]
    present = {c.key for c in positions.values()}
    for key in required:
        column = next(c for c in columns if c.key == key)
        if key not in present:
            problems.append(ImportProblem(sheet_name, 1, column.header, f"缺少必需的列「{column.header}」。"))
    rows = []
    for number, cells in enumerate(rows_iter, start=2):
        if cells is None or all(_text(v) == "" for v in cells):
            continue
        if len(rows) >= limit:
            problems.append(ImportProblem(sheet_name, number, "", f"行数超过上限 {limit}，请分批导入。"))
            break
        values = {positions[i].key: v for i, v in enumerate(cells) if i in positions}
        rows.append(_Row(number, values))
    return rows, present


def _cell_for_import(column: Column, value: Any) -> Any:
    """The raw cell as version_update expects it (it does the checking)."""
    if column.kind == "number":
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        if isinstance(value, float) and value.is_integer():
            return int(value)
        return value if isinstance(value, int | float) else _text(value)
    if column.kind in ("lines", "records", "codes"):
        return _text(value)
    return _text(value)


@transaction.atomic
def import_workbook(*, actor, stream: BinaryIO) -> ImportResult:
    """Create or update drafts from a workbook. All or nothing: WorkbookImportFailed lists every
    problem as (sheet, row, column, message) and nothing is kept."""
    problems: list[ImportProblem] = []
    # An .xlsx is a ZIP: judged from its directory before openpyxl unpacks anything.
    problem = zip_bomb_problem(stream)
    if problem:
        raise WorkbookImportFailed([ImportProblem("", 0, "", f"文件{problem}")])
    try:
        book = load_workbook(stream, read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 — any unreadable file gets the same answer
        raise WorkbookImportFailed([ImportProblem("", 0, "", "文件不是有效的 Excel（.xlsx）文件，请用导出的模板填写后上传。")]) from None
    if ITEMS_SHEET not in book.sheetnames:
        raise WorkbookImportFailed([ImportProblem(ITEMS_SHEET, 0, "", f"缺少工作表「{ITEMS_SHEET}」，请使用导出的模板。")])
    item_rows, item_columns = _read_sheet(book[ITEMS_SHEET], ITEM_COLUMNS, ITEMS_SHEET,
                                          ("impl:implementation_code", "name"), problems, MAX_ROWS)
    has_materials = MATERIALS_SHEET in book.sheetnames
    material_rows: list[_Row] = []
    if has_materials:
        material_rows, _ = _read_sheet(book[MATERIALS_SHEET], MATERIAL_COLUMNS, MATERIALS_SHEET,
                                       ("impl:implementation_code", "name"), problems, MAX_MATERIAL_ROWS)
    if problems:
        raise WorkbookImportFailed(problems)

    materials_by_code: dict[str, list[_Row]] = {}
    for row in material_rows:
        materials_by_code.setdefault(_text(row.values.get("impl:implementation_code")), []).append(row)
    seen_codes: dict[str, int] = {}
    result = ImportResult()
    for row in item_rows:
        code = _text(row.values.get("impl:implementation_code"))
        code_header = _ITEM_BY_KEY["impl:implementation_code"].header
        if not code:
            problems.append(ImportProblem(ITEMS_SHEET, row.number, code_header, "请填写实施编码。"))
            continue
        if code in seen_codes:
            problems.append(ImportProblem(ITEMS_SHEET, row.number, code_header,
                                          f"实施编码 {code} 与第 {seen_codes[code]} 行重复，每个事项只能出现一次。"))
            continue
        seen_codes[code] = row.number
        _import_row(actor, row, code, item_columns, materials_by_code.get(code, []) if has_materials else None,
                    result, problems)
    for code, rows in materials_by_code.items():
        if code not in seen_codes:
            for row in rows:
                problems.append(ImportProblem(MATERIALS_SHEET, row.number, _MATERIAL_BY_KEY["impl:implementation_code"].header,
                                              f"实施编码「{code}」不在「{ITEMS_SHEET}」表中，请先在事项表中列出该事项。"))
    if problems:
        raise WorkbookImportFailed(sorted(problems, key=lambda p: (p.sheet != ITEMS_SHEET, p.sheet, p.row)))
    record_event(actor=actor, action="catalog.workbook_imported", object_type="catalog.workbook",
                 details={"created": result.created, "updated": result.updated})
    return result


def _problems_from(exc: ValidationFailed, row: _Row, material_rows: list[_Row] | None) -> list[ImportProblem]:
    found = []
    for error in exc.errors:
        name = error.field
        if name.startswith("materials[") and material_rows is not None:
            index = int(name[len("materials["):name.index("]")])
            attr = name.split(".", 1)[1] if "." in name else ""
            column = _MATERIAL_BY_KEY.get(attr)
            target = material_rows[index] if index < len(material_rows) else row
            found.append(ImportProblem(MATERIALS_SHEET, target.number, column.header if column else "", error.message))
            continue
        key = name.split("[", 1)[0].split(".", 1)[0]
        column = _ITEM_BY_KEY.get(key) or _ITEM_BY_KEY.get(f"impl:{key}") or _ITEM_BY_KEY.get(f"base:{key}")
        found.append(ImportProblem(ITEMS_SHEET, row.number, column.header if column else "", error.message))
    return found


def _material_dicts(material_rows: list[_Row], existing: dict[str, list[int]]) -> list[dict]:
    """Material rows in 序号 order; a row whose name matches a material of the draft keeps that
    material's id (and so its blank form and sample files)."""
    def order_key(row: _Row):
        value = row.values.get("meta:order")
        try:
            return (0, float(value), row.number)
        except (TypeError, ValueError):
            return (1, 0.0, row.number)

    material_rows.sort(key=order_key)
    result = []
    for row in material_rows:
        data = {c.key: _cell_for_import(c, row.values[c.key]) for c in MATERIAL_COLUMNS
                if ":" not in c.key and c.key in row.values}
        ids = existing.get(_text(row.values.get("name")))
        if ids:
            data["id"] = ids.pop(0)
        result.append(data)
    return result


def _import_row(actor, row: _Row, code: str, item_columns: set[str], material_rows: list[_Row] | None,
                result: ImportResult, problems: list[ImportProblem]) -> None:
    data = {c.key: _cell_for_import(c, row.values[c.key]) for c in _IMPORTED_ELEMENTS if c.key in row.values}
    fee_items = None
    if "fee_items" in item_columns:
        try:
            fee_items = element_text.parse_records("fee_items", _text(row.values.get("fee_items")))
        except element_text.TextFormatError as exc:
            problems.append(ImportProblem(ITEMS_SHEET, row.number, "收费项目", f"收费项目：{exc}"))
            return
    implementation = ItemImplementation.objects.filter(implementation_code=code).select_related("agency").first()
    try:
        if implementation is None:
            version = _create_from_row(actor, row, code, data, problems)
            if version is None:
                return
            created = True
        else:
            version = _draft_for(actor, implementation, row, problems)
            if version is None:
                return
            created = False
        existing: dict[str, list[int]] = {}
        for material in version.materials.all():
            existing.setdefault(material.name, []).append(material.pk)
        materials = _material_dicts(material_rows, existing) if material_rows is not None else None
        services.version_update(actor=actor, version=version, data={} if created else data, materials=materials,
                                fee_items=fee_items)
    except ValidationFailed as exc:
        problems.extend(_problems_from(exc, row, material_rows))
        return
    except Exception as exc:  # noqa: BLE001 — a domain error on one row is that row's problem
        message = getattr(exc, "message", None)
        if message is None:
            raise
        problems.append(ImportProblem(ITEMS_SHEET, row.number, "", message))
        return
    (result.created if created else result.updated).append(code)
    result.versions.append(version)


def _create_from_row(actor, row: _Row, code: str, data: dict, problems: list[ImportProblem]) -> ImplementationVersion | None:
    start = len(problems)
    basic_code = _text(row.values.get("base:basic_code"))
    base_item = BaseItem.objects.filter(basic_code=basic_code).first() if basic_code else None
    if base_item is None:
        item_type = _text(row.values.get("base:item_type"))
        by_label = {c.label: c.value for c in ItemType}
        item_type = by_label.get(item_type, item_type)
        if not basic_code:
            problems.append(ImportProblem(ITEMS_SHEET, row.number, "基本编码", "新事项须填写基本编码。"))
        elif item_type not in ItemType.values:
            problems.append(ImportProblem(ITEMS_SHEET, row.number, "事项类型",
                                          f"基本编码 {basic_code} 尚未登记，须填写有效的事项类型（如 01 行政许可）以新增基本目录事项。"))
    agency = _agency_for(row, problems)
    level = _text(row.values.get("impl:exercise_level"))
    level = {c.label: c.value for c in ExerciseLevel}.get(level, level)
    kind = _text(row.values.get("impl:handling_item_kind")) or HandlingItemKind.NEW
    kind = {c.label: c.value for c in HandlingItemKind}.get(kind, kind)
    if len(problems) > start:
        return None
    if base_item is None:
        base_item = services.base_item_create(actor=actor, basic_code=basic_code, name=_text(row.values.get("name")),
                                              item_type=item_type)
    implementation = services.implementation_create(
        actor=actor, base_item=base_item, agency=agency, exercise_level=level, implementation_code=code,
        handling_item_kind=kind, handling_item_code=_text(row.values.get("impl:handling_item_code")), data=data)
    return implementation.versions.get(number=1)


def _agency_for(row: _Row, problems: list[ImportProblem]) -> Organisation | None:
    uscc = _text(row.values.get("agency:uscc")).upper()
    name = _text(row.values.get("agency:name"))
    if not (uscc or name):
        problems.append(ImportProblem(ITEMS_SHEET, row.number, "实施主体", "新事项须填写实施主体名称或其统一社会信用代码。"))
        return None
    found = organisations_by_uscc_or_name(uscc=uscc, name=name)
    if len(found) != 1:
        what = f"统一社会信用代码 {uscc}" if uscc else f"名称「{name}」"
        problem = "找不到" if not found else "对应多个机构，请同时填写准确的名称"
        problems.append(ImportProblem(ITEMS_SHEET, row.number, "实施主体统一社会信用代码" if uscc else "实施主体",
                                      f"按{what}{problem}实施主体。"))
        return None
    return found[0]


def _draft_for(actor, implementation: ItemImplementation, row: _Row, problems: list[ImportProblem]) -> ImplementationVersion | None:
    open_version = implementation.versions.exclude(status__in=[VersionStatus.PUBLISHED, VersionStatus.SUPERSEDED]).first()
    if open_version is None:
        return services.version_start_draft(actor=actor, implementation=implementation)
    if open_version.status in EDITABLE_STATUSES:
        return open_version
    problems.append(ImportProblem(ITEMS_SHEET, row.number, "实施编码",
                                  f"事项 {implementation.implementation_code} 的版本 v{open_version.number} "
                                  f"正在「{open_version.get_status_display()}」，审核结束前不能导入修改。"))
    return None
