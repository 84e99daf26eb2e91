"""Bulk import of licences that exist already (存量证照), from Excel (.xlsx) or CSV.

All or nothing, like the catalog workbook (yiwang/catalog/workbook.py): every row is checked
first; if any cell is wrong nothing is issued and every problem is reported with its row number
(as the spreadsheet shows it: the header is row 1) and column header. Only then is every row
issued — numbered, signed with its issuer's key, rendered — in one transaction.

Columns (headers in Chinese; order free; unknown headers are an error):
证照类型代码 (the 21-character type code, or the catalog's LIC-… code), 持证主体名称, 持证主体代码,
发证机关统一社会信用代码 (optional: the type's default issuer), 证照编号 (optional: by the type's rule),
发证日期, 有效期起始 (optional: the issue date), 有效期截止 (optional: by the type's rule; "长期"
for none), 行政区划 (optional), and any of the type's extra fields by their label (住所, 经营范围 …).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from django.db import transaction

from yiwang.core.audit import record_event
from yiwang.core.crypto import blind_index
from yiwang.core.errors import FieldError, NotFound, ValidationFailed
from yiwang.core.file_safety import zip_bomb_problem
from yiwang.core.identifiers import normalise_uscc
from yiwang.licences.constants import ErrorCode, LicenceSource
from yiwang.licences.models import Licence, LicenceType
from yiwang.licences.services.issuance import NUMBER_PURPOSE, Holder, clean_attributes, holder_errors, licence_issue
from yiwang.licences.subjects import normalise_subject_id, subject_index

MAX_ROWS = 5000
MAX_BYTES = 10 * 1024 * 1024
COLUMNS = {
    "证照类型代码": "type", "持证主体名称": "holder_name", "持证主体代码": "holder_id",
    "发证机关统一社会信用代码": "issuer", "证照编号": "number", "发证日期": "issued_on", "有效期起始": "valid_from",
    "有效期截止": "valid_until", "行政区划": "division_code",
}
REQUIRED = ("证照类型代码", "持证主体名称", "持证主体代码", "发证日期")
LONG_TERM_WORDS = {"长期", "长期有效", "永久"}


@dataclass(frozen=True)
class ImportProblem:
    row: int
    column: str
    message: str

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "message": self.message}


class LicenceImportFailed(ValidationFailed):
    code = ErrorCode.IMPORT_FAILED

    def __init__(self, problems: list[ImportProblem]):
        self.problems = problems
        errors = [FieldError(f"{p.row}:{p.column}", ErrorCode.IMPORT_FAILED, p.message) for p in problems]
        super().__init__(errors, message=f"导入未完成：共有 {len(problems)} 处错误，所有证照均未导入。请修改后重新导入。")
        self.detail = [p.as_dict() for p in problems]


@dataclass
class _Row:
    number: int
    cells: dict[str, Any]  # header -> raw value


@dataclass
class _Checked:
    row: int
    licence_type: LicenceType
    holder: Holder
    issuer: Any
    issued_on: dt.date
    valid_from: dt.date
    valid_until: Any
    number: str
    division_code: str
    attributes: dict = field(default_factory=dict)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def _rows(stream: BinaryIO, filename: str) -> tuple[list[str], list[_Row]]:
    """(headers, rows) of the first sheet of an .xlsx or of a UTF-8 (or GB18030) CSV."""
    data = stream.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise LicenceImportFailed([ImportProblem(0, "", f"文件超过 {MAX_BYTES // 1048576} MB，请分批导入。")])
    if filename.lower().endswith(".csv") or not data.startswith(b"PK"):
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = data.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise LicenceImportFailed([ImportProblem(0, "", "CSV 文件应为 UTF-8 或 GB18030 编码。")])
        if "\x00" in text:
            raise LicenceImportFailed([ImportProblem(0, "", "文件含有空字符（NUL），不是有效的 CSV 文件。")])
        table = list(csv.reader(io.StringIO(text)))
    else:
        from openpyxl import load_workbook

        # An .xlsx is a ZIP: judged from its directory before openpyxl unpacks anything.
        problem = zip_bomb_problem(io.BytesIO(data))
        if problem:
            raise LicenceImportFailed([ImportProblem(0, "", f"文件{problem}")])
        try:
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception:  # noqa: BLE001 — any unreadable file gets the same answer
            raise LicenceImportFailed([ImportProblem(0, "", "文件不是有效的 Excel（.xlsx）或 CSV 文件，请用模板填写后上传。")]) from None
        table = [list(r) for r in book.worksheets[0].iter_rows(values_only=True)]
    if not table:
        raise LicenceImportFailed([ImportProblem(1, "", "文件是空的：第 1 行应为列名。")])
    headers = [_text(h) for h in table[0]]
    rows = []
    for number, cells in enumerate(table[1:], start=2):
        if all(_text(c) == "" for c in cells):
            continue
        rows.append(_Row(number, {headers[i]: c for i, c in enumerate(cells) if i < len(headers) and headers[i]}))
        if len(rows) > MAX_ROWS:
            raise LicenceImportFailed([ImportProblem(number, "", f"行数超过上限 {MAX_ROWS}，请分批导入。")])
    return headers, rows


def _date(value: Any, column: str, row: int, problems: list[ImportProblem]) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _text(value).replace("/", "-").replace(".", "-")
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        problems.append(ImportProblem(row, column, f"「{_text(value)}」不是日期，请写成 2026-03-01。"))
        return None


def _check_row(row: _Row, problems: list[ImportProblem], types: dict[str, LicenceType]) -> _Checked | None:
    from yiwang.orgs.selectors import organisation_by_uscc

    before = len(problems)
    cells = row.cells
    code = _text(cells.get("证照类型代码")).upper()
    licence_type = types.get(code)
    if licence_type is None:
        problems.append(ImportProblem(row.number, "证照类型代码", f"「{code or '（空）'}」不是已启用的证照类型代码，请查看证照类型列表。"))
        return None
    kind = licence_type.holder_kind
    holder = Holder(kind, _text(cells.get("持证主体名称")), normalise_subject_id(_text(cells.get("持证主体代码"))))
    for error in holder_errors(holder):
        problems.append(ImportProblem(row.number, "持证主体名称" if error.field.endswith("name") else "持证主体代码", error.message))
    issuer_code = normalise_uscc(_text(cells.get("发证机关统一社会信用代码")))
    issuer = organisation_by_uscc(issuer_code) if issuer_code else licence_type.issuing_agency
    if issuer is None:
        problems.append(ImportProblem(row.number, "发证机关统一社会信用代码",
                                      f"找不到统一社会信用代码为「{issuer_code}」的机关。" if issuer_code
                                      else f"「{licence_type.name}」没有默认发证机关，请填写发证机关统一社会信用代码。"))
    issued_on = _date(cells.get("发证日期"), "发证日期", row.number, problems) if _text(cells.get("发证日期")) else None
    if issued_on is None and not _text(cells.get("发证日期")):
        problems.append(ImportProblem(row.number, "发证日期", "请填写发证日期。"))
    valid_from = (_date(cells.get("有效期起始"), "有效期起始", row.number, problems)
                  if _text(cells.get("有效期起始")) else issued_on)
    until_text = _text(cells.get("有效期截止"))
    from yiwang.licences.services.issuance import KEEP

    valid_until: Any = KEEP
    if until_text in LONG_TERM_WORDS:
        valid_until = None
    elif until_text:
        valid_until = _date(cells.get("有效期截止"), "有效期截止", row.number, problems)
    if isinstance(valid_until, dt.date) and valid_from and valid_until < valid_from:
        problems.append(ImportProblem(row.number, "有效期截止", "有效期截止日期不能早于起始日期。"))
    if issued_on and issued_on > dt.date.today():
        problems.append(ImportProblem(row.number, "发证日期", "发证日期不能在今天之后。"))
    number = _text(cells.get("证照编号"))
    if len(number) > 60:
        problems.append(ImportProblem(row.number, "证照编号", "证照编号不超过 60 个字符。"))
    division = _text(cells.get("行政区划")).upper()
    if division and (len(division) > 20 or not division.isalnum()):
        problems.append(ImportProblem(row.number, "行政区划", "行政区划代码应为不超过 20 位的数字或字母，如 610113。"))
    by_label = {f["label"]: f["key"] for f in licence_type.template_fields}
    attributes = {by_label[h]: _text(v) for h, v in cells.items() if h in by_label and _text(v)}
    _, attr_errors = clean_attributes(licence_type, attributes)
    labels = {f["key"]: f["label"] for f in licence_type.template_fields}
    for error in attr_errors:
        problems.append(ImportProblem(row.number, labels.get(error.field.split(".", 1)[-1], error.field), error.message))
    if len(problems) > before or issuer is None or issued_on is None or valid_from is None:
        return None
    return _Checked(row.number, licence_type, holder, issuer, issued_on, valid_from, valid_until, number, division, attributes)


@transaction.atomic
def licences_import(*, actor, stream: BinaryIO, filename: str = "") -> list[Licence]:
    """Check every row, then issue them all — or raise LicenceImportFailed and issue none."""
    from yiwang.licences.access import require_licence_staff_for_issuer

    headers, rows = _rows(stream, filename)
    problems: list[ImportProblem] = []
    types = {t.code: t for t in LicenceType.objects.filter(is_active=True).select_related("issuing_agency__division")}
    types.update({t.catalog_code: t for t in list(types.values()) if t.catalog_code})
    labels = {f["label"] for t in types.values() for f in t.template_fields}
    for header in headers:
        if header and header not in COLUMNS and header not in labels:
            problems.append(ImportProblem(1, header, f"未知的列「{header}」，请删除该列或改为模板中的列名。"))
    for header in REQUIRED:
        if header not in headers:
            problems.append(ImportProblem(1, header, f"缺少必需的列「{header}」。"))
    if problems:
        raise LicenceImportFailed(problems)
    if not rows:
        raise LicenceImportFailed([ImportProblem(2, "", "没有可导入的数据行。")])
    checked: list[_Checked] = []
    seen: dict[tuple, int] = {}
    for row in rows:
        item = _check_row(row, problems, types)
        if item is None:
            continue
        key = (item.licence_type.pk, subject_index(item.holder.identifier), item.number)
        if key in seen:
            problems.append(ImportProblem(row.number, "持证主体代码", f"与第 {seen[key]} 行是同一张证照（同类型、同持证主体、同编号）。"))
            continue
        seen[key] = row.number
        number = item.number or (item.holder.identifier if item.licence_type.number_rule == "holder_id" else "")
        if number and Licence.objects.filter(licence_type=item.licence_type, holder_id_index=key[1],
                                             number_index=blind_index(number, purpose=NUMBER_PURPOSE)).exists():
            problems.append(ImportProblem(row.number, "证照编号", "平台已有这张证照（同类型、同持证主体、同编号），不能重复导入。"))
            continue
        try:
            require_licence_staff_for_issuer(actor=actor, issuer=item.issuer)
        except NotFound:
            problems.append(ImportProblem(row.number, "发证机关统一社会信用代码", f"您无权为「{item.issuer.name}」导入证照（不在您的管理范围内）。"))
            continue
        checked.append(item)
    if problems:
        raise LicenceImportFailed(sorted(problems, key=lambda p: (p.row, p.column)))
    issued = [licence_issue(actor=actor, licence_type=c.licence_type, holder=c.holder, issuer=c.issuer, issued_on=c.issued_on,
                            valid_from=c.valid_from, valid_until=c.valid_until, attributes=c.attributes, number=c.number,
                            division_code=c.division_code, source=LicenceSource.IMPORT)
              for c in checked]
    record_event(actor=actor, action="licence.imported", object_type="licences.licence",
                 details={"count": len(issued), "file": filename[:100]})
    return issued


def template_rows(licence_type: LicenceType) -> list[list[str]]:
    """Header and one example row for the download template of a type."""
    headers = [*COLUMNS.keys(), *[f["label"] for f in licence_type.template_fields]]
    example = [licence_type.code, "", "", licence_type.issuing_agency.uscc if licence_type.issuing_agency else "", "",
               dt.date.today().isoformat(), "", "", ""] + [""] * len(licence_type.template_fields)
    return [headers, example]

